"""Import a Hypothesis API search result (`GET /api/search`: `{"total", "rows": [...]}`, or the
Hypothesis client's own JSON export, `{"export_date", "annotations": [...]}`) onto an existing
paper.

Each annotation row is anchored by its TextQuoteSelector, in this order:
1. exact: the quote (trimmed) occurs in a paragraph's text; if it occurs more than once, the
   occurrence whose surroundings agree best with the selector's prefix and suffix wins;
2. exact but for whitespace: the same, with every run of whitespace counted as one space (a web
   page's quote keeps its line breaks);
3. fuzzy: rapidfuzz's `partial_ratio_alignment`, the best-matching stretch of a paragraph,
   accepted at a score of FUZZY_THRESHOLD (of 100) or more (a typo, a changed word).
The TextPositionSelector is not used: its offsets count the characters of the annotated web page,
not of our paragraphs. A quote across two paragraphs, a page note (no selector) and a quote found
nowhere are reported in `not_anchored`, with the reason, and not imported.

An anchored row becomes an Annotation on its paragraph: the role is the first tag naming one of
the group's active roles (slug or name, any case), else the default role; the note is the row's
text, followed by the other tags as "Tags: #a #b"; the author is the importer, and the
`acct:NAME@host` user's NAME, the row's `created` and `uri` are its attribution
(annotations.imports.people); an annotation readable only by its author on Hypothesis is
private here, a hidden one stays hidden. Replies (rows with `references`) become comments on the
annotation they answer, threaded under the reply they answer (the last id of `references` that
was imported).
"""

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

from annotations.markdown import render_markdown
from annotations.models import Annotation, Comment, Role, Status
from annotations.premoderation import initial_status
from annotations.quotes import resolve_quote
from annotations.services import MAX_NOTE, roles_for_group
from papers.models import Paper

from . import checks as c
from .people import HYPOTHESIS, attributed_names, attribution, username
from .quotas import check_room
from .report import ImportRefused, ImportReport
from .saving import insert

FUZZY_THRESHOLD = 85
_ACCOUNT = re.compile(r"^acct:([^@]+)@(.+)$")
_SPACE = re.compile(r"\s+")


def is_hypothesis(data: dict) -> bool:
    return isinstance(data.get("rows"), list) or (
        isinstance(data.get("annotations"), list) and "export_date" in data
    )


@dataclass
class Row:
    id: str
    path: str
    author: str | None
    text: str
    tags: list[str]
    references: list[str]
    quote: dict | None  # the TextQuoteSelector's exact, prefix, suffix
    has_selector: bool
    private: bool
    hidden: bool
    created: object
    uri: str  # the annotated document's address (the attribution's `url`)


# Checking


def check(data: dict) -> list[Row]:
    key = "rows" if isinstance(data.get("rows"), list) else "annotations"
    rows, seen = [], set()
    for index, raw in enumerate(c.items(data, key, "")):
        where = c.at(key, index)
        raw = c.obj(raw, where)
        id_ = c.text(raw, "id", where, blank=False, max_length=100)
        if id_ in seen:
            c.refuse(c.at(where, "id"), f"{id_!r} appears twice")
        seen.add(id_)
        references = c.texts(raw, "references", where)
        quote, has_selector = _selector(raw, where)
        rows.append(
            Row(
                id=id_,
                path=where,
                author=_author(raw, where),
                text=c.text(raw, "text", where, default="", null=True) or "",
                tags=c.texts(raw, "tags", where),
                references=references,
                quote=quote,
                has_selector=has_selector,
                private=_private(raw),
                hidden=raw.get("hidden") is True,
                created=c.moment(raw, "created", where, default=None),
                uri=c.text(raw, "uri", where, default="", null=True, max_length=2000) or "",
            )
        )
    return rows


def _author(raw: dict, where: str) -> str | None:
    value = raw.get("user")
    if value is None:
        return None
    match = _ACCOUNT.match(value) if isinstance(value, str) else None
    if match is None:
        c.refuse(c.at(where, "user"), f"{value!r} is not a Hypothesis account (acct:NAME@host)")
    return username({"user": match.group(1)}, "user", where)


def _private(raw: dict) -> bool:
    """Readable only by its author on Hypothesis: no group, no world among its readers."""
    readers = (raw.get("permissions") or {}).get("read") if isinstance(raw, dict) else None
    if not isinstance(readers, list) or not readers:
        return False
    return all(isinstance(reader, str) and reader.startswith("acct:") for reader in readers)


