"""A NUL character in a query parameter is a 400, on every page and API view alike.

PostgreSQL text cannot hold NUL: a filter holding one (`?q=`, `?group=`, …) failed in the
database with a 500 (found by the API fuzz, and the search page's `q` could do the same). Form
and serializer fields already refuse NUL in bodies (Django's and DRF's CharField validators);
query parameters reach querysets unchecked, so they are refused here, once, before any view.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

from ..api.handlers import is_api

MESSAGE = "A query parameter holds a NUL character."


def _holds_nul(request: HttpRequest) -> bool:
    raw = request.META.get("QUERY_STRING", "")
    if "%00" not in raw and "\x00" not in raw:  # the usual case: no parsing of the query
        return False
    return any(
        "\x00" in name or any("\x00" in value for value in values)
        for name, values in request.GET.lists()
    )


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _holds_nul(request):
            return self.get_response(request)
        if is_api(request):
            return JsonResponse({"detail": MESSAGE}, status=400)
        return HttpResponseBadRequest(f"<h1>Bad request</h1><p>{MESSAGE}</p>")
