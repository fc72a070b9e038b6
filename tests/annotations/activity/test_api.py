"""GET /api/v1/groups/{slug}/activity/: the fields, the order, every caller on a private and a
public group, pagination, and a fixed number of queries as the activity grows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Annotation
from annotations.services import annotation_create, comment_create
from papers.models import Membership
from tests.conftest import join, make_user, signed_in

from ..conftest import CALLERS, cast_scene
from .conftest import body, newest_first

URL = "/api/v1/groups/{slug}/activity/"


def get(user, group, query: str = ""):
    return signed_in(user).get(URL.format(slug=group.slug) + query)


def test_it_lists_the_items_newest_first_with_their_fields(story, group, member):
    response = get(member, group)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    data = response.json()
    assert data["count"] == 6
    assert [(r["kind"], r["id"]) for r in data["results"]] == newest_first(story)
    evidence = next(
        r for r in data["results"] if r["id"] == story["evidence"].pk and r["kind"] == "annotation"
    )
    p0 = story["evidence"].paragraph
    assert evidence == {
        "kind": "annotation",
        "id": story["evidence"].pk,
        "created": evidence["created"],
        "actor": "amina",
        "paper": story["paper"].pk,
        "paper_title": "On Reading Together",
        "paragraph": p0.pk,
        "anchor": p0.anchor,
        "role": "evidence",
        "excerpt": "The sample is small & <odd>.",
        "url": f"http://testserver/papers/{story['paper'].pk}/?panel=1#{p0.anchor}",
    }
    paper = data["results"][-1]
    assert (paper["kind"], paper["paragraph"], paper["anchor"], paper["role"]) == (
        "paper",
        None,
        "",
        None,
    )
    assert paper["url"] == f"http://testserver/papers/{story['paper'].pk}/"
    reply = next(
        r for r in data["results"] if r["id"] == story["reply"].pk and r["kind"] == "comment"
    )
    assert (reply["kind"], reply["role"], reply["excerpt"]) == ("comment", None, "Yes: see ¶ 2.")


def test_pages_follow_the_apis_page_number_pagination(story, group, member):
    first = get(member, group, "?page_size=4").json()
    assert first["count"] == 6 and len(first["results"]) == 4 and first["previous"] is None
    second = signed_in(member).get(first["next"]).json()
    assert [(r["kind"], r["id"]) for r in first["results"] + second["results"]] == newest_first(
        story
    )
    assert second["next"] is None
    assert get(member, group, "?page=3&page_size=4").status_code == 404


# Every caller


@pytest.fixture(params=["private", "public"])
def cast(request):
    return cast_scene(request)


# Who reads the group's activity, and what of it: olive's tag, a hidden tag and a pending
# comment by amina, mo's private tag.
# Statuses in the order of CALLERS: anonymous, outsider, member, moderator, owner, banned.
READS = {"private": "404 404 200 200 200 404", "public": "200 200 200 200 200 200"}
SEES_HELD = {"member", "moderator", "owner"}  # amina (the author) and the moderators
SEES_PRIVATE = {"moderator"}  # mo, its author


@pytest.mark.parametrize("who", CALLERS)
def test_each_caller_reads_what_they_may_see(cast, who):
    group, paper, users = cast["group"], cast["paper"], cast["users"]
    p0, p1 = body(paper, 0), body(paper, 1)
    olive, amina, mo = users["owner"], users["member"], users["moderator"]
    public = annotation_create(user=olive, paragraph=p0, role_slug="claim")
    hidden = annotation_create(user=amina, paragraph=p1, role_slug="claim", note="held")
    Annotation.objects.filter(pk=hidden.pk).update(status="hidden")
    pending = comment_create(user=amina, paragraph=p0, body="held")
    type(pending).objects.filter(pk=pending.pk).update(status="pending")
    private = annotation_create(user=mo, paragraph=p1, role_slug="theory", visibility="private")
    response = get(users[who], group)
    expected = dict(zip(CALLERS, READS[cast["kind"]].split(), strict=True))[who]
    assert response.status_code == int(expected)
    if response.status_code != 200:
        assert "Seminar" not in response.text and "Reading Together" not in response.text
        return
    seen = {(r["kind"], r["id"]) for r in response.json()["results"]}
    assert {("paper", paper.pk), ("annotation", public.pk)} <= seen
    assert (("annotation", hidden.pk) in seen) == (who in SEES_HELD)
    assert (("comment", pending.pk) in seen) == (who in SEES_HELD)
    assert (("annotation", private.pk) in seen) == (who in SEES_PRIVATE)


def test_a_blind_member_gets_no_role_on_paragraphs_they_have_not_tagged(story, group, member):
    Membership.objects.filter(group=group, user=member).update(blind=True)
    results = get(member, group).json()["results"]
    roles = {r["id"]: r["role"] for r in results if r["kind"] == "annotation"}
    assert roles[story["claim"].pk] is None
    assert roles[story["evidence"].pk] == "evidence"


def test_it_answers_get_only(story, group, member):
    assert signed_in(member).post(URL.format(slug=group.slug)).status_code == 405


# Queries


def grow(paper, users, n: int) -> None:
    """`n` more tags, threads and replies on the paper, and `n` more papers."""
    for i in range(n):
        user = users[i % len(users)]
        paragraph = body(paper, i % 3)
        tag = annotation_create(user=user, paragraph=paragraph, role_slug="claim", note=f"n{i}")
        thread = comment_create(user=user, annotation=tag, body=f"Thread {i}")
        comment_create(user=users[(i + 1) % len(users)], parent=thread, body=f"Reply {i}")


@pytest.mark.parametrize("blind", [False, True])
def test_a_fixed_number_of_queries_as_the_activity_grows(
    story, group, owner, member, blind, django_assert_max_num_queries
):
    ravi = make_user("ravi")
    join(group, ravi)
    Membership.objects.filter(group=group, user=member).update(blind=blind)
    counts = []
    for n in (2, 40):
        grow(story["paper"], [owner, member, ravi], n)
        # group, membership; the count (one bounded query a kind); the page (one query a
        # kind); a blind reader: the paragraphs they tagged
        with django_assert_max_num_queries(9 if blind else 8):
            with CaptureQueriesContext(connection) as queries:
                response = get(member, group, "?page_size=20")
        assert response.json()["count"] == 6 + 3 * (2 if n == 2 else 42)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_schema_describes_the_endpoint(client, db):
    schema = client.get("/api/schema/").text
    assert "/api/v1/groups/{slug}/activity/:" in schema
    assert "ActivityItem" in schema and "ActivityPage" in schema
