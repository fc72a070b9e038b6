"""The import page, /groups/<slug>/import/: upload a Marginalia JSON export or a Hypothesis
search result into a group, through `annotations.imports.jobs.import_start` (as the API does):
a file from MARGINALIA_ASYNC_IMPORT_BYTES on is imported in the background as a job: the page
redirects to the job's page, /groups/<slug>/import/<id>/, which shows its progress (polling the
API) and then its report or its error, and where a finished job is dismissed. A job is its
importer's only (404 otherwise).

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
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from papers.models import ReadingGroup
from papers.permissions import can_add_paper, remember_membership
from papers.services import UploadTooLarge

from ..models import AnnotationImport
from . import ImportReport
from .forms import ImportForm
from .jobs import (
    import_job_dismiss,
    import_job_recover_if_stale,
    import_start,
)
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
            filename = form.cleaned_data["file"].name
            try:
                report = import_start(
                    user=request.user, group=group, filename=filename, **form.import_arguments()
                )
            except ValidationError as exc:  # ImportRefused, UploadTooLarge
                form.add_error(None, " ".join(exc.messages))
                form.too_large = isinstance(exc, UploadTooLarge)
            else:
                if isinstance(report, AnnotationImport):  # a large file: queued
                    return redirect("annotations:import_job", slug=group.slug, job_id=report.pk)
                messages.success(request, f"Imported: {report.summary()}")
                if report.not_anchored:
                    messages.warning(request, _not_anchored_message(report))
                return redirect(_landing(group, report))
        status = 413 if form.too_large else 400
    else:
        form = ImportForm(group=group)
    context = {"group": group, "form": form}
    return render(request, "imports/group_import.html", context, status=status)


def _get_job_for_user(user, slug: str, job_id: int) -> AnnotationImport:
    """The user's own job into this group, or 404 (anyone else's, or another group's)."""
    return get_object_or_404(
        AnnotationImport.objects.visible_to(user).select_related("group", "paper"),
        pk=job_id,
        group__slug=slug,
    )


@login_required
@require_safe
def import_job(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    job = import_job_recover_if_stale(_get_job_for_user(request.user, slug, job_id))
    context = {"group": job.group, "job": job}
    if job.status == AnnotationImport.Status.DONE:
        report = ImportReport(**_report_fields(job.report))
        context["summary"] = report.summary()
        context["not_anchored"] = _not_anchored_message(report) if report.not_anchored else ""
        context["landing"] = _landing(job.group, report)
    elif not job.is_finished:
        # What the page's script polls until the job ends (static/papers/import-progress.js).
        context["import_poll"] = {
            "url": reverse("import-detail", args=[job.pk]),
            "every": 2000,
            "pending": [AnnotationImport.Status.QUEUED, AnnotationImport.Status.RUNNING],
        }
    return render(request, "imports/import_job.html", context)


def _report_fields(report: dict) -> dict:
    """ImportReport's fields from its `as_dict()` (which adds a few names of its own)."""
    known = ImportReport.__dataclass_fields__
    return {key: value for key, value in report.items() if key in known}


@login_required
@require_POST
def import_job_dismiss_page(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    job = _get_job_for_user(request.user, slug, job_id)
    try:
        import_job_dismiss(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("annotations:import_job", slug=slug, job_id=job.pk)
    messages.success(request, "The import was dismissed.")
    return redirect("annotations:group_import", slug=slug)
