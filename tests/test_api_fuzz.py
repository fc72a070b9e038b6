"""Schemathesis against the API's own OpenAPI schema (`/api/schema/`, drf-spectacular): every
operation, called in-process through the WSGI application on the test database, with the token
of the owner of a group that holds a paper, annotations, comments, a link and an invite, so
that path parameters, filters and bodies hit real objects as well as made-up ones.

Checks: no answer is a 5xx (`not_a_server_error`), every answer is valid against the schema
(`response_schema_conformance`), and its status code and content type are ones the schema
documents (`status_code_conformance`, `content_type_conformance`; the error answers every
operation may give are documented once, by papers.api.schema.document_errors).

Deterministic (Hypothesis derandomised, no example database), so that CI is reproducible.
`MARGINALIA_FUZZ_EXAMPLES` raises the number of generated examples per operation for a longer
run (docs/development.md); `-m fuzz` runs these tests alone, `-m "not fuzz"` leaves them out.
"""

import os
from dataclasses import dataclass

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from annotations.models import Annotation, Comment, Link
from annotations.moderation.services import flag_create
from annotations.notifications.models import Notification
from annotations.services import annotation_create, comment_create, link_create
from config.wsgi import application
from papers.accounts.services import api_token_get
from papers.groups import invite_create
from papers.models import Invite, Membership, Paper, Paragraph, ReadingGroup
from tests.conftest import join, make_group, make_user
from tests.papers.makers import make_paper

pytestmark = pytest.mark.fuzz

# Generated cases per operation (at most; measured: 1,626 requests over the 66 operations at
# 25), about two minutes per database on this two-core machine under load, 45 s of CPU.
EXAMPLES = int(os.environ.get("MARGINALIA_FUZZ_EXAMPLES", "25"))

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "mode": "all",  # valid requests and invalid ones
            "max-examples": EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
        "phases": {"stateful": {"enabled": False}},
    }
)

schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@dataclass
class World:
    """The objects the fuzzer's requests may name, and the owner's token to name them with."""

    group: ReadingGroup
    paper: Paper
    paragraph: Paragraph
    annotation: Annotation
    other_annotation: Annotation
    comment: Comment
    reply: Comment
    link: Link
    invite: Invite
    notification: Notification | None
    member_name: str
    token: str

    def path_values(self, path: str) -> dict:
        """Real values for the path parameters of `path` (a schema path)."""
        ids = {
            "/api/v1/annotations/": self.annotation.pk,
            "/api/v1/comments/": self.comment.pk,
            "/api/v1/links/": self.link.pk,
            "/api/v1/papers/": self.paper.pk,
            "/api/v1/notifications/": self.notification.pk if self.notification else 1,
        }
        values = {
            "group_slug": self.group.slug,
            "invite_id": self.invite.pk,
            "token": self.invite.token,
            "username": self.member_name,
        }
        for prefix, pk in ids.items():
            if path.startswith(prefix):
                values["id"] = pk
        values["slug"] = "claim" if "/roles/{slug}" in path else self.group.slug
        return values

    def field_values(self) -> dict:
        """Real values for body fields and query filters of the same names."""
        return {
            "group": self.group.slug,
            "paper": self.paper.pk,
            "paragraph": self.paragraph.pk,
            "annotation": self.annotation.pk,
            "source": self.annotation.pk,
            "target": self.other_annotation.pk,
            "parent": self.comment.pk,
            "user": self.member_name,
            "role": "evidence",
        }


@pytest.fixture
def _connection_kept():
    """The WSGI handler closes the database connection after each request (request_finished);
    the test's transaction lives on it, so keep it open, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, _connection_kept, monkeypatch, settings):
    # Throttles and allauth's failed-login limits would answer most of the run 429.
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        dict.fromkeys(SimpleRateThrottle.THROTTLE_RATES, "1000000/minute"),
    )
    settings.ACCOUNT_RATE_LIMITS = False
    group = make_group("Seminar")
    owner = make_user("olive")
    member = make_user("amina")
    moderator = make_user("mo")
    join(group, owner, Membership.Role.OWNER)
    join(group, member)
    join(group, moderator, Membership.Role.MODERATOR)
    paper = make_paper(group, user=owner)
    paragraph = paper.paragraphs.get(kind="body", text__contains="reader 0")
    annotation = annotation_create(user=owner, paragraph=paragraph, role_slug="claim", note="A")
    other = annotation_create(user=member, paragraph=paragraph, role_slug="evidence", note="B")
    comment = comment_create(user=member, annotation=annotation, body="Why?")
    reply = comment_create(user=owner, parent=comment, body="Because.")
    link = link_create(user=owner, source=other, target=annotation, relation="supports")
    flag_create(user=owner, target=other, reason="off_topic")
    invite = invite_create(actor=owner, group=group)
    return World(
        group=group,
        paper=paper,
        paragraph=paragraph,
        annotation=annotation,
        other_annotation=other,
        comment=comment,
        reply=reply,
        link=link,
        invite=invite,
        notification=Notification.objects.filter(recipient=owner).first(),
        member_name=member.username,
        token=api_token_get(user=owner).key,
    )


def _real(data, values: dict, value, name: str):
    """The real value for `name`, or the generated one: Hypothesis chooses (both get tried)."""
    if name in values and data.draw(st.booleans(), label=name):
        return values[name]
    return value


@schema.parametrize()
@schema.given(data=st.data())
@settings(suppress_health_check=list(HealthCheck))
def test_the_api_answers_within_its_schema(case, data, world):
    path = world.path_values(case.path)
    if case.path_parameters:
        case.path_parameters = {
            name: _real(data, path, value, name) for name, value in case.path_parameters.items()
        }
    fields = world.field_values()
    if isinstance(case.query, dict):
        case.query = {name: _real(data, fields, v, name) for name, v in case.query.items()}
    if isinstance(case.body, dict):
        case.body = {name: _real(data, fields, v, name) for name, v in case.body.items()}
    case.call_and_validate(headers={"Authorization": f"Token {world.token}"}, checks=CHECKS)
