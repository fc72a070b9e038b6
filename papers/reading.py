"""The reading page's layout, worked out in Python so the template only walks it.

Two layers:

- pure functions over plain values: `split_citations` cuts a paragraph's text into plain runs and
  citations (offsets in code points, as `Citation.start`/`end` count them), `render_paragraph`
  turns a paragraph into HTML with its citations and inline marks, escaping every piece of text,
  and `paper_layout` groups paragraphs into headings, lists, quotes, front matter and notes;
- `load_reading(paper)`, which reads a paper's structure in a fixed number of queries and feeds
  it to the functions above.

Another layer may draw on the text without this module knowing what it is: `Highlight`s (spans
in code points, drawn as `<mark>`) and an `aside` per paragraph (anything the template shows
beside it) are handed in by paragraph id. The annotations app's workspace does that.
"""

import html
import itertools
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

from .models import Citation, Paper, Paragraph


@dataclass(frozen=True)
class Entry:
    """A reference-list entry as a citation's popover shows it."""

    position: int
    text: str

    @property
    def anchor(self) -> str:
        return f"ref-{self.position}"


@dataclass(frozen=True)
class Cite:
    """An in-text citation: linked to `reference`, ambiguous between `candidates`, or neither."""

    id: int
    start: int
    end: int
    reference: Entry | None = None
    candidates: tuple[Entry, ...] = ()

    @property
    def dom_id(self) -> str:
        return f"cite-{self.id}"


class Highlight(NamedTuple):
    """A span of a paragraph's text (code points) to draw as `<mark class="…" data-…>`.

    Handed in by another layer (the annotations workspace marks annotated passages). Highlights
    may overlap each other, citations and inline marks. Overlapping ones are drawn flat, never
    nested: the text is cut at every highlight's start and end, and each run of text is drawn once,
    as the innermost highlight covering it (`flat_runs`), with `data-depth` saying how many do when
    more than one. (A named tuple: a page may hand in thousands of them.)
    """

    start: int
    end: int
    css_class: str
    data: tuple[tuple[str, str], ...] = ()  # ("annotation", "17") becomes data-annotation="17"
    title: str = ""


@dataclass(frozen=True)
class Piece:
    """A run of a paragraph's text; `cite` is set when the run is an in-text citation."""

    start: int
    end: int
    text: str
    cite: Cite | None = None


def split_citations(text: str, cites: Iterable[Cite]) -> list[Piece]:
    """Cut `text` into plain runs and citations, in order, covering the whole text once.

    Citations outside the text, empty, or overlapping an earlier one are left out (the text
    stays; only the link is lost), so a bad offset never hides or repeats words.
    """
    pieces: list[Piece] = []
    done = 0
    for cite in sorted(cites, key=lambda c: (c.start, c.end)):
        if cite.start < done or cite.end <= cite.start or cite.end > len(text):
            continue
        if cite.start > done:
            pieces.append(Piece(done, cite.start, text[done : cite.start]))
        pieces.append(Piece(cite.start, cite.end, text[cite.start : cite.end], cite))
        done = cite.end
    if done < len(text) or not pieces:
        pieces.append(Piece(done, len(text), text[done:]))
    return pieces


_INLINE = ("strong", "em", "code")  # outermost first
_SAFE_SCHEMES = ("http", "https", "mailto")


def _safe_href(href) -> str | None:
    if not isinstance(href, str) or not href.strip():
        return None
    href = href.strip()
    if href.startswith("#"):
        return href
    try:
        scheme = urlsplit(href).scheme.lower()
    except ValueError:
        return None
    return href if scheme in _SAFE_SCHEMES else None


def _usable_marks(
    marks: Sequence[Mapping], text: str, notes: Mapping[str, str]
) -> list[tuple[str, int, int, str]]:
    """The marks we can show, as (type, start, end, href), clipped to the text."""
    usable = []
    for mark in marks or ():
        if not isinstance(mark, Mapping):
            continue
        kind, start, end = mark.get("type"), mark.get("start"), mark.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        start, end = max(start, 0), min(end, len(text))
        if start >= end:
            continue
        if kind in _INLINE:
            usable.append((kind, start, end, ""))
        elif kind == "link" and (href := _safe_href(mark.get("href"))):
            usable.append((kind, start, end, href))
        elif kind == "footnote_ref":
            anchor = notes.get(text[start:end].strip())
            usable.append((kind, start, end, f"#{anchor}" if anchor else ""))
    return usable


def _join(parts: Iterable[str]) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


