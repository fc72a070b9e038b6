"""Checking a native export before anything is written: types, required keys, unique ids and
positions, every reference between ids inside the file, offsets inside their paragraph, quotes
that match it. The first problem is refused (ImportRefused) with its path, e.g.
`papers[1].annotations[12].paragraph: 99 is not a paragraph of this paper`. No database.
"""

import json
from dataclasses import dataclass, field

from annotations.models import Annotation, Link, Status
from annotations.quotes import QuoteError, resolve_quote
from annotations.services import MAX_NOTE
from papers.importing.structure import language_code
from papers.models import Paper, Paragraph

from . import checks as c
from .people import username
from .roles import check_roles, role_slug

SCHEMA = "marginalia-export/1"


@dataclass
class CheckedPaper:
    """One paper of the file, every row checked; ids are the file's."""

    head: dict
    sections: list[dict] = field(default_factory=list)
    paragraphs: list[dict] = field(default_factory=list)
    references: list[dict] = field(default_factory=list)
    citations: list[dict] = field(default_factory=list)
    annotations: list[dict] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    revisions: list[dict] = field(default_factory=list)


@dataclass
class CheckedFile:
    group_export: bool
    roles: dict[str, dict]
    papers: list[CheckedPaper]

    def usernames(self) -> set[str]:
        """The names the posts are attributed to (their original authors'), for the report."""
        names = set()
        for paper in self.papers:
            for rows in (paper.annotations, paper.comments):
                for row in rows:
                    given = row["attribution"]
                    names.add(given["author"] if given is not None else row["author"])
        names.discard(None)
        return names

    def items(self) -> int:
        """Annotations and comments: what MARGINALIA_MAX_IMPORT_ITEMS counts."""
        return sum(len(paper.annotations) + len(paper.comments) for paper in self.papers)

    def role_slugs(self) -> list[str]:
        """The roles to have in the target group: those the annotations use, and for a group
        export the whole vocabulary (it moves with the group's work)."""
        slugs = list(self.roles) if self.group_export else []
        for paper in self.papers:
            slugs += [row["role"] for row in paper.annotations]
        return list(dict.fromkeys(slugs))


def check(data: dict) -> CheckedFile:
    if data.get("schema") != SCHEMA:
        c.refuse("schema", f"{data.get('schema')!r} is not a schema this version reads ({SCHEMA})")
    roles = check_roles(c.items(data, "roles", "", required=False), "roles")
    if "papers" in data:
        c.obj(c.get(data, "group", ""), "group")
        papers = [
            _check_paper(c.obj(row, c.at("papers", index)), c.at("papers", index))
            for index, row in enumerate(c.items(data, "papers", ""))
        ]
        return CheckedFile(group_export=True, roles=roles, papers=papers)
    return CheckedFile(group_export=False, roles=roles, papers=[_check_paper(data, "")])


def _ids(data: dict, name: str, path: str) -> tuple[list[tuple[str, dict]], dict]:
    """Each row of the list `name` as (its path, the object), and {id: row}; ids are unique.
    Sections and paragraphs are required; the other lists may be left out (empty)."""
    out, seen = [], {}
    required = name in ("sections", "paragraphs")
    for index, row in enumerate(c.items(data, name, path, required=required)):
        where = c.at(c.at(path, name), index)
        row = c.obj(row, where)
        id_ = c.integer(row, "id", where, minimum=None)
        if id_ in seen:
            c.refuse(c.at(where, "id"), f"{id_} appears twice in {name}")
        seen[id_] = row
        out.append((where, row))
    return out, seen


def _unique(value, seen: set, path: str, what: str):
    if value in seen:
        c.refuse(path, f"{value!r} is the {what} of another row")
    seen.add(value)


