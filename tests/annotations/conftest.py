"""Annotation fixtures on top of the cast (tests/conftest.py, which also has the group's `paper`
and its `paragraph`): a public group with the same cast, the permission tables' scene, and
`make_*` helpers that go through the services."""

import pytest

from annotations.services import annotation_create, comment_create
from papers.models import Membership, ReadingGroup
from tests.browser import DESKTOP
from tests.conftest import join, make_group, make_user
from tests.papers.makers import make_paper


@pytest.fixture
def public_group(db):
    return make_group("Open Seminar", visibility="public")


@pytest.fixture
def public_paper(public_group, owner, moderator, member, banned):
    """A paper of a public group where the cast has the same roles as in the private one."""
    for user, role in ((owner, "owner"), (moderator, "moderator"), (member, "member")):
        join(public_group, user, role)
    join(public_group, banned, Membership.Role.MEMBER, status=Membership.Status.BANNED)
    return make_paper(public_group, user=owner)


CALLERS = ("anonymous", "outsider", "member", "moderator", "owner", "banned")

# The API's `can` (what the reader may do with an item): nothing, and what the author of a live
# post may do (every reader and status: test_api_can.py).
CAN_NOTHING = {"edit": False, "delete": False, "flag": False, "history": False, "moderate": []}
CAN_AUTHOR = CAN_NOTHING | {"edit": True, "delete": True, "history": True}


def cast_scene(request, *, others=()) -> dict:
    """The cast for a permission table, for a fixture parametrized by the kind of group: in the
    private `group` (their fixture roles), or in a public group where they hold the same roles
    (`others` join it as plain members); a paper of that group; `users` by caller name
    (anonymous: None)."""
    kind = request.param
    group, public_group, owner, moderator, member, banned, outsider = (
        request.getfixturevalue(name)
        for name in ("group", "public_group", "owner", "moderator", "member", "banned", "outsider")
    )
    the_group = group
    if kind == "public":
        for user, role in ((owner, "owner"), (moderator, "moderator"), (member, "member")):
            join(public_group, user, role)
        for user in others:
            join(public_group, user, Membership.Role.MEMBER)
        join(public_group, banned, Membership.Role.MEMBER, status=Membership.Status.BANNED)
        the_group = public_group
    users = dict(zip(CALLERS, (None, outsider, member, moderator, owner, banned), strict=True))
    paper = make_paper(the_group, user=owner)
    return {"kind": kind, "group": the_group, "paper": paper, "users": users}


@pytest.fixture
def person(signed_in_context):
    """`person(user, viewport=None)`: a page in a browser context of its own, signed in as `user`
    (the browser tests of the workspace); the page collects script errors and failed requests
    in `page.errors`."""

    def open_page(user, viewport=None):
        context, _ = signed_in_context(user, viewport=viewport or DESKTOP, reduced_motion="reduce")
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on(
            "response",
            lambda r: page.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        return page

    return open_page


def make_annotation(user, paragraph, role="claim", **kw):
    return annotation_create(user=user, paragraph=paragraph, role_slug=role, **kw)


def make_comment(user, **kw):
    kw.setdefault("body", "A comment.")
    return comment_create(user=user, **kw)


def premoderated(group, make):
    """Make a post (`make()`) while the group holds every member's posts for approval: a pending
    post, in a group that holds nothing afterwards."""
    ReadingGroup.objects.filter(pk=group.pk).update(premoderation="all")
    group.refresh_from_db()
    try:
        return make()
    finally:
        ReadingGroup.objects.filter(pk=group.pk).update(premoderation="off")
        group.refresh_from_db()


__all__ = ["make_annotation", "make_comment", "make_user"]
