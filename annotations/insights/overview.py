"""The group page's overview of each paper in its list: how much the group has said about it and
where (templates/annotations/insights/_paper_overview.html).

For each ready paper: the tags per role (the group's names and colours), the threads (top-level
comments, tombstones left out) and how many have no reply yet, the agreement (Krippendorff's
alpha and its reading, agreement.py), the last activity, and a strip of the roles along the
paper: its paragraphs in order, in at most `MAX_BUCKETS` buckets, each in the colour of the role
given most often there.

The group page (papers/views.py) calls `paper_overviews` through the setting
`MARGINALIA_PAPER_OVERVIEWS`: papers never imports annotations.

What the reader may see only (`tags_for` and `Comment.objects.visible_to`), in at most three
queries for the whole list, whatever the number of papers, annotations and comments: the tags,
one query of figures per paper (its paragraphs' extent, threads, unanswered ones, the newest
change of a comment and of an annotation), and the group's roles (only when there are tags).
The strip places roles on paragraphs, so it follows blind mode (`blind_filter`); the counts and
alpha only add up, and count everything the reader sees (readings.py).
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, Max, Min, OuterRef, Subquery

from papers.models import Paper, Paragraph

from ..models import Annotation, Comment, Role, Status
from ..moments import ago
from . import alpha as k
from .agreement import units_of
from .readings import Tag, blind_filter, reads_blind, tags_for

# The strip: at most this many buckets (a paper of 600 paragraphs: 10 a bucket), drawn 240 × 8.
MAX_BUCKETS = 60
STRIP_WIDTH, STRIP_HEIGHT = 240, 8
_THIRDS = ("at the start", "in the middle", "at the end")


@dataclass(frozen=True, slots=True)
class RoleCount:
    slug: str
    name: str
    color: str
    count: int


@dataclass(frozen=True, slots=True)
class Stretch:
    """Adjacent buckets of the strip with the same role (None: nothing tagged there), in bucket
    units (the SVG's viewBox is one unit a bucket)."""

    start: int
    length: int
    role: str | None
    color: str | None


@dataclass(frozen=True, slots=True)
class Overview:
    paper: int
    roles: list[RoleCount]  # the roles tagged, in the group's order
    tags: int
    threads: int
    unanswered: int
    alpha: float | None
    units: int  # paragraphs two members or more tagged: what alpha rests on
    reading: str  # alpha in plain words (alpha.reading)
    last_activity: datetime | None
    buckets: int
    strip: list[Stretch]
    strip_label: str
    blind: bool  # the strip shows only what blind mode lets the reader see

    @property
    def alpha_text(self) -> str:
        return "—" if self.alpha is None else f"{self.alpha:.2f}".replace("-", "−")

    @property
    def last_activity_text(self) -> str:
        return "" if self.last_activity is None else ago(self.last_activity)

    @property
    def empty(self) -> bool:
        return not self.tags and not self.threads


def paper_overviews(user, papers: Iterable[Paper]) -> dict[int, Overview]:
    """{paper id: Overview} of the ready papers among `papers`, as `user` may see them."""
    papers = [paper for paper in papers if paper.status == Paper.Status.READY]
    if not papers:
        return {}
    tags = tags_for(user, papers)
    facts = _facts(user, [paper.pk for paper in papers])
    roles = _roles({paper.group_id for paper in papers}) if tags else {}
    by_paper: dict[int, list[Tag]] = defaultdict(list)
    for tag in tags:
        by_paper[tag.paper].append(tag)
    blind = _blind_by_group(user, papers)
    return {
        paper.pk: _overview(
            user,
            paper.pk,
            by_paper[paper.pk],
            facts.get(paper.pk, {}),
            roles.get(paper.group_id, {}),
            blind=blind[paper.group_id],
        )
        for paper in papers
    }


def _per_paper(queryset, figure) -> Subquery:
    """One figure of each paper's rows, as a subquery of the papers' query."""
    rows = queryset.filter(paper=OuterRef("pk")).order_by().values("paper")
    return Subquery(rows.annotate(figure=figure).values("figure")[:1])


def _facts(user, ids: list[int]) -> dict[int, dict]:
    """The figures that are not tags, for every paper at once, in one query: the extent of its
    paragraphs (the strip's length), its threads, the unanswered ones, its last activity."""
    comments = Comment.objects.visible_to(user)
    live = comments.exclude(status=Status.DELETED)
    threads = live.filter(parent=None)
    answered = Exists(live.filter(parent=OuterRef("pk")))
    rows = (
        Paper.objects.filter(pk__in=ids)
        .order_by()
        .values("pk")
        .annotate(
            first=_per_paper(Paragraph.objects.all(), Min("position")),
            last=_per_paper(Paragraph.objects.all(), Max("position")),
            threads=_per_paper(threads, Count("pk")),
            unanswered=_per_paper(threads.filter(~answered), Count("pk")),
            commented=_per_paper(comments, Max("updated")),
            annotated=_per_paper(Annotation.objects.visible_to(user), Max("updated")),
        )
    )
    return {row.pop("pk"): row for row in rows}


def _roles(groups: set[int]) -> dict[int, dict[str, Role]]:
    """{group: {slug: role}}, in the groups' order of roles."""
    roles: dict[int, dict[str, Role]] = defaultdict(dict)
    for role in Role.objects.filter(group_id__in=groups):  # ordered by position (Meta)
        roles[role.group_id][role.slug] = role
    return roles


def _blind_by_group(user, papers: list[Paper]) -> dict[int, bool]:
    """Does the reader read each group blind? Asked once a group (the page has remembered the
    membership: no query)."""
    first = {}
    for paper in papers:
        first.setdefault(paper.group_id, paper)
    return {group: reads_blind(user, paper) for group, paper in first.items()}


def _overview(
    user, paper: int, tags: list[Tag], facts: dict, roles: dict[str, Role], *, blind: bool
) -> Overview:
    counted = Counter(tag.role for tag in tags)
    units = k.pairable(units_of(tags))
    alpha = k.nominal_alpha(units)
    first, last = facts.get("first"), facts.get("last")
    extent = 0 if first is None else last - first + 1
    buckets = min(MAX_BUCKETS, extent)
    shown = blind_filter(user, tags, blind=blind)
    dominant = _dominant(shown, first or 0, extent, buckets, list(roles))
    changes = [d for d in (facts.get("commented"), facts.get("annotated")) if d is not None]
    return Overview(
        paper=paper,
        roles=[
            RoleCount(role.slug, role.name, role.color, counted[slug])
            for slug, role in roles.items()
            if counted[slug]
        ],
        tags=len(tags),
        threads=facts.get("threads") or 0,
        unanswered=facts.get("unanswered") or 0,
        alpha=alpha,
        units=len(units),
        reading=k.reading(alpha, len(units)),
        last_activity=max(changes, default=None),
        buckets=max(buckets, 1),
        strip=_stretches(dominant, roles),
        strip_label=_strip_label(dominant, roles, shown=bool(shown), blind=blind),
        blind=blind,
    )


def _dominant(tags: list[Tag], first: int, extent: int, buckets: int, order: list[str]):
    """Each bucket's most given role, or None."""
    counts: list[Counter] = [Counter() for _ in range(buckets)]
    for tag in tags:
        counts[(tag.position - first) * buckets // extent][tag.role] += 1
    return [_most_given(count, order) for count in counts]


def _most_given(count: Counter, order: list[str]) -> str | None:
    """The role given most often (ties: the first in the group's order of roles)."""
    if not count:
        return None
    rank = {slug: i for i, slug in enumerate(order)}
    return min(count, key=lambda slug: (-count[slug], rank.get(slug, len(rank)), slug))


def _stretches(dominant: list[str | None], roles: dict[str, Role]) -> list[Stretch]:
    """The buckets as runs of one role: fewer shapes to draw."""
    stretches: list[Stretch] = []
    for i, slug in enumerate(dominant):
        if stretches and stretches[-1].role == slug:
            last = stretches[-1]
            stretches[-1] = Stretch(last.start, last.length + 1, slug, last.color)
        else:
            role = roles.get(slug) if slug else None
            stretches.append(Stretch(i, 1, slug, role.color if role else None))
    return stretches


def _strip_label(dominant: list, roles: dict[str, Role], *, shown: bool, blind: bool) -> str:
    """The strip in words: the role given most in each third of the paper."""
    if not shown:
        if blind:
            return "Roles along the paper: none shown yet (blind mode: tag a paragraph first)."
        return "Roles along the paper: none tagged yet."
    thirds: list[Counter] = [Counter() for _ in _THIRDS]
    for i, slug in enumerate(dominant):
        if slug:
            thirds[i * len(_THIRDS) // len(dominant)][slug] += 1
    parts = []
    for where, count in zip(_THIRDS, thirds, strict=True):
        slug = _most_given(count, list(roles))
        name = "nothing tagged" if slug is None else _name(roles, slug).lower()
        parts.append(f"{name} {where}")
    return f"Roles along the paper: {', '.join(parts)}."


def _name(roles: dict[str, Role], slug: str) -> str:
    return roles[slug].name if slug in roles else slug
