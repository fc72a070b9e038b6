"""Reading and checking an import's file, the part that costs memory and time in proportion to
the file (a 45 MB Hypothesis file took about 970 MB): JSON decoding, then the whole file checked
by its kind (`native.check`, `hypothesis.check`) before anything is written.

`check_isolated` runs it in a child process with MARGINALIA_IMPORT_TIMEOUT and
MARGINALIA_IMPORT_MEMORY_MB, through the same `papers.importing.isolation` that paper uploads
use; the checked file comes back pickled, and only the write (`annotations.imports.services`)
runs in the calling process. No database here: the child must not touch the parent's
connections.
"""

import json

from django.conf import settings

from papers.importing import ImportFailed
from papers.importing.isolation import parse_isolated
from papers.services import check_upload_size

from . import hypothesis, native
from .report import ImportRefused

__all__ = ["Checked", "check_document", "check_isolated", "parse"]

NEITHER = (
    'This is neither a Marginalia export (a "schema" of marginalia-export/1) nor a '
    'Hypothesis search result ("rows").'
)

# (kind, what the kind's `check` made of it): ("native", CheckedFile) or ("hypothesis", [Row]).
Checked = tuple[str, object]


def parse(data: bytes | str | dict) -> dict:
    """The file as a JSON object, or ImportRefused (UploadTooLarge over the size limit)."""
    if isinstance(data, dict):
        return data
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, bytes):
        raise ImportRefused("Send the file's content: a JSON object.")
    check_upload_size(len(data))
    if not data.strip():
        raise ImportRefused("The file is empty.")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportRefused("The file is not UTF-8 text, so it is not JSON.") from None
    except RecursionError:
        raise ImportRefused(
            "The file is not JSON this importer reads: nested too deeply."
        ) from None
    except ValueError as error:  # json.JSONDecodeError, or a number too long to read
        raise ImportRefused(f"The file is not JSON: {error}.") from None
    if not isinstance(document, dict):
        raise ImportRefused(
            "The file holds JSON, but not an object: expected a Marginalia export or a "
            "Hypothesis search result."
        )
    return document


def check_document(document: dict) -> Checked:
    """Tell the kinds apart and check the whole file (ImportRefused on the first problem)."""
    if native.is_native(document):
        return "native", native.check(document)
    if hypothesis.is_hypothesis(document):
        return "hypothesis", hypothesis.check(document)
    raise ImportRefused(NEITHER)


def _check_in_child(data: bytes, *, filename: str = "", fmt=None, progress=None) -> Checked:
    """The child's work (`parse_isolated`'s `parse`): its refusals travel as ImportFailed."""
    try:
        document = parse(data)
        if progress is not None:
            progress(0.5)  # decoded; the check is the other half
        checked = check_document(document)
        if progress is not None:
            progress(1.0)
        return checked
    except ImportRefused as exc:
        raise ImportFailed(" ".join(exc.messages)) from None


def check_isolated(data: bytes | str, *, progress=None) -> Checked:
    """`parse` and `check_document` in a child process within the import limits."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    check_upload_size(len(data))  # before a process is started for it
    try:
        return parse_isolated(
            data,
            filename="import.json",
            progress=progress,
            timeout=settings.MARGINALIA_IMPORT_TIMEOUT,
            memory_mb=settings.MARGINALIA_IMPORT_MEMORY_MB,
            parse=_check_in_child,
        )
    except ImportFailed as exc:
        raise ImportRefused(str(exc)) from None
