"""The browser pages: groups (with their members and invite links), adding a paper, the invite
page. A paper's reading page is the annotation workspace, in annotations/views.py.

Who may see or do what is papers.permissions' job: a group the user may not see answers 404 on
every page under it; what they see but may not change answers 403. Writes go through
papers.groups and papers.services.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, Count, OuterRef, Subquery, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import permissions
from .forms import (
    GroupDeleteForm,
    GroupForm,
    GroupSettingsForm,
    InviteForm,
    MemberReasonForm,
    MemberRoleForm,
    PaperUploadForm,
)
from .groups import (
    BANNED_CANNOT_JOIN,
    InviteUnusable,
    group_create,
    group_delete,
    group_update,
    invite_accept,
    invite_create,
    invite_revoke,
    member_ban,
    member_leave,
    member_remove,
    member_set_role,
    member_unban,
)
from .hooks import hook
from .models import AuditEntry, Invite, Membership, Paper, ReadingGroup
from .permissions import can_add_paper
from .recovery import paper_recover_if_stale
from .services import UploadTooLarge, paper_delete, paper_import_retry, paper_import_start


def _get_group_for_user(user, slug: str) -> ReadingGroup:
    """The group, or 404 when it does not exist or the user may not see it. The user's
    membership is looked up once here for every permission question the page asks."""
    group = get_object_or_404(ReadingGroup.objects.visible_to(user), slug=slug)
    permissions.remember_membership(user, group)
    return group


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    papers = Count("papers", distinct=True)
    mine = ReadingGroup.objects.member_of(request.user).annotate(paper_count=papers)
    if request.user.is_authenticated:
        # The user's role in each of their groups, in the same query (no query per group).
        role = Membership.objects.active().filter(group=OuterRef("pk"), user=request.user)
        mine = mine.annotate(role=Subquery(role.values("role")[:1]))
    else:
        mine = mine.annotate(role=Value(None, output_field=CharField()))
    # Personal groups ("My papers") first.
    mine = list(mine.order_by("-personal", "name", "id"))
    public = (
        ReadingGroup.objects.visible_to(None)
        .exclude(id__in=[g.id for g in mine])
        .annotate(paper_count=papers)
    )
    return render(request, "papers/home.html", {"my_groups": mine, "public_groups": list(public)})


def _paper_overviews(user, papers: list) -> dict:
    """{paper id: overview} from what `MARGINALIA_PAPER_OVERVIEWS` names (the annotations app's
    overview of each paper: papers never imports it, config/settings.py wires it); none when
    the setting is empty."""
    overviews = hook("MARGINALIA_PAPER_OVERVIEWS")
    return overviews(user, papers) if overviews else {}


def _group_activity(request: HttpRequest, group: ReadingGroup):
    """A page of the group's recent activity from what `MARGINALIA_GROUP_ACTIVITY` names (the
    annotations app's; papers never imports it); None when the setting is empty."""
    activity = hook("MARGINALIA_GROUP_ACTIVITY")
    return activity(request.user, group, request.GET.get("activity_page")) if activity else None


def _group_page(
    request: HttpRequest, group: ReadingGroup, *, invite_form=None, status: int = 200
) -> HttpResponse:
    """The group page: papers (with each one's overview), the recent activity; members for
    members; invite links for owners and moderators."""
    user = request.user
    papers = list(
        group.papers.select_related("created_by")
        # The paragraph count for every row in the same query (no query per paper).
        .annotate(paragraph_count=Count("paragraphs"))
        .order_by("-created", "-id")
    )
    for paper in papers:
        paper_recover_if_stale(paper)  # no query unless an import lost its worker
    overviews = _paper_overviews(user, papers)
    for paper in papers:
        paper.overview = overviews.get(paper.pk)
    context = {
        "group": group,
        "papers": papers,
        "activity": _group_activity(request, group),
        "membership": permissions.membership_for(user, group),
        "can_add_paper": permissions.can_add_paper(user, group),
        "can_manage_group": permissions.can_manage_group(user, group),
        "can_manage_members": permissions.can_manage_members(user, group),
    }
    if permissions.can_list_members(user, group):
        context["members"] = _members(group, banned=False)
    roles = [] if group.personal else permissions.invite_roles_for(user, group)
    if roles:
        # The creator's name in the same query (no query per invite).
        context["invites"] = group.invites.filter(role__in=roles).select_related("created_by")
        context["invite_form"] = invite_form or InviteForm(roles=roles)
    return render(request, "papers/group_detail.html", context, status=status)


