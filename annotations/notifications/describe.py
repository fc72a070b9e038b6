"""What a notification says, in words: one place for the page, the API, the bell's list and the
mails. Read from the rows the list joined (`with_related`): no query per notification."""

from django.db.models import QuerySet
from django.urls import reverse

from ..activity.feed import excerpt
from ..places import paragraph_url
from .models import Kind, Notification

# What a moderator's action did to a post, as its author reads it.
_DECIDED = {
    "hide": "hid",
    "unhide": "made visible again",
    "approve": "approved",
    "reject": "rejected",
}


def with_related(rows: QuerySet[Notification]) -> QuerySet[Notification]:
    """The rows with what `sentence`, `text` and `url` read, in the same query."""
    return rows.select_related(
        "actor", "group", "paper", "paragraph", "comment", "annotation"
    ).defer("paper__abstract")


def _actor(n: Notification) -> str:
    return n.actor.get_username() if n.actor_id else "A former member"


def _post(n: Notification) -> str:
    return "comment" if n.comment_id else "annotation"


def _paper(n: Notification) -> str:
    return f"“{n.paper.title}”" if n.paper_id else n.group.name


def sentence(n: Notification) -> str:
    """One line: who did what, where."""
    if n.kind == Kind.REPLY:
        return f"{_actor(n)} replied to you on {_paper(n)}"
    if n.kind == Kind.MENTION:
        return f"{_actor(n)} mentioned you in a {_post(n)} on {_paper(n)}"
    if n.kind == Kind.THREAD:
        return f"{_actor(n)} commented in a discussion you follow on {_paper(n)}"
    if n.kind == Kind.MODERATION:
        done = _DECIDED.get(n.detail.get("action", ""), "acted on")
        return f"A moderator {done} your {_post(n)} on {_paper(n)}"
    if n.kind == Kind.PAPER:
        return f"{_actor(n)} added {_paper(n)} to {n.group.name}"
    return f"{_actor(n)} joined {n.group.name} through your invite link"


def text(n: Notification) -> str:
    """The post's words, as plain text, truncated ("" for a paper or a join); a moderation
    decision's reason is `reason`'s."""
    if n.comment_id:
        return excerpt(n.comment.body_html)
    if n.annotation_id:
        return excerpt(n.annotation.note_html) or n.annotation.exact[:140]
    return ""


def reason(n: Notification) -> str:
    return n.detail.get("reason", "") if n.kind == Kind.MODERATION else ""


def url(n: Notification) -> str:
    """Where it leads: the paragraph with its panel open, the paper, or the group."""
    if n.paragraph_id:
        return paragraph_url(n.paper_id, n.paragraph.anchor)
    if n.paper_id:
        return paragraph_url(n.paper_id)
    return reverse("papers:group_detail", kwargs={"slug": n.group.slug})
