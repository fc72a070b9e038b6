"""The pages of e-mail: its section of the account page (`account_mail_section`, which papers
calls through the MARGINALIA_ACCOUNT_MAIL hook), saving a group's choices, and the unsubscribe
link every mail carries (no login: the signed token is the proof)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from papers.models import ReadingGroup

from .choices import mail_choice_set, mail_choices, mail_unsubscribe
from .forms import MailChoiceForm
from .mail import EVERY_KIND, Unsubscribe, groups_named
from .models import Kind


def _form_for(group_id: int, data=None, initial=None) -> MailChoiceForm:
    # One form per group on one page: a prefix keeps the fields' ids apart.
    return MailChoiceForm(data, initial=initial, prefix=f"mail-{group_id}")


def account_mail_section(request: HttpRequest) -> str:
    """The account page's "E-mail from your groups": a form per group the user is an active
    member of (HTML, rendered here so that papers need not know notifications). Two queries."""
    forms = [
        (c.group, _form_for(c.group.pk, initial={"kinds": list(c.kinds), "digest": int(c.digest)}))
        for c in mail_choices(request.user)
    ]
    return render_to_string("notifications/_account_mail.html", {"forms": forms}, request=request)


@login_required
@require_POST
def mail_choice(request: HttpRequest, slug: str) -> HttpResponse:
    """Save the e-mail choices for one group, back to the account page."""
    group = get_object_or_404(ReadingGroup.objects.visible_to(request.user), slug=slug)
    form = _form_for(group.pk, request.POST)
    back = reverse("accounts:account") + "#mail"
    if not form.is_valid():
        messages.error(request, f"Your e-mail choices for {group.name} were not saved: "
                       "choose from the list.")  # fmt: skip
        return redirect(back)
    try:  # PermissionDenied (not an active member of this public group): 403
        mail_choice_set(
            user=request.user,
            group=group,
            kinds=form.cleaned_data["kinds"],
            digest=form.cleaned_data["digest"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, f"Your e-mail choices for {group.name} are saved.")
    return redirect(back)


# A mail client's one-click POST (RFC 8058) carries no CSRF token, and needs none: the signed
# token in the URL is the authentication, and all it can do is stop mail.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: say what the link stops, with one button (a GET changes nothing: mail scanners
    open links). POST (the button, or the mail client's List-Unsubscribe-Post): stop it."""
    try:
        stop = Unsubscribe.read(token)
    except (signing.BadSignature, ValueError, TypeError):
        stop = None
    user = get_user_model().objects.filter(pk=stop.user_id).first() if stop else None
    groups = groups_named(stop.group_ids) if user else []
    if not groups:
        response = render(request, "notifications/unsubscribe_invalid.html", status=400)
    else:
        done = False
        if request.method == "POST":
            kind = None if stop.kind == EVERY_KIND else stop.kind
            mail_unsubscribe(user_id=user.pk, group_ids=[g.pk for g in groups], kind=kind)
            done = True
        what = (
            "all e-mail"
            if stop.kind == EVERY_KIND
            else f"e-mail about “{Kind(stop.kind).label.lower()}”"
        )
        response = render(
            request,
            "notifications/unsubscribe.html",
            {"groups": groups, "what": what, "done": done, "token": token},
        )
    # The URL is a key to the user's choices: kept by no cache, passed on to no other site.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
