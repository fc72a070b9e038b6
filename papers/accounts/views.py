"""The account page: who you are, your e-mail address, your API token, and what your groups
send you by e-mail (a section the annotations app renders, through the MARGINALIA_ACCOUNT_MAIL
hook). Only ever your own."""

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from ..hooks import hook
from .services import api_token_get, api_token_regenerate


def _mail_section(request: HttpRequest) -> str:
    """The "E-mail from your groups" section (HTML) from what `MARGINALIA_ACCOUNT_MAIL` names:
    the notifications live in annotations, which papers never imports; "" when empty."""
    section = hook("MARGINALIA_ACCOUNT_MAIL")
    return section(request) if section else ""


@login_required
@require_safe
def account(request: HttpRequest) -> HttpResponse:
    context = {
        "email": EmailAddress.objects.filter(user=request.user, primary=True).first(),
        "token": api_token_get(user=request.user),
        "mail_section": _mail_section(request),
    }
    response = render(request, "papers/account.html", context)
    # The page shows a secret: never kept by a shared cache or the browser's back button.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def token_regenerate(request: HttpRequest) -> HttpResponse:
    """GET asks for confirmation; POST replaces the token."""
    if request.method == "POST":
        api_token_regenerate(user=request.user)
        messages.success(request, "Your API token was regenerated; the old one no longer works.")
        return redirect("accounts:account")
    return render(request, "papers/token_regenerate.html")