# A paragraph's text is cut into many small runs (at citations, inline marks and highlights):
# they are escaped and wrapped with plain string operations (html.escape is what Django's escape
# calls), and the result is marked safe once. A thousand annotated paragraphs render in a few
# tens of milliseconds this way, against several hundred through format_html.
_SPECIAL = re.compile("[&<>\"']")


def _esc(text: str) -> str:
    """html.escape (as Django's escape), skipped for text without a character to escape."""
    return html.escape(text) if _SPECIAL.search(text) else text


class Run(NamedTuple):
    """A run of text covered by highlights: drawn as `top`, the innermost of the `depth` that
    cover it."""

    start: int
    end: int
    top: Highlight
    depth: int


def flat_runs(highlights: Iterable[Highlight], length: int) -> list[Run]:
    """Highlights inside a text of `length` code points as non-overlapping runs, in order.

    The text is cut at every start and end; each piece covered by at least one highlight is a run
    drawn as the innermost one covering it (the latest to start, then the shortest). A highlight
    outside the text or empty is left out rather than clipped: its offsets are stale. O(n log n)
    in the number of highlights: one sort, then a sweep in which the active highlights are kept
    in the order they started, so that the innermost is the last one still open (ended ones are
    dropped from the end as they surface).
    """
    usable = sorted(
        (h for h in highlights if 0 <= h.start < h.end <= length),
        key=lambda h: (h.start, -h.end),
    )
    if not usable:
        return []
    ends = sorted(h.end for h in usable)
    cuts = sorted({h.start for h in usable} | set(ends))
    runs: list[Run] = []
    stack: list[Highlight] = []
    started = ended = 0
    for a, b in zip(cuts, cuts[1:], strict=False):
        while started < len(usable) and usable[started].start <= a:
            stack.append(usable[started])
            started += 1
        while ended < len(ends) and ends[ended] <= a:
            ended += 1
        while stack and stack[-1].end <= a:
            stack.pop()
        if stack:
            runs.append(Run(a, b, stack[-1], started - ended))
    return runs


def _usable_highlights(highlights: Iterable[Highlight], text: str) -> list[tuple[int, int, str]]:
    """The flat runs of the highlights (`flat_runs`) as (start, end, opening tag)."""
    return [(r.start, r.end, _mark_open(r.top, r.depth)) for r in flat_runs(highlights, len(text))]


def _mark_open(highlight: Highlight, depth: int = 1) -> str:
    attrs = "".join(f' data-{_esc(name)}="{_esc(value)}"' for name, value in highlight.data)
    if depth > 1:
        attrs += f' data-depth="{depth}"'
    if highlight.title:
        attrs += f' title="{_esc(highlight.title)}"'
    return f'<mark class="{_esc(highlight.css_class)}"{attrs}>'


def _marked(
    text: str,
    start: int,
    end: int,
    marks,
    *,
    links: bool,
    highlights: Sequence[tuple[int, int, str]] = (),
) -> SafeString:
    """`text[start:end]` escaped, with the inline marks and highlight runs that cover it as HTML
    elements (the highlight outermost). `highlights` are flat runs, in order, not overlapping:
    each piece of text is inside one at most."""
    inside = [m for m in marks if m[1] < end and m[2] > start and (links or m[0] != "link")]
    first = bisect_right(highlights, start, key=lambda h: h[1])  # the first run ending after start
    lit = []
    for h in itertools.islice(highlights, first, None):
        if h[0] >= end:
            break
        lit.append(h)
    if not inside and not lit:
        return SafeString(_esc(text[start:end]))
    cuts = sorted(
        {start, end}
        | {max(m[1], start) for m in inside}
        | {min(m[2], end) for m in inside}
        | {max(h[0], start) for h in lit}
        | {min(h[1], end) for h in lit}
    )
    parts = []
    lit_at = 0
    for a, b in zip(cuts, cuts[1:], strict=False):
        run = _esc(text[a:b])
        if inside:
            run = _with_marks(run, [m for m in inside if m[1] <= a and m[2] >= b], links)
        while lit_at < len(lit) and lit[lit_at][1] <= a:
            lit_at += 1
        if lit_at < len(lit) and lit[lit_at][0] <= a:
            run = f"{lit[lit_at][2]}{run}</mark>"
        parts.append(run)
    return SafeString("".join(parts))  # every run escaped above


def _with_marks(run: str, active: list, links: bool) -> str:
    """An escaped run wrapped in the inline marks that cover all of it."""
    for tag in reversed(_INLINE):
        if any(m[0] == tag for m in active):
            run = f"<{tag}>{run}</{tag}>"
    note = next((m for m in active if m[0] == "footnote_ref"), None)
    if note is not None:
        if note[3] and links:
            run = f'<a href="{_esc(note[3])}">{run}</a>'
        run = f'<sup class="fnref">{run}</sup>'
    link = next((m for m in active if m[0] == "link"), None)
    if link is not None and (note is None or not note[3]):
        run = f'<a href="{_esc(link[3])}" rel="nofollow noopener">{run}</a>'
    return run


