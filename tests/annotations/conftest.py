"""Annotation fixtures on top of the cast (tests/conftest.py): a paper of the group with a few
paragraphs, and `make_*` helpers that go through the services."""

import pytest
from django.test import Client

from annotations.services import annotation_create, comment_create
from papers.models import Membership
from tests.conftest import join, make_group, make_user
from tests.papers.makers import make_paper

# A paragraph of the makers' paper: "As reader 0 argued (Smith, 2001), readers disagree …"


@pytest.fixture
def paper(group, owner):
    return make_paper(group, user=owner)


@pytest.fixture
def paragraph(paper):
    return paper.paragraphs.get(kind="body", text__contains="reader 0")


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


def cast_scene(kind, *, group, public_group, owner, moderator, member, banned, outsider,
               others=()) -> dict:  # fmt: skip
    """The cast for a permission table: in the private `group` (their fixture roles), or in a
    public group where they hold the same roles (`others` join it as plain members); a paper of
    that group; `users` by caller name (anonymous: None)."""
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


def page_client(user) -> Client:
    """A browser's client, logged in as `user` (None: anonymous)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def make_annotation(user, paragraph, role="claim", **kw):
    return annotation_create(user=user, paragraph=paragraph, role_slug=role, **kw)


def make_comment(user, **kw):
    kw.setdefault("body", "A comment.")
    return comment_create(user=user, **kw)


__all__ = ["make_annotation", "make_comment", "make_user"]
