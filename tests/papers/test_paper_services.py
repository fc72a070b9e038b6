"""`paper_rename` and `paper_delete` ask papers.permissions themselves, whoever calls them: every
role of the cast, through the services directly (the API's answers for the same cells are pinned
in test_permission_matrix.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from papers.models import Membership, Paper
from papers.services import paper_delete, paper_rename
from tests.conftest import join, make_user

from .makers import make_paper

CAST = ("owner", "moderator", "member", "outsider", "banned", "anonymous")
MAY_RENAME = {"owner", "moderator", "member"}
MAY_DELETE = {"owner", "moderator"}  # and the member who added the paper


@pytest.fixture(params=["private", "public"])
def cast(request, group, owner, moderator, member, outsider, banned) -> dict:
    group.visibility = request.param
    group.save(update_fields=["visibility"])
    return {
        "owner": owner,
        "moderator": moderator,
        "member": member,
        "outsider": outsider,
        "banned": banned,
        "anonymous": AnonymousUser(),
    }


@pytest.fixture
def paper(group, owner):
    return make_paper(group, title="Before", user=owner)


@pytest.mark.parametrize("who", CAST)
def test_rename_asks_who_may_change_the_paper(cast, paper, who):
    if who in MAY_RENAME:
        paper_rename(actor=cast[who], paper=paper, title="  After  the   change ")
        paper.refresh_from_db()
        assert paper.title == "After the change"
    else:
        with pytest.raises(PermissionDenied, match="Only members of this group may rename"):
            paper_rename(actor=cast[who], paper=paper, title="After")
        paper.refresh_from_db()
        assert paper.title == "Before"


def test_rename_is_asked_before_the_title_is_checked(cast, paper):
    with pytest.raises(PermissionDenied):
        paper_rename(actor=cast["outsider"], paper=paper, title="   ")
    with pytest.raises(ValidationError, match="cannot be empty"):
        paper_rename(actor=cast["member"], paper=paper, title="   ")


@pytest.mark.parametrize("who", CAST)
def test_delete_asks_who_may_delete_the_paper(cast, paper, who):
    if who in MAY_DELETE:
        paper_delete(actor=cast[who], paper=paper)
        assert not Paper.objects.filter(pk=paper.pk).exists()
    else:
        with pytest.raises(PermissionDenied, match="owners and moderators, or the member who"):
            paper_delete(actor=cast[who], paper=paper)
        assert Paper.objects.filter(pk=paper.pk).exists()
        assert paper.paragraphs.exists()


def test_the_member_who_added_a_paper_may_delete_it(group, member):
    paper = make_paper(group, user=member)
    paper_delete(actor=member, paper=paper)
    assert not Paper.objects.filter(pk=paper.pk).exists()


def test_an_uploader_who_was_banned_may_not_delete_it(group):
    uploader = make_user("uma")
    membership = join(group, uploader)
    paper = make_paper(group, user=uploader)
    membership.status = Membership.Status.BANNED
    membership.save(update_fields=["status"])
    with pytest.raises(PermissionDenied):
        paper_delete(actor=uploader, paper=paper)
    assert Paper.objects.filter(pk=paper.pk).exists()
