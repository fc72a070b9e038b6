"""The argument export (`format=aif`): AIF JSON as AIFdb and OVA read it,
`{"nodes": [...], "edges": [...], "locutions": [...]}` (docs/exports.md).

- Each annotation the caller may see is an I-node (information): its text is the quoted passage,
  or the paragraph's text when the annotation tags the whole paragraph; `role` (the role's slug)
  and `paper` ride along as extra keys, which AIF readers ignore.
- Who said it: an L-node (locution) "<author>: <text>" joined to the I-node through a YA-node
  ("Asserting"), edges L → YA → I, and a `locutions` entry naming the author (`personID` is the
  username). An annotation whose author's account is gone has no locution.
- A `supports` link is an RA-node ("Default Inference") with edges source → RA → target; an
  `attacks` link a CA-node ("Default Conflict") likewise. `cites` links say nothing about
  inference or conflict: they are left out.
- Node ids are strings, unique in the file: "a<id>" (I), "al<id>" (L), "ay<id>" (YA), "l<id>"
  (RA or CA, the link's id); edge ids "e<n>" in order. Timestamps are AIFdb's
  "YYYY-MM-DD HH:MM:SS" (UTC).
- Held items (a moderator's or the command's export) carry `status` when not "visible".

A group export is one graph for all its papers. The three lists are written one after the
other, each reading the rows again, so that nothing is held in memory.
"""

from collections.abc import Iterable, Iterator

from papers.models import Paper, ReadingGroup

from . import rows, stream
from .rows import scope_for

RELATIONS = {"supports": ("RA", "Default Inference"), "attacks": ("CA", "Default Conflict")}


def _stamp(iso: str) -> str:
    return iso[:19].replace("T", " ")


def paper_chunks(paper: Paper, *, user=None) -> Iterator[str]:
    yield '{"nodes": ['
    scope = scope_for(paper.group, user)
    yield from _graph(lambda: [paper], scope)


def group_chunks(group: ReadingGroup, *, user=None) -> Iterator[str]:
    yield '{"nodes": ['
    scope = scope_for(group, user)

    def papers():
        for paper in rows.papers(group):
            paper.group = group
            yield paper

    yield from _graph(papers, scope)


def _graph(papers, scope) -> Iterator[str]:
    def annotations():
        for paper in papers():
            yield from rows.annotations(scope, paper, paragraph_text=True)

    def authors():
        # The edges and locutions need only each annotation's id and author: reading the whole
        # rows three times made AIF 3.5x the floor on 100,000 annotations (bench.export_bench).
        for paper in papers():
            yield from rows.annotation_authors(scope, paper)

    def arguments():
        for paper in papers():
            for link in rows.links(scope, paper):
                if link["relation"] in RELATIONS:
                    yield link

    yield from _list(_nodes(annotations(), arguments()))
    yield '],\n"edges": ['
    yield from _list(_edges(authors(), arguments()))
    yield '],\n"locutions": ['
    yield from _list(_locutions(authors()))
    yield "]}\n"


def _text(row: dict) -> str:
    return row["quote"]["exact"] if row["quote"] else row["paragraph_text"]


def _nodes(annotations: Iterable[dict], links: Iterable[dict]) -> Iterator[dict]:
    for row in annotations:
        stamp, id_ = _stamp(row["created"]), row["id"]
        node = {"nodeID": f"a{id_}", "text": _text(row), "type": "I", "timestamp": stamp,
                "role": row["role"], "paper": row["paper"]}  # fmt: skip
        if row["status"] != "visible":
            node["status"] = row["status"]
        yield node
        if row["author"]:
            yield {"nodeID": f"al{id_}", "text": f"{row['author']}: {_text(row)}", "type": "L",
                   "timestamp": stamp}  # fmt: skip
            yield {"nodeID": f"ay{id_}", "text": "Asserting", "type": "YA", "timestamp": stamp}
    for link in links:
        kind, text = RELATIONS[link["relation"]]
        yield {"nodeID": f"l{link['id']}", "text": text, "type": kind, "timestamp": ""}


def _edges(authors: Iterable[tuple[int, str | None]], links: Iterable[dict]) -> Iterator[dict]:
    count = 0

    def edge(source: str, target: str) -> dict:
        nonlocal count
        count += 1
        return {"edgeID": f"e{count}", "fromID": source, "toID": target}

    for id_, author in authors:
        if author:
            yield edge(f"al{id_}", f"ay{id_}")
            yield edge(f"ay{id_}", f"a{id_}")
    for link in links:
        yield edge(f"a{link['source']}", f"l{link['id']}")
        yield edge(f"l{link['id']}", f"a{link['target']}")


def _locutions(authors: Iterable[tuple[int, str | None]]) -> Iterator[dict]:
    for id_, author in authors:
        if author:
            yield {"nodeID": f"al{id_}", "personID": author}


def _list(items: Iterable[dict]) -> Iterator[str]:
    return stream.chunks(stream.items(items))
