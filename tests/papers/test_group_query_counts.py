"""Query counts of the group and paper lists, pinned: the same for a few and for many groups,
members, invites and papers. Each test runs at two sizes with one ceiling."""

import pytest
from rest_framework.test import APIClient

from papers.groups import invite_create
from papers.models import Membership
from tests.conftest import join, make_group, make_user, signed_in

from .makers import make_paper

SIZES = [2, 15]


def crowd(group, size: int) -> None:
    """`size` more members, `size` banned ones, `size` papers and invite links."""
    owner = Membership.objects.get(group=group, role="owner").user
    for i in range(size):
        join(group, make_user(f"reader{i}"))
        join(group, make_user(f"banned{i}"), status="banned")
        make_paper(group, title=f"Paper {i}", body=1, references=1, user=owner)
        invite_create(actor=owner, group=group, max_uses=i + 1)


@pytest.mark.parametrize("size", SIZES)
def test_home(member, member_client, size, django_assert_max_num_queries):
    for i in range(size):
        group = make_group(f"Group {i}")
        join(group, member)
        make_paper(group, title=f"Paper {i}", body=1, references=1)
        make_group(f"Open {i}", visibility="public")
    # session, user, the user's groups (role and paper count), the public groups; whether the
    # user moderates a group (the navigation's moderation link); the navigation's notifications
    # bell (unread count)
    with django_assert_max_num_queries(6):
        response = member_client.get("/")
    assert response.text.count("/groups/group-") == size


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("who", ["member", "owner"])
def test_group_page(
    request, client, group, owner, member, who, size, django_assert_max_num_queries
):
    crowd(group, size)
    client.force_login(request.getfixturevalue(who))
    # session, user, group, membership, papers (with paragraph counts and uploaders), members
    # (with names); an owner's page adds the invite links (with their makers); the navigation asks
    # whether the user moderates a group, and for a moderator counts the queue's annotations and
    # comments (the badge); the papers' overviews (MARGINALIA_PAPER_OVERVIEWS): the tags and one
    # query of figures for all the papers (the roles are read only when something is tagged:
    # nothing here; tests/annotations/insights/test_overview.py pins the page with tags); the
    # recent activity (MARGINALIA_GROUP_ACTIVITY): one query each for papers, annotations and
    # comments (a blind reader adds one; tests/annotations/activity/test_page.py); the
    # navigation's notifications bell (unread count)
    with django_assert_max_num_queries(13 if who == "member" else 16):
        response = client.get(f"/groups/{group.slug}/")
    assert response.text.count('class="paper-title"') == size
    assert response.text.count('class="member-name"') == size + 2


@pytest.mark.parametrize("size", SIZES)
def test_members_page(owner_client, group, owner, size, django_assert_max_num_queries):
    crowd(group, size)
    # session, user, group, membership, members with their names (the banned too); the
    # navigation's moderation badge (moderates?, the two counts); its notifications bell
    # (unread count)
    with django_assert_max_num_queries(9):
        response = owner_client.get(f"/groups/{group.slug}/members/")
    assert response.text.count('class="member-name"') == 2 * size + 1


@pytest.mark.parametrize("size", SIZES)
def test_groups_endpoint(member, size, django_assert_max_num_queries):
    for i in range(size):
        group = make_group(f"Group {i}")
        join(group, member)
        make_paper(group, title=f"Paper {i}", body=1, references=1)
    # the count, the page (role and paper count in it)
    with django_assert_max_num_queries(2):
        response = signed_in(member).get("/api/v1/groups/")
    assert response.json()["count"] == size + 1  # and the cast's group


@pytest.mark.parametrize("size", SIZES)
def test_members_endpoint(group, owner, size, django_assert_max_num_queries):
    crowd(group, size)
    # group, membership, the count, the page (with usernames)
    with django_assert_max_num_queries(4):
        response = signed_in(owner).get(f"/api/v1/groups/{group.slug}/members/")
    assert response.json()["count"] == 2 * size + 1


@pytest.mark.parametrize("size", SIZES)
def test_invites_endpoint(group, owner, size, django_assert_max_num_queries):
    crowd(group, size)
    # group, membership, the count, the page (with the makers' names)
    with django_assert_max_num_queries(4):
        response = signed_in(owner).get(f"/api/v1/groups/{group.slug}/invites/")
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", SIZES)
def test_papers_endpoint(group, owner, member, size, django_assert_max_num_queries):
    crowd(group, size)
    for i in range(size):
        other = make_group(f"Other {i}")
        join(other, member)
        make_paper(other, title=f"Elsewhere {i}", body=1, references=1)
    # the count, the page (group slugs, uploaders and paragraph counts in it)
    with django_assert_max_num_queries(2):
        response = signed_in(member).get("/api/v1/papers/")
    assert response.json()["count"] == 2 * size


@pytest.mark.parametrize("size", SIZES)
def test_with_a_token_each_request_adds_one_query(
    group, owner, size, django_assert_max_num_queries
):
    crowd(group, size)
    client = APIClient()
    token = client.post(
        "/api/v1/auth/token/", {"username": "olive", "password": "pass-1234-word"}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    # the token with its user, then as test_members_endpoint
    with django_assert_max_num_queries(5):
        assert client.get(f"/api/v1/groups/{group.slug}/members/").status_code == 200