def _cite_html(text: str, piece: Piece, marks, highlights) -> SafeString:
    cite = piece.cite
    inner = _marked(text, piece.start, piece.end, marks, links=False, highlights=highlights)
    tip_id = f"{cite.dom_id}-tip"
    if cite.reference is not None:
        return format_html(
            '<span class="cite-wrap"><a class="cite" id="{}" href="#{}" aria-describedby="{}">'
            '{}</a><span class="cite-tip" role="tooltip" id="{}">{}</span></span>',
            cite.dom_id,
            cite.reference.anchor,
            tip_id,
            inner,
            tip_id,
            cite.reference.text,
        )
    if cite.candidates:
        entries = format_html_join(
            "",
            '<span class="cite-tip-entry">{}</span>',
            ((entry.text,) for entry in cite.candidates),
        )
        return format_html(
            '<span class="cite-wrap"><span class="cite cite-ambiguous" id="{}" tabindex="0" '
            'aria-describedby="{}">{}</span><span class="cite-tip" role="tooltip" id="{}">'
            '<span class="cite-tip-head">Ambiguous: could be any of</span>{}</span></span>',
            cite.dom_id,
            tip_id,
            inner,
            tip_id,
            entries,
        )
    return inner


def render_paragraph(
    text: str,
    cites: Iterable[Cite] = (),
    marks: Sequence[Mapping] = (),
    notes: Mapping[str, str] | None = None,
    highlights: Iterable[Highlight] = (),
) -> SafeString:
    """A paragraph's text as HTML: citations as links with a popover, inline marks as elements,
    highlights as `<mark>` (flat: one per run of text, `flat_runs`).

    Every piece of `text` and of the reference entries is escaped; link marks keep only http,
    https, mailto and `#` targets, and are dropped inside citations (no nested links). A
    footnote marker becomes a superscript linked to its note when `notes` (label to the note's
    anchor) has it. The text content of the result, without the citation popovers
    (`.cite-tip`), is `text` itself: offsets into it stay valid in the browser.
    """
    usable = _usable_marks(marks, text, notes or {})
    lit = _usable_highlights(highlights, text)
    parts = []
    for piece in split_citations(text, cites):
        if piece.cite is None:
            parts.append(_marked(text, piece.start, piece.end, usable, links=True, highlights=lit))
        else:
            parts.append(_cite_html(text, piece, usable, lit))
    return SafeString("".join(parts))  # each part is safe: _marked's or _cite_html's


def render_reference(text: str, url: str | None = None, doi: str | None = None) -> SafeString:
    """A reference entry as HTML: its URL (or else its DOI) linked where the text has it."""
    href, needle = _safe_href(url), url
    if href is None and doi:
        href, needle = f"https://doi.org/{doi}", doi
    if href is None or not needle or needle not in text:
        return escape(text)
    start = text.index(needle)
    end = start + len(needle)
    return format_html(
        '{}<a href="{}" rel="nofollow noopener">{}</a>{}',
        text[:start],
        href,
        text[start:end],
        text[end:],
    )


# Layout: what the template walks.


@dataclass
class Para:
    anchor: str
    kind: str
    label: str
    html: SafeString
    id: int | None = None
    aside: object = None  # what another layer shows beside the paragraph (opaque here)


@dataclass
class Block:
    """One thing in the body: a heading, a paragraph (body, quote, caption, table) or a list."""

    type: str  # "heading", "paragraph", "list"
    para: Para | None = None
    section: object = None  # the Section, for headings
    tag: str = ""  # h2..h6 for headings, ul/ol for lists
    items: list[Para] = field(default_factory=list)
    key: int | None = None  # for lists: the items' group_key


@dataclass
class Layout:
    front_matter: list[Para] = field(default_factory=list)
    abstract: list[Para] = field(default_factory=list)
    body: list[Block] = field(default_factory=list)
    notes: list[Para] = field(default_factory=list)


def _is_ordered(marks) -> bool:
    return any(
        isinstance(m, Mapping) and m.get("type") == "list" and m.get("ordered") for m in marks or ()
    )


