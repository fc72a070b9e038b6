"""New since your last visit: each workspace GET by a member records the visit (PaperVisit, one
upsert) and the page marks the others' comments written since the visit before."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from annotations.models import Comment
from annotations.moderation.services import moderate
from annotations.notifications.models import PaperVisit
from annotations.notifications.services import paper_visited
from papers.permissions import remember_membership
from tests.annotations.conftest import make_comment
from tests.conftest import page_client


def visit(user, paper) -> tuple[dict, str]:
    html = page_client(user).get(f"/papers/{paper.pk}/").text
    found = re.search(r'<script id="workspace-data" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1)), html


def an_hour_ago(user, paper):
    """Move the user's last visit an hour back: what is written now is clearly after it."""
    moment = timezone.now() - timedelta(hours=1)
    PaperVisit.objects.filter(user=user, paper=paper).update(seen=moment)
    return moment


def test_a_first_visit_has_nothing_new(member, owner, paper, paragraph):
    make_comment(owner, paragraph=paragraph, body="Earlier.")
    data, html = visit(member, paper)
    assert data["lastVisit"] is None
    assert data["newComments"] == []
    assert "ws-new-mark" not in html
    row = PaperVisit.objects.get(user=member, paper=paper)
    assert row.previous is None


def test_the_others_comments_since_the_last_visit_are_new(member, owner, paper, paragraph):
    old = make_comment(owner, paragraph=paragraph, body="Before.")
    Comment.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(hours=2))
    visit(member, paper)
    before = an_hour_ago(member, paper)
    theirs = make_comment(owner, paragraph=paragraph, body="Since.")
    make_comment(member, paragraph=paragraph, body="Mine, since.")  # one's own is never new
    data, html = visit(member, paper)
    assert data["lastVisit"] == before.isoformat().replace("+00:00", "Z")
    assert data["newComments"] == [theirs.pk]
    # Beside the paragraph's comment chip, how many are new, in words.
    assert '<span class="ws-chip ws-chip-comments">3 comments</span>' in html
    assert '<span class="ws-new-mark" title="New since your last visit">1 new</span>' in html
    # The visit after that: nothing new any more.
    data, html = visit(member, paper)
    assert data["newComments"] == []
    assert "ws-new-mark" not in html


def test_a_hidden_comment_is_not_new_to_a_plain_member(member, owner, moderator, paper, paragraph):
    visit(member, paper)
    an_hour_ago(member, paper)
    rude = make_comment(owner, paragraph=paragraph, body="Rude.")
    moderate(actor=moderator, target=rude, action="hide", reason="Rude.")
    data, _ = visit(member, paper)
    assert data["newComments"] == []


@pytest.mark.parametrize("who", ["anonymous", "outsider", "banned"])
def test_visits_are_kept_for_members_only(request, who, public_paper):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    for _ in range(2):
        data, _html = visit(user, public_paper)
        assert data["lastVisit"] is None
        assert data["newComments"] == []
    assert not PaperVisit.objects.exists()


def test_the_service_answers_the_visit_before(member, paper):
    remember_membership(member, paper.group)
    assert paper_visited(user=member, paper=paper) is None
    first = PaperVisit.objects.get().seen
    assert paper_visited(user=member, paper=paper) == first
    row = PaperVisit.objects.get()
    assert row.previous == first
    assert row.seen >= first


@pytest.mark.parametrize("visits", [1, 3])
def test_a_visit_is_one_query(member, paper, visits, django_assert_num_queries):
    remember_membership(member, paper.group)  # as the page does, before
    for _ in range(visits - 1):
        paper_visited(user=member, paper=paper)
    with django_assert_num_queries(1):
        paper_visited(user=member, paper=paper)
