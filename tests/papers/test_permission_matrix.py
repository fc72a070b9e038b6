"""Every page and endpoint of groups, members, invites and papers, for each of the cast, on a
private and on a public group: the expected status, and nothing private in what outsiders get.

Columns, in order: anonymous, outsider, member, moderator, owner, banned. Read the rows as the
rules of papers/README.md ("Who may do what"):

- a private group's pages and endpoints answer 404 to anonymous, outsiders and the banned (the
  log-in redirect, 302, comes first on pages that need an account; 405 comes before the group is
  looked up, so neither tells whether the group exists);
- what a caller sees but may not change answers 403; an API write without credentials 401;
- the invite page and `accept` hold the token, so they answer whoever has it (the banned: 403).

Each request runs against fresh data (the test's transaction), so a DELETE in one cell does not
change another. The target of member changes is `amos`, a second plain member, so that no one
acts on themselves except in the "leave" rows.
"""

# ruff: noqa: E501 (the table below keeps one row per line, so that it reads as a table)

import json
from dataclasses import dataclass

import pytest
from django.test import Client

from papers.groups import invite_create
from papers.models import Membership, Paper, ReadingGroup
from papers.saving import store_source
from tests.conftest import join, make_user

from .makers import make_paper
from .test_pages import MARKDOWN

CAST = ("anonymous", "outsider", "member", "moderator", "owner", "banned")
PRIVATE_TITLE = "Secret Findings on Reading"
# What an outsider of the private group must never read: its name, a paper's title, members.
SECRETS = ("Seminar", PRIVATE_TITLE, "olive", "amina", "amos")


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str  # formatted with slug, paper, invite, token, me
    private: str  # six statuses, in the order of CAST
    public: str
    data: dict | None = None
    api: bool = False
    # Rows whose answer may name the group to outsiders: the token is the key.
    with_token: bool = False


def api(name, method, path, private, public, data=None, **kw) -> Row:
    return Row(name, method, "/api/v1/" + path, private, public, data, api=True, **kw)


def page(name, method, path, private, public, data=None, **kw) -> Row:
    return Row(name, method, path, private, public, data, **kw)


