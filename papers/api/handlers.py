"""Django's error views (config/urls.py's handler400, handler403, handler404, handler500): under
/api/ every error is JSON, `{"detail": "…"}`, as DRF's own errors are, also where no DRF view
answers (an unknown /api/v1/ path, a URL whose parameter matches no route, an exception that
escaped a view); pages keep Django's HTML pages (templates/404.html and the like)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    """Whether the request is the API's (its errors are JSON): papers/web's middlewares ask too.
    The path inside the site (path_info), so that a site served under a prefix still answers."""
    return request.path_info.startswith(API_PREFIX)


def _json(detail: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return _json("The request could not be understood.", 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return _json("You do not have permission to perform this action.", 403)
    return defaults.permission_denied(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return _json("Not found.", 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return _json("A server error occurred; it has been logged.", 500)
    return defaults.server_error(request)