def _check_head(data: dict, path: str) -> dict:
    where = c.at(path, "paper")
    head = c.obj(c.get(data, "paper", path), where)
    source = c.obj(head.get("source") or {}, c.at(where, "source"))
    status = c.choice(head, "status", where, Paper.Status.values, default=Paper.Status.READY)
    return {
        "title": c.text(head, "title", where, max_length=1000).strip() or "Untitled paper",
        "authors": c.texts(head, "authors", where),
        "keywords": c.texts(head, "keywords", where),
        "abstract": c.text(head, "abstract", where, default=""),
        # Optional: exports from before papers knew their language have none.
        "language": language_code(c.text(head, "language", where, default="", max_length=8)),
        "source_format": c.text(source, "format", c.at(where, "source"), default="", max_length=20)
        or "json",
        "source_filename": c.text(
            source, "filename", c.at(where, "source"), default="", max_length=255
        )
        or "",
        "source_sha256": c.text(source, "sha256", c.at(where, "source"), default="", max_length=64)
        or "",
        # An export taken while the paper was still importing has no structure to come back.
        "status": Paper.Status.FAILED if status == Paper.Status.IMPORTING else status,
    }


def _check_paper(data: dict, path: str) -> CheckedPaper:
    """One paper's rows, in the file's order of lists (the first problem found is the one told)."""
    if path and "schema" in data and data["schema"] != SCHEMA:
        c.refuse(c.at(path, "schema"), f"{data['schema']!r} is not {SCHEMA}")
    paper = CheckedPaper(head=_check_head(data, path))
    paper.sections, section_ids = _check_sections(data, path)
    paper.paragraphs, paragraph_ids = _check_paragraphs(data, path, section_ids)
    texts = {row["id"]: row["text"] for row in paper.paragraphs}
    paper.references, reference_ids = _check_references(data, path)
    paper.citations = _check_citations(data, path, paragraph_ids, reference_ids, texts)
    paper.annotations, annotation_ids = _check_annotations(data, path, paragraph_ids, texts)
    paper.comments, comment_ids = _check_comments(data, path, paragraph_ids, annotation_ids)
    paper.links = _check_links(data, path, annotation_ids)
    owners = {"annotation": annotation_ids, "comment": comment_ids}
    paper.revisions = _check_revisions(data, path, owners)
    return paper


def _check_sections(data: dict, path: str) -> tuple[list[dict], dict]:
    sections, section_ids = _ids(data, "sections", path)
    checked, positions = [], set()
    for where, row in sections:
        position = c.integer(row, "position", where)
        _unique(position, positions, c.at(where, "position"), "position")
        checked.append(
            {
                "id": row["id"],
                "position": position,
                "level": c.integer(row, "level", where, minimum=1, maximum=6, default=1),
                "title": c.text(row, "title", where, max_length=1000),
            }
        )
    return checked, section_ids


def _check_paragraphs(data: dict, path: str, section_ids: dict) -> tuple[list[dict], dict]:
    paragraphs, paragraph_ids = _ids(data, "paragraphs", path)
    checked, positions, anchors = [], set(), set()
    for where, row in paragraphs:
        position = c.integer(row, "position", where)
        _unique(position, positions, c.at(where, "position"), "position")
        anchor = c.text(row, "anchor", where, blank=False, max_length=40)
        _unique(anchor, anchors, c.at(where, "anchor"), "anchor")
        section = c.integer(row, "section", where, null=True, minimum=None, default=None)
        if section is not None and section not in section_ids:
            c.refuse(c.at(where, "section"), f"{section} is not a section of this paper")
        body = c.text(row, "text", where)
        checked.append(
            {
                "id": row["id"],
                "position": position,
                "anchor": anchor,
                "section": section,
                "kind": c.choice(
                    row, "kind", where, Paragraph.Kind.values, default=Paragraph.Kind.BODY
                ),
                "text": body,
                "label": c.text(row, "label", where, default="", max_length=20) or "",
                "marks": _marks(row, where, body),
                "group_key": c.integer(row, "group_key", where, null=True, default=None),
            }
        )
    return checked, paragraph_ids


