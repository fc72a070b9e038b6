"""The W3C Web Annotation export (`format=jsonld`): an `AnnotationCollection` whose `first`
(and only) `AnnotationPage` holds one `Annotation` per annotation, per comment and per link
(docs/exports.md has an example of each).

- IRIs are the site's own (settings.MARGINALIA_SITE_URL): an annotation is
  `<site>/api/v1/annotations/<id>/`, a comment `<site>/api/v1/comments/<id>/`, a link
  `<site>/api/v1/links/<id>/`, the paper its reading page `<site>/papers/…` — where each
  paragraph is the element whose HTML id is its anchor.
- An annotation: motivation "classifying"; bodies a TextualBody with purpose "classifying" whose
  value is the role's slug, and, with a note, a TextualBody with purpose "commenting"
  (text/markdown, the note as written). Its target is the paper with a FragmentSelector naming
  the paragraph; a passage refines it by a TextPositionSelector (code points of the paragraph's
  text) and, as an alternative, by a TextQuoteSelector; a third alternative is a plain
  TextQuoteSelector on the page, for tools that do not follow `refinedBy`.
- A comment: motivation "commenting" on its paragraph, or "replying" with the IRI of the
  annotation or the parent comment it answers as target. A deleted comment (a tombstone) has no
  body.
- A link: motivation "linking", body the IRI of the link's target annotation, target the IRI of
  its source annotation, and the relation as `marginalia:relation`.
- Marginalia's own facts that the model has no term for are said with the `marginalia:` prefix,
  declared in the collection's @context (`VOCAB`): `marginalia:status` (only when not
  "visible": hidden and pending items in a moderator's or the command's export, a member's own
  held posts), `marginalia:visibility` ("private" only), `marginalia:independent` (true only:
  an annotation made in blind mode as its author's first tag on the paragraph),
  `marginalia:relation`, and `marginalia:attribution` on an imported post: `{"marginalia:author",
  "created", "marginalia:source", "marginalia:url"}`, who wrote it at the source, when, where
  (the `creator` is the member who imported it).

`total` is written after `first`: it is counted while the items stream (JSON-LD does not order
keys), so no count query runs before the first byte.
"""

from collections.abc import Iterator

from django.conf import settings

from papers.models import Paper, ReadingGroup

from . import rows, stream
from .rows import Scope, scope_for
from .stream import dump

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
VOCAB = "urn:marginalia:vocab:"
CONTEXT = [ANNO_CONTEXT, {"marginalia": VOCAB}]
HTML_FRAGMENT = "http://tools.ietf.org/rfc/rfc3986"


def _site() -> str:
    return settings.MARGINALIA_SITE_URL


def annotation_iri(id_: int) -> str:
    return f"{_site()}/api/v1/annotations/{id_}/"


def comment_iri(id_: int) -> str:
    return f"{_site()}/api/v1/comments/{id_}/"


def link_iri(id_: int) -> str:
    return f"{_site()}/api/v1/links/{id_}/"


def paper_chunks(paper: Paper, *, user=None) -> Iterator[str]:
    collection = f"{_site()}/api/v1/papers/{paper.pk}/export/?format=jsonld"
    yield _head(collection, paper.title)
    counter = _Counter()
    yield from _items(_paper_items(paper, scope_for(paper.group, user)), counter)
    yield _tail(counter.count)


def group_chunks(group: ReadingGroup, *, user=None) -> Iterator[str]:
    collection = f"{_site()}/api/v1/groups/{group.slug}/export/?format=jsonld"
    yield _head(collection, group.name)
    scope = scope_for(group, user)
    counter = _Counter()

    def every_paper():
        for paper in rows.papers(group):
            paper.group = group
            yield from _paper_items(paper, scope)

    yield from _items(every_paper(), counter)
    yield _tail(counter.count)


class _Counter:
    count = 0


def _head(collection: str, label: str) -> str:
    head = {"@context": CONTEXT, "id": collection, "type": "AnnotationCollection", "label": label}
    page = {"id": collection + "&page=0", "type": "AnnotationPage", "partOf": collection,
            "startIndex": 0}  # fmt: skip
    # The collection's object left open at `first`, the page's at `items`.
    return dump(head)[:-1] + ', "first": ' + dump(page)[:-1] + ', "items": ['


