"""Bringing an export back in (annotation imports; uploading a paper is papers.services): a
native export (annotations.exports.native) into another group or instance, and a Hypothesis
search result onto an existing paper. `import_file` is the entry point; docs/imports.md
says what comes back and how."""

from .report import ImportRefused, ImportReport
from .services import import_file

__all__ = ["ImportRefused", "ImportReport", "import_file"]