def _paragraph_of(
    row: dict, where: str, paragraph_ids: dict, key: str = "paragraph", null: bool = False
) -> int | None:
    """The paragraph a row names (its id in the file), which must be one of this paper's."""
    value = c.integer(row, key, where, null=null, minimum=None, default=None if null else c.MISSING)
    if value is not None and value not in paragraph_ids:
        c.refuse(c.at(where, key), f"{value} is not a paragraph of this paper")
    return value


def _check_references(data: dict, path: str) -> tuple[list[dict], dict]:
    references, reference_ids = _ids(data, "references", path)
    checked, positions = [], set()
    for where, row in references:
        position = c.integer(row, "position", where)
        _unique(position, positions, c.at(where, "position"), "position")
        checked.append(
            {
                "id": row["id"],
                "position": position,
                "label": c.text(row, "label", where, default="", max_length=40) or "",
                "text": c.text(row, "text", where),
                "authors": c.texts(row, "authors", where),
                "year": c.integer(row, "year", where, null=True, maximum=32767, default=None),
                "title": c.text(row, "title", where, default="") or "",
                "url": c.text(row, "url", where, null=True, max_length=2000, default=None) or "",
                "doi": c.text(row, "doi", where, null=True, max_length=255, default=None) or "",
            }
        )
    return checked, reference_ids


def _reference_of(value, where: str, reference_ids: dict):
    if value is not None and (isinstance(value, bool) or value not in reference_ids):
        c.refuse(where, f"{value!r} is not a reference of this paper")
    return value


def _check_citations(
    data: dict, path: str, paragraph_ids: dict, reference_ids: dict, texts: dict[int, str]
) -> list[dict]:
    checked = []
    for index, row in enumerate(c.items(data, "citations", path, required=False)):
        where = c.at(c.at(path, "citations"), index)
        row = c.obj(row, where)
        paragraph = _paragraph_of(row, where, paragraph_ids)
        start, end = _span(row, where, texts[paragraph], paragraph)
        candidates = c.items(row, "candidates", where, required=False)
        checked.append(
            {
                "paragraph": paragraph,
                "start": start,
                "end": end,
                "text": c.text(row, "text", where, max_length=500),
                "reference": _reference_of(
                    row.get("reference"), c.at(where, "reference"), reference_ids
                ),
                "candidates": [
                    _reference_of(value, c.at(c.at(where, "candidates"), i), reference_ids)
                    for i, value in enumerate(candidates)
                ],
            }
        )
    return checked


def _check_annotations(
    data: dict, path: str, paragraph_ids: dict, texts: dict[int, str]
) -> tuple[list[dict], dict]:
    annotations, annotation_ids = _ids(data, "annotations", path)
    checked = []
    for where, row in annotations:
        paragraph = _paragraph_of(row, where, paragraph_ids)
        anchor = row.get("anchor")
        wanted = paragraph_ids[paragraph]["anchor"]
        if anchor is not None and anchor != wanted:
            c.refuse(
                c.at(where, "anchor"),
                f"{anchor!r} is not the anchor of paragraph {paragraph} ({wanted!r})",
            )
        checked.append(
            {
                "id": row["id"],
                "paragraph": paragraph,
                "role": role_slug(row, "role", where),
                "quote": _quote(row, where, texts[paragraph]),
                "note": c.text(row, "note", where, default="", max_length=MAX_NOTE) or "",
                "author": username(row, "author", where),
                "visibility": c.choice(
                    row,
                    "visibility",
                    where,
                    Annotation.Visibility.values,
                    default=Annotation.Visibility.GROUP,
                ),
                # Absent from files written before it: not an independent reading.
                "independent": _boolean(row, "independent", where, default=False),
                "attribution": _attribution(row, where),
                **_state(row, where),
            }
        )
    return checked, annotation_ids


