"""The moderation pages: the queue (/moderation/) and the audit log (/moderation/log/).

Both show only the groups the signed-in user moderates (`ReadingGroup.objects.moderated_by`);
someone who moderates nothing gets a plain empty page. A post outside those groups answers 404,
whatever its id; a refusal by the services (a moderator banning an owner) answers 403. A post's
"Ban" is offered only where the queue says the reader may ban its author (`QueueItem.can_ban`,
the one rule of papers.permissions). Reading either page takes a fixed number of queries however
many posts, flags and entries there are (pinned in tests/annotations/test_moderation_pages.py).
The acting is annotations.moderation's and papers.groups' (`member_ban`, the one ban).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST, require_safe

from papers.groups import member_ban
from papers.models import AuditEntry, Membership, Paper

from ..models import Annotation, Comment, Status
from ..permissions import reader_membership
from .bans import author_membership
from .forms import (
    ACTION_DONE,
    ACTION_LABELS,
    BAN,
    ActionForm,
    LogFilterForm,
    NotifyForm,
    QueueFilterForm,
)
from .queue import QueueItem, counts, moderated_groups, queue
from .services import flag_emails_set, moderate_many, moderation_actions

LOG_PAGE_SIZE = 50
QUEUE_FILTERS = ("group", "paper", "kind", "reason", "type")


def _moderator_memberships(user) -> list[Membership]:
    """The user's moderating memberships with their groups, by group name: one query for the
    groups a page shows, the user's role in each and their e-mail choice."""
    return list(
        Membership.objects.moderating()
        .filter(user=user)
        .select_related("group")
        .order_by("group__name", "group_id")
    )


def _empty(request: HttpRequest, title: str) -> HttpResponse:
    return render(request, "moderation/not_a_moderator.html", {"title": title})


# The queue


@dataclass
class Row:
    """A queue item with what its part of the page shows."""

    item: QueueItem
    key: str  # "comment:5", the value the forms send
    paragraph_html: SafeString
    link: str
    actions: list[tuple[str, str]]
    first_posted: dict | None = None

    @property
    def obj(self):
        return self.item.obj


def _marked(text: str, start: int | None, end: int | None) -> SafeString:
    """The paragraph's text, escaped, with the passage [start, end) in <mark>."""
    if start is None or end is None or not 0 <= start < end <= len(text):
        return conditional_escape(text)
    return format_html("{}<mark>{}</mark>{}", text[:start], text[start:end], text[end:])


def _actions_for(user, item: QueueItem) -> list[tuple[str, str]]:
    """The actions the moderator may take on the item now (`moderation_actions`, the rule the
    service applies), with their labels: approving a visible post keeps it."""
    obj = item.obj
    actions = []
    for action in moderation_actions(reader_membership(user, obj), obj):
        label = ACTION_LABELS[action]
        if action == AuditEntry.Action.APPROVE and obj.status == Status.VISIBLE:
            label = "Keep it (dismiss the flags)"
        actions.append((action, label))
    return actions


def _first_posted(obj) -> dict | None:
    """What an edited post first said (its oldest revision), or None when never edited."""
    revisions = list(obj.revisions.all())
    if not revisions:
        return None
    data = revisions[0].data
    return {
        "text": data.get("note", data.get("body", "")),
        "quote": data.get("exact", ""),
        "role": data.get("role", ""),
        "edits": len(revisions),
    }


def _rows(user, items: list[QueueItem]) -> list[Row]:
    """The rows of the page. Two queries whatever the number of items: the posts' revisions
    (what was first posted), one per kind."""
    for kind in ("annotation", "comment"):
        objs = [item.obj for item in items if item.type == kind]
        prefetch_related_objects(objs, "revisions")
    rows = []
    for item in items:
        obj = item.obj
        paragraph = obj.paragraph
        span = obj if item.type == "annotation" else obj.annotation
        text = paragraph.text if paragraph is not None else ""
        start, end = (span.start, span.end) if span is not None else (None, None)
        anchor = f"#{paragraph.anchor}" if paragraph is not None else ""
        rows.append(
            Row(
                item=item,
                key=f"{item.type}:{obj.pk}",
                paragraph_html=_marked(text, start, end),
                link=item.paper.get_absolute_url() + anchor,
                actions=_actions_for(user, item),
                first_posted=_first_posted(obj),
            )
        )
    return rows


@login_required
@require_safe
def moderation_queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    memberships = _moderator_memberships(user)
    if not memberships:
        return _empty(request, "Moderation")
    groups = [m.group for m in memberships]
    papers = Paper.objects.filter(group__in=groups).only("id", "title").order_by("title", "id")
    form = QueueFilterForm(request.GET or None, groups=groups, papers=papers)
    form.is_valid()
    filters = form.filters()
    items = queue(user, filters)
    numbers = counts(user, filters)
    context = {
        "form": form,
        "filters": form.query(),
        "rows": _rows(user, items),
        "counts": numbers,
        "more": numbers["total"] > len(items),
        "memberships": memberships,
        "bulk_actions": list(ACTION_LABELS.items()),
        # The navigation's question, answered above (annotations.context_processors).
        "moderates": True,
    }
    if not form.query():
        # The badge says what the page says (and costs nothing more here).
        context["moderation_open"] = numbers["total"]
    return render(request, "moderation/queue.html", context)


