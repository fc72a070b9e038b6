"""The insights' pages: a paper's argument map and its agreement (with the disagreements).

Thin: the paper the reader may see (404 otherwise, as everywhere), then the page's context from
`outline.argument_page` and `report.agreement_page`. Readable without JavaScript: the map
shows as a nested outline; the script draws the SVG map on top (static/insights/).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..views import _get_paper_for_user
from .outline import argument_page
from .report import agreement_page


@require_safe
def paper_argument(request: HttpRequest, paper_id: int) -> HttpResponse:
    paper = _get_paper_for_user(request.user, paper_id)
    context = {"paper": paper, **argument_page(request, paper)}
    return render(request, "annotations/insights/argument.html", context)


@require_safe
def paper_agreement(request: HttpRequest, paper_id: int) -> HttpResponse:
    paper = _get_paper_for_user(request.user, paper_id)
    context = {"paper": paper, **agreement_page(request, paper)}
    return render(request, "annotations/insights/agreement.html", context)
