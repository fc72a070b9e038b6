"""The links API: links/ and links/{id}/. Statuses for every caller are in
test_permission_matrix.py."""

import pytest

from annotations.models import Link
from annotations.services import annotation_delete, link_create
from tests.conftest import signed_in

from .conftest import make_annotation

LINKS = "/api/v1/links/"


@pytest.fixture
def pair(member, paper, paragraph):
    """An evidence and a claim annotation on two paragraphs of the paper."""
    other = paper.paragraphs.exclude(pk=paragraph.pk).first()
    return make_annotation(member, other, "evidence"), make_annotation(member, paragraph, "claim")


def test_a_member_links_two_annotations(moderator, pair, paper):
    evidence, claim = pair
    response = signed_in(moderator).post(
        LINKS, {"source": evidence.pk, "target": claim.pk, "relation": "supports"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"id", "paper", "source", "target", "relation", "author", "created", "can"}
    assert body["can"] == {"delete": True}
    assert (body["paper"], body["source"], body["target"], body["relation"], body["author"]) == (
        paper.pk,
        evidence.pk,
        claim.pk,
        "supports",
        "mo",
    )
    assert response["Location"].endswith(f"/api/v1/links/{body['id']}/")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"relation": "loves"}, "relation"),
        ({"target": 999999}, "target"),
        ({"source": "x"}, "source"),
        ({"target": "{source}"}, "target"),
    ],
)
def test_bad_links_are_400(member, pair, change, field):
    evidence, claim = pair
    data = {"source": evidence.pk, "target": claim.pk, "relation": "supports"}
    data |= {k: evidence.pk if v == "{source}" else v for k, v in change.items()}
    response = signed_in(member).post(LINKS, data, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_the_same_link_twice_is_400(member, pair):
    evidence, claim = pair
    data = {"source": evidence.pk, "target": claim.pk, "relation": "attacks"}
    client = signed_in(member)
    assert client.post(LINKS, data, format="json").status_code == 201
    again = client.post(LINKS, data, format="json")
    assert again.status_code == 400
    assert "already linked" in str(again.json())
    assert Link.objects.count() == 1


def test_annotations_of_two_papers_are_not_linked(member, pair, group, owner):
    from tests.papers.makers import make_paper

    other_paper = make_paper(group, title="Another", user=owner)
    elsewhere = make_annotation(member, other_paper.paragraphs.first())
    response = signed_in(member).post(
        LINKS, {"source": pair[0].pk, "target": elsewhere.pk, "relation": "cites"}, format="json"
    )
    assert response.status_code == 400
    assert "same paper" in str(response.json())


def test_a_link_is_seen_with_both_its_ends(member, moderator, pair, paragraph):
    evidence, claim = pair
    private = make_annotation(member, paragraph, "theory", visibility="private")
    link_create(user=member, source=evidence, target=claim, relation="supports")
    link_create(user=member, source=private, target=claim, relation="cites")
    assert len(signed_in(member).get(LINKS).json()["results"]) == 2
    assert [x["relation"] for x in signed_in(moderator).get(LINKS).json()["results"]] == [
        "supports"
    ]
    annotation_delete(annotation=claim, user=member)
    assert signed_in(member).get(LINKS).json()["results"] == []


def test_the_filters(member, pair, paper, paragraph):
    evidence, claim = pair
    theory = make_annotation(member, paragraph, "theory")
    one = link_create(user=member, source=evidence, target=claim, relation="supports")
    two = link_create(user=member, source=theory, target=evidence, relation="attacks")
    client = signed_in(member)

    def ids(**params):
        response = client.get(LINKS, params)
        assert response.status_code == 200, response.json()
        return [x["id"] for x in response.json()["results"]]

    assert ids() == [one.pk, two.pk]
    assert ids(paper=paper.pk) == [one.pk, two.pk]
    assert ids(annotation=evidence.pk) == [one.pk, two.pk]
    assert ids(annotation=claim.pk) == [one.pk]
    assert ids(source=theory.pk) == [two.pk]
    assert ids(target=evidence.pk) == [two.pk]
    assert ids(relation="attacks") == [two.pk]
    assert ids(group="seminar") == [one.pk, two.pk]
    assert client.get(LINKS, {"relation": "hugs"}).status_code == 400


def test_the_author_removes_a_link(member, moderator, pair):
    link = link_create(user=member, source=pair[0], target=pair[1], relation="supports")
    assert signed_in(moderator).delete(f"{LINKS}{link.pk}/").status_code == 403
    assert signed_in(member).delete(f"{LINKS}{link.pk}/").status_code == 204
    assert not Link.objects.exists()
    assert signed_in(member).delete(f"{LINKS}{link.pk}/").status_code == 404


def test_a_link_is_not_patched(member, pair):
    link = link_create(user=member, source=pair[0], target=pair[1], relation="supports")
    response = signed_in(member).patch(f"{LINKS}{link.pk}/", {"relation": "attacks"})
    assert response.status_code == 405
