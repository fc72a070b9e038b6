"""`import_file`: the one entry point of imports (API, command, background jobs, tests).

It reads the bytes within the upload limit and checks the whole file in a child process with
the import limits (`annotations.imports.checking`; a dict already in memory is checked here),
then writes in one transaction: a refused file leaves no row behind. A background import
(`annotations.imports.jobs`) calls it as the API does, with `progress` and `on_written`.

Who may import: active members of the target group (any role), as they may add papers
(`papers.permissions.can_add_paper`).

Quotas (annotations.imports.quotas), checked on the whole file before anything is written:
annotations and comments per file (413), and the per-paper quota of every way annotations are
made (400).
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction

from papers.importing.pipeline import Progress
from papers.models import Paper, ReadingGroup
from papers.permissions import can_add_paper

from ..search.index import papers_index
from . import hypothesis, native
from .checking import NEITHER, check_document, check_isolated, parse
from .quotas import check_items, check_room
from .report import ImportRefused, ImportReport

__all__ = ["NOT_A_MEMBER", "import_file", "parse"]

NOT_A_MEMBER = "Only active members of this group may import into it."


def _paper_of(group: ReadingGroup, paper: Paper | int) -> Paper:
    paper_id = paper.pk if isinstance(paper, Paper) else paper
    found = Paper.objects.filter(group=group, pk=paper_id).select_related("group").first()
    if found is None:
        raise ImportRefused(f"paper: there is no paper {paper_id} in this group.")
    if found.status != Paper.Status.READY:
        raise ImportRefused(f"paper: paper {paper_id} is not ready (it is {found.status}).")
    found.group = group
    return found


def import_file(
    *,
    user,
    group: ReadingGroup,
    data: bytes | str | dict,
    paper: Paper | int | None = None,
    default_role: str | None = None,
    progress: Progress | None = None,
    on_written: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import a native export (new papers in `group`) or a Hypothesis search result (onto
    `paper`, an existing paper of `group`; `default_role` for annotations whose tags name no
    role). Raises PermissionDenied, ImportRefused (nothing written) or UploadTooLarge.

    `progress` hears the fraction of the checking done (the child's); `on_written(report)` is
    called inside the transaction once everything is written, and what it raises undoes it."""
    if not can_add_paper(user, group):
        raise PermissionDenied(NOT_A_MEMBER)
    if isinstance(data, dict):
        kind, checked = check_document(data)
    else:
        kind, checked = check_isolated(data, progress=progress)
    if kind == "native":
        if paper is not None:
            raise ImportRefused(
                "paper: a Marginalia export brings its own papers; leave the paper out."
            )
        check_items(checked.items())
        for one in checked.papers:  # each comes back as a new paper
            check_room(None, adding=len(one.annotations))
        report = ImportReport(kind="native")
        with transaction.atomic():
            native.write(checked, group=group, user=user, report=report)
            papers_index(report.papers)
            if on_written is not None:
                on_written(report)
        return report
    if kind == "hypothesis":
        if paper is None:
            raise ImportRefused(
                "paper: a Hypothesis file goes onto an existing paper of the group; give its id."
            )
        check_items(len(checked))
        target = _paper_of(group, paper)
        report = ImportReport(kind="hypothesis")
        with transaction.atomic():
            hypothesis.write(
                checked, paper=target, user=user, default_role=default_role, report=report
            )
            papers_index([target.pk])
            if on_written is not None:
                on_written(report)
        return report
    raise ImportRefused(NEITHER)
