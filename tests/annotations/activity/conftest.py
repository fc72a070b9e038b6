"""The activity's tests share one scene: `scene(paper, owner, member)` (or the `story` fixture on
the cast's private paper), made through the services so every rule applies, then dated a minute
apart so the order is the scene's whatever the clock's resolution."""

from datetime import timedelta

import pytest
from django.utils import timezone

from annotations.models import Annotation, Comment
from annotations.services import annotation_create, comment_create
from papers.models import Paper

START = timezone.now() - timedelta(days=1)


def at(obj, minutes: int) -> None:
    """Date an item `minutes` after the scene's start."""
    type(obj).objects.filter(pk=obj.pk).update(created=START + timedelta(minutes=minutes))


def body(paper, n: int):
    return paper.paragraphs.filter(kind="body").order_by("position")[n]


def scene(paper, owner, member) -> dict:
    """Oldest first: olive adds the paper; amina tags paragraph 0 as evidence, with a note;
    olive tags a passage of paragraph 1 as claim; olive starts a thread on paragraph 0; amina
    replies; amina comments on olive's claim."""
    p0, p1 = body(paper, 0), body(paper, 1)
    items = {"paper": paper}
    items["evidence"] = annotation_create(
        user=member, paragraph=p0, role_slug="evidence", note="The *sample* is small & <odd>."
    )
    items["claim"] = annotation_create(
        user=owner,
        paragraph=p1,
        role_slug="claim",
        quote={"exact": p1.text[:10], "start": 0, "end": 10},
    )
    items["thread"] = comment_create(user=owner, paragraph=p0, body="Is it, though?")
    items["reply"] = comment_create(user=member, parent=items["thread"], body="Yes: see **¶ 2**.")
    items["on_claim"] = comment_create(user=member, annotation=items["claim"], body="Agreed.")
    for minutes, name in enumerate(items):
        at(items[name], minutes)
    return items


def newest_first(items: dict) -> list[tuple[str, int]]:
    """The scene's (kind, id), newest first."""
    kinds = {Paper: "paper", Annotation: "annotation", Comment: "comment"}
    return [(kinds[type(obj)], obj.pk) for obj in reversed(list(items.values()))]


@pytest.fixture
def story(paper, owner, member):
    return scene(paper, owner, member)