def _check_comments(
    data: dict, path: str, paragraph_ids: dict, annotation_ids: dict
) -> tuple[list[dict], dict]:
    comments, comment_ids = _ids(data, "comments", path)
    checked: dict[int, dict] = {}
    for where, row in comments:
        checked[row["id"]] = _check_comment(row, where, paragraph_ids, annotation_ids)
    return _threads(checked), comment_ids


def _check_comment(row: dict, where: str, paragraph_ids: dict, annotation_ids: dict) -> dict:
    annotation = c.integer(row, "annotation", where, null=True, minimum=None, default=None)
    if annotation is not None and annotation not in annotation_ids:
        c.refuse(c.at(where, "annotation"), f"{annotation} is not an annotation of this paper")
    paragraph = _paragraph_of(row, where, paragraph_ids, null=True)
    if annotation is not None:
        on = annotation_ids[annotation]["paragraph"]
        if paragraph is not None and paragraph != on:
            c.refuse(
                c.at(where, "paragraph"),
                f"{paragraph} is not the paragraph of annotation {annotation} ({on})",
            )
        paragraph = on
    if paragraph is None:
        c.refuse(where, "a comment is on a paragraph or an annotation; both are null")
    state = _state(row, where)
    body = c.text(row, "body", where, default="", max_length=MAX_NOTE) or ""
    if state["status"] == Status.DELETED:
        body = ""  # a tombstone stays one
    elif not body.strip():
        c.refuse(c.at(where, "body"), "a comment needs some text")
    return {
        "id": row["id"],
        "paragraph": paragraph,
        "annotation": annotation,
        "parent": c.integer(row, "parent", where, null=True, minimum=None, default=None),
        "author": username(row, "author", where),
        "attribution": _attribution(row, where),
        "body": body,
        "path": where,
        **state,
    }


def _check_links(data: dict, path: str, annotation_ids: dict) -> list[dict]:
    checked, seen_links = [], {}
    for where, row in _ids(data, "links", path)[0]:
        ends = []
        for key in ("source", "target"):
            value = c.integer(row, key, where, minimum=None)
            if value not in annotation_ids:
                c.refuse(c.at(where, key), f"{value} is not an annotation of this paper")
            ends.append(value)
        relation = c.choice(row, "relation", where, Link.Relation.values)
        if ends[0] == ends[1]:
            c.refuse(where, "an annotation cannot be linked to itself")
        key = (*ends, relation)
        if key in seen_links:
            c.refuse(where, f"the same link as {seen_links[key]}")
        seen_links[key] = where
        checked.append(
            {
                "source": ends[0],
                "target": ends[1],
                "relation": relation,
                "author": username(row, "author", where),
                "created": c.moment(row, "created", where, default=None),
            }
        )
    return checked


def _check_revisions(data: dict, path: str, owners: dict[str, dict]) -> list[dict]:
    """The items' revisions; `owners` holds the file's annotations and comments by id."""
    checked = []
    for index, row in enumerate(c.items(data, "revisions", path, required=False)):
        where = c.at(c.at(path, "revisions"), index)
        row = c.obj(row, where)
        kind = c.choice(row, "target_type", where, tuple(owners))
        target = c.integer(row, "target", where, minimum=None)
        if target not in owners[kind]:
            c.refuse(
                c.at(where, "target"),
                f"{target} is not a{'n' * (kind[0] == 'a')} {kind} of this paper",
            )
        checked.append(
            {
                "target_type": kind,
                "target": target,
                "version": c.integer(row, "version", where, minimum=1),
                "data": c.obj(c.get(row, "data", where), c.at(where, "data")),
                "created": c.moment(row, "created", where, default=None),
            }
        )
    return checked


def _span(row: dict, where: str, body: str, paragraph: int) -> tuple[int, int]:
    start, end = c.integer(row, "start", where), c.integer(row, "end", where)
    if end <= start or end > len(body):
        c.refuse(
            where,
            f"the span {start}\u2013{end} is outside paragraph {paragraph}, which "
            f"is {len(body)} characters long (end must be after start)",
        )
    return start, end


