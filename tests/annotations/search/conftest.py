"""The search scene: a private group's paper and a public group's, with posts by the cast."""

import pytest
from rest_framework.test import APIClient

from annotations.search.index import papers_index
from papers.models import Membership, Paper, Paragraph
from tests.annotations.conftest import make_annotation, make_comment
from tests.conftest import join, make_group

PARAGRAPHS = [
    "Entropy grows in closed systems; entropy never shrinks, entropy wins.",
    "The free energy principle explains perception as inference.",
    "Energy is free when nobody pays for it.",
    "Entropy appears once here, among many other words about reading groups and tea.",
]


def make_text_paper(group, title: str, paragraphs: list[str], user=None) -> Paper:
    """A paper with these paragraphs (anchors p-1, p-2, …), indexed as an import indexes it."""
    paper = Paper.objects.create(
        group=group,
        title=title,
        authors=["Ada Reader"],
        abstract="",
        source_format="markdown",
        created_by=user,
    )
    Paragraph.objects.bulk_create(
        Paragraph(paper=paper, position=i, anchor=f"p-{i}", text=text)
        for i, text in enumerate(paragraphs, start=1)
    )
    papers_index([paper.pk])
    return paper


@pytest.fixture
def scene(group, owner, moderator, member, banned, outsider):
    """`paper` (private `group`): the four PARAGRAPHS, `member`'s claim on the second with a
    comment on it; `public` (a public group with the same cast) with one paragraph."""
    paper = make_text_paper(group, "Thermodynamics of Reading", PARAGRAPHS, owner)
    paragraphs = list(paper.paragraphs.all())
    annotation = make_annotation(member, paragraphs[1], note="Perception needs a generative model")
    comment = make_comment(
        member, annotation=annotation, body="I doubt perception <script>alert(1)</script>"
    )
    public_group = make_group("Open Seminar", visibility="public")
    for user, role in ((owner, "owner"), (moderator, "moderator"), (member, "member")):
        join(public_group, user, role)
    join(public_group, banned, Membership.Role.MEMBER, status=Membership.Status.BANNED)
    public = make_text_paper(public_group, "Public Lectures", ["Entropy in public view."], owner)
    return {
        "paper": paper,
        "paragraphs": paragraphs,
        "annotation": annotation,
        "comment": comment,
        "public": public,
        "public_group": public_group,
    }


def api_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def find(user, q: str, **filters) -> list[tuple[str, int]]:
    """(kind, id) of the hits, best first, as the API answers `user`."""
    response = api_for(user).get("/api/v1/search/", {"q": q, **filters})
    assert response.status_code == 200, response.content
    return [(hit["kind"], hit["id"]) for hit in response.json()["results"]]
