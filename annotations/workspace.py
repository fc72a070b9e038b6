"""The reading page as the annotation workspace: the annotation layer drawn on a paper.

papers.reading lays the paper out and knows nothing of annotations; this module hands it the
layer, by paragraph id:

- `Highlight`s for annotated passages (`<mark class="hl role-evidence">`, offsets in code
  points, overlapping ones drawn flat by papers.reading), and
- an `Aside` per annotated or discussed paragraph: its role chips (role, count, who) as HTML,
  and a note where the paragraph holds more annotations than the page draws.

It also gathers what the page's script starts from (`Workspace.data`, through `json_script`):
the roles with their colours and keys, a compact index of the annotations drawn, what is counted
but not drawn ("undrawn"), the time of the read (the first `since` of the live updates), the
API's URLs and where blind mode is kept (`blind_choice`). Everything in a fixed number of queries
and a bounded size, whatever the number of paragraphs and annotations (page_budget.py): the
roles, the annotations' tallies (one aggregate query), the drawn annotations (one query, author
names joined; one more choosing them past the bound, MARGINALIA_PAGE_HIGHLIGHTS), the comments
(one query of five values each), the paragraphs the reader follows (one query, members only:
`follow_choice`).

New since the last visit: for a member, the view records the visit
(notifications.services.paper_visited) and hands over the one before (`last_visit`); the others'
comments written after it are "new": counted beside their paragraph's comment chip ("2 new"), and
listed for the script ("newComments"), which marks them in the panel. A first visit has nothing
new; neither has a reader who is not a member (their visits are not kept).

Moderation: what is read is `visible_to`'s answer, so a hidden or pending item of someone else
never reaches a plain reader's page (text, highlights, chips, counts, the script's data); its
author and the group's owners and moderators get it marked: `is-hidden`/`is-pending` on the
highlight, `has-held` on the chip (with the number held in its title), and its status in the
script's "unusual".
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from papers.models import Paper
from papers.permissions import is_moderator_or_owner, membership_for
from papers.reading import Highlight

from .models import Annotation, Comment, Role, Status
from .notifications.services import followed_paragraphs
from .page_budget import drawn, tallies
from .permissions import can_annotate, may_annotate
from .services import roles_for_group

# The page's own keys (static/annotations/workspace.js): a role whose key is one of them is
# reached by its number instead.
RESERVED_KEYS = ("j", "k", "s", "l", "f", "b", "m", "?")

# What the script gets for the annotations drawn (static/annotations/workspace.js, "The index"):
# one flat list with six values for each annotation,
#   id, paragraph id, role (index into "roles"), author (index into "authors", or null),
#   start, end (code points; null for the whole paragraph),
# and "unusual": {id: [status, visibility]} for those not "visible" to the "group". The comments
# likewise: "commentIndex", three values for each comment the reader may see (tombstones left
# out): id, paragraph id, annotation id (or null), so that live updates can take one away from
# the right count. Flat, not a
# list or an object per annotation: 10,000 annotations take about 250 kB and a handful of
# Python objects instead of tens of thousands (which the garbage collector would walk).


@dataclass
class Chip:
    role: Role
    count: int = 0
    authors: list[str] = field(default_factory=list)
    mine: bool = False
    held: int = 0  # hidden or pending: shown to their author and the moderators only, marked


@dataclass
class Aside:
    """What the page shows beside a paragraph: `html` (its chips) and whether the reader has
    tagged it (blind mode shows others' roles only then)."""

    html: SafeString
    tagged_by_me: bool = False


@dataclass
class Workspace:
    highlights: dict[int, list[Highlight]]
    asides: dict[int, Aside]
    data: dict
    role_css: SafeString


def role_css(roles: list[Role]) -> SafeString:
    """One rule per role giving its colour to `--role` (`.role-claim{--role:#0b5cad}`). Slugs
    and colours are validated by the model (`[-a-z0-9_]`, `#rrggbb`); escaped all the same."""
    rules = format_html_join("\n", ".role-{}{{--role:{}}}", ((r.slug, r.color) for r in roles))
    return rules


def role_views(roles: list[Role]) -> list[dict]:
    """The roles as the page and its script show them. Active roles get a number (1–9, the
    number keys) and a `shortcut`: their key, unless the page uses it for something else."""
    views, number = [], 0
    for role in roles:
        view = {
            "slug": role.slug,
            "name": role.name,
            "color": role.color,
            "key": role.key,
            "description": role.description,
            "retired": role.retired,
            "number": None,
            "shortcut": "",
        }
        if not role.retired:
            number += 1
            view["number"] = number if number <= 9 else None
            view["shortcut"] = role.key if role.key and role.key not in RESERVED_KEYS else ""
        views.append(view)
    return views


def _chips_html(chips: list[Chip], comments: int, new: int = 0) -> SafeString:
    # Plain string building with html.escape (what Django's escape calls), marked safe once:
    # a thousand paragraphs' chips in a few milliseconds (format_html takes ten times longer).
    parts = []
    for chip in chips:
        slug, name = escape(chip.role.slug), escape(chip.role.name)
        who = escape(", ".join(sorted(set(chip.authors))))
        classes = f"ws-chip role-{slug}{' mine' if chip.mine else ''}"
        held = ""
        if chip.held:
            classes += " has-held"
            held = f" ({chip.held} hidden or waiting for a moderator)"
        parts.append(
            f'<span class="{classes}" data-role="{slug}" title="{name}: {who}{held}">'
            f'<span class="ws-dot" aria-hidden="true"></span>{name} '
            f'<span class="ws-count">{chip.count}</span></span>'
        )
    if comments:
        parts.append(
            f'<span class="ws-chip ws-chip-comments">{comments} '
            f"comment{'' if comments == 1 else 's'}</span>"
        )
        if new:
            # The others' comments since the reader's last visit: a mark of its own beside the
            # count, in words (not a colour alone).
            parts.append(
                f'<span class="ws-new-mark" title="New since your last visit">{new} new</span>'
            )
    chips = "".join(parts)
    return SafeString(
        f'<span class="ws-chips" role="group" aria-label="Annotations">{chips}</span>'
    )


def _highlight(pk: int, start: int, end: int, status: str, role: Role, mine: bool) -> Highlight:
    # No title: 10,000 of them would add more than half a megabyte; the chips name who tagged
    # what, and the script gives a mark its title when the pointer rests on it.
    classes = f"hl role-{role.slug}"
    if mine:
        classes += " mine"
    if status != Status.VISIBLE:
        classes += f" is-{status}"
    return Highlight(start, end, classes, (("annotation", str(pk)),))


@dataclass
class CommentsRead:
    counts: dict[int, int]  # paragraph id -> comments
    index: list  # the script's "commentIndex"
    new_counts: dict[int, int]  # paragraph id -> the others' comments since the last visit
    new: list[int]  # their ids


def _comments_read(paper: Paper, user, last_visit: datetime | None) -> CommentsRead:
    """The comments the reader may see (tombstones left out), in one query of five values
    each: their count by paragraph, the script's "commentIndex", and which of them someone else
    wrote since the reader's last visit."""
    read = CommentsRead(defaultdict(int), [], defaultdict(int), [])
    me = user.pk if user is not None and user.is_authenticated else None
    comment_rows = (
        Comment.objects.visible_to(user)
        .filter(paper=paper)
        .exclude(status=Status.DELETED)
        .order_by("id")
        .values_list("id", "paragraph_id", "annotation_id", "author_id", "created")
    )
    for pk, paragraph, annotation, author, created in comment_rows.iterator(chunk_size=2000):
        read.counts[paragraph] += 1
        read.index += (pk, paragraph, annotation)
        if last_visit is not None and created > last_visit and author != me:
            read.new_counts[paragraph] += 1
            read.new.append(pk)
    return read


def _asides(
    chips: dict[int, dict[int, Chip]],
    comments: CommentsRead,
    tagged: set[int],
    notes: dict[int, str],
) -> dict[int, Aside]:
    """What goes beside each annotated or discussed paragraph: its chips in the roles' order,
    then the note saying that it holds more than is drawn (`notes`), where it does."""
    asides = {}
    for paragraph in set(chips) | set(comments.counts):
        ordered = sorted(
            chips.get(paragraph, {}).values(), key=lambda c: (c.role.position, c.role.id)
        )
        html = _chips_html(
            ordered, comments.counts.get(paragraph, 0), comments.new_counts.get(paragraph, 0)
        )
        if paragraph in notes:
            html = SafeString(html + notes[paragraph])
        asides[paragraph] = Aside(html, paragraph in tagged)
    return asides


def _undrawn(
    rest: dict[tuple[int, int, str | None], list[int]],
    role_index: dict[int, int],
    author_index: dict[str, int],
) -> dict[int, list]:
    """What the page counts but does not draw, for the script (its "undrawn"): by paragraph, four
    values for each role and author, role (index into "roles"), author (index into "authors", or
    null), how many, how many of them held. As many as paragraphs, roles and authors, never as
    annotations."""
    undrawn: dict[int, list] = defaultdict(list)
    for (paragraph, role_id, username), (count, held) in rest.items():
        if count > 0:
            who = None if username is None else author_index.setdefault(username, len(author_index))
            undrawn[paragraph] += (role_index[role_id], who, count, held)
    return dict(undrawn)


def _more_notes(undrawn: dict[int, list], totals: dict[int, int]) -> dict[int, str]:
    """The words under a paragraph that holds more annotations than the page draws: a reader
    must not take the marks for all there is. `data-more` tells the script to fetch the rest
    (static/annotations/more.js)."""
    notes = {}
    for paragraph, values in undrawn.items():
        left = sum(values[2::4])
        total = totals[paragraph]
        notes[paragraph] = (
            f'<span class="ws-more" role="note" data-more="{left}">Only {total - left:,} of '
            f"{total:,} annotations on this paragraph are drawn here.</span>"
        )
    return notes


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def blind_choice(paper: Paper, user) -> dict | None:
    """Blind mode as the server keeps it for an active member of the paper's group
    (`Membership.blind`: the page renders <html data-blind> from it, the script changes it
    through `groups/{slug}/me/`, and the member's first tag on a paragraph is then recorded as
    an independent reading); None for anyone else, whose choice stays in their browser."""
    membership = membership_for(user, paper.group)
    if membership is None:
        return None
    return {"on": membership.blind, "url": reverse("group-me", kwargs={"slug": paper.group.slug})}


def follow_choice(paper: Paper, user) -> dict | None:
    """The paragraphs of the paper an active member of its group follows (one query) and where
    to change that (`follows/`, notifications.api); None for anyone else, who may not follow."""
    if not may_annotate(membership_for(user, paper.group)):
        return None
    return {"url": reverse("follows"), "paragraphs": sorted(followed_paragraphs(user, paper))}


def load_workspace(paper: Paper, user, *, last_visit: datetime | None = None) -> Workspace:
    """The annotation layer of `paper` as `user` may see it (Annotation.objects.visible_to);
    `last_visit`: the member's visit before this one (module docstring, "New since")."""
    read_at: datetime = timezone.now()  # before reading: nothing written meanwhile is missed
    # One query; roles_for_group (which first asks whether there are any) only for a group
    # without roles yet, where it makes the default ones.
    roles = list(Role.objects.filter(group_id=paper.group_id)) or list(roles_for_group(paper.group))
    by_id = {role.id: role for role in roles}
    role_index = {role.id: i for i, role in enumerate(roles)}
    author_index: dict[str, int] = {}
    me = user.pk if user is not None and user.is_authenticated else None
    visible = Annotation.objects.visible_to(user).filter(paper=paper)
    # The chips, whether the reader tagged a paragraph, and what is not drawn: from one
    # aggregate query (annotations/page_budget.py), the same cost at 100 or 150,000 annotations.
    counted = [t for t in tallies(visible) if t.role in by_id]  # roles are PROTECTed: all of them
    chips: dict[int, dict[int, Chip]] = defaultdict(dict)
    tagged: set[int] = set()
    per_paragraph: dict[int, int] = defaultdict(int)
    rest: dict[tuple[int, int, str | None], list[int]] = {}  # not drawn: [count, held]
    for t in counted:
        chip = chips[t.paragraph].get(t.role)
        if chip is None:
            chip = chips[t.paragraph][t.role] = Chip(by_id[t.role])
        chip.count += t.count
        chip.authors.append(t.username or "(deleted account)")
        chip.mine = chip.mine or (me is not None and t.author == me)
        chip.held += t.held
        if me is not None and t.author == me:
            tagged.add(t.paragraph)
        per_paragraph[t.paragraph] += t.count
        rest[t.paragraph, t.role, t.username] = [t.count, t.held]
    # One query (and, past the bound, one more choosing them): the drawn annotations with the
    # author's name joined, only the fields the layer needs (as tuples: the cheapest rows).
    rows = (
        drawn(visible, per_paragraph, settings.MARGINALIA_PAGE_HIGHLIGHTS)
        .order_by("paragraph_id", "start", "id")
        .values_list(
            "id", "paragraph_id", "role_id", "start", "end", "author_id",
            "author__username", "status", "visibility",
        )
    )  # fmt: skip
    # No iterator(): the rows are bounded (MARGINALIA_PAGE_HIGHLIGHTS), and PostgreSQL plans a
    # server-side cursor for its first rows (a scan in the ORDER BY's order, ten times slower).
    highlights: dict[int, list[Highlight]] = defaultdict(list)
    index: list = []
    unusual: dict[int, tuple[str, str]] = {}
    visible_status, group = Status.VISIBLE.value, Annotation.Visibility.GROUP.value
    for pk, paragraph, role_id, start, end, author_id, author, status, visibility in rows:
        role = by_id.get(role_id)
        if role is None:  # cannot happen (role is PROTECTed); keep the page up regardless
            continue
        mine = me is not None and author_id == me
        if start is not None:
            highlights[paragraph].append(_highlight(pk, start, end, status, role, mine))
        left = rest.get((paragraph, role_id, author))
        if left is not None:  # drawn: not in what the page says is left
            left[0] -= 1
            left[1] -= status != visible_status
        who = None if author is None else author_index.setdefault(author, len(author_index))
        index += (pk, paragraph, role_index[role_id], who, start, end)
        if status != visible_status or visibility != group:
            unusual[pk] = (status, visibility)
    undrawn = _undrawn(rest, role_index, author_index)
    comments = _comments_read(paper, user, last_visit)
    asides = _asides(chips, comments, tagged, _more_notes(undrawn, per_paragraph))
    api_root = reverse("annotation-list").removesuffix("annotations/")
    return Workspace(
        highlights=dict(highlights),
        asides=asides,
        role_css=role_css(roles),
        data={
            "paper": paper.pk,
            "group": paper.group.slug,
            "user": {"id": me, "username": user.get_username()} if me is not None else None,
            "canAnnotate": can_annotate(user, paper),
            "canModerate": is_moderator_or_owner(user, paper.group),
            "blind": blind_choice(paper, user),
            "roles": role_views(roles),
            "authors": list(author_index),
            "annotations": index,
            "unusual": unusual,
            "undrawn": {str(k): v for k, v in undrawn.items()},
            "paragraphLimit": settings.MARGINALIA_PAGE_HIGHLIGHTS,
            "comments": {str(k): v for k, v in comments.counts.items()},
            "commentIndex": comments.index,
            "newComments": comments.new,
            "lastVisit": _iso(last_visit) if last_visit is not None else None,
            "follows": follow_choice(paper, user),
            "since": _iso(read_at),
            "api": {
                "annotations": reverse("annotation-list"),
                "comments": reverse("comment-list"),
                "links": reverse("link-list"),
                "preview": reverse("preview-list"),
                # The moderation endpoints (shared/API.md), beside the others under /api/v1/.
                "flags": f"{api_root}flags/",
                "moderation": f"{api_root}moderation/actions/",
            },
            "poll": 3000,
        },
    )