def _selector(raw: dict, where: str) -> tuple[dict | None, bool]:
    """The first TextQuoteSelector of the row's targets, and whether it had any selector."""
    has_selector = False
    for t_index, target in enumerate(c.items(raw, "target", where, required=False)):
        here = c.at(c.at(where, "target"), t_index)
        target = c.obj(target, here)
        selectors = c.items(target, "selector", here, required=False)
        has_selector = has_selector or bool(selectors)
        for s_index, selector in enumerate(selectors):
            spot = c.at(c.at(here, "selector"), s_index)
            selector = c.obj(selector, spot)
            if selector.get("type") == "TextQuoteSelector":
                return {
                    "exact": c.text(selector, "exact", spot),
                    "prefix": c.text(selector, "prefix", spot, default="", null=True) or "",
                    "suffix": c.text(selector, "suffix", spot, default="", null=True) or "",
                }, True
    return None, has_selector


# Anchoring


@dataclass
class Place:
    paragraph: int  # index into the paper's paragraphs
    start: int
    end: int
    fuzzy: bool


def _collapse(text: str) -> tuple[str, list[int]]:
    """`text` with each run of whitespace as one space, and for each of its characters the
    offset of the character it came from."""
    out, offsets, in_space = [], [], False
    for offset, char in enumerate(text):
        if char.isspace():
            if in_space:
                continue
            in_space = True
            char = " "
        else:
            in_space = False
        out.append(char)
        offsets.append(offset)
    return "".join(out), offsets


def _context_score(texts: list[str], index: int, start: int, end: int, quote: dict) -> int:
    """How many characters of the selector's prefix and suffix agree with the text around a
    candidate (whitespace collapsed; the neighbouring paragraphs count, as on a page)."""
    before = " ".join([*texts[max(0, index - 1) : index], texts[index][:start]])
    after = " ".join([texts[index][end:], *texts[index + 1 : index + 2]])
    prefix, before = _SPACE.sub(" ", quote["prefix"]), _SPACE.sub(" ", before)
    suffix, after = _SPACE.sub(" ", quote["suffix"]), _SPACE.sub(" ", after)
    score = 0
    for a, b in zip(reversed(prefix.strip()), reversed(before.strip()), strict=False):
        if a != b:
            break
        score += 1
    for a, b in zip(suffix.strip(), after.strip(), strict=False):
        if a != b:
            break
        score += 1
    return score


def anchor(texts: list[str], quote: dict) -> Place | str:
    """Where the quote sits in the paragraphs `texts`, or why it cannot be placed."""
    exact = unicodedata.normalize("NFC", quote["exact"]).strip()
    quote = {key: unicodedata.normalize("NFC", value) for key, value in quote.items()}
    if not exact:
        return "the quote is empty"
    candidates = []
    for index, body in enumerate(texts):
        at = body.find(exact)
        while at != -1:
            candidates.append((index, at, at + len(exact)))
            at = body.find(exact, at + 1)
    if not candidates:
        needle = _SPACE.sub(" ", exact)
        for index, body in enumerate(texts):
            collapsed, offsets = _collapse(body)
            at = collapsed.find(needle)
            while at != -1:
                last = at + len(needle) - 1
                candidates.append((index, offsets[at], offsets[last] + 1))
                at = collapsed.find(needle, at + 1)
    if candidates:
        best = max(candidates, key=lambda spot: _context_score(texts, *spot, quote))
        return Place(*best, fuzzy=False)
    return _fuzzy(texts, _SPACE.sub(" ", exact), quote)


def _fuzzy(texts: list[str], needle: str, quote: dict) -> Place | str:
    best, best_key, top = None, None, 0.0
    for index, body in enumerate(texts):
        # A quote longer than the paragraph would run into the next one: not a passage of it.
        if len(body) < len(needle):
            continue
        found = fuzz.partial_ratio_alignment(needle, body)
        if found is None:
            continue
        top = max(top, found.score)
        if found.score < FUZZY_THRESHOLD:
            continue
        start, end = found.dest_start, found.dest_end
        while start < end and body[start].isspace():
            start += 1
        while end > start and body[end - 1].isspace():
            end -= 1
        if end <= start:
            continue
        key = (round(found.score, 1), _context_score(texts, index, start, end, quote))
        if best_key is None or key > best_key:
            best, best_key = Place(index, start, end, fuzzy=True), key
    if best is not None:
        return best
    if any(len(body) >= len(needle) for body in texts):
        return (
            f"not found in the paper (the closest passage scores {top:.0f} of 100; "
            f"{FUZZY_THRESHOLD} is needed)"
        )
    return "the quote is longer than every paragraph (it spans several)"


# Writing


def _default_role(group, slug: str | None) -> Role:
    active = roles_for_group(group).active()
    if slug:
        role = active.filter(slug=slug).first()
        if role is None:
            names = ", ".join(active.values_list("slug", flat=True))
            raise ImportRefused(
                f"role: {slug!r} is not an active role of this group; choose one of: {names}"
            )
        return role
    return active.first()