def _back_to_queue(filters: str) -> HttpResponse:
    """The queue with the filters the page had (only the queue's own names are kept)."""
    given = QueryDict(filters or "")
    kept = QueryDict(mutable=True)
    for name in QUEUE_FILTERS:
        if given.get(name):
            kept[name] = given[name]
    query = kept.urlencode()
    return redirect(reverse("annotations:moderation_queue") + (f"?{query}" if query else ""))


def _get_posts_for_moderator(user, keys: list[tuple[str, int]]) -> list[Annotation | Comment]:
    """The posts named, in the order given; 404 when any of them is not in a group the user
    moderates (or is a private annotation, nobody's to moderate)."""
    groups = moderated_groups(user)
    found = {}
    for kind, model in (("annotation", Annotation), ("comment", Comment)):
        ids = [pk for k, pk in keys if k == kind]
        if not ids:
            continue
        rows = model.objects.filter(pk__in=ids, paper__group__in=groups)
        if model is Annotation:
            rows = rows.filter(visibility=Annotation.Visibility.GROUP)
        for obj in rows.select_related("paper__group", "author"):
            found[(kind, obj.pk)] = obj
    if len(found) != len(keys):
        raise Http404("No such post in the groups you moderate.")
    return [found[key] for key in keys]


@login_required
@require_POST
def moderation_act(request: HttpRequest) -> HttpResponse:
    """One action on one post (its own form) or on the ticked posts (the bulk form), all or
    nothing; "ban" bans the author of one post. Back to the queue as it was filtered."""
    form = ActionForm(request.POST)
    if not form.is_valid():
        problems = [e for errors in form.errors.values() for e in errors]
        messages.error(request, "Nothing was done: " + " ".join(problems))
        return _back_to_queue(request.POST.get("filters", ""))
    data = form.cleaned_data
    posts = _get_posts_for_moderator(request.user, data["items"])
    try:
        if data["action"] == BAN:
            if len(posts) != 1:
                raise ValidationError("Ban the authors one at a time, from each post.")
            membership = author_membership(actor=request.user, target=posts[0])
            member_ban(actor=request.user, membership=membership, reason=data["reason"])
            done = f"{membership.user.get_username()} is banned from {membership.group.name}."
        else:
            moderate_many(
                actor=request.user, targets=posts, action=data["action"], reason=data["reason"]
            )
            n = len(posts)
            done = f"{ACTION_DONE[data['action']]} {n} item{'s' if n != 1 else ''}."
    except ValidationError as error:
        messages.error(request, "Nothing was done: " + " ".join(error.messages))
    else:
        messages.success(request, done)
    return _back_to_queue(data["filters"])


@login_required
@require_POST
def moderation_notify(request: HttpRequest) -> HttpResponse:
    """A moderator's choice of e-mails about new flags in one group."""
    form = NotifyForm(request.POST)
    if not form.is_valid():
        raise Http404("No such group among those you moderate.")
    group = get_object_or_404(moderated_groups(request.user), slug=form.cleaned_data["group"])
    notify = form.cleaned_data["notify"]
    flag_emails_set(user=request.user, group=group, notify=notify)
    name = group.name
    if notify:
        messages.success(request, f"You will get an e-mail about each new flag in {name}.")
    else:
        messages.success(request, f"No more e-mails about new flags in {name}.")
    return _back_to_queue(form.cleaned_data["filters"])


# The audit log


def _item_links(entries: list[AuditEntry], group_ids: list[int]) -> dict[tuple[str, int], str]:
    """Where each annotation or comment an entry names sits in its paper (two queries)."""
    links = {}
    for kind, model in (("annotation", Annotation), ("comment", Comment)):
        ids = [e.target_id for e in entries if e.target_type == kind]
        if not ids:
            continue
        fields = ["pk", "paper_id", "paragraph__anchor"]
        if model is Comment:
            fields.append("annotation__paragraph__anchor")
        rows = model.objects.filter(pk__in=ids, paper__group_id__in=group_ids).values(*fields)
        for row in rows:
            anchor = row["paragraph__anchor"] or row.get("annotation__paragraph__anchor") or ""
            url = reverse("annotations:paper_workspace", kwargs={"paper_id": row["paper_id"]})
            links[(kind, row["pk"])] = url + (f"#{anchor}" if anchor else "")
    return links


@login_required
@require_safe
def moderation_log(request: HttpRequest) -> HttpResponse:
    memberships = _moderator_memberships(request.user)
    if not memberships:
        return _empty(request, "Moderation log")
    groups = {m.group_id: m.group for m in memberships}
    form = LogFilterForm(request.GET or None, groups=groups.values())
    form.is_valid()
    # The group comes from the list above, not a join.
    entries = form.narrow(AuditEntry.objects.filter(group_id__in=list(groups)))
    page = Paginator(entries.order_by("-created", "-id"), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    links = _item_links(rows, list(groups))
    for entry in rows:
        entry.group = groups[entry.group_id]
        if entry.target_type == AuditEntry.TargetType.MEMBER:
            entry.link = reverse("papers:group_members", kwargs={"slug": entry.group.slug})
        else:
            entry.link = links.get((entry.target_type, entry.target_id))
    context = {"form": form, "page": page, "entries": rows, "filters": form.query()}
    context["moderates"] = True  # the navigation's question, answered above
    return render(request, "moderation/log.html", context)


__all__ = ["moderation_act", "moderation_log", "moderation_notify", "moderation_queue"]
