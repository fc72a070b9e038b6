"""@username mentions in notes and comments.

A mention is an `@` not preceded by a word character (so `bob@example.com` is not one) followed
by a username (Django's: letters, digits and `@ . + - _`), matched case-insensitively to the
ACTIVE members of the paper's group and written with the member's real username. A `.`, `-` or
`+` that ends the name is taken as the sentence's punctuation unless the longer name is a member
("Ask @amina." mentions amina; "@j.r." mentions j.r. when j.r. is a member). Anyone else (not a
member, banned, gone) stays plain text and is told nothing. A post mentions at most
`MAX_MENTIONS` distinct members: more is refused (ValidationError), before anything is saved.

Mentions are read from the rendered, sanitised HTML, not the Markdown source: the text outside
`<code>`, `<pre>` and `<a>`. One reader then decides both who is told (`mentions_in`) and what is
linked (`link_mentions`), so the two can never disagree; Markdown's own rules (code spans,
fences, indented code, links, escapes) are the renderer's, not re-implemented here; and what the
reader sees as code or as a link is exactly what is left alone. The link is added after nh3:
markup we build, with the username escaped and the URL from `reverse`.

Queries: none when the text has no `@`, else one (the members among the candidate names).
"""

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.html import escape

from papers.models import Membership, ReadingGroup

from ..markdown import render_markdown

MAX_MENTIONS = 20

# A tag of nh3's output: attribute values are always double-quoted there, so a `>` inside one
# cannot end the tag early.
_TAG = re.compile(r'<(/?)([a-zA-Z0-9]+)(?:[^">]|"[^"]*")*>')
# Text inside these is never a mention: code, and links (a mention is a link of its own).
_SKIPPED = frozenset({"code", "pre", "a"})
_MENTION = re.compile(r"(?<!\w)@([\w.@+-]+)")
# Sentence punctuation a name may end with: dropped, one at a time, unless the longer name is a
# member's.
_TRAILING = ".-+"
# Django's longest username: no longer name is looked up.
MAX_NAME = 150
# Past this many candidate names (a long text full of @s), the group's members are read whole
# and matched here: still one query, and no SQL `IN` list of thousands.
_MAX_LOOKUP = 200


class Mentioned(NamedTuple):
    user_id: int
    username: str


def _texts(html: str) -> Iterator[tuple[int, int]]:
    """The (start, end) spans of `html`'s text outside tags and outside `_SKIPPED` elements."""
    depth = 0
    position = 0
    for tag in _TAG.finditer(html):
        if depth == 0 and tag.start() > position:
            yield position, tag.start()
        name = tag.group(2).lower()
        if name in _SKIPPED:
            depth = max(depth + (-1 if tag.group(1) else 1), 0)
        position = tag.end()
    if depth == 0 and position < len(html):
        yield position, len(html)


def _names(written: str) -> list[str]:
    """The names a written mention may stand for, longest first: "j.r.." → j.r.., j.r., j.r;
    none longer than MAX_NAME."""
    shortest = max(len(written.rstrip(_TRAILING)), 1)
    longest = min(len(written), MAX_NAME)
    return [written[:n] for n in range(longest, shortest - 1, -1)]


def _replace(html: str, replacement: Callable[[re.Match], str | None]) -> str:
    """`html` with each mention-like match outside code and links replaced by
    `replacement(match)` (None: left as it is)."""
    out: list[str] = []
    done = 0
    for start, end in _texts(html):
        for match in _MENTION.finditer(html, start, end):
            new = replacement(match)
            if new is not None:
                out.append(html[done : match.start()])
                out.append(new)
                done = match.end()
    out.append(html[done:])
    return "".join(out)


def _written(html: str) -> list[str]:
    """Every mention-like name in `html` (outside code and links), as written."""
    found: list[str] = []
    _replace(html, lambda match: found.append(match.group(1)))
    return found


def mentions_in_html(html: str, group: ReadingGroup) -> dict[str, Mentioned]:
    """The group's active members the rendered `html` mentions, by lower-cased username (module
    docstring). Refuses more than MAX_MENTIONS."""
    if "@" not in html:
        return {}
    written = _written(html)
    if not written:
        return {}
    exact = {name for w in written for name in _names(w)}
    candidates = {name.lower() for name in exact}
    if not candidates:
        return {}
    rows = Membership.objects.active().filter(group=group)
    if len(candidates) <= _MAX_LOOKUP:
        rows = rows.annotate(lowered=Lower("user__username")).filter(lowered__in=candidates)
    rows = rows.values_list("user_id", "user__username")
    members: dict[str, Mentioned] = {}
    # Usernames differing only in case: the one written exactly as it is wins.
    for user_id, username in sorted(rows, key=lambda r: (r[1] not in exact, r[1])):
        if username.lower() in candidates:
            members.setdefault(username.lower(), Mentioned(user_id, username))
    mentioned: dict[str, Mentioned] = {}
    for w in written:
        name = next((n.lower() for n in _names(w) if n.lower() in members), None)
        if name is not None:
            mentioned[name] = members[name]
    if len(mentioned) > MAX_MENTIONS:
        raise ValidationError(
            f"A post mentions at most {MAX_MENTIONS} people; this one mentions {len(mentioned)}.",
            code="too_many_mentions",
        )
    return mentioned


def mentions_in(text: str, group: ReadingGroup) -> dict[str, Mentioned]:
    """The group's active members the Markdown `text` mentions, by lower-cased username."""
    if "@" not in text:
        return {}
    return mentions_in_html(render_markdown(text), group)


def member_url(group: ReadingGroup, username: str) -> str:
    """The member's page in the group (annotations.activity.members)."""
    return reverse("annotations:member_page", kwargs={"slug": group.slug, "username": username})


def link_mentions(html: str, mentioned: dict[str, Mentioned], group: ReadingGroup) -> str:
    """The rendered `html` with each mention of a member as a link to them (no query)."""
    if not mentioned:
        return html

    def link(match: re.Match) -> str | None:
        written = match.group(1)
        for name in _names(written):
            member = mentioned.get(name.lower())
            if member is not None:
                rest = written[len(name) :]  # the sentence's punctuation, kept as text
                href = escape(member_url(group, member.username))
                text = escape(f"@{member.username}")
                return f'<a class="mention" href="{href}">{text}</a>{rest}'
        return None

    return _replace(html, link)


def render_with_mentions(text: str, group: ReadingGroup) -> tuple[str, dict[str, Mentioned]]:
    """The Markdown `text` as the post will show it (sanitised, mentions of members linked) and
    the members it mentions: rendered once, read once."""
    html = render_markdown(text)
    mentioned = mentions_in_html(html, group)
    return link_mentions(html, mentioned, group), mentioned
