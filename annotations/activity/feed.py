"""A group's recent activity: the papers added to it, the annotations and the comments (replies
too) on them, newest first, as the reader may see them.

Who sees what is `visible_to`'s alone (`Paper`, `Annotation`, `Comment`): hidden and pending
posts for their author and the group's moderators, private annotations for their author, deleted
ones never (tombstoned comments are left out). Blind mode (`Membership.blind`) keeps the others'
roles on the paragraphs the reader has not tagged: such a line says "tagged a paragraph", without
the role (readings.learns_role, the one rule).

A fixed number of queries whatever the amount of activity: for the items [start:stop], each
kind's newest `stop` rows (one `values()` query each, with the joins a line needs), merged in
Python; a blind reader adds one query (the paragraphs they tagged). Deep pages are capped:
activity is what happened lately, so only the newest `MAX_ITEMS` are listed (older ones stay in
the papers and the exports); a page past the cap is empty. A cap keeps every page's cost bounded
by `MAX_ITEMS` rows a kind, where an offset into three merged lists could not be.
"""

import heapq
import html
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from django.db.models import F
from django.db.models.functions import Substr
from django.utils.html import strip_tags
from django.utils.text import Truncator

from papers.models import Paper, ReadingGroup

from ..attribution import attribution_text
from ..insights.readings import learns_role, reads_group_blind, tagged_paragraphs
from ..models import Annotation, Comment, Status
from ..moments import ago
from ..places import paragraph_url

# The newest items listed, all kinds together (module docstring).
MAX_ITEMS = 1000
# An excerpt's length in characters, and how much of the rendered note or comment is read for
# it (enough HTML for that much text, not a long note's whole body).
EXCERPT_CHARS = 140
_HTML_READ = 1500
# Ties on `created` (papers and their first tags in one import): a fixed order.
_KIND_RANK = {"comment": 0, "annotation": 1, "paper": 2}


@dataclass(frozen=True, slots=True)
class Item:
    """One line of activity. `role` is the role's slug, `role_name` its name; both empty when
    blind mode keeps the role from the reader."""

    kind: str  # paper, annotation, comment
    id: int
    created: datetime
    actor: str | None  # the username; None once the account is gone
    paper: int
    paper_title: str
    paragraph: int | None = None
    position: int | None = None  # the paragraph's
    anchor: str = ""
    role: str | None = None
    role_name: str = ""
    passage: bool = False
    reply: bool = False
    on_annotation: bool = False
    status: str = Status.VISIBLE
    excerpt: str = ""
    # An imported post's origin ("imported · from bob, Hypothesis, 3 May 2024"), or "".
    attribution: str = ""

    @property
    def url(self) -> str:
        """The paragraph in the workspace with its panel open, or the paper."""
        return paragraph_url(self.paper, self.anchor)

    @property
    def where(self) -> str:
        return f"¶ {self.position}" if self.position is not None else "a paragraph"

    @property
    def action(self) -> str:
        """What the actor did, up to the paper's title ("tagged a passage of")."""
        if self.kind == "paper":
            return "added the paper"
        if self.kind == "annotation":
            return f"tagged {'a passage' if self.passage else 'a paragraph'} of"
        if self.reply:
            return f"replied in a thread on {self.where} of"
        if self.on_annotation:
            return f"commented on a tag on {self.where} of"
        return f"started a thread on {self.where} of"

    @property
    def ago(self) -> str:
        """How long ago, roughly ("3 hours ago"): the exact time is the title's."""
        return ago(self.created)

    @property
    def held(self) -> str:
        """Why only the author and the moderators see it, or ""."""
        return "" if self.status == Status.VISIBLE else Status(self.status).label


_SOURCE = ("source_author", "source_name", "source_created")


def _attribution(row: dict) -> str:
    return attribution_text(
        author=row["by"], source_author=row["source_author"], source_name=row["source_name"],
        source_created=row["source_created"],
    )  # fmt: skip


def excerpt(rendered: str) -> str:
    """Plain text of a rendered note or comment, whitespace collapsed, truncated. A cut tag at
    the end of what was read (`_HTML_READ`) is dropped before the tags are stripped."""
    head, _, tail = rendered.rpartition("<")
    if head and ">" not in tail:
        rendered = head
    text = " ".join(html.unescape(strip_tags(rendered)).split())
    return Truncator(text).chars(EXCERPT_CHARS)


