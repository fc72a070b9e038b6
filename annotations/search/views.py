"""The search page, /search/?q=…: the navigation's search box lands here. Thin: the same
`search` as the API, a page of hits, the form filled in again. Works without JavaScript (a GET
form and links). A query that cannot be searched shows its message, with status 400."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .parser import MAX_LENGTH
from .query import Filters, hit_attribution_text, hit_url, mark, search, statuses

PAGE_SIZE = 20
KIND_LABELS = {
    "paper": "Paper",
    "paragraph": "Paragraph",
    "annotation": "Annotation",
    "comment": "Comment",
}


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    context = {
        "q": q,
        "max_length": MAX_LENGTH,
        "kinds": KIND_LABELS,
        "kind": request.GET.get("kind", ""),
    }
    if "q" not in request.GET:
        return render(request, "annotations/search.html", context)
    try:
        hits = search(request.user, q, Filters.from_params(request.GET))
    except ValidationError as error:
        context["errors"] = [m for messages in error.message_dict.values() for m in messages]
        return render(request, "annotations/search.html", context, status=400)
    page = Paginator(hits, PAGE_SIZE).get_page(request.GET.get("page"))
    found = statuses(page.object_list)
    context["page"] = page
    context["hits"] = [
        {
            "entry": hit,
            "kind": KIND_LABELS[hit.kind],
            "snippet": mark(hit.raw_snippet, hit.text),
            "url": hit_url(hit),
            "status": found.get((hit.kind, hit.object_id)),
            "attribution": hit_attribution_text(hit),
        }
        for hit in page.object_list
    ]
    params = request.GET.copy()
    params.pop("page", None)
    context["params"] = params.urlencode()
    return render(request, "annotations/search.html", context)
