"""The editor's @mention suggestions: the member list of the groups API with `?q=` (usernames
starting with it, any case) and `?status=active`, eight at most with `page_size=8`; for the
group's active members only, as the member list always was (papers/api/groups.py)."""

import pytest

from tests.conftest import join, make_user, signed_in

from ..conftest import CALLERS, cast_scene


def url(group, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/api/v1/groups/{group.slug}/members/?{query}"


@pytest.fixture(params=["private", "public"])
def scene(request):
    return cast_scene(request)


# The member list's answer to each caller: who reads a group is for its members to know.
EXPECTED = {
    "private": {
        "anonymous": 404,
        "outsider": 404,
        "banned": 404,
        "member": 200,
        "moderator": 200,
        "owner": 200,
    },
    "public": {
        "anonymous": 401,
        "outsider": 403,
        "banned": 403,
        "member": 200,
        "moderator": 200,
        "owner": 200,
    },
}


@pytest.mark.parametrize("caller", CALLERS)
def test_who_gets_suggestions(scene, caller):
    user = scene["users"][caller]
    response = signed_in(user).get(url(scene["group"], q="a", status="active", page_size=8))
    assert response.status_code == EXPECTED[scene["kind"]][caller]
    if response.status_code == 200:
        assert [m["user"] for m in response.json()["results"]] == ["amina"]


@pytest.mark.parametrize("caller", ["member", "moderator", "owner"])
def test_the_banned_are_never_suggested(scene, caller):
    # Owners and moderators see the banned in the member list, but not among the active.
    client = signed_in(scene["users"][caller])
    found = client.get(url(scene["group"], q="b", status="active")).json()["results"]
    assert found == []


def test_a_prefix_in_any_case_and_eight_at_most(group, member):
    for i in range(12):
        join(group, make_user(f"Reader{i:02}"))
    join(group, make_user("areader"))  # contains "reader", does not start with it
    client = signed_in(member)
    response = client.get(url(group, q="rEaD", status="active", page_size=8))
    body = response.json()
    assert body["count"] == 12
    assert [m["user"] for m in body["results"]] == [f"Reader{i:02}" for i in range(8)]
    assert all(m["status"] == "active" for m in body["results"])


def test_without_q_the_list_is_as_before(group, owner, moderator, member, banned):
    names = [m["user"] for m in signed_in(owner).get(url(group)).json()["results"]]
    assert names == ["olive", "mo", "amina", "bea"]


def test_a_bad_status_is_a_clear_400(group, member):
    response = signed_in(member).get(url(group, status="gone"))
    assert response.status_code == 400
    assert response.json() == {"status": ["Choose one of: active, banned."]}


def test_suggestions_cost_the_same_queries_at_two_sizes(
    group, member, django_assert_max_num_queries
):
    client = signed_in(member)
    for size in (3, 30):
        for i in range(size):
            join(group, make_user(f"r{size}-{i}"))
        with django_assert_max_num_queries(6):
            response = client.get(url(group, q="r", status="active", page_size=8))
        assert len(response.json()["results"]) == min(size, 8)