@require_safe
def group_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _group_page(request, _get_group_for_user(request.user, slug))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def paper_upload(request: HttpRequest, slug: str) -> HttpResponse:
    group = _get_group_for_user(request.user, slug)
    if not can_add_paper(request.user, group):
        raise PermissionDenied("Only members of this group may add papers.")
    status = 200
    if request.method == "POST":
        form = PaperUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                paper = paper_import_start(
                    group=group, user=request.user, **form.import_arguments()
                )
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
                form.too_large = isinstance(exc, UploadTooLarge)
            else:
                return redirect(paper)  # its reading page (Paper.get_absolute_url)
        status = 413 if form.too_large else 400
    else:
        form = PaperUploadForm()
    return render(request, "papers/upload.html", {"group": group, "form": form}, status=status)


def _get_paper_for_user(user, paper_id: int) -> Paper:
    """The paper, or 404 when it does not exist or the user may not see it."""
    paper = get_object_or_404(Paper.objects.visible_to(user).select_related("group"), pk=paper_id)
    permissions.remember_membership(user, paper.group)
    return paper


@login_required
@require_POST
def paper_retry(request: HttpRequest, paper_id: int) -> HttpResponse:
    """The failed import's "Try again" button: queue it again from the stored file."""
    paper = _get_paper_for_user(request.user, paper_id)
    try:
        paper_import_retry(actor=request.user, paper=paper)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(paper)


@login_required
@require_POST
def paper_dismiss(request: HttpRequest, paper_id: int) -> HttpResponse:
    """The failed import's "Dismiss" button: delete the paper, back to its group's page."""
    paper = _get_paper_for_user(request.user, paper_id)
    if paper.status != Paper.Status.FAILED:
        raise PermissionDenied("Only a failed import can be dismissed here.")
    paper_delete(actor=request.user, paper=paper)
    messages.success(request, f"The failed import of “{paper.title}” was dismissed.")
    return redirect("papers:group_detail", slug=paper.group.slug)


# Groups: create, settings, delete