def _role_and_note(row: Row, roles: dict[str, Role], default: Role) -> tuple[Role, str]:
    role, rest = None, []
    for tag in row.tags:
        found = roles.get(tag.strip().lower()) if role is None else None
        if found is not None:
            role = found
        else:
            rest.append("#" + "-".join(tag.split()))
    note = row.text.strip()
    if rest:
        note = (note + "\n\n" if note else "") + "Tags: " + " ".join(rest)
    return role or default, note[:MAX_NOTE]


def write(
    rows: list[Row],
    *,
    paper: Paper,
    user,
    default_role: str | None,
    report: ImportReport,
) -> None:
    """Anchor and create, in the caller's transaction (module docstring)."""
    group = paper.group
    default = _default_role(group, default_role)
    active = list(roles_for_group(group).active())
    roles = {role.name.lower(): role for role in active} | {r.slug.lower(): r for r in active}
    paragraphs = list(paper.paragraphs.order_by("position").only("id", "text", "paper_id"))
    texts = [paragraph.text for paragraph in paragraphs]
    hold = initial_status(user, group) == Status.PENDING
    report.papers.append(paper.pk)

    annotations, places = [], []
    for row in rows:
        if row.references:
            continue
        if row.quote is None:
            reason = (
                "no TextQuoteSelector to anchor by"
                if row.has_selector
                else "a page note (no selector): nothing in the paper to anchor it to"
            )
            report.not_anchored.append({"id": row.id, "exact": "", "reason": reason})
            continue
        place = anchor(texts, row.quote)
        if isinstance(place, str):
            report.not_anchored.append({"id": row.id, "exact": row.quote["exact"], "reason": place})
            continue
        annotations.append(row)
        places.append(place)

    report.attributed = attributed_names((row.author for row in rows), importer=user)
    check_room(paper, adding=len(annotations))
    objects = []
    for row, place in zip(annotations, places, strict=True):
        paragraph = paragraphs[place.paragraph]
        quote = resolve_quote(paragraph.text, start=place.start, end=place.end).as_dict()
        role, note = _role_and_note(row, roles, default)
        visibility = Annotation.Visibility.PRIVATE if row.private else Annotation.Visibility.GROUP
        status = Status.HIDDEN if row.hidden else Status.VISIBLE
        if hold and not row.private and status == Status.VISIBLE:
            status = Status.PENDING
        objects.append(
            Annotation(
                paper=paper,
                paragraph=paragraph,
                role=role,
                note=note,
                note_html=render_markdown(note),
                author=user,
                **_attribution(row),
                visibility=visibility,
                status=status,
                **quote,
            )  # fmt: skip
        )
        report.fuzzy += place.fuzzy
    made = insert(Annotation, objects)
    by_id = {row.id: annotation for row, annotation in zip(annotations, made, strict=True)}
    report.annotations += len(made)
    _write_replies(rows, by_id, user=user, paper=paper, hold=hold, report=report)


def _attribution(row: Row) -> dict:
    return attribution(author=row.author, created=row.created, source=HYPOTHESIS, url=row.uri)


def _write_replies(rows, by_id, *, user, paper, hold, report) -> None:
    replies = sorted((row for row in rows if row.references), key=lambda r: len(r.references))
    comments: dict[str, Comment] = {}
    for depth in sorted({len(row.references) for row in replies}):
        level, objects = [], []
        for row in (r for r in replies if len(r.references) == depth):
            annotation = by_id.get(row.references[0])
            if annotation is None:
                why = (
                    "was not anchored"
                    if any(r.id == row.references[0] for r in rows)
                    else ("is not in the file")
                )
                report.not_anchored.append({"id": row.id, "exact": "",
                                            "reason": f"a reply to {row.references[0]}, which "
                                                      f"{why}"})  # fmt: skip
                continue
            body = row.text.strip()[:MAX_NOTE]
            if not body:
                report.not_anchored.append({"id": row.id, "exact": "", "reason": "an empty reply"})
                continue
            # The reply it answers: the nearest one above it in the thread that was imported.
            parent = next(
                (comments[ref] for ref in reversed(row.references[1:]) if ref in comments), None
            )
            status = Status.HIDDEN if row.hidden else Status.VISIBLE
            objects.append(
                Comment(paper=paper, paragraph_id=annotation.paragraph_id, annotation=annotation,
                        parent=parent, body=body, body_html=render_markdown(body),
                        author=user, **_attribution(row),
                        status=Status.PENDING if hold and status == Status.VISIBLE else status)
            )  # fmt: skip
            level.append(row)
        made = insert(Comment, objects)
        comments.update({row.id: comment for row, comment in zip(level, made, strict=True)})
    report.comments += len(comments)