def paper_layout(
    sections: Sequence,
    paragraphs: Iterable,
    cites: Mapping[int, list[Cite]],
    highlights: Mapping[int, Sequence[Highlight]] | None = None,
    asides: Mapping[int, object] | None = None,
) -> Layout:
    """Group a paper's paragraphs (in order) for display.

    `sections` and `paragraphs` are ordered by position (Section and Paragraph rows, or anything
    with the same attributes); `cites` maps a paragraph id to its citations, `highlights` to the
    spans another layer marks in it, `asides` to what that layer shows beside it. A section's
    heading comes before its first paragraph, and headings of sections without paragraphs of
    their own (a chapter heading followed by its first sub-heading) still appear in order.
    Consecutive list items of one list become one list (numbered when the items have labels).
    Footnote markers link to their note.
    """
    layout = Layout()
    paragraphs = list(paragraphs)
    notes = {p.label: p.anchor for p in paragraphs if p.kind == Paragraph.Kind.FOOTNOTE and p.label}
    position_of = {s.id: s.position for s in sections}
    pending = list(sections)

    def headings_up_to(position: float) -> None:
        while pending and pending[0].position <= position:
            section = pending.pop(0)
            tag = f"h{min(section.level + 1, 6)}"
            layout.body.append(Block("heading", section=section, tag=tag))

    highlights = highlights or {}
    asides = asides or {}
    for p in paragraphs:
        html = render_paragraph(
            p.text, cites.get(p.id, ()), p.marks, notes, highlights.get(p.id, ())
        )
        para = Para(p.anchor, p.kind, p.label, html, p.id, asides.get(p.id))
        if p.kind == Paragraph.Kind.FRONT_MATTER:
            layout.front_matter.append(para)
            continue
        if p.kind == Paragraph.Kind.FOOTNOTE:
            layout.notes.append(para)
            continue
        if p.kind == Paragraph.Kind.ABSTRACT and not layout.body:
            layout.abstract.append(para)
            continue
        if p.section_id is not None:
            headings_up_to(position_of.get(p.section_id, 0))
        last = layout.body[-1] if layout.body else None
        if p.kind == Paragraph.Kind.LIST_ITEM:
            if last is not None and last.type == "list" and last.key == p.group_key:
                last.items.append(para)
            else:
                tag = "ol" if p.label or _is_ordered(p.marks) else "ul"
                layout.body.append(Block("list", tag=tag, items=[para], key=p.group_key))
            continue
        layout.body.append(Block("paragraph", para=para))
    headings_up_to(float("inf"))
    return layout


# Loading: a fixed number of queries, whatever the size of the paper.


@dataclass
class RefItem:
    """A reference-list entry, with the citations in the text that point to it."""

    position: int
    anchor: str
    label: str
    html: SafeString
    cited_by: list[str] = field(default_factory=list)


@dataclass
class Reading:
    layout: Layout
    outline: list
    references: list[RefItem]


def load_reading(
    paper: Paper,
    *,
    highlights: Mapping[int, Sequence[Highlight]] | None = None,
    asides: Mapping[int, object] | None = None,
) -> Reading:
    """Everything the reading page shows below the title, in five queries. `highlights` and
    `asides` (by paragraph id) come from the layer drawing on the text (see `paper_layout`)."""
    sections = list(paper.sections.all())
    references = list(paper.references.all())
    entries = {r.id: Entry(r.position, r.text) for r in references}
    candidates: dict[int, list[Entry]] = defaultdict(list)
    through = Citation.candidates.through.objects.filter(citation__paper=paper).order_by(
        "reference__position"
    )
    for citation_id, reference_id in through.values_list("citation_id", "reference_id"):
        if reference_id in entries:
            candidates[citation_id].append(entries[reference_id])
    cites: dict[int, list[Cite]] = defaultdict(list)
    cited_by: dict[int, list[str]] = defaultdict(list)
    rows = paper.citations.order_by("paragraph__position", "start").values_list(
        "id", "paragraph_id", "start", "end", "reference_id"
    )
    for cid, paragraph_id, start, end, reference_id in rows:
        cite = Cite(cid, start, end, entries.get(reference_id), tuple(candidates.get(cid, ())))
        cites[paragraph_id].append(cite)
        if cite.reference is not None:
            cited_by[reference_id].append(cite.dom_id)
    # paper_id too: the related manager sets each row's paper, which on Django 5.2 would
    # fetch a deferred paper_id once per paragraph.
    paragraphs = paper.paragraphs.only(
        "id", "paper_id", "section_id", "kind", "anchor", "text", "marks", "group_key", "label",
        "position",
    )  # fmt: skip
    return Reading(
        layout=paper_layout(sections, paragraphs, cites, highlights, asides),
        outline=sections,
        references=[
            RefItem(
                r.position,
                r.anchor,
                r.label,
                render_reference(r.text, r.url, r.doi),
                cited_by.get(r.id, []),
            )
            for r in references
        ],
    )
