"""A group's roles: groups/{slug}/roles/ and groups/{slug}/roles/{slug}/, and the Markdown
preview. Statuses for every caller are in test_permission_matrix.py."""

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from annotations.models import Annotation, Role
from tests.conftest import signed_in

from .conftest import make_annotation

ROLES = "/api/v1/groups/seminar/roles/"
PREVIEW = "/api/v1/preview/"


def test_members_read_the_default_roles(member):
    response = signed_in(member).get(ROLES)
    assert response.status_code == 200
    roles = response.json()["results"]
    assert [(r["slug"], r["name"], r["key"], r["position"], r["retired"]) for r in roles] == [
        ("claim", "Claim", "c", 1, False),
        ("evidence", "Evidence", "e", 2, False),
        ("theory", "Theory", "t", 3, False),
    ]
    assert set(roles[0]) == {"slug", "name", "color", "key", "description", "position", "retired"}
    assert all(r["color"].startswith("#") and len(r["color"]) == 7 for r in roles)
    assert signed_in(member).get(f"{ROLES}claim/").json()["name"] == "Claim"


def test_an_owner_adds_a_role_members_use_it(owner, member, paragraph):
    response = signed_in(owner).post(
        ROLES,
        {"name": "Counter-argument", "color": "#AA3300", "key": "x", "description": "Objects."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json() == {
        "slug": "counter-argument",
        "name": "Counter-argument",
        "color": "#aa3300",
        "key": "x",
        "description": "Objects.",
        "position": 4,
        "retired": False,
    }
    annotation = make_annotation(member, paragraph, "counter-argument")
    assert annotation.role.name == "Counter-argument"


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": "Q", "color": "blue", "key": "q"}, "color"),
        ({"name": "Q", "color": "#123456", "key": "qq"}, "key"),
        ({"name": "Q", "color": "#123456", "key": "c"}, "__all__"),
        ({"name": "Claim", "color": "#123456", "key": "q"}, "__all__"),
        ({"name": "!!!", "color": "#123456", "key": "q"}, "slug"),
        ({"color": "#123456", "key": "q"}, "name"),
    ],
)
def test_bad_roles_are_400(owner, data, field):
    response = signed_in(owner).post(ROLES, data, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_an_owner_renames_recolours_and_retires(owner, member, paragraph):
    annotation = make_annotation(member, paragraph, "theory")
    client = signed_in(owner)
    response = client.patch(
        f"{ROLES}theory/",
        {"name": "Framework", "color": "#225588", "key": "f", "description": "Concepts."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["slug"], response.json()["name"], response.json()["key"]) == (
        "theory",
        "Framework",
        "f",
    )
    retired = client.patch(f"{ROLES}theory/", {"retired": True}, format="json")
    assert retired.json()["retired"] is True
    # Old annotations keep it; new ones cannot take it.
    annotation = Annotation.objects.get(pk=annotation.pk)
    assert annotation.role.slug == "theory"
    new = signed_in(member).post(
        "/api/v1/annotations/", {"paragraph": paragraph.pk, "role": "theory"}, format="json"
    )
    assert new.status_code == 400 and "retired" in str(new.json()["role"])
    listed = [r["slug"] for r in signed_in(member).get(ROLES).json()["results"]]
    assert listed == ["claim", "evidence", "theory"]  # retired ones are listed, marked


def test_members_and_moderators_may_not_change_roles(member, moderator):
    for user in (member, moderator):
        client = signed_in(user)
        assert client.patch(f"{ROLES}claim/", {"name": "x"}, format="json").status_code == 403
        data = {"name": "New", "color": "#123456", "key": "n"}
        assert client.post(ROLES, data, format="json").status_code == 403
    assert Role.objects.filter(name="x").count() == 0


def test_an_unknown_role_or_group_is_404(owner):
    client = signed_in(owner)
    assert client.get(f"{ROLES}opinion/").status_code == 404
    assert client.patch(f"{ROLES}opinion/", {"name": "x"}, format="json").status_code == 404
    assert client.get("/api/v1/groups/nowhere/roles/").status_code == 404


def test_a_private_groups_roles_are_hidden_from_outsiders(outsider):
    assert signed_in(outsider).get(ROLES).status_code == 404
    assert APIClient().get(ROLES).status_code == 404


def test_a_public_groups_roles_are_read_by_anyone(public_group):
    response = APIClient().get(f"/api/v1/groups/{public_group.slug}/roles/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


# Preview


def test_the_preview_renders_sanitised_markdown(outsider):
    response = signed_in(outsider).post(
        PREVIEW, {"markdown": "**bold** <img src=x onerror=alert(1)>"}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {
        "html": "<p><strong>bold</strong> &lt;img src=x onerror=alert(1)&gt;</p>"
    }


def test_the_preview_needs_an_account_and_a_post(outsider):
    assert APIClient().post(PREVIEW, {"markdown": "x"}, format="json").status_code == 401
    assert signed_in(outsider).get(PREVIEW).status_code == 405
    too_long = signed_in(outsider).post(PREVIEW, {"markdown": "x" * 20_001}, format="json")
    assert too_long.status_code == 400


def test_the_preview_is_throttled(outsider, monkeypatch):
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "preview", "3/minute")
    client = signed_in(outsider)
    codes = [client.post(PREVIEW, {"markdown": "x"}, format="json").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
