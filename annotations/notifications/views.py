"""The notifications pages, for the signed-in user (anyone else is sent to log in):

GET  /notifications/                  newest first, 50 a page, `?unread=1` for the unread only
GET  /notifications/<id>/open/        mark it read and go where it leads (describe.url)
POST /notifications/<id>/read/        mark it read, back to the list
POST /notifications/read-all/         mark every one shown read, back to the list

Only what `shown_to` lets through, as everywhere: a notification that is not the caller's, or
whose post they may no longer see, answers 404 to opening and marking. The list reads its page
in a fixed number of queries (the count, the rows with what they say joined: describe.py).
Works without JavaScript: the marking is plain forms.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from ..moments import ago
from . import describe, services
from .models import Notification
from .shown import shown_to

PAGE_SIZE = 50


@dataclass
class Item:
    """A notification with what its line on the page says."""

    notification: Notification
    sentence: str
    text: str
    reason: str
    ago: str

    @classmethod
    def of(cls, n: Notification, now: datetime) -> "Item":
        return cls(
            n, describe.sentence(n), describe.text(n), describe.reason(n), ago(n.created, now)
        )


@require_safe
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    rows = shown_to(request.user)
    if unread_only:
        rows = rows.filter(read__isnull=True)
    rows = describe.with_related(rows).order_by("-created", "-id")
    now = timezone.now()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "annotations/notifications/list.html",
        {
            "page": page,
            "items": [Item.of(n, now) for n in page],
            "unread_only": unread_only,
            # Where the forms come back to: this very page (filter and page number kept).
            "here": request.get_full_path(),
        },
    )


def _shown_or_404(request: HttpRequest, notification_id: int) -> Notification:
    try:
        return services.mark_read(user=request.user, notification_id=notification_id)
    except Notification.DoesNotExist:
        raise Http404("No such notification.") from None


@require_safe
@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """A GET, so that the list's links are plain links (open in a new tab, no script): opening
    marks it read, as reading it would."""
    notification = _shown_or_404(request, notification_id)
    return redirect(describe.url(notification))


def _back(request: HttpRequest) -> HttpResponse:
    """To the page the form was on (`next`, one of our own paths only), else the list."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("annotations:notifications")
    return redirect(target)


@require_POST
@login_required
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    _shown_or_404(request, notification_id)
    return _back(request)


@require_POST
@login_required
def notification_read_all(request: HttpRequest) -> HttpResponse:
    marked = services.mark_all_read(user=request.user)
    if marked:
        messages.success(
            request, f"Marked {marked} notification{'' if marked == 1 else 's'} as read."
        )
    return _back(request)