class Activity:
    """The group's activity as the reader may see it, newest first: a sequence that reads only
    the slice asked for (Django's Paginator, and so DRF's, calls `count()` and slices it)."""

    def __init__(self, user, group: ReadingGroup, author=None):
        self.user, self.group, self.author = user, group, author
        self._tagged: set[int] | None = None

    def count(self) -> int:
        """How many items there are, up to `MAX_ITEMS` (one bounded query a kind)."""
        total = sum(qs[:MAX_ITEMS].count() for qs in self._querysets())
        return min(total, MAX_ITEMS)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Item]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("Activity is read by slices.")
        start = max(index.start or 0, 0)
        stop = min(MAX_ITEMS if index.stop is None else index.stop, MAX_ITEMS)
        if stop <= start:
            return []
        return list(islice(self._merged(stop), start, stop))

    def _querysets(self):
        user, group = self.user, self.group
        papers = Paper.objects.visible_to(user).filter(group=group, status=Paper.Status.READY)
        annotations = Annotation.objects.visible_to(user).filter(paper__group=group)
        comments = (
            Comment.objects.visible_to(user)
            .filter(paper__group=group)
            .exclude(status=Status.DELETED)
        )
        if self.author is not None:  # one member's activity (a member's page)
            papers = papers.filter(created_by=self.author)
            annotations = annotations.filter(author=self.author)
            comments = comments.filter(author=self.author)
        return papers, annotations, comments

    def _merged(self, stop: int) -> Iterator[Item]:
        papers, annotations, comments = self._querysets()
        kinds = (
            self._papers(papers, stop),
            self._annotations(annotations, stop),
            self._comments(comments, stop),
        )
        key = lambda item: (item.created, _KIND_RANK[item.kind], item.id)  # noqa: E731
        return heapq.merge(*kinds, key=key, reverse=True)

    @staticmethod
    def _newest(queryset, stop: int, *names, **expressions):
        """The newest `stop` rows as dicts, in the merge's order within the kind."""
        return queryset.order_by("-created", "-id").values(*names, **expressions)[:stop]

    def _papers(self, papers, stop: int) -> list[Item]:
        by = F("created_by__username")
        rows = self._newest(papers, stop, "id", "title", at=F("created"), by=by)
        return [Item("paper", r["id"], r["at"], r["by"], r["id"], r["title"]) for r in rows]

    def _annotations(self, annotations, stop: int) -> list[Item]:
        rows = self._newest(
            annotations, stop, "id", "author_id", "paper_id", "paragraph_id", "start", "status",
            *_SOURCE, at=F("created"), by=F("author__username"), title=F("paper__title"),
            position=F("paragraph__position"), anchor=F("paragraph__anchor"),
            slug=F("role__slug"), name=F("role__name"), text=Substr("note_html", 1, _HTML_READ),
        )  # fmt: skip
        items = []
        for r in rows:
            shown = self._learns_role(r["author_id"], r["paragraph_id"])
            items.append(
                Item(
                    "annotation",
                    r["id"],
                    r["at"],
                    r["by"],
                    r["paper_id"],
                    r["title"],
                    paragraph=r["paragraph_id"],
                    position=r["position"],
                    anchor=r["anchor"],
                    role=r["slug"] if shown else None,
                    role_name=r["name"] if shown else "",
                    passage=r["start"] is not None,
                    status=r["status"],
                    excerpt=excerpt(r["text"]),
                    attribution=_attribution(r),
                )  # fmt: skip
            )
        return items

    def _comments(self, comments, stop: int) -> list[Item]:
        rows = self._newest(
            comments, stop, "id", "paper_id", "paragraph_id", "parent_id", "annotation_id",
            "status", *_SOURCE, at=F("created"), by=F("author__username"), title=F("paper__title"),
            position=F("paragraph__position"), anchor=F("paragraph__anchor"),
            text=Substr("body_html", 1, _HTML_READ),
        )  # fmt: skip
        return [
            Item(
                "comment",
                r["id"],
                r["at"],
                r["by"],
                r["paper_id"],
                r["title"],
                paragraph=r["paragraph_id"],
                position=r["position"],
                anchor=r["anchor"] or "",
                reply=r["parent_id"] is not None,
                on_annotation=r["annotation_id"] is not None,
                status=r["status"],
                excerpt=excerpt(r["text"]),
                attribution=_attribution(r),
            )  # fmt: skip
            for r in rows
        ]

    def _learns_role(self, author: int | None, paragraph: int) -> bool:
        """Blind mode: may the reader learn this tag's role (readings.learns_role)? The
        paragraphs they tagged are read once, and only for a blind reader."""
        if not reads_group_blind(self.user, self.group):
            return True
        if self._tagged is None:
            self._tagged = tagged_paragraphs(self.user, paper__group=self.group)
        return learns_role(self.user, author=author, paragraph=paragraph, tagged=self._tagged)


def group_activity(user, group: ReadingGroup, *, author=None) -> Activity:
    """The group's activity as `user` may see it (the caller has checked they may see the
    group, and remembered their membership: papers.permissions.remember_membership); with
    `author`, only what that user did."""
    return Activity(user, group, author)
