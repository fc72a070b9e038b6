"""The group services (papers/groups.py): creating, changing and deleting groups, and the rules
for members: roles, removal, bans, leaving, and always an active owner."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from papers import permissions
from papers.groups import (
    group_create,
    group_delete,
    group_update,
    member_add,
    member_ban,
    member_leave,
    member_remove,
    member_set_role,
    member_unban,
)
from papers.models import Membership, Paper, ReadingGroup
from tests.conftest import join, make_user

from .makers import make_paper

pytestmark = pytest.mark.django_db


def membership(group, user) -> Membership:
    return Membership.objects.select_related("group", "user").get(group=group, user=user)


def active_owners(group) -> int:
    return Membership.objects.active().filter(group=group, role="owner").count()


# Creating


def test_it_creates_a_group_with_its_owner():
    user = make_user("olive")
    group = group_create(owner=user, name="  Close   reading ", description=" Tuesdays ")
    assert (group.name, group.slug) == ("Close reading", "close-reading")
    assert group.description == "Tuesdays"
    assert group.visibility == "private" and not group.personal
    owner = Membership.objects.get(group=group)
    assert (owner.user, owner.role, owner.status) == (user, "owner", "active")


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


def test_a_slug_never_shadows_a_page():
    group = group_create(owner=make_user("olive"), name="New")
    assert group.slug == "new-olive"


def test_it_refuses_an_empty_name_and_a_public_personal_group():
    user = make_user("olive")
    with pytest.raises(ValidationError, match="needs a name"):
        group_create(owner=user, name="   ")
    with pytest.raises(ValidationError, match="always private"):
        group_create(owner=user, name="My papers", personal=True, visibility="public")
    assert not ReadingGroup.objects.exists()


# Settings and deleting


def test_owners_change_the_settings_and_the_slug_stays(group, owner):
    group_update(
        actor=owner,
        group=group,
        name="Seminar B",
        description="Room 4",
        visibility="public",
        premoderation="new_members",
    )
    group.refresh_from_db()
    assert (group.name, group.slug, group.description) == ("Seminar B", "seminar", "Room 4")
    assert (group.visibility, group.premoderation) == ("public", "new_members")


@pytest.mark.parametrize("who", ["moderator", "member", "outsider", "banned"])
def test_only_owners_change_the_settings(request, group, owner, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied, match="Only the group's owners"):
        group_update(actor=user, group=group, name="Mine now")
    with pytest.raises(PermissionDenied, match="Only the group's owners"):
        group_delete(actor=user, group=group)
    assert ReadingGroup.objects.get(pk=group.pk).name == "Seminar"


def test_a_bad_visibility_is_refused(group, owner):
    with pytest.raises(ValidationError):
        group_update(actor=owner, group=group, visibility="secret")


def test_a_personal_group_stays_private_and_is_not_deleted():
    user = make_user("olive")
    mine = group_create(owner=user, name="My papers", personal=True)
    with pytest.raises(ValidationError, match="always private"):
        group_update(actor=user, group=mine, visibility="public")
    with pytest.raises(ValidationError, match="cannot be deleted"):
        group_delete(actor=user, group=mine)
    group_update(actor=user, group=mine, name="Drafts")
    assert ReadingGroup.objects.get(pk=mine.pk).name == "Drafts"


def test_deleting_a_group_deletes_its_papers_and_memberships(group, owner, member):
    make_paper(group, user=owner)
    group_delete(actor=owner, group=group)
    assert not ReadingGroup.objects.exists()
    assert not Paper.objects.exists()
    assert not Membership.objects.exists()


# Roles


def test_owners_promote_and_demote(group, owner, member, moderator):
    member_set_role(actor=owner, membership=membership(group, member), role="moderator")
    member_set_role(actor=owner, membership=membership(group, moderator), role="owner")
    assert membership(group, member).role == "moderator"
    assert membership(group, moderator).role == "owner"
    member_set_role(actor=owner, membership=membership(group, moderator), role="member")
    assert membership(group, moderator).role == "member"


@pytest.mark.parametrize("who", ["moderator", "member"])
def test_only_owners_change_roles(request, group, owner, member, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied, match="Only the group's owners may change roles"):
        member_set_role(actor=actor, membership=membership(group, member), role="moderator")
    assert membership(group, member).role == "member"


def test_the_last_owner_cannot_demote_themselves(group, owner):
    with pytest.raises(ValidationError, match="make someone else an owner first"):
        member_set_role(actor=owner, membership=membership(group, owner), role="member")
    assert active_owners(group) == 1


def test_an_owner_steps_down_once_another_owner_exists(group, owner, member):
    member_set_role(actor=owner, membership=membership(group, member), role="owner")
    member_set_role(actor=owner, membership=membership(group, owner), role="member")
    assert active_owners(group) == 1
    assert membership(group, member).role == "owner"


def test_a_banned_member_gets_no_role(group, owner, banned):
    with pytest.raises(ValidationError, match="unban them"):
        member_set_role(actor=owner, membership=membership(group, banned), role="moderator")


def test_a_role_must_be_known(group, owner, member):
    with pytest.raises(ValidationError, match="must be one of"):
        member_set_role(actor=owner, membership=membership(group, member), role="admin")


# Removing, banning, unbanning


def test_moderators_remove_and_ban_plain_members(group, owner, moderator, member):
    member_ban(actor=moderator, membership=membership(group, member))
    assert membership(group, member).status == "banned"
    member_unban(actor=moderator, membership=membership(group, member))
    assert membership(group, member).status == "active"
    member_remove(actor=moderator, membership=membership(group, member))
    assert not Membership.objects.filter(group=group, user=member).exists()


@pytest.mark.parametrize("service", [member_remove, member_ban])
def test_moderators_cannot_touch_owners_or_moderators(group, owner, moderator, service):
    other = make_user("mia")
    join(group, other, "moderator")
    for target in (owner, other):
        with pytest.raises(PermissionDenied, match="Only the group's owners may"):
            service(actor=moderator, membership=membership(group, target))
    assert active_owners(group) == 1


def test_members_cannot_remove_or_ban(group, owner, member):
    other = make_user("amos")
    join(group, other)
    with pytest.raises(PermissionDenied, match="owners and moderators may remove"):
        member_remove(actor=member, membership=membership(group, other))
    with pytest.raises(PermissionDenied, match="owners and moderators may ban"):
        member_ban(actor=member, membership=membership(group, other))


def test_nobody_removes_or_bans_themselves(group, owner):
    with pytest.raises(PermissionDenied, match="leave the group instead"):
        member_remove(actor=owner, membership=membership(group, owner))
    with pytest.raises(PermissionDenied, match="leave the group instead"):
        member_ban(actor=owner, membership=membership(group, owner))


def test_owners_ban_another_owner_and_one_owner_remains(group, owner, member):
    member_set_role(actor=owner, membership=membership(group, member), role="owner")
    member_ban(actor=owner, membership=membership(group, member))
    assert active_owners(group) == 1


def test_a_banned_member_keeps_the_row_and_sees_nothing_private(group, owner, member):
    paper = make_paper(group, user=member)
    member_ban(actor=owner, membership=membership(group, member))
    assert membership(group, member).status == "banned"
    assert not ReadingGroup.objects.visible_to(member).filter(pk=group.pk).exists()
    assert not Paper.objects.visible_to(member).filter(pk=paper.pk).exists()
    assert not permissions.can_view_group(member, ReadingGroup.objects.get(pk=group.pk))


def test_a_banned_member_is_not_removed_but_unbanned(group, owner, banned):
    with pytest.raises(ValidationError, match="unban them first"):
        member_remove(actor=owner, membership=membership(group, banned))


def test_unbanning_makes_a_plain_member(group, owner, moderator):
    member_ban(actor=owner, membership=membership(group, moderator))
    member_unban(actor=owner, membership=membership(group, moderator))
    assert (membership(group, moderator).role, membership(group, moderator).status) == (
        "member",
        "active",
    )


def test_a_ban_changes_what_the_permission_layer_answers_at_once(group, owner, member):
    assert permissions.can_view_group(member, group)
    member_ban(actor=owner, membership=membership(group, member))
    group.refresh_from_db()
    assert not permissions.can_view_group(member, group)


# Adding directly


def test_owners_and_moderators_add_existing_users(group, owner, moderator):
    newcomer, helper = make_user("nell"), make_user("hal")
    member_add(actor=moderator, group=group, user=newcomer)
    member_add(actor=owner, group=group, user=helper, role="moderator")
    assert membership(group, newcomer).role == "member"
    assert membership(group, helper).role == "moderator"
    with pytest.raises(PermissionDenied, match="Only the group's owners may add moderators"):
        member_add(actor=moderator, group=group, user=make_user("x"), role="moderator")
    with pytest.raises(ValidationError, match="then make them an owner"):
        member_add(actor=owner, group=group, user=make_user("y"), role="owner")
    with pytest.raises(ValidationError, match="already a member"):
        member_add(actor=owner, group=group, user=newcomer)


def test_adding_a_banned_member_is_refused(group, owner, banned):
    with pytest.raises(ValidationError, match="banned from this group"):
        member_add(actor=owner, group=group, user=banned)


def test_nobody_joins_a_personal_group():
    user = make_user("olive")
    mine = group_create(owner=user, name="My papers", personal=True)
    with pytest.raises(ValidationError, match="yours alone"):
        member_add(actor=user, group=mine, user=make_user("otto"))


# Leaving


def test_members_leave(group, owner, member, moderator):
    member_leave(user=member, group=group)
    member_leave(user=moderator, group=group)
    assert list(Membership.objects.filter(group=group).values_list("user", flat=True)) == [owner.pk]


def test_the_last_owner_cannot_leave(group, owner, member):
    with pytest.raises(ValidationError, match="Hand the group to another owner before you leave."):
        member_leave(user=owner, group=group)
    assert active_owners(group) == 1


def test_an_owner_leaves_once_another_owner_exists(group, owner, member):
    member_set_role(actor=owner, membership=membership(group, member), role="owner")
    member_leave(user=owner, group=group)
    assert active_owners(group) == 1


@pytest.mark.parametrize("who", ["outsider", "banned"])
def test_non_members_cannot_leave(request, group, owner, who):
    with pytest.raises(PermissionDenied, match="not a member"):
        member_leave(user=request.getfixturevalue(who), group=group)
