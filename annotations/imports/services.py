"""`import_file`: the one entry point of imports (API, command, tests).

It reads the bytes within the upload limit, tells the kinds apart (a native paper or group
export, a Hypothesis search result), checks the whole file before writing anything, and writes
in one transaction: a refused file leaves no row behind.

Who may import: active members of the target group (any role), as they may add papers
(`papers.permissions.can_add_paper`).

Quotas (annotations.imports.quotas), checked on the whole file before anything is written:
annotations and comments per file (413), and the per-paper quota of every way annotations are
made (400).
"""

import json

from django.core.exceptions import PermissionDenied
from django.db import transaction

from papers.models import Paper, ReadingGroup
from papers.permissions import can_add_paper
from papers.services import check_upload_size

from ..search.index import papers_index
from . import hypothesis, native
from .quotas import check_items, check_room
from .report import ImportRefused, ImportReport

NOT_A_MEMBER = "Only active members of this group may import into it."


def parse(data: bytes | str | dict) -> dict:
    """The file as a JSON object, or ImportRefused (UploadTooLarge over the size limit)."""
    if isinstance(data, dict):
        return data
    if isinstance(data, str):
        data = data.encode("utf-8")
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
) -> ImportReport:
    """Import a native export (new papers in `group`) or a Hypothesis search result (onto
    `paper`, an existing paper of `group`; `default_role` for annotations whose tags name no
    role). Raises PermissionDenied, ImportRefused (nothing written) or UploadTooLarge."""
    if not can_add_paper(user, group):
        raise PermissionDenied(NOT_A_MEMBER)
    document = parse(data)
    if native.is_native(document):
        if paper is not None:
            raise ImportRefused(
                "paper: a Marginalia export brings its own papers; leave the paper out."
            )
        checked = native.check(document)
        check_items(checked.items())
        for one in checked.papers:  # each comes back as a new paper
            check_room(None, adding=len(one.annotations))
        report = ImportReport(kind="native")
        with transaction.atomic():
            native.write(checked, group=group, user=user, report=report)
            papers_index(report.papers)
        return report
    if hypothesis.is_hypothesis(document):
        if paper is None:
            raise ImportRefused(
                "paper: a Hypothesis file goes onto an existing paper of the group; give its id."
            )
        rows = hypothesis.check(document)
        check_items(len(rows))
        target = _paper_of(group, paper)
        report = ImportReport(kind="hypothesis")
        with transaction.atomic():
            hypothesis.write(
                rows, paper=target, user=user, default_role=default_role, report=report
            )
            papers_index([target.pk])
        return report
    raise ImportRefused(
        'This is neither a Marginalia export (a "schema" of marginalia-export/1) nor a '
        'Hypothesis search result ("rows").'
    )
