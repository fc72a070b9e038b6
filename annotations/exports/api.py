"""The export API: a paper or a whole group as a file, in any format of annotations.exports,
streamed; and the JSON Schema of the native format.

- GET /api/v1/papers/{id}/export/?format=json|jsonld|csv|aif
- GET /api/v1/groups/{slug}/export/?format=…
- GET /api/v1/schema/export.json

What the caller may see decides everything: the paper or group comes from `visible_to` (404
otherwise, never 403), and the format is given the caller (`user=request.user`), so that it
writes only what they may see, with hidden items for moderators, marked. Anyone who may read a
public group may export it, anonymous readers included. `user=None`, "everything", is the
export commands' alone: these views never pass it.

The response streams (StreamingHttpResponse over the format's chunks, annotations.export_files):
its first bytes leave before the first row is read, and memory stays flat whatever the size.
"""

from pathlib import Path

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control, patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from papers.api.base import APIv1Settings
from papers.models import Paper, ReadingGroup
from papers.permissions import remember_membership

from . import FORMATS, ExportFormat, get_format
from .files import content_disposition, export_bytes, group_filenames, paper_filenames

SCHEMA_FILE = Path(__file__).resolve().parent / "export.schema.json"


class PaperNotReady(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_ready"


class FormatIsTheFile(DefaultContentNegotiation):
    """`?format=` names the export's file format here, not one of DRF's renderers (DRF reads it
    as URL_FORMAT_OVERRIDE and answers 404 to `format=csv`): errors always answer in JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportSettings(APIv1Settings):
    """The API's settings (token, then session; throttles), read-only for anyone, answering
    errors in JSON whatever `format` says."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FormatIsTheFile


def _format(request) -> ExportFormat:
    """Checked before the paper or group is looked up: a bad format answers 400 for every id,
    so the answer says nothing about what exists."""
    try:
        return get_format(request.query_params.get("format") or "json")
    except ValueError as error:
        raise ValidationError({"format": [str(error)]}) from None


def _streamed(chunks, export: ExportFormat, names: tuple[str, str]) -> StreamingHttpResponse:
    content_type = export.content_type
    if content_type.startswith("text/") and "charset" not in content_type:
        content_type += "; charset=utf-8"
    response = StreamingHttpResponse(export_bytes(chunks), content_type=content_type)
    response["Content-Disposition"] = content_disposition(names)
    # What the caller may see: never kept by a shared cache, nor by the browser.
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Authorization", "Cookie"])
    return response


EXPORT_SCHEMA = {
    "parameters": [
        OpenApiParameter(
            "format",
            str,
            enum=sorted(FORMATS),
            default="json",
            description="json: the native export (complete, re-importable; described by "
            "/api/v1/schema/export.json); jsonld: W3C Web Annotation AnnotationCollection; csv: "
            "one row per annotation and comment; aif: AIF JSON of the argument.",
        )
    ],
    "responses": {
        # One entry per media type the formats answer with.
        **{
            (200, media_type.split(";")[0]): OpenApiResponse(
                # JSON formats are one object; CSV is text.
                OpenApiTypes.OBJECT if "json" in media_type else OpenApiTypes.STR,
                description="The file, streamed, with `Content-Disposition: attachment` and a "
                "file name; its type is the format's.",
            )
            for media_type in sorted({export.content_type for export in FORMATS.values()})
        },
        400: OpenApiResponse(description="An unknown format: the message lists the formats."),
        404: OpenApiResponse(description="No such paper or group, or one the caller may not see."),
    },
}


class PaperExportView(ExportSettings, APIView):
    """One paper, as the caller may see it."""

    @extend_schema(
        operation_id="papers_export",
        tags=["papers"],
        parameters=EXPORT_SCHEMA["parameters"],
        responses={
            **EXPORT_SCHEMA["responses"],
            409: OpenApiResponse(
                description="The paper is still importing, or its import failed: nothing to "
                "export yet."
            ),
        },
    )
    def get(self, request, pk: int):
        export = _format(request)
        paper = get_object_or_404(
            Paper.objects.visible_to(request.user).select_related("group"), pk=pk
        )
        if paper.status == Paper.Status.IMPORTING:
            raise PaperNotReady(
                f"This paper is still being imported ({paper.progress}%): export it when its "
                "status is ready."
            )
        if paper.status == Paper.Status.FAILED:
            raise PaperNotReady("This paper's import failed: it has nothing to export.")
        # The caller's role in the group, asked once for every permission question the format
        # asks about this group object.
        remember_membership(request.user, paper.group)
        chunks = export.paper(paper, user=request.user)
        return _streamed(chunks, export, paper_filenames(paper, export.extension))


class GroupExportView(ExportSettings, APIView):
    """Every paper of a group, as the caller may see them."""

    @extend_schema(operation_id="groups_export", tags=["groups"], **EXPORT_SCHEMA)
    def get(self, request, slug: str):
        export = _format(request)
        group = get_object_or_404(ReadingGroup.objects.visible_to(request.user), slug=slug)
        remember_membership(request.user, group)
        chunks = export.group(group, user=request.user)
        return _streamed(chunks, export, group_filenames(group, export.extension))


class ExportSchemaView(APIView):
    """The JSON Schema of the native export (`format=json`): public, and the same for everyone,
    so caches may keep it for a day."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FormatIsTheFile

    @extend_schema(
        operation_id="schema_export",
        tags=["schema"],
        responses={(200, "application/schema+json"): OpenApiTypes.OBJECT},
    )
    def get(self, request):
        response = HttpResponse(SCHEMA_FILE.read_bytes(), content_type="application/schema+json")
        patch_cache_control(response, public=True, max_age=24 * 60 * 60)
        return response