def _members(group: ReadingGroup, *, banned: bool):
    """Active members, owners first (with the banned ones when `banned`)."""
    memberships = group.memberships.by_role()
    return memberships if banned else memberships.active()


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def group_create_page(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = group_create(owner=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, f"You created {group.name}. Invite people from its page.")
            return redirect("papers:group_detail", slug=group.slug)
    status = 400 if form.is_bound else 200
    return render(request, "papers/group_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def group_settings(request: HttpRequest, slug: str) -> HttpResponse:
    group = _get_group_for_user(request.user, slug)
    _require(
        permissions.can_manage_group(request.user, group),
        "Only the group's owners may change its settings.",
    )
    initial = {f: getattr(group, f) for f in GroupSettingsForm.FIELDS}
    form = GroupSettingsForm(request.POST or None, initial=initial, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            group_update(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, "The group's settings are saved.")
            return redirect("papers:group_detail", slug=group.slug)
    status = 400 if form.is_bound else 200
    return render(
        request, "papers/group_settings.html", {"group": group, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def group_delete_page(request: HttpRequest, slug: str) -> HttpResponse:
    group = _get_group_for_user(request.user, slug)
    _require(
        permissions.can_manage_group(request.user, group), "Only the group's owners may delete it."
    )
    form = GroupDeleteForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            group_delete(actor=request.user, group=group)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, f"{form.cleaned_data['confirm']} is deleted.")
            return redirect("papers:home")
    status = 400 if form.is_bound else 200
    context = {"group": group, "form": form, "paper_count": group.papers.count()}
    return render(request, "papers/group_delete.html", context, status=status)


# Members


@login_required
@require_safe
def group_members(request: HttpRequest, slug: str) -> HttpResponse:
    """Owners and moderators manage members here (each within their rights)."""
    group = _get_group_for_user(request.user, slug)
    _require(
        permissions.can_manage_members(request.user, group),
        "Only the group's owners and moderators manage its members.",
    )
    rows = [
        {
            "membership": m,
            "is_me": m.user_id == request.user.pk,
            "can_change_role": m.is_active and permissions.can_change_role(request.user, m),
            "can_change": permissions.can_change_member(request.user, m),
        }
        for m in _members(group, banned=True)
    ]
    context = {"group": group, "rows": rows, "roles": Membership.Role.choices}
    return render(request, "papers/group_members.html", context)


@login_required
@require_POST
def member_change(request: HttpRequest, slug: str, username: str, action: str) -> HttpResponse:
    """One of the member forms: change the role, remove, ban, unban (with an optional reason for
    the audit log); back to the members page."""
    group = _get_group_for_user(request.user, slug)
    _require(
        permissions.can_manage_members(request.user, group),
        "Only the group's owners and moderators manage its members.",
    )
    membership = get_object_or_404(
        group.memberships.select_related("user"), user__username=username
    )
    membership.group = group
    actor, name = request.user, membership.user.get_username()
    try:
        if action == "role":
            form = MemberRoleForm(request.POST)
            if not form.is_valid():
                raise ValidationError("Choose owner, moderator or member.")
            member_set_role(actor=actor, membership=membership, role=form.cleaned_data["role"])
            done = f"{name} is now {membership.get_role_display().lower()}."
        elif action == "remove":
            member_remove(actor=actor, membership=membership)
            done = f"{name} is no longer a member."
        elif action in ("ban", "unban"):
            form = MemberReasonForm(request.POST)
            if not form.is_valid():
                raise ValidationError(
                    f"A reason is at most {AuditEntry.MAX_REASON:,} characters long."
                )
            change = member_ban if action == "ban" else member_unban
            change(actor=actor, membership=membership, reason=form.cleaned_data["reason"])
            done = f"{name} is banned." if action == "ban" else f"{name} is a member again."
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("papers:group_members", slug=group.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def group_leave(request: HttpRequest, slug: str) -> HttpResponse:
    group = _get_group_for_user(request.user, slug)
    _require(
        permissions.can_leave_group(request.user, group), "You are not a member of this group."
    )
    error = None
    if request.method == "POST":
        try:
            member_leave(user=request.user, group=group)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"You left {group.name}.")
            return redirect("papers:home")
    status = 400 if error else 200
    return render(
        request, "papers/group_leave.html", {"group": group, "error": error}, status=status
    )


# Invite links


@login_required
@require_POST
def invite_create_page(request: HttpRequest, slug: str) -> HttpResponse:
    group = _get_group_for_user(request.user, slug)
    roles = [] if group.personal else permissions.invite_roles_for(request.user, group)
    _require(bool(roles), "Only the group's owners and moderators may invite people.")
    form = InviteForm(request.POST, roles=roles)
    if form.is_valid():
        try:
            invite_create(actor=request.user, group=group, **form.invite_arguments())
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, "A new invite link is ready: copy it from the list.")
            return redirect(reverse("papers:group_detail", kwargs={"slug": slug}) + "#invites")
    return _group_page(request, group, invite_form=form, status=400)


@login_required
@require_POST
def invite_revoke_page(request: HttpRequest, slug: str, invite_id: int) -> HttpResponse:
    group = _get_group_for_user(request.user, slug)
    roles = permissions.invite_roles_for(request.user, group)
    _require(bool(roles), "Only the group's owners and moderators may revoke invite links.")
    invite = get_object_or_404(group.invites.filter(role__in=roles), pk=invite_id)
    invite_revoke(actor=request.user, invite=invite)
    messages.success(request, "The invite link is revoked: nobody can join with it any more.")
    return redirect(reverse("papers:group_detail", kwargs={"slug": slug}) + "#invites")


PENDING_INVITE = "pending_invite"


def _account_links(request: HttpRequest) -> dict:
    """Log-in and sign-up links that come back to this page (allauth honours `next`)."""
    next_query = "?" + urlencode({"next": request.get_full_path()})
    links = {"login_url": resolve_url(settings.LOGIN_URL) + next_query}
    try:
        links["signup_url"] = reverse("account_signup") + next_query
    except NoReverseMatch:
        links["signup_url"] = None
    return links


@require_http_methods(["GET", "HEAD", "POST"])
def invite_page(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invite link opens.

    The group's name shows only while the link is usable. Signed out: links to log in or sign up
    that come back here, and the session remembers the link, so that coming back signed in joins
    at once and lands in the group. Signed in: a Join button (POST), or straight in when the
    session remembers this link.
    """
    invite = get_object_or_404(Invite.objects.select_related("group"), token=token)
    group, user = invite.group, request.user
    context = {"invite": invite, "group": group}
    if not user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        if reason := invite.unusable_reason():
            return render(request, "papers/invite.html", {"reason": reason}, status=410)
        request.session[PENDING_INVITE] = token
        return render(request, "papers/invite.html", context | _account_links(request))
    membership = group.memberships.filter(user=user).first()
    if membership is not None and membership.is_active:
        request.session.pop(PENDING_INVITE, None)
        if request.method == "POST":
            return redirect("papers:group_detail", slug=group.slug)
        return render(request, "papers/invite.html", context | {"already_member": True})
    joins_now = request.method == "POST" or request.session.get(PENDING_INVITE) == token
    if not joins_now:
        if membership is not None:
            return render(request, "papers/invite.html", {"reason": BANNED_CANNOT_JOIN}, status=403)
        if reason := invite.unusable_reason():
            return render(request, "papers/invite.html", {"reason": reason}, status=410)
        return render(request, "papers/invite.html", context)
    request.session.pop(PENDING_INVITE, None)
    try:
        invite_accept(user=user, invite=invite)
    except InviteUnusable as exc:
        return render(request, "papers/invite.html", {"reason": exc.messages[0]}, status=410)
    except PermissionDenied as exc:
        return render(request, "papers/invite.html", {"reason": str(exc)}, status=403)
    messages.success(request, f"Welcome to {group.name}.")
    return redirect("papers:group_detail", slug=group.slug)
