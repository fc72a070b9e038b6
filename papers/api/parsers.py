"""JSON that cannot nest deeper than MAX_JSON_DEPTH, in one place: the API's JSON parser
(REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"], and every viewset that names its parsers) and
`BoundedJSONField` for JSON sent as a form field.

Python's json module decodes thousands of levels and raises RecursionError past them, and code
that walks a decoded document (serializers, validators, the importers) recurses as deep again:
a body of `[[[[…]]]]` 50,000 levels deep answered 500 on every JSON endpoint, the anonymous
token endpoint included. The depth is counted before decoding, outside strings, so that a deep
body is refused before it is built.
"""

import json
import re
from itertools import accumulate

from rest_framework import parsers, serializers
from rest_framework.exceptions import ParseError
from rest_framework.utils.json import strict_constant

# Real documents (an export, a Hypothesis search result) nest fewer than ten levels.
MAX_JSON_DEPTH = 64
TOO_DEEP = f"The JSON is nested too deeply: at most {MAX_JSON_DEPTH} levels of arrays and objects."

# After escaped backslashes and escaped quotes are dropped, every quote left opens or closes a
# string: a string is then a quote, anything but a quote, a quote.
_STRINGS = re.compile(r'"[^"]*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the arrays and objects of a JSON text nest deeper than `limit`. Linear, in C-speed
    passes (replace, regular expressions without alternatives, accumulate): for a large body about
    as long as decoding it (25 MB: 0.35 s of CPU, json.loads 0.3 s), nothing for a small one."""
    if text.count("[") + text.count("{") <= limit:
        return False
    plain = text.replace("\\\\", "").replace('\\"', "")
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", plain))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > limit


class TooDeep(ValueError):
    """A JSON text nested deeper than MAX_JSON_DEPTH."""


def loads(text: str, **kwargs):
    """json.loads, refusing (TooDeep) a text that nests too deeply before decoding it."""
    if too_deep(text):
        raise TooDeep(TOO_DEEP)
    try:
        return json.loads(text, **kwargs)
    except RecursionError:  # not reached below MAX_JSON_DEPTH; kept as a last guard
        raise TooDeep(TOO_DEEP) from None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with the depth limit: a 400 `{"detail"}` instead of a RecursionError."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        parse_constant = strict_constant if self.strict else None
        try:
            return loads(text, parse_constant=parse_constant)
        except TooDeep as exc:
            raise ParseError(str(exc)) from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None


class BoundedJSONField(serializers.JSONField):
    """A JSONField whose text (a form field's value) is held to the same depth limit."""

    def to_internal_value(self, data):
        if self.binary or getattr(data, "is_json_string", False):
            if isinstance(data, bytes):
                data = data.decode()
            try:
                return loads(data)
            except TooDeep as exc:
                raise serializers.ValidationError(str(exc)) from None
            except ValueError:
                self.fail("invalid")
        return super().to_internal_value(data)
