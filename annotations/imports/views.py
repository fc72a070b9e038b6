"""The import page, /groups/<slug>/import/: upload a Marginalia JSON export or a Hypothesis
search result into a group, through `annotations.imports.import_file` (as the API and the
`import_export` command do).

Permissions as the paper upload page and the API: a group the user may not see answers 404;
one they see but are not an active member of (a public group, the banned) 403. A refused file
shows the form again with the importer's one-line message (400; nothing was written), a file
over the limit 413. A successful import redirects (POST/redirect/GET) with the report's summary
as a message: to the paper a Hypothesis file went onto or a single paper that came back, else to
the group.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from papers.models import ReadingGroup
from papers.permissions import can_add_paper, remember_membership
from papers.services import UploadTooLarge

from . import ImportReport, import_file
from .forms import ImportForm
from .services import NOT_A_MEMBER

# How many rows that found no place are named in the page's message; the rest are counted.
NOT_ANCHORED_SHOWN = 5


def _not_anchored_message(report: ImportReport) -> str:
    rows = report.not_anchored
    named = [
        f"“{row['exact'][:60]}” ({row['reason']})" if row.get("exact") else row["reason"]
        for row in rows[:NOT_ANCHORED_SHOWN]
    ]
    more = f"; and {len(rows) - NOT_ANCHORED_SHOWN} more" if len(rows) > NOT_ANCHORED_SHOWN else ""
    return "Not anchored: " + "; ".join(named) + more + "."


def _landing(group: ReadingGroup, report: ImportReport) -> str:
    if len(report.papers) == 1:
        return reverse("annotations:paper_workspace", args=[report.papers[0]])
    return reverse("papers:group_detail", kwargs={"slug": group.slug})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def group_import(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(ReadingGroup.objects.visible_to(request.user), slug=slug)
    remember_membership(request.user, group)
    if not can_add_paper(request.user, group):
        raise PermissionDenied(NOT_A_MEMBER)
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, group=group)
        if form.is_valid():
            try:
                report = import_file(user=request.user, group=group, **form.import_arguments())
            except ValidationError as exc:  # ImportRefused, UploadTooLarge
                form.add_error(None, " ".join(exc.messages))
                form.too_large = isinstance(exc, UploadTooLarge)
            else:
                messages.success(request, f"Imported: {report.summary()}")
                if report.not_anchored:
                    messages.warning(request, _not_anchored_message(report))
                return redirect(_landing(group, report))
        status = 413 if form.too_large else 400
    else:
        form = ImportForm(group=group)
    context = {"group": group, "form": form}
    return render(request, "imports/group_import.html", context, status=status)