ROWS = [
    # API: groups                                 anon outs memb mode ownr bann
    api("groups list", "get", "groups/?public=1", "200 200 200 200 200 200", "200 200 200 200 200 200"),
    api("group create", "post", "groups/", "401 201 201 201 201 201", "401 201 201 201 201 201", {"name": "Fresh"}),
    api("group detail", "get", "groups/{slug}/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    api("group rename", "patch", "groups/{slug}/", "401 404 403 403 200 404", "401 403 403 403 200 403", {"name": "Renamed"}),
    api("group put", "put", "groups/{slug}/", "401 405 405 405 405 405", "401 405 405 405 405 405", {"name": "x"}),
    api("group delete", "delete", "groups/{slug}/", "401 404 403 403 204 404", "401 403 403 403 204 403"),
    # API: members
    api("members list", "get", "groups/{slug}/members/", "404 404 200 200 200 404", "401 403 200 200 200 403"),
    api("member add", "post", "groups/{slug}/members/", "401 404 403 201 201 404", "401 403 403 201 201 403", {"user": "nell"}),
    api("member detail", "get", "groups/{slug}/members/amos/", "404 404 200 200 200 404", "401 403 200 200 200 403"),
    api("member promote", "patch", "groups/{slug}/members/amos/", "401 404 403 403 200 404", "401 403 403 403 200 403", {"role": "moderator"}),
    api("member ban", "patch", "groups/{slug}/members/amos/", "401 404 403 200 200 404", "401 403 403 200 200 403", {"status": "banned"}),
    api("member unban", "patch", "groups/{slug}/members/bea/", "401 404 404 200 200 404", "401 403 404 200 200 403", {"status": "active"}),
    api("member ban by body", "patch", "groups/{slug}/members/", "401 404 403 200 200 404", "401 403 403 200 200 403", {"user": "amos", "status": "banned"}),
    api("member remove", "delete", "groups/{slug}/members/amos/", "401 404 403 204 204 404", "401 403 403 204 204 403"),
    api("member remove by body", "delete", "groups/{slug}/members/", "401 404 403 204 204 404", "401 403 403 204 204 403", {"user": "amos"}),
    api("my membership", "get", "groups/{slug}/me/", "404 404 200 200 200 404", "404 404 200 200 200 404"),
    api("read blind", "patch", "groups/{slug}/me/", "401 404 200 200 200 404", "401 404 200 200 200 404", {"blind": True}),
    api("leave", "delete", "groups/{slug}/members/{me}/", "401 404 204 204 400 404", "401 403 204 204 400 403"),
    # API: invites
    api("invites list", "get", "groups/{slug}/invites/", "404 404 403 200 200 404", "401 403 403 200 200 403"),
    api("invite create", "post", "groups/{slug}/invites/", "401 404 403 201 201 404", "401 403 403 201 201 403", {"max_uses": 2}),
    api("invite detail", "get", "groups/{slug}/invites/{invite}/", "404 404 403 200 200 404", "401 403 403 200 200 403"),
    api("invite revoke", "delete", "groups/{slug}/invites/{invite}/", "401 404 403 204 204 404", "401 403 403 204 204 403"),
    api("invite revoke by body", "delete", "groups/{slug}/invites/", "401 404 403 204 204 404", "401 403 403 204 204 403", {"token": "{token}"}),
    api("invite accept", "post", "invites/{token}/accept/", "401 201 200 200 200 403", "401 201 200 200 200 403", with_token=True),
    api("invite accept get", "get", "invites/{token}/accept/", "401 405 405 405 405 405", "401 405 405 405 405 405", with_token=True),
    # API: papers
    api("papers list", "get", "papers/", "200 200 200 200 200 200", "200 200 200 200 200 200"),
    api("papers of the group", "get", "papers/?group={slug}", "200 200 200 200 200 200", "200 200 200 200 200 200"),
    api("paper add", "post", "papers/", "401 400 201 201 201 400", "401 403 201 201 201 403", {"group": "{slug}", "text": MARKDOWN}),
    api("paper detail", "get", "papers/{paper}/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    api("paper paragraphs", "get", "papers/{paper}/paragraphs/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    api("paper references", "get", "papers/{paper}/references/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    api("paper argument", "get", "papers/{paper}/argument/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    api("paper agreement", "get", "papers/{paper}/agreement/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    api("paper argument post", "post", "papers/{paper}/argument/", "405 405 405 405 405 405", "405 405 405 405 405 405"),
    api("paper rename", "patch", "papers/{paper}/", "401 404 200 200 200 404", "401 403 200 200 200 403", {"title": "New title"}),
    api("paper delete", "delete", "papers/{paper}/", "401 404 403 204 204 404", "401 403 403 204 204 403"),
    # A failed import, uploaded by the member (amina): who may delete it may retry it.
    api("failed import retry", "post", "papers/{failed}/retry/", "401 404 202 202 202 404", "401 403 202 202 202 403"),
    api("failed import dismiss", "delete", "papers/{failed}/", "401 404 204 204 204 404", "401 403 204 204 204 403"),
    api("ready paper retry", "post", "papers/{paper}/retry/", "401 404 403 400 400 404", "401 403 403 400 400 403"),
    api("retry get", "get", "papers/{failed}/retry/", "405 405 405 405 405 405", "405 405 405 405 405 405"),
    # API: exports (annotations.exports.api; what is in them: tests/annotations/test_export_api.py)
    api("group export", "get", "groups/{slug}/export/?format=csv", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    api("group export post", "post", "groups/{slug}/export/", "405 405 405 405 405 405", "405 405 405 405 405 405"),
    # API: activity (annotations.activity.api; what is in it: tests/annotations/activity/)
    api("group activity", "get", "groups/{slug}/activity/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    api("group activity page 2", "get", "groups/{slug}/activity/?page=2", "404 404 404 404 404 404", "404 404 404 404 404 404"),
    api("group activity post", "post", "groups/{slug}/activity/", "405 405 405 405 405 405", "405 405 405 405 405 405"),
    api("paper export", "get", "papers/{paper}/export/?format=csv", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    # Pages                                        anon outs memb mode ownr bann
    page("home", "get", "/", "200 200 200 200 200 200", "200 200 200 200 200 200"),
    page("home post", "post", "/", "405 405 405 405 405 405", "405 405 405 405 405 405"),
    page("group new", "get", "/groups/new/", "302 200 200 200 200 200", "302 200 200 200 200 200"),
    page("group create", "post", "/groups/new/", "302 302 302 302 302 302", "302 302 302 302 302 302", {"name": "Fresh", "visibility": "private"}),
    page("group page", "get", "/groups/{slug}/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    page("group page, older activity", "get", "/groups/{slug}/?activity_page=2", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    page("group page post", "post", "/groups/{slug}/", "405 405 405 405 405 405", "405 405 405 405 405 405"),
    page("settings", "get", "/groups/{slug}/settings/", "302 404 403 403 200 404", "302 403 403 403 200 403"),
    page("settings save", "post", "/groups/{slug}/settings/", "302 404 403 403 302 404", "302 403 403 403 302 403", {"name": "Renamed", "description": "", "visibility": "private", "premoderation": "off"}),
    page("delete page", "get", "/groups/{slug}/delete/", "302 404 403 403 200 404", "302 403 403 403 200 403"),
    page("delete", "post", "/groups/{slug}/delete/", "302 404 403 403 302 404", "302 403 403 403 302 403", {"confirm": "{name}"}),
    page("members page", "get", "/groups/{slug}/members/", "302 404 403 200 200 404", "302 403 403 200 200 403"),
    page("member role", "post", "/groups/{slug}/members/amos/role/", "302 404 403 403 302 404", "302 403 403 403 302 403", {"role": "moderator"}),
    page("member ban", "post", "/groups/{slug}/members/amos/ban/", "302 404 403 302 302 404", "302 403 403 302 302 403"),
    page("member unban", "post", "/groups/{slug}/members/bea/unban/", "302 404 403 302 302 404", "302 403 403 302 302 403"),
    page("member remove", "post", "/groups/{slug}/members/amos/remove/", "302 404 403 302 302 404", "302 403 403 302 302 403"),
    page("member ban get", "get", "/groups/{slug}/members/amos/ban/", "302 405 405 405 405 405", "302 405 405 405 405 405"),
    page("leave page", "get", "/groups/{slug}/leave/", "302 404 200 200 200 404", "302 403 200 200 200 403"),
    page("leave", "post", "/groups/{slug}/leave/", "302 404 302 302 400 404", "302 403 302 302 400 403"),
    page("invite create", "post", "/groups/{slug}/invites/", "302 404 403 302 302 404", "302 403 403 302 302 403", {"role": "member", "expires_in": "7d"}),
    page("invite create get", "get", "/groups/{slug}/invites/", "302 405 405 405 405 405", "302 405 405 405 405 405"),
    page("invite revoke", "post", "/groups/{slug}/invites/{invite}/revoke/", "302 404 403 302 302 404", "302 403 403 302 302 403"),
    page("upload page", "get", "/groups/{slug}/upload/", "302 404 200 200 200 404", "302 403 200 200 200 403"),
    page("reading page", "get", "/papers/{paper}/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    page("failed import page", "get", "/papers/{failed}/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    page("failed import retry", "post", "/papers/{failed}/retry/", "302 404 302 302 302 404", "302 403 302 302 302 403"),
    page("failed import retry get", "get", "/papers/{failed}/retry/", "302 405 405 405 405 405", "302 405 405 405 405 405"),
    page("failed import dismiss", "post", "/papers/{failed}/dismiss/", "302 404 302 302 302 404", "302 403 302 302 302 403"),
    page("ready paper dismiss", "post", "/papers/{paper}/dismiss/", "302 404 403 403 403 404", "302 403 403 403 403 403"),
    page("group export page", "get", "/groups/{slug}/export/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    page("argument map", "get", "/papers/{paper}/argument/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    page("agreement page", "get", "/papers/{paper}/agreement/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    page("paper export page", "get", "/papers/{paper}/export/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    page("invite page", "get", "/invites/{token}/", "200 200 200 200 200 403", "200 200 200 200 200 403", with_token=True),
    page("invite join", "post", "/invites/{token}/", "302 302 302 302 302 403", "302 302 302 302 302 403", with_token=True),
]  # fmt: skip


@pytest.fixture(params=["private", "public"])
def world(request, group, owner, moderator, member, banned, outsider):
    """The cast group (private or public) with a paper, a second member and an invite link."""
    if request.param == "public":
        ReadingGroup.objects.filter(pk=group.pk).update(visibility="public")
    join(group, make_user("amos"))
    make_user("nell")
    paper = make_paper(group, title=PRIVATE_TITLE, user=owner)
    failed = Paper.objects.create(
        group=group,
        title=PRIVATE_TITLE + " (upload)",
        created_by=member,
        source_format="markdown",
        source_file=store_source(sha256="f" * 64, data=MARKDOWN.encode()),
        status=Paper.Status.FAILED,
        error="The import stopped unexpectedly; try again.",
    )
    invite = invite_create(actor=owner, group=group)
    users = {"owner": owner, "moderator": moderator, "member": member, "banned": banned}
    return {
        "visibility": request.param,
        "users": users | {"outsider": outsider, "anonymous": None},
        "values": {
            "slug": group.slug,
            "name": group.name,
            "paper": paper.pk,
            "failed": failed.pk,
            "invite": invite.pk,
            "token": invite.token,
        },
    }


def fill(value, values: dict):
    if isinstance(value, str):
        return value.format(**values) if value != MARKDOWN else value
    if isinstance(value, dict):
        return {k: fill(v, values) for k, v in value.items()}
    return value


def request_as(user, row: Row, values: dict):
    client = Client()
    if user is not None:
        client.force_login(user)
    path = fill(row.path, values)
    data = fill(row.data, values)
    if row.api:
        body = json.dumps(data) if data is not None else None
        return getattr(client, row.method)(path, data=body, content_type="application/json")
    if data is None:
        return getattr(client, row.method)(path)
    return getattr(client, row.method)(path, data)


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_permission_matrix(world, row, who):
    user = world["users"][who]
    values = world["values"] | {"me": user.get_username() if user else "nobody"}
    expected = dict(zip(CAST, getattr(row, world["visibility"]).split(), strict=True))[who]
    response = request_as(user, row, values)
    assert response.status_code == int(expected), response.content[:300]
    if world["visibility"] == "private" and who in ("anonymous", "outsider", "banned"):
        if not row.with_token:
            body = response.content.decode()
            for secret in SECRETS:
                assert secret not in body, f"{secret!r} leaks to {who}"
            if row.api:
                assert '"seminar"' not in body


# Only the public group: for the private one the matrix above already checks every row.
@pytest.mark.parametrize("world", ["public"], indirect=True)
@pytest.mark.parametrize("who", ["anonymous", "outsider", "banned"])
def test_the_members_of_a_public_group_stay_private(world, who):
    user = world["users"][who]
    for path in ("/api/v1/groups/seminar/members/", "/groups/seminar/members/"):
        body = request_as(user, page("members", "get", path, "", ""), world["values"]).text
        for name in ("amina", "amos", "bea"):
            if name != user_name(user):
                assert name not in body


def user_name(user) -> str | None:
    return user.get_username() if user is not None else None


def test_the_matrix_covers_every_group_url():
    """A new page or endpoint under groups, members or invites needs a row here."""
    from django.urls import get_resolver

    names = set()
    for pattern in get_resolver().url_patterns:
        names |= _route_names(pattern)
    pages = {n for n in names if n.startswith("papers:")}
    assert pages == {
        "papers:home",
        "papers:group_create",
        "papers:group_detail",
        "papers:paper_upload",
        "papers:paper_retry",
        "papers:paper_dismiss",
        "papers:group_settings",
        "papers:group_delete",
        "papers:group_leave",
        "papers:group_members",
        "papers:member_role",
        "papers:member_remove",
        "papers:member_ban",
        "papers:member_unban",
        "papers:invite_create",
        "papers:invite_revoke",
        "papers:invite",
    }, "a page was added or renamed: give it rows in ROWS"
    endpoints = {n for n in names if n.startswith(("group-", "invite-"))}
    assert endpoints == {
        "group-list",
        "group-detail",
        "group-members",
        "group-member",
        "group-me",
        "group-invites",
        "group-invite",
        "invite-accept",
        "group-export",
        "group-activity",
    }, "an endpoint was added or renamed: give it rows in ROWS"


def _route_names(pattern, namespace: str = "") -> set[str]:
    if hasattr(pattern, "url_patterns"):
        inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
        names = set()
        for sub in pattern.url_patterns:
            names |= _route_names(sub, inner)
        return names
    return {f"{namespace}{pattern.name}"} if pattern.name else set()


def test_a_banned_member_keeps_the_row(world):
    assert Membership.objects.filter(user__username="bea", status="banned").exists()
