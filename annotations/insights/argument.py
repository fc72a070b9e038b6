"""The argument of a paper as a graph: the annotations the reader may see as nodes, the links
between them as edges (the API's `argument`, the map page's data).

Three queries whatever the size of the paper: the annotations (author names joined), the
number of comments on each, the links. Who sees which annotations and comments is `visible_to`'s
answer; blind mode then drops the others' annotations on paragraphs the reader has not tagged
(readings.blind_filter); the links are those among what is left (`LinkQuerySet.among`: a link
only with both its ends).
"""

from typing import NamedTuple

from django.db.models import Count

from papers.models import Paper

from ..models import Annotation, Comment, Link, Status
from .readings import blind_filter, reads_blind


class Node(NamedTuple):
    id: int
    paragraph: int
    position: int
    role: str
    author: int | None
    username: str | None
    quote: str | None


def _nodes(user, paper: Paper) -> list[Node]:
    rows = (
        Annotation.objects.visible_to(user)
        .filter(paper=paper)
        .order_by("paragraph__position", "start", "id")
        .values_list(
            "id",
            "paragraph_id",
            "paragraph__position",
            "role__slug",
            "author_id",
            "author__username",
            "start",
            "exact",
        )
    )
    return [
        Node(id, paragraph, position, role, author, name, exact if start is not None else None)
        for id, paragraph, position, role, author, name, start, exact in rows
    ]


def _comment_counts(user, paper: Paper) -> dict[int, int]:
    """Comments on each annotation that the reader may see (tombstones not counted)."""
    rows = (
        Comment.objects.visible_to(user)
        .filter(paper=paper, annotation__isnull=False)
        .exclude(status=Status.DELETED)
        .order_by()
        .values("annotation_id")
        .annotate(count=Count("id"))
        .values_list("annotation_id", "count")
    )
    return dict(rows)


def paper_argument(user, paper: Paper) -> dict:
    """`{"nodes": [...], "edges": [...]}` as the API answers it (docs/api.md, "Insights")."""
    nodes = blind_filter(user, _nodes(user, paper), blind=reads_blind(user, paper))
    ids = {node.id for node in nodes}
    comments = _comment_counts(user, paper)
    links = Link.objects.filter(paper=paper).order_by("id").among(ids)
    return {
        "nodes": [
            {
                "id": node.id,
                "role": node.role,
                "paragraph": node.paragraph,
                "quote": node.quote,
                "author": node.username,
                "comments": comments.get(node.id, 0),
            }
            for node in nodes
        ],
        "edges": [
            {"id": id, "source": source, "target": target, "relation": relation}
            for id, source, target, relation in links
        ],
    }
