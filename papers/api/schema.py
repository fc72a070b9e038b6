"""What the OpenAPI schema (drf-spectacular, `/api/schema/`) says beyond what it finds in the
views: the error answers every operation may give, and an AutoSchema for a `list` action that
answers one object. tests/test_api_fuzz.py holds the API to the schema (Schemathesis)."""

from drf_spectacular.openapi import AutoSchema

_DETAIL = {"$ref": "#/components/schemas/ErrorDetail"}
_FIELDS = {"$ref": "#/components/schemas/ValidationErrors"}

ERROR_SCHEMAS = {
    "ErrorDetail": {
        "type": "object",
        "description": "An error in one line.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationErrors": {
        "type": "object",
        "description": 'Bad input: each field\'s messages (`{"role": ["…"]}`; '
        '`non_field_errors` for the body as a whole), or `{"detail": "…"}` in one line.',
        "additionalProperties": True,
    },
}

# The contract's errors (shared/API.md, "Errors"), each answered in JSON by any operation:
# bad input; a token that is wrong (or none, where one is needed); what the caller can see but
# may not change; what the caller may not see, or what does not exist; throttled.
EVERY_OPERATION = {
    "400": ("Bad input: what is wrong, per field or in one line.", _FIELDS),
    "401": ("No credentials where they are needed, or a token that is not valid.", _DETAIL),
    "403": ("The caller may see this but may not do that.", _DETAIL),
    "404": ("No such thing, or one the caller may not see.", _DETAIL),
    "429": ("Too many requests: throttled (`Retry-After` says when to try again).", _DETAIL),
}
# Answered only where the request has a body.
WITH_A_BODY = {
    "413": ("The request body (or the uploaded file) is over the size limit.", _DETAIL),
    "415": ("A request body of a media type this operation does not read.", _DETAIL),
}


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]): the
    error answers of every operation under /api/v1/, unless the operation describes its own."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = dict(EVERY_OPERATION)
            if "requestBody" in operation:
                errors.update(WITH_A_BODY)
            for code, (description, schema) in errors.items():
                response = operation["responses"].setdefault(code, {"description": description})
                response.setdefault("content", {"application/json": {"schema": schema}})
    return result


class OneObjectSchema(AutoSchema):
    """For a viewset whose `list` answers one object (counts and the items, say), not a list:
    drf-spectacular takes any `list` action for an array otherwise."""

    def _is_list_view(self, serializer=None) -> bool:
        return False
