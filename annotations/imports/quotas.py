"""An import's quotas, checked before anything is written (docs/imports.md, "Quotas").

- MARGINALIA_MAX_IMPORT_ITEMS: annotations and comments in one file. Past it, UploadTooLarge
  (413, as a file over MARGINALIA_MAX_UPLOAD_MB: the request is more than the server takes).
- MARGINALIA_MAX_ANNOTATIONS_PER_PAPER: the quota of every way annotations are made, asked of
  its one place (annotations.services.check_annotation_room). Past it, QuotaRefused: an
  ImportRefused (400), so whoever runs an import (the API, the page, the command, a background
  task) handles one error for a file refused whole, and still a TooManyAnnotations.
"""

from django.conf import settings

from papers.errors import UploadTooLarge
from papers.models import Paper

from ..services import TooManyAnnotations, check_annotation_room
from .report import ImportRefused


class QuotaRefused(ImportRefused, TooManyAnnotations):
    """The file's annotations would take a paper past MARGINALIA_MAX_ANNOTATIONS_PER_PAPER."""


def check_items(count: int) -> None:
    """Refuse a file of more than MARGINALIA_MAX_IMPORT_ITEMS annotations and comments."""
    limit = settings.MARGINALIA_MAX_IMPORT_ITEMS
    if count > limit:
        raise UploadTooLarge(
            f"The file holds {count:,} annotations and comments; one import takes at most "
            f"{limit:,} (MARGINALIA_MAX_IMPORT_ITEMS). Split it, or import it paper by paper."
        )


def check_room(paper: Paper | None, *, adding: int) -> None:
    """Refuse `adding` annotations onto `paper` (None: a paper the import creates) past the
    per-paper quota."""
    try:
        check_annotation_room(paper, adding=adding)
    except TooManyAnnotations as error:
        raise QuotaRefused(error.messages[0]) from None
