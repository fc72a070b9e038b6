"""The group services: creating a group."""

import pytest
from django.core.exceptions import ValidationError

from papers.groups import group_create
from papers.models import Membership, ReadingGroup
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_it_creates_a_group_with_its_owner():
    user = make_user("olive")
    group = group_create(owner=user, name="  Close   reading ", description=" Tuesdays ")
    assert (group.name, group.slug, group.description) == (
        "Close reading",
        "close-reading",
        "Tuesdays",
    )
    assert group.visibility == "private" and not group.personal
    membership = Membership.objects.get(group=group)
    assert (membership.user, membership.role, membership.status) == (user, "owner", "active")


def test_it_gives_every_group_a_unique_slug():
    olive, otto = make_user("olive"), make_user("otto")
    first = group_create(owner=olive, name="My papers", personal=True)
    second = group_create(owner=otto, name="My papers", personal=True)
    third = group_create(owner=otto, name="My papers", personal=True)
    assert first.slug == "my-papers"
    assert second.slug == "my-papers-otto"
    assert third.slug.startswith("my-papers-") and third.slug not in (first.slug, second.slug)


def test_a_name_without_latin_letters_still_gets_a_slug():
    group = group_create(owner=make_user("olive"), name="読書会")
    assert group.slug == "group"


def test_it_refuses_an_empty_name_and_a_public_personal_group():
    user = make_user("olive")
    with pytest.raises(ValidationError, match="needs a name"):
        group_create(owner=user, name="   ")
    with pytest.raises(ValidationError, match="always private"):
        group_create(owner=user, name="My papers", personal=True, visibility="public")
    assert not ReadingGroup.objects.exists()
