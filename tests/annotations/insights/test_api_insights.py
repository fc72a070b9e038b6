"""GET papers/{id}/argument/ and papers/{id}/agreement/: the shapes, the numbers, who may read
them, what they leave out (hidden, private, blind mode) and their query counts."""

import pytest
from django.contrib.auth import get_user_model

from annotations.insights.agreement import paper_agreement
from annotations.models import Annotation
from annotations.moderation.services import moderate
from papers.models import Membership
from tests.annotations.conftest import CALLERS, cast_scene
from tests.annotations.insights.scene import body, tag
from tests.conftest import join, make_user, signed_in


def argument(user, paper):
    return client_for(user).get(f"/api/v1/papers/{paper.pk}/argument/")


def agreement(user, paper):
    return client_for(user).get(f"/api/v1/papers/{paper.pk}/agreement/")


def client_for(user):
    from rest_framework.test import APIClient

    return APIClient() if user is None else signed_in(user)


def blind(user, group):
    Membership.objects.filter(user=user, group=group).update(blind=True)


# The shapes and the numbers


def test_argument_shape(world, owner):
    data = argument(owner, world["paper"]).json()
    a = world["annotations"]
    assert set(data) == {"nodes", "edges"}
    nodes = {n["id"]: n for n in data["nodes"]}
    assert len(nodes) == 9
    assert nodes[a["olive_p0"].pk] == {
        "id": a["olive_p0"].pk,
        "role": "claim",
        "paragraph": world["p0"].pk,
        "quote": None,
        "author": "olive",
        "comments": 1,
    }
    assert nodes[a["amina_passage"].pk]["quote"] == a["amina_passage"].exact
    edges = {(e["source"], e["relation"], e["target"]) for e in data["edges"]}
    assert edges == {
        (a["amina_p1"].pk, "supports", a["olive_p0"].pk),
        (a["ravi_p1"].pk, "attacks", a["olive_p0"].pk),
    }
    assert {"id", "source", "target", "relation"} == set(data["edges"][0])


def test_agreement_numbers(world, owner):
    data = agreement(owner, world["paper"]).json()
    # Hand-computed in test_alpha.py: abstract (T, T), p0 (C, C, C), p1 (C, E, E).
    assert data["alpha"] == pytest.approx(0.65)
    assert (data["units"], data["coders"]) == (3, 3)
    assert data["alpha_independent"] is None
    assert "often read paragraphs differently" in data["reading"]
    # The abstract has no section: the Introduction holds p0 and p1 (C,C,C / C,E,E).
    intro = world["p0"].section_id
    assert data["sections"] == [{"section": intro, "alpha": 0.375, "units": 2, "coders": 3}]
    assert data["disagreements"] == [
        {
            "paragraph": world["p1"].pk,
            "roles": {"claim": ["olive"], "evidence": ["amina", "ravi"]},
            "coders": 3,
            "contested": pytest.approx(2 / 3, abs=1e-4),
        }
    ]
    members = {m["user"]: m for m in data["members"]}
    assert members["olive"]["units"] == 3
    assert members["olive"]["alpha_without"] == 1.0  # amina and ravi agree everywhere


def test_a_members_several_roles_are_one_value(world, owner, member):
    """amina adds "claim" to her "evidence" on p1: her value there is {claim, evidence},
    matching neither olive's {claim} nor ravi's {evidence}."""
    tag(member, world["p1"], "claim")
    data = agreement(owner, world["paper"]).json()
    (item,) = data["disagreements"]
    assert item["roles"] == {"claim": ["amina", "olive"], "evidence": ["amina", "ravi"]}
    assert item["contested"] == 1.0  # three coders, three different values
    units = {
        "abstract": {"o": "T", "a": "T"},
        "p0": {"o": "C", "a": "C", "r": "C"},
        "p1": {"o": "C", "a": "CE", "r": "E"},
    }
    from annotations.insights.alpha import nominal_alpha

    assert data["alpha"] == pytest.approx(nominal_alpha(units), abs=1e-4)


