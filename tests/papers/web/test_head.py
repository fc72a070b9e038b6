"""HEAD answers wherever GET does (a load balancer's health check, link checkers, `curl -I`):
Django's `require_GET` refused it with 405, so every page view says `require_safe` (GET and HEAD)
or lists HEAD with its other methods, and a test reads the source so that none goes back."""

import ast
from pathlib import Path

import pytest
from django.test import Client

from papers.groups import invite_create

ROOT = Path(__file__).resolve().parents[3]


def pages(group, paper) -> list[str]:
    return [
        "/",
        f"/groups/{group.slug}/",
        f"/groups/{group.slug}/settings/",
        f"/groups/{group.slug}/members/",
        f"/groups/{group.slug}/upload/",
        f"/groups/{group.slug}/import/",
        f"/groups/{group.slug}/export/",
        f"/papers/{paper.pk}/",
        f"/papers/{paper.pk}/argument/",
        f"/papers/{paper.pk}/agreement/",
        f"/papers/{paper.pk}/export/",
        "/moderation/",
        "/moderation/log/",
        "/search/?q=reading",
        "/notifications/",
        "/accounts/",
        "/accounts/password/change/",
        "/api/v1/groups/",
        f"/api/v1/groups/{group.slug}/members/",
        f"/api/v1/papers/{paper.pk}/",
        "/api/schema/",
        "/api/docs/",
        "/healthz",
    ]


def test_head_answers_as_get_on_every_page(owner, group, paper):
    client = Client()
    client.force_login(owner)
    for path in pages(group, paper):
        get = client.get(path)
        head = client.head(path)
        assert get.status_code == 200, path
        assert head.status_code == 200, path
        assert head.content == b"", path


def test_head_of_the_home_page_for_anyone(db, client):
    response = client.head("/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_head_of_the_login_page(db, client):
    assert client.head("/accounts/login/").status_code == 200


def test_head_on_an_api_item_changes_nothing(owner, group, owner_api, member):
    """The group API's actions branch on the method: HEAD is a GET there, never a revoke or a
    change of role."""
    invite = invite_create(actor=owner, group=group)
    assert owner_api.head(f"/api/v1/groups/{group.slug}/invites/{invite.pk}/").status_code == 200
    assert owner_api.head(f"/api/v1/groups/{group.slug}/invites/").status_code == 200
    invite.refresh_from_db()
    assert invite.revoked is None
    path = f"/api/v1/groups/{group.slug}/members/{member.username}/"
    assert owner_api.head(path).status_code == 200
    assert group.memberships.get(user=member).role == "member"


def _decorators(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from node.decorator_list


@pytest.mark.parametrize(
    "path",
    sorted(
        str(p.relative_to(ROOT))
        for app in ("papers", "annotations", "config")
        for p in (ROOT / app).rglob("*.py")
    ),
)
def test_no_view_refuses_head(path):
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    for decorator in _decorators(tree):
        name = ast.unparse(decorator)
        assert name != "require_GET", f"{path}: use require_safe (GET and HEAD)"
        if name.startswith("require_http_methods(") and "'GET'" in name:
            assert "'HEAD'" in name, f"{path}: {name} without HEAD"
