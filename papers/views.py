"""The browser pages for groups and papers. Who may see what is papers.permissions' job."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from .forms import PaperUploadForm
from .models import Paper, ReadingGroup
from .permissions import can_add_paper
from .reading import load_reading
from .services import UploadTooLarge, paper_import_start


def _get_group_for_user(user, slug: str) -> ReadingGroup:
    """The group, or 404 when it does not exist or the user may not see it."""
    return get_object_or_404(ReadingGroup.objects.visible_to(user), slug=slug)


def _get_paper_for_user(user, paper_id: int) -> Paper:
    """The paper, or 404 when it does not exist or the user may not see it."""
    return get_object_or_404(Paper.objects.visible_to(user).select_related("group"), pk=paper_id)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    papers = Count("papers", distinct=True)
    mine = list(ReadingGroup.objects.member_of(request.user).annotate(paper_count=papers))
    public = (
        ReadingGroup.objects.visible_to(None)
        .exclude(id__in=[g.id for g in mine])
        .annotate(paper_count=papers)
    )
    return render(request, "papers/home.html", {"my_groups": mine, "public_groups": list(public)})


@require_GET
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    group = _get_group_for_user(request.user, slug)
    papers = (
        group.papers.select_related("created_by")
        # The paragraph count for every row in the same query (no query per paper).
        .annotate(paragraph_count=Count("paragraphs"))
        .order_by("-created", "-id")
    )
    context = {
        "group": group,
        "papers": papers,
        "can_add_paper": can_add_paper(request.user, group),
    }
    return render(request, "papers/group_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def paper_upload(request: HttpRequest, slug: str) -> HttpResponse:
    group = _get_group_for_user(request.user, slug)
    if not can_add_paper(request.user, group):
        raise PermissionDenied("Only members of this group may add papers.")
    status = 200
    if request.method == "POST":
        form = PaperUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                paper = paper_import_start(
                    group=group, user=request.user, **form.import_arguments()
                )
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
                form.too_large = isinstance(exc, UploadTooLarge)
            else:
                return redirect("papers:paper_detail", paper_id=paper.pk)
        status = 413 if form.too_large else 400
    else:
        form = PaperUploadForm()
    return render(request, "papers/upload.html", {"group": group, "form": form}, status=status)


@require_GET
def paper_detail(request: HttpRequest, paper_id: int) -> HttpResponse:
    paper = _get_paper_for_user(request.user, paper_id)
    reading = load_reading(paper) if paper.status == Paper.Status.READY else None
    context = {"paper": paper, "reading": reading}
    if paper.status == Paper.Status.IMPORTING:
        # What the page's script polls until the import is done (static/papers/import-progress.js).
        context["import_poll"] = {"url": reverse("paper-detail", args=[paper.pk]), "every": 2000}
    return render(request, "papers/paper_detail.html", context)