def _marks(row: dict, where: str, body: str) -> list:
    marks = c.items(row, "marks", where, required=False)
    for index, mark in enumerate(marks):
        here = c.at(c.at(where, "marks"), index)
        mark = c.obj(mark, here)
        if "start" in mark or "end" in mark:
            start, end = c.integer(mark, "start", here), c.integer(mark, "end", here)
            if end < start or end > len(body):
                c.refuse(
                    here,
                    f"the mark's span {start}\u2013{end} is outside the paragraph, "
                    f"which is {len(body)} characters long",
                )
    return marks


def _quote(row: dict, where: str, body: str) -> dict | None:
    quote = c.get(row, "quote", where, None)
    if quote is None:
        return None
    here = c.at(where, "quote")
    quote = c.obj(quote, here)
    given = {
        key: quote[key] for key in ("exact", "prefix", "suffix", "start", "end") if key in quote
    }
    try:
        return resolve_quote(body, **given).as_dict()
    except QuoteError as error:
        c.refuse(here, str(error).rstrip("."))


def _attribution(row: dict, where: str) -> dict | None:
    """The row's `attribution` (a post this file's site had imported): its original author,
    date and source, which a new import keeps rather than the intermediate importer's name.
    Absent or null: the post was written there."""
    given = c.get(row, "attribution", where, None)
    if given is None:
        return None
    here = c.at(where, "attribution")
    given = c.obj(given, here)
    return {
        "author": username(given, "author", here),
        "created": c.moment(given, "created", here, default=None),
        "source": c.text(given, "source", here, blank=False, max_length=100).strip(),
        "url": c.text(given, "url", here, null=True, max_length=2000, default=None) or "",
    }


def _boolean(row: dict, key: str, where: str, *, default: bool) -> bool:
    """true or false; missing is `default`, anything else (null, 1, "true") is refused, the value
    told as the file wrote it (JSON)."""
    value = c.get(row, key, where, default)
    if not isinstance(value, bool):
        if isinstance(value, dict | list):
            found = "an object" if isinstance(value, dict) else "a list"
        else:
            found = json.dumps(value, ensure_ascii=False)
            found = found if len(found) <= 40 else found[:39] + "\u2026"
        c.refuse(c.at(where, key), f"expected true or false, found {found}")
    return value


def _state(row: dict, where: str) -> dict:
    return {
        "status": c.choice(row, "status", where, Status.values, default=Status.VISIBLE),
        "version": c.integer(row, "version", where, minimum=1, default=1),
        "created": c.moment(row, "created", where, default=None),
        "updated": c.moment(row, "updated", where, default=None),
    }


def _threads(comments: dict[int, dict]) -> list[dict]:
    """The comments in the file's order, once every parent is known to be a comment of the file
    on the same paragraph and annotation, and no thread loops."""
    depth: dict[int, int] = {}
    for id_ in comments:
        chain: list[int] = []
        seen: set[int] = set()
        current = id_
        while current is not None and current not in depth:
            if current in seen:
                c.refuse(c.at(comments[id_]["path"], "parent"), "the replies form a loop")
            chain.append(current)
            seen.add(current)
            mine = comments[current]
            parent = mine["parent"]
            if parent is not None:
                if parent not in comments:
                    c.refuse(
                        c.at(mine["path"], "parent"), f"{parent} is not a comment of this paper"
                    )
                theirs = comments[parent]
                if (mine["annotation"], mine["paragraph"]) != (
                    theirs["annotation"],
                    theirs["paragraph"],
                ):
                    c.refuse(
                        c.at(mine["path"], "parent"),
                        f"comment {parent} is on another paragraph or annotation; a reply is on "
                        f"its parent's",
                    )
            current = parent
        base = -1 if current is None else depth[current]
        for steps, below in enumerate(reversed(chain), start=1):
            depth[below] = base + steps
    return list(comments.values())
