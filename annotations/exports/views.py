"""The export pages: choose a format (and for a paper, this paper or its whole group), then
Download, which sends the browser to the export API (annotations.api_exports) with the session
cookie, so that the page and outside clients get the same file.

The form is a GET to the page itself: with a valid choice it redirects to the API's URL, so that
it works without JavaScript. A paper or group the user may not see answers 404.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from papers.models import Paper, ReadingGroup
from papers.permissions import is_moderator_or_owner, remember_membership

from ..views import _get_paper_for_user
from . import FORMATS


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    description: str


# What each format is for, one line each; a format without a line here is offered by its name.
DESCRIPTIONS = {
    "json": ("Marginalia JSON", "Complete, re-importable into Marginalia."),
    "jsonld": ("W3C Web Annotation JSON-LD", "For annotation tools that read the W3C model."),
    "csv": ("CSV", "One row per annotation and comment: spreadsheets, pandas, R."),
    "aif": ("AIF", "The argument (claims, supports, attacks) for argument tools."),
}


def format_choices() -> list[Choice]:
    return [Choice(name, *DESCRIPTIONS.get(name, (name, ""))) for name in FORMATS]


def _chosen_format(request: HttpRequest) -> tuple[str, str | None]:
    """The format asked for (json when the form was not sent), and an error for an unknown one."""
    name = request.GET.get("format", "json")
    if name not in FORMATS:
        return "json", f"Choose one of the formats: {', '.join(FORMATS)}."
    return name, None


def _download(url: str, name: str) -> HttpResponse:
    return redirect(f"{url}?{urlencode({'format': name})}")


def _page(
    request: HttpRequest,
    group: ReadingGroup,
    paper: Paper | None,
    *,
    chosen: str,
    scope: str,
    error: str | None,
) -> HttpResponse:
    """The export page of the paper, or of the group (no paper); 400 with the error shown."""
    context = {
        "group": group,
        "paper": paper,
        "formats": format_choices(),
        "chosen": chosen,
        "scope": scope,
        "error": error,
        "moderator": is_moderator_or_owner(request.user, group),
    }
    return render(request, "exports/export.html", context, status=400 if error else 200)


@require_safe
def paper_export(request: HttpRequest, paper_id: int) -> HttpResponse:
    paper = _get_paper_for_user(request.user, paper_id)
    group = paper.group
    name, error = _chosen_format(request)
    scope = request.GET.get("scope", "paper" if paper.status == Paper.Status.READY else "group")
    if scope not in ("paper", "group"):
        scope, error = "paper", "Choose this paper or the whole group."
    if scope == "paper" and paper.status != Paper.Status.READY:
        scope, error = "group", "This paper has nothing to export until its import is done."
    if "format" in request.GET and error is None:
        if scope == "group":
            return _download(reverse("group-export", args=[group.slug]), name)
        return _download(reverse("paper-export", args=[paper.pk]), name)
    return _page(request, group, paper, chosen=name, scope=scope, error=error)


@require_safe
def group_export(request: HttpRequest, slug: str) -> HttpResponse:
    group = get_object_or_404(ReadingGroup.objects.visible_to(request.user), slug=slug)
    remember_membership(request.user, group)
    name, error = _chosen_format(request)
    if "format" in request.GET and error is None:
        return _download(reverse("group-export", args=[group.slug]), name)
    return _page(request, group, None, chosen=name, scope="group", error=error)