def test_passages_do_not_count(world, owner, member):
    before = agreement(owner, world["paper"]).json()
    tag(member, body(world["paper"], 2), "claim", quote={"exact": "As"})
    tag(owner, body(world["paper"], 2), "evidence", quote={"exact": "As"})
    assert agreement(owner, world["paper"]).json()["units"] == before["units"]


def test_independent_readings(paper, owner, member):
    """Tags made in blind mode, first on their paragraph, are independent; alpha_independent
    is over those alone."""
    blind(owner, paper.group)
    blind(member, paper.group)
    p0, p1 = body(paper, 0), body(paper, 1)
    first = tag(owner, p0, "claim")
    tag(member, p0, "claim")
    tag(owner, p1, "claim")
    tag(member, p1, "evidence")
    second = tag(owner, p0, "evidence")  # after seeing the others': not independent
    assert first.independent and not second.independent
    Membership.objects.filter(user=member, group=paper.group).update(blind=False)
    tag(member, body(paper, 2), "claim")
    tag(owner, body(paper, 2), "claim")
    data = agreement(owner, paper).json()
    assert (data["units_independent"], data["coders_independent"]) == (2, 2)
    # Independent: p0 (C, C), p1 (C, E); all: p0 ({C,E}, C), p1 (C, E), p2 (C, C).
    assert data["alpha_independent"] == pytest.approx(0.0)
    assert data["units"] == 3
    assert data["alpha"] != data["alpha_independent"]


def test_a_deleted_account_is_no_coder(world, owner):
    get_user_model().objects.filter(username="ravi").delete()
    data = agreement(owner, world["paper"]).json()
    assert data["coders"] == 2
    assert all("" not in who for d in data["disagreements"] for who in d["roles"].values())
    nodes = argument(owner, world["paper"]).json()["nodes"]
    assert any(n["author"] is None for n in nodes)


# Who may read them


@pytest.fixture(params=["private", "public"])
def cast(request):
    return cast_scene(request)


EXPECTED = {
    "private": dict.fromkeys(CALLERS, 200) | {"anonymous": 404, "outsider": 404, "banned": 404},
    "public": dict.fromkeys(CALLERS, 200),
}


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", ["argument", "agreement"])
def test_who_may_read(cast, caller, endpoint):
    user = cast["users"][caller]
    response = client_for(user).get(f"/api/v1/papers/{cast['paper'].pk}/{endpoint}/")
    assert response.status_code == EXPECTED[cast["kind"]][caller]
    if response.status_code == 200:
        assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_unknown_paper_is_404(owner):
    assert argument(owner, type("P", (), {"pk": 999_999})).status_code == 404


def test_writes_are_refused(world, owner):
    response = signed_in(owner).post(f"/api/v1/papers/{world['paper'].pk}/argument/", {})
    assert response.status_code == 405


# What they leave out


def test_hidden_posts_count_only_for_those_who_see_them(world, owner, moderator, member):
    a = world["annotations"]
    moderate(actor=moderator, target=a["ravi_p1"], action="hide", reason="off topic")
    ravi = world["users"]["ravi"]
    # The plain member: ravi's hidden tag is gone from the nodes, the edge and the numbers.
    data = argument(member, world["paper"]).json()
    assert a["ravi_p1"].pk not in {n["id"] for n in data["nodes"]}
    assert all(a["ravi_p1"].pk not in (e["source"], e["target"]) for e in data["edges"])
    numbers = agreement(member, world["paper"]).json()
    assert numbers["disagreements"][0]["roles"] == {"claim": ["olive"], "evidence": ["amina"]}
    # Its author and the moderators still see it.
    for user in (ravi, moderator, owner):
        nodes = {n["id"] for n in argument(user, world["paper"]).json()["nodes"]}
        assert a["ravi_p1"].pk in nodes
        roles = agreement(user, world["paper"]).json()["disagreements"][0]["roles"]
        assert roles["evidence"] == ["amina", "ravi"]


