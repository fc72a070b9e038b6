"""A member's page in a group, /groups/<slug>/members/<username>/ (what a mention links to):
who may see it, whom it is about, and that it lists only what the VIEWER may see of the
member's posts (annotations/activity/members.py)."""

import pytest
from django.urls import reverse

from annotations.moderation.services import moderate
from annotations.services import comment_delete
from papers.models import Membership
from tests.conftest import join, make_user, page_client, signed_in

from ..conftest import CALLERS, cast_scene, make_annotation, make_comment, premoderated

SHOWN = ["Seen by all.", "Shared words."]
HELD = ["Hidden words.", "Pending words."]
PRIVATE = ["Private words."]


def page_url(group, username: str) -> str:
    return reverse("annotations:member_page", kwargs={"slug": group.slug, "username": username})


@pytest.fixture(params=["private", "public"])
def scene(request, db):
    """The cast in a private or a public group, and pia, a plain member, who wrote: a comment,
    an annotation with a note, a comment a moderator hid, one waiting for approval, a private
    annotation, and a comment she deleted."""
    pia = make_user("pia")
    scene = cast_scene(request, others=[pia])
    group, paper = scene["group"], scene["paper"]
    if scene["kind"] == "private":
        join(group, pia)
    p0, p1 = paper.paragraphs.filter(kind="body").order_by("position")[:2]
    make_comment(pia, paragraph=p0, body="Seen by all.")
    make_annotation(pia, p0, role="evidence", note="Shared words.")
    hidden = make_comment(pia, paragraph=p1, body="Hidden words.")
    moderate(actor=scene["users"]["moderator"], target=hidden, action="hide", reason="x")
    premoderated(group, lambda: make_comment(pia, paragraph=p1, body="Pending words."))
    make_annotation(pia, p1, note="Private words.", visibility="private")
    comment_delete(comment=make_comment(pia, paragraph=p1, body="Deleted words."), user=pia)
    return scene | {"pia": pia}


EXPECTED = {
    # caller: (status on a private group, on a public one)
    "anonymous": (404, 200),
    "outsider": (404, 200),
    "banned": (404, 200),
    "member": (200, 200),
    "moderator": (200, 200),
    "owner": (200, 200),
}


@pytest.mark.parametrize("caller", CALLERS)
def test_who_sees_a_members_page_and_what_it_lists(scene, caller):
    response = page_client(scene["users"][caller]).get(page_url(scene["group"], "pia"))
    expected = EXPECTED[caller][scene["kind"] == "public"]
    assert response.status_code == expected
    if expected == 404:
        assert "@pia" not in response.text and "Seen by all." not in response.text
        return
    html = response.text
    assert "@pia" in html
    for words in SHOWN:
        assert words in html
    for words in HELD:
        assert (words in html) == (caller in ("moderator", "owner")), words
    for words in PRIVATE + ["Deleted words."]:
        assert words not in html
    # The role and since when: for those who may see the member list.
    knows = caller in ("member", "moderator", "owner")
    assert ('class="role role-member"' in html) == knows
    assert ("Seminar since" in html) == knows


def test_the_member_sees_all_of_their_own_but_the_deleted(scene):
    html = page_client(scene["pia"]).get(page_url(scene["group"], "pia")).text
    for words in SHOWN + HELD + PRIVATE:
        assert words in html
    assert "Deleted words." not in html


@pytest.mark.parametrize("caller", ["member", "moderator", "owner"])
def test_no_page_for_who_is_not_an_active_member(scene, caller):
    client = page_client(scene["users"][caller])
    group = scene["group"]
    assert client.get(page_url(group, "bea")).status_code == 404  # banned
    assert client.get(page_url(group, "nobody")).status_code == 404
    group.memberships.filter(user=scene["pia"]).delete()  # she left
    assert client.get(page_url(group, "pia")).status_code == 404


def test_a_username_is_matched_exactly(group, member):
    assert page_client(member).get(page_url(group, "AMINA")).status_code == 404
    assert page_client(member).get(page_url(group, "amina")).status_code == 200


def test_a_blind_reader_does_not_learn_the_members_roles(group, owner, member, paper):
    Membership.objects.filter(group=group, user=member).update(blind=True)
    p0 = paper.paragraphs.filter(kind="body").first()
    make_annotation(owner, p0, role="evidence", note="The owner on evidence.")
    blind = page_client(member).get(page_url(group, "olive")).text
    assert "The owner on evidence." in blind and "Evidence" not in blind
    seeing = page_client(owner).get(page_url(group, "olive")).text
    assert "Evidence" in seeing


def test_the_management_pages_under_the_same_prefix_still_answer(group, owner, member):
    client = page_client(owner)
    assert client.get(f"/groups/{group.slug}/members/").status_code == 200
    response = client.post(f"/groups/{group.slug}/members/amina/role/", {"role": "moderator"})
    assert response.status_code == 302
    assert group.memberships.get(user=member).role == "moderator"


def test_a_mention_links_to_the_page(group, owner, member, paragraph):
    response = signed_in(owner).post(
        "/api/v1/comments/", {"paragraph": paragraph.pk, "body": "Ask @amina"}, format="json"
    )
    href = response.json()["body_html"].split('href="')[1].split('"')[0]
    assert href == page_url(group, "amina")
    assert page_client(owner).get(href).status_code == 200


def test_the_page_costs_the_same_queries_at_two_sizes(
    group, owner, member, paper, django_assert_max_num_queries
):
    paragraphs = list(paper.paragraphs.filter(kind="body"))
    client = page_client(owner)
    for size in (2, 20):
        for i in range(size):
            make_comment(member, paragraph=paragraphs[i % len(paragraphs)], body=f"c{size}-{i}")
            make_annotation(member, paragraphs[i % len(paragraphs)], note=f"n{size}-{i}")
        with django_assert_max_num_queries(12):
            response = client.get(page_url(group, "amina"))
        assert response.status_code == 200
        assert f"c{size}-{size - 1}" in response.text
