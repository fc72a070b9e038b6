"""The browser pages of annotations: the reading page of a paper, which is the annotation
workspace (the paper laid out by papers.reading with the annotation layer of
annotations.workspace drawn on it, and static/annotations/workspace.js on top).

A paper the user may not see answers 404 (Paper.objects.visible_to); what they see of its
annotations is Annotation.objects.visible_to's answer. Writing goes through the REST API, which
the page's script calls like any other client; the page itself writes one thing, a member's
visit (notifications: what is new since the last one).
"""

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from papers.models import Paper
from papers.permissions import can_retry_import, remember_membership
from papers.reading import load_reading
from papers.recovery import paper_recover_if_stale

from .notifications.services import paper_visited
from .workspace import load_workspace


def _get_paper_for_user(user, paper_id: int) -> Paper:
    """The paper, or 404 when it does not exist or the user may not see it. The user's
    membership of its group is looked up once here for every permission question."""
    paper = get_object_or_404(Paper.objects.visible_to(user).select_related("group"), pk=paper_id)
    remember_membership(user, paper.group)
    return paper


@require_safe
def paper_workspace(request: HttpRequest, paper_id: int) -> HttpResponse:
    # An import whose worker died is shown (and marked) failed, with "Try again".
    paper = paper_recover_if_stale(_get_paper_for_user(request.user, paper_id))
    context = {"paper": paper, "reading": None}
    if paper.status == Paper.Status.READY:
        # A member's visit is recorded; the comments since the one before are marked "new".
        last_visit = paper_visited(user=request.user, paper=paper)
        workspace = load_workspace(paper, request.user, last_visit=last_visit)
        context["reading"] = load_reading(
            paper, highlights=workspace.highlights, asides=workspace.asides
        )
        context["workspace"] = workspace
        context["workspace_data"] = {**workspace.data, "csrfToken": get_token(request)}
    elif paper.status == Paper.Status.IMPORTING:
        # What the page's script polls until the import is done (static/papers/import-progress.js).
        context["import_poll"] = {"url": reverse("paper-detail", args=[paper.pk]), "every": 2000}
    else:
        # A failed import: who may dismiss it (delete it) may also retry it.
        context["can_retry"] = can_retry_import(request.user, paper)
    return render(request, "annotations/paper_workspace.html", context)