def test_private_tags_count_only_for_their_author(world, owner, member):
    ravi = world["users"]["ravi"]
    abstract = world["paper"].paragraphs.get(kind="abstract")
    private = tag(ravi, abstract, "claim", visibility=Annotation.Visibility.PRIVATE)
    for user, sees in ((ravi, True), (owner, False), (member, False)):
        nodes = {n["id"] for n in argument(user, world["paper"]).json()["nodes"]}
        assert (private.pk in nodes) is sees
        paragraphs = {
            d["paragraph"] for d in agreement(user, world["paper"]).json()["disagreements"]
        }
        assert (abstract.pk in paragraphs) is sees


def test_blind_mode_keeps_others_roles_on_untagged_paragraphs(world, owner):
    """zoe reads blind and tagged p0 only: of p1 (contested) she learns nothing, neither its
    nodes nor its disagreement; the numbers, which name no paragraph, stay whole."""
    zoe = make_user("zoe")
    join(world["paper"].group, zoe, Membership.Role.MEMBER)
    blind(zoe, world["paper"].group)
    mine = tag(zoe, world["p0"], "evidence")
    nodes = argument(zoe, world["paper"]).json()
    paragraphs = {n["paragraph"] for n in nodes["nodes"]}
    assert paragraphs == {world["p0"].pk}
    assert mine.pk in {n["id"] for n in nodes["nodes"]}
    assert nodes["edges"] == []  # both links come from p1
    data = agreement(zoe, world["paper"]).json()
    assert [d["paragraph"] for d in data["disagreements"]] == [world["p0"].pk]
    assert data["units"] == 3
    # Not blind: everything.
    Membership.objects.filter(user=zoe).update(blind=False)
    assert len(agreement(zoe, world["paper"]).json()["disagreements"]) == 2


def test_blind_mode_of_an_outsider_does_not_apply(world, outsider):
    """Blind mode is a member's; an outsider reading a public group has none."""
    group = world["paper"].group
    group.visibility = "public"
    group.save()
    data = argument(outsider, world["paper"]).json()
    assert len(data["nodes"]) == 9


# Queries


def add_members_tags(paper, n: int) -> None:
    for i in range(n):
        user = make_user(f"extra{i}")
        join(paper.group, user, Membership.Role.MEMBER)
        for j, role in enumerate(("claim", "evidence", "theory")):
            tag(user, body(paper, j), role if i % 2 else "claim")


# The paper, the caller's membership, then the annotations (argument: and the comment counts,
# and the links).
QUERIES = {"argument": 5, "agreement": 3}


@pytest.mark.parametrize("endpoint", ["argument", "agreement"])
def test_queries_do_not_grow_with_annotations(
    world, member, endpoint, django_assert_max_num_queries
):
    client = signed_in(member)
    url = f"/api/v1/papers/{world['paper'].pk}/{endpoint}/"
    bound = QUERIES[endpoint]
    with django_assert_max_num_queries(bound):
        assert client.get(url).status_code == 200
    add_members_tags(world["paper"], 12)
    with django_assert_max_num_queries(bound):
        assert client.get(url).status_code == 200


def test_service_and_api_agree(world, owner):
    assert paper_agreement(owner, world["paper"]) == agreement(owner, world["paper"]).json()


def test_a_changed_role_is_no_longer_independent(paper, owner):
    blind(owner, paper.group)
    first = tag(owner, body(paper, 0), "claim")
    assert first.independent
    client = signed_in(owner)
    url = f"/api/v1/annotations/{first.pk}/"
    assert client.patch(url, {"note": "Why I think so."}, format="json").status_code == 200
    first.refresh_from_db()
    assert first.independent  # a note changes no reading
    assert client.patch(url, {"role": "evidence"}, format="json").status_code == 200
    first.refresh_from_db()
    assert not first.independent