def _tail(total: int) -> str:
    return ("\n" if total else "") + ']}, "total": ' + str(total) + "}\n"


def _items(items, counter: _Counter) -> Iterator[str]:
    def lines() -> Iterator[str]:
        for item in items:
            yield ("\n" if counter.count == 0 else ",\n") + dump(item)
            counter.count += 1

    return stream.chunks(lines())


def _paper_items(paper: Paper, scope: Scope) -> Iterator[dict]:
    source = _site() + paper.get_absolute_url()
    for row in rows.annotations(scope, paper):
        yield annotation(row, source)
    for row in rows.comments(scope, paper, places=True):
        yield comment(row, source)
    for row in rows.links(scope, paper):
        yield link(row)


def _fragment(anchor: str) -> dict:
    return {"type": "FragmentSelector", "conformsTo": HTML_FRAGMENT, "value": anchor}


def _marks(item: dict, row: dict) -> dict:
    if row.get("status", "visible") != "visible":
        item["marginalia:status"] = row["status"]
    if row.get("visibility") == "private":
        item["marginalia:visibility"] = "private"
    return item


def _creator(item: dict, author: str | None) -> None:
    if author:
        item["creator"] = {"type": "Person", "name": author, "nickname": author}


def _attribution(item: dict, row: dict) -> None:
    given = row.get("attribution")
    if given:
        item["marginalia:attribution"] = {
            key: value
            for key, value in (
                ("marginalia:author", given["author"]),
                ("created", given["created"]),
                ("marginalia:source", given["source"]),
                ("marginalia:url", given["url"]),
            )
            if value is not None
        }


def annotation(row: dict, source: str) -> dict:
    bodies = [{"type": "TextualBody", "purpose": "classifying", "value": row["role"]}]
    if row["note"]:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "value": row["note"],
                       "format": "text/markdown"})  # fmt: skip
    quote = row["quote"]
    if quote is None:
        selector = _fragment(row["anchor"])
    else:
        by_quote = {"type": "TextQuoteSelector", "exact": quote["exact"],
                    "prefix": quote["prefix"], "suffix": quote["suffix"]}  # fmt: skip
        by_position = {"type": "TextPositionSelector", "start": quote["start"],
                       "end": quote["end"]}  # fmt: skip
        selector = [
            {**_fragment(row["anchor"]), "refinedBy": by_position},
            {**_fragment(row["anchor"]), "refinedBy": by_quote},
            by_quote,
        ]
    item = {"id": annotation_iri(row["id"]), "type": "Annotation", "motivation": "classifying",
            "body": bodies, "target": {"source": source, "selector": selector}}  # fmt: skip
    _creator(item, row["author"])
    item["created"], item["modified"] = row["created"], row["updated"]
    _marks(item, row)
    if row["independent"]:
        item["marginalia:independent"] = True
    _attribution(item, row)
    return item


def comment(row: dict, source: str) -> dict:
    if row["parent"] is not None:
        motivation, target = "replying", comment_iri(row["parent"])
    elif row["annotation"] is not None:
        motivation, target = "replying", annotation_iri(row["annotation"])
    else:
        motivation, target = "commenting", {"source": source, "selector": _fragment(row["anchor"])}
    item = {"id": comment_iri(row["id"]), "type": "Annotation", "motivation": motivation}
    if row["status"] != "deleted":
        item["body"] = {"type": "TextualBody", "purpose": motivation, "value": row["body"],
                        "format": "text/markdown"}  # fmt: skip
    item["target"] = target
    _creator(item, row["author"])
    item["created"], item["modified"] = row["created"], row["updated"]
    _attribution(item, row)
    return _marks(item, row)


def link(row: dict) -> dict:
    return {"id": link_iri(row["id"]), "type": "Annotation", "motivation": "linking",
            "body": annotation_iri(row["target"]), "target": annotation_iri(row["source"]),
            "marginalia:relation": row["relation"]}  # fmt: skip
