"""`/healthz`: for load balancers and monitors. GET or HEAD, no authentication, no session, no
CSRF token; one `SELECT 1` on the database. 200 `{"status": "ok"}`, or 503 with `Retry-After`
`{"status": "unavailable", "detail"}` while the database cannot be reached."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from .outage import DATABASE_ERRORS, MESSAGE, outage, unavailable


@csrf_exempt  # GET and HEAD only: a POST is refused as 405, not as a missing token
@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DATABASE_ERRORS as error:
        outage.failed(error)
        return unavailable(request, body={"status": "unavailable", "detail": MESSAGE})
    return JsonResponse({"status": "ok"})
