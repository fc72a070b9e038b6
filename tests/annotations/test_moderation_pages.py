"""The moderation pages: the queue (/moderation/) with its actions, bulk actions, bans and the
e-mail choice; the audit log (/moderation/log/); the navigation badge. Each page for each role;
query counts pinned at two sizes."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from annotations.models import Annotation, Comment, Flag, Status
from annotations.moderation import services as moderation
from annotations.services import comment_update
from papers.groups import member_ban
from papers.models import AuditEntry, Membership, ReadingGroup
from tests.conftest import join, make_group, make_user
from tests.papers.makers import make_paper

from .conftest import make_annotation, make_comment

pytestmark = pytest.mark.django_db

QUEUE = reverse("annotations:moderation_queue")
LOG = reverse("annotations:moderation_log")
ACT = reverse("annotations:moderation_act")
NOTIFY = reverse("annotations:moderation_notify")
NOT_A_MODERATOR = "You do not moderate any group"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def flagger(group):
    user = make_user("flo")
    join(group, user)
    return user


@pytest.fixture
def flagged(paragraph, member, flagger):
    """A comment by the member on their annotation of a passage, flagged as spam."""
    annotation = make_annotation(
        member, paragraph, quote={"exact": "readers disagree"}, note="An odd claim."
    )
    comment = make_comment(member, annotation=annotation, body="Buy cheap pills")
    moderation.flag_create(user=flagger, target=comment, reason="spam", note="an advert")
    return comment


def key(obj) -> str:
    return f"{'annotation' if isinstance(obj, Annotation) else 'comment'}:{obj.pk}"


# Who sees the pages


@pytest.mark.parametrize("page", [QUEUE, LOG])
def test_anonymous_visitors_are_sent_to_log_in(client, page):
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("page", [QUEUE, LOG])
@pytest.mark.parametrize("who", ["outsider", "member", "banned"])
def test_who_moderates_nothing_gets_a_plain_empty_page(request, client, flagged, page, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(page)
    assert response.status_code == 200
    assert NOT_A_MODERATOR in response.text
    assert "Buy cheap pills" not in response.text


def test_a_banned_moderator_moderates_nothing(client, group, flagged):
    former = make_user("former")
    join(group, former, Membership.Role.MODERATOR, status=Membership.Status.BANNED)
    client.force_login(former)
    assert NOT_A_MODERATOR in client.get(QUEUE).text


@pytest.mark.parametrize("who", ["moderator", "owner"])
def test_moderators_and_owners_see_the_queue(request, client, flagged, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert "Buy cheap pills" in response.text and NOT_A_MODERATOR not in response.text


@pytest.mark.parametrize("who", ["moderator", "owner"])
def test_moderators_and_owners_see_the_log(request, client, flagged, moderator, who):
    moderation.moderate(actor=moderator, target=flagged, action="hide", reason="an advert")
    client.force_login(request.getfixturevalue(who))
    response = client.get(LOG)
    assert response.status_code == 200
    assert "an advert" in response.text


@pytest.mark.parametrize("page", [QUEUE, LOG])
def test_the_pages_answer_only_get(moderator_client, page):
    assert moderator_client.post(page).status_code == 405


@pytest.mark.parametrize("page", [ACT, NOTIFY])
def test_the_forms_answer_only_post(moderator_client, page):
    assert moderator_client.get(page).status_code == 405


# What the queue shows


def test_an_item_shows_its_context_and_flags(moderator_client, flagged, paper, group):
    text = moderator_client.get(QUEUE).text
    anchor = flagged.paragraph.anchor
    assert f'href="{paper.get_absolute_url()}#{anchor}"' in text
    assert "<mark>readers disagree</mark>" in text  # the annotation's passage, marked
    assert "An odd claim." in text  # the annotation the comment is on
    assert 'class="mod-author">amina<' in text
    assert group.name in text and paper.title in text
    flags = re.search(r'<ul class="mod-flags".*?</ul>', text, re.S).group(0)
    assert "Spam" in flags and "flo" in flags and "an advert" in flags
    assert 'class="mod-status mod-status-visible">Visible<' in text
    # A visible flagged post: hide, or keep it and dismiss the flags; never unhide or reject.
    buttons = re.findall(r'name="action" value="(\w+)"', text)
    assert "hide" in buttons and "approve" in buttons
    assert "unhide" not in buttons and "reject" not in buttons


def test_a_reply_shows_the_comment_it_answers(moderator_client, paragraph, member, owner, flagger):
    top = make_comment(owner, paragraph=paragraph, body="What do you all think?")
    reply = make_comment(member, parent=top, body="Rude words here")
    moderation.flag_create(user=flagger, target=reply, reason="abuse")
    text = moderator_client.get(QUEUE).text
    assert "Replying to olive" in text and "What do you all think?" in text
    assert "Abuse" in text


def test_an_edited_item_shows_what_was_first_posted(moderator_client, flagged, member):
    comment_update(comment=flagged, user=member, body="Nothing to see")
    text = moderator_client.get(QUEUE).text
    assert 'class="mod-edited">edited<' in text
    assert "Edited 1 time" in text
    assert "Buy cheap pills" in text and "Nothing to see" in text


def test_pending_items_wait_with_their_own_actions(moderator_client, group, paragraph, member):
    group.premoderation = ReadingGroup.Premoderation.ALL
    group.save()
    pending = make_comment(member, paragraph=paragraph, body="My first thought")
    assert pending.status == Status.PENDING
    response = moderator_client.get(QUEUE)
    assert response.context["counts"] == {"flagged": 0, "pending": 1, "total": 1}
    assert 'class="mod-status mod-status-pending">Pending<' in response.text
    buttons = re.findall(r'name="action" value="(\w+)"', response.text)
    assert {"approve", "reject", "hide"} <= set(buttons) and "unhide" not in buttons


def test_the_counts_and_filters(moderator_client, group, paragraph, flagged, member, flagger):
    group.premoderation = ReadingGroup.Premoderation.ALL
    group.save()
    pending = make_comment(member, paragraph=paragraph, body="Waiting here")
    annotation = flagged.annotation
    moderation.flag_create(user=flagger, target=annotation, reason="off_topic")
    response = moderator_client.get(QUEUE)
    assert response.context["counts"] == {"flagged": 2, "pending": 1, "total": 3}
    assert "Waiting here" in response.text and "Buy cheap pills" in response.text

    def shown(query):
        return [row.obj for row in moderator_client.get(QUEUE, query).context["rows"]]

    assert shown({"kind": "pending"}) == [pending]
    assert set(shown({"kind": "flagged"})) == {flagged, annotation}
    assert shown({"reason": "off_topic"}) == [annotation]
    assert shown({"type": "annotation"}) == [annotation]
    assert set(shown({"group": group.slug, "paper": flagged.paper_id})) == {
        flagged,
        annotation,
        pending,
    }
    # The filter form keeps what was chosen.
    text = moderator_client.get(QUEUE, {"kind": "pending"}).text
    assert '<option value="pending" selected>' in text


def test_an_unknown_filter_is_left_out_and_said(moderator_client, flagged):
    response = moderator_client.get(QUEUE, {"group": "not-mine", "kind": "flagged"})
    assert response.status_code == 200
    assert "not understood" in response.text
    assert [row.obj for row in response.context["rows"]] == [flagged]


def test_the_queue_shows_only_the_groups_one_moderates(moderator_client, flagged, outsider):
    elsewhere = make_group("Elsewhere")
    join(elsewhere, outsider, Membership.Role.OWNER)
    author = make_user("ann")
    join(elsewhere, author)
    paper = make_paper(elsewhere, user=outsider)
    theirs = make_comment(author, paragraph=paper.paragraphs.first(), body="Not yours to see")
    moderation.flag_create(user=outsider, target=theirs, reason="spam")
    text = moderator_client.get(QUEUE).text
    assert "Buy cheap pills" in text and "Not yours to see" not in text
    assert "Elsewhere" not in text


def test_an_empty_queue_says_so(moderator_client, paper):
    text = moderator_client.get(QUEUE).text
    assert "Nothing waits" in text and NOT_A_MODERATOR not in text


# Acting through the page


def test_hiding_with_a_reason_goes_back_to_the_filtered_queue(moderator_client, flagged, moderator):
    response = moderator_client.post(
        ACT,
        {
            "items": key(flagged),
            "action": "hide",
            "reason": "advertising",
            "filters": "kind=flagged&type=comment&evil=https://x",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?kind=flagged&type=comment"
    flagged.refresh_from_db()
    assert flagged.status == Status.HIDDEN
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.target_id, entry.reason) == (
        moderator,
        "hide",
        flagged.pk,
        "advertising",
    )
    assert not Flag.objects.open().exists()
    page = moderator_client.get(response["Location"])
    assert messages_of(page) == ["Hid 1 item."]
    assert "Buy cheap pills" not in page.text  # no flag left, not pending: out of the queue


def test_approving_and_rejecting_pending_items(moderator_client, group, paragraph, member):
    group.premoderation = ReadingGroup.Premoderation.ALL
    group.save()
    good = make_comment(member, paragraph=paragraph, body="Good")
    bad = make_comment(member, paragraph=paragraph, body="Bad")
    response = moderator_client.post(ACT, {"items": key(good), "action": "approve"}, follow=True)
    assert messages_of(response) == ["Approved 1 item."]
    response = moderator_client.post(ACT, {"items": key(bad), "action": "reject"}, follow=True)
    assert messages_of(response) == ["Rejected 1 item."]
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, bad.status) == (Status.VISIBLE, Status.HIDDEN)


def test_a_bulk_action_on_several_items(moderator_client, paragraph, member, flagger):
    comments = [make_comment(member, paragraph=paragraph, body=f"Spam {i}") for i in range(3)]
    for comment in comments:
        moderation.flag_create(user=flagger, target=comment, reason="spam")
    response = moderator_client.post(
        ACT,
        {"items": [key(c) for c in comments[:2]], "action": "hide", "reason": "spam"},
        follow=True,
    )
    assert messages_of(response) == ["Hid 2 items."]
    assert [c.status for c in Comment.objects.order_by("pk")] == ["hidden", "hidden", "visible"]
    assert AuditEntry.objects.filter(action="hide", reason="spam").count() == 2


def test_a_bulk_action_is_all_or_nothing(moderator_client, moderator, paragraph, member, flagger):
    first, second = (make_comment(member, paragraph=paragraph, body=f"Spam {i}") for i in (1, 2))
    for comment in (first, second):
        moderation.flag_create(user=flagger, target=comment, reason="spam")
    moderation.moderate(actor=moderator, target=second, action="hide")
    response = moderator_client.post(
        ACT, {"items": [key(first), key(second)], "action": "hide"}, follow=True
    )
    [message] = messages_of(response)
    assert message.startswith("Nothing was done")
    assert f"comment {second.pk}" in message and "already hidden" in message
    first.refresh_from_db()
    assert first.status == Status.VISIBLE
    assert AuditEntry.objects.count() == 1


def test_a_bulk_action_without_items_says_what_to_do(moderator_client, flagged):
    response = moderator_client.post(ACT, {"action": "hide"}, follow=True)
    assert "Tick at least one post." in messages_of(response)[0]


@pytest.mark.parametrize("who", ["member", "outsider", "banned"])
def test_acting_without_moderating_answers_404(request, client, flagged, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(ACT, {"items": key(flagged), "action": "hide"})
    assert response.status_code == 404
    flagged.refresh_from_db()
    assert flagged.status == Status.VISIBLE


def test_acting_anonymously_asks_to_log_in(client, flagged):
    response = client.post(ACT, {"items": key(flagged), "action": "hide"})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_an_item_of_another_group_answers_404_and_nothing_is_done(moderator_client, flagged):
    elsewhere = make_group("Elsewhere")
    author = make_user("ann")
    join(elsewhere, author, Membership.Role.OWNER)
    paper = make_paper(elsewhere, user=author)
    theirs = make_comment(author, paragraph=paper.paragraphs.first(), body="Not yours")
    response = moderator_client.post(ACT, {"items": [key(flagged), key(theirs)], "action": "hide"})
    assert response.status_code == 404
    assert not Comment.objects.filter(status=Status.HIDDEN).exists()


def test_a_private_annotation_is_nobodys_to_moderate(moderator_client, paragraph, member):
    private = make_annotation(member, paragraph, visibility="private")
    assert moderator_client.post(ACT, {"items": key(private), "action": "hide"}).status_code == 404


def test_banning_the_author_from_the_queue(moderator_client, moderator, group, flagged, member):
    group.hide_banned_posts = True
    group.save()
    text = moderator_client.get(QUEUE).text
    assert "Ban amina from Seminar" in text and "hides a banned member" in text
    response = moderator_client.post(
        ACT, {"items": key(flagged), "action": "ban", "reason": "spammer"}, follow=True
    )
    assert messages_of(response) == ["amina is banned from Seminar."]
    assert Membership.objects.get(user=member, group=group).status == "banned"
    ban = AuditEntry.objects.get(action="ban")
    assert (ban.subject_name, ban.reason, ban.actor) == ("amina", "spammer", moderator)
    flagged.refresh_from_db()
    assert flagged.status == Status.HIDDEN  # the group's choice


def test_a_moderator_is_not_offered_to_ban_an_owner_and_is_refused(
    moderator_client, owner, paragraph, flagger
):
    comment = make_comment(owner, paragraph=paragraph, body="Owner's words")
    moderation.flag_create(user=flagger, target=comment, reason="other")
    assert "Ban olive" not in moderator_client.get(QUEUE).text
    response = moderator_client.post(ACT, {"items": key(comment), "action": "ban"})
    assert response.status_code == 403
    assert "Only the group&#x27;s owners may ban owners and moderators." in response.text


def test_banning_needs_one_post_and_a_member(moderator_client, flagged, member, moderator, group):
    other = make_comment(member, paragraph=flagged.paragraph, body="Another")
    response = moderator_client.post(
        ACT, {"items": [key(flagged), key(other)], "action": "ban"}, follow=True
    )
    assert "one at a time" in messages_of(response)[0]
    member_ban(actor=moderator, membership=Membership.objects.get(user=member, group=group))
    response = moderator_client.post(ACT, {"items": key(flagged), "action": "ban"}, follow=True)
    assert messages_of(response) == ["Nothing was done: amina is already banned."]


# The e-mail choice and the e-mails


def test_a_moderator_turns_flag_emails_on_and_off(moderator_client, moderator, group, paper):
    text = moderator_client.get(QUEUE).text
    assert 'id="notify-seminar"' in text and "E-mail me about new flags in Seminar" in text
    response = moderator_client.post(NOTIFY, {"group": group.slug, "notify": "on"}, follow=True)
    assert messages_of(response) == ["You will get an e-mail about each new flag in Seminar."]
    assert Membership.objects.get(user=moderator, group=group).notify_flags
    assert 'id="notify-seminar" checked' in response.text
    moderator_client.post(NOTIFY, {"group": group.slug})
    assert not Membership.objects.get(user=moderator, group=group).notify_flags


@pytest.mark.parametrize("who", ["member", "outsider", "banned"])
def test_only_moderators_choose_flag_emails(request, client, group, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.post(NOTIFY, {"group": group.slug, "notify": "on"}).status_code == 404
    assert not Membership.objects.filter(user=user, notify_flags=True).exists()


def test_a_new_flag_emails_the_moderators_who_asked(
    group, paragraph, member, moderator, owner, django_capture_on_commit_callbacks
):
    Membership.objects.filter(user=moderator).update(notify_flags=True)
    silent = make_user("quiet-mo")
    join(group, silent, Membership.Role.MODERATOR)
    comment = make_comment(member, paragraph=paragraph, body="Buy cheap pills")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.flag_create(user=owner, target=comment, reason="spam")
    [message] = mail.outbox
    assert message.to == [moderator.email]
    assert f"{QUEUE}?group={group.slug}" in message.body
    assert "olive" not in message.body  # the flagger is not named


def test_the_flagger_is_not_emailed_about_their_own_flag(
    group, paragraph, member, moderator, django_capture_on_commit_callbacks
):
    Membership.objects.filter(user=moderator).update(notify_flags=True)
    comment = make_comment(member, paragraph=paragraph, body="Hm")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.flag_create(user=moderator, target=comment, reason="other")
    assert mail.outbox == []


# The badge


def badge(text: str) -> str | None:
    found = re.search(r'class="nav-moderation"[^>]*>Moderation(.*?)</a>', text, re.S)
    if found is None:
        return None
    number = re.search(r'class="badge[^"]*" aria-label="([^"]+)">(\d+)<', found.group(1))
    return f"{number.group(2)} / {number.group(1)}" if number else ""


def test_the_badge_counts_what_waits_for_a_moderator(moderator_client, flagged, flagger):
    moderation.flag_create(user=flagger, target=flagged.annotation, reason="spam")
    assert badge(moderator_client.get("/").text) == "2 / 2 items waiting"


def test_the_badge_is_one_item(moderator_client, flagged):
    assert badge(moderator_client.get("/").text) == "1 / 1 item waiting"


def test_a_moderator_with_nothing_waiting_sees_the_link_without_a_number(moderator_client, paper):
    assert badge(moderator_client.get("/").text) == ""


@pytest.mark.parametrize("who", ["member", "outsider", "banned"])
def test_who_moderates_nothing_sees_no_moderation_link(request, client, flagged, who):
    client.force_login(request.getfixturevalue(who))
    assert badge(client.get("/").text) is None


def test_anonymous_visitors_see_no_moderation_link(client, flagged):
    assert badge(client.get("/").text) is None


def test_the_badge_counts_only_the_groups_one_moderates(client, flagged, member, group):
    # The member moderates another group where nothing waits: a link, no number.
    other = make_group("Other")
    join(other, member, Membership.Role.OWNER)
    client.force_login(member)
    assert badge(client.get("/").text) == ""


# The log


def test_the_log_shows_each_action_newest_first(
    moderator_client, moderator, flagged, member, group
):
    moderation.moderate(actor=moderator, target=flagged, action="hide", reason="an advert")
    membership = Membership.objects.get(user=member, group=group)
    member_ban(actor=moderator, membership=membership, reason="spammer")
    text = moderator_client.get(LOG).text
    assert re.findall(r'class="log-action">(\w+)<', text) == ["banned", "hid"]
    assert "Reason: spammer" in text and "Reason: an advert" in text
    link = f'href="{flagged.paper.get_absolute_url()}#{flagged.paragraph.anchor}"'
    assert link in text  # the hidden comment, in its paragraph
    assert f'href="{reverse("papers:group_members", kwargs={"slug": group.slug})}"' in text
    assert "“Buy cheap pills”" in text


def test_the_log_filters(moderator_client, moderator, owner, flagged, member, group):
    moderation.moderate(actor=moderator, target=flagged, action="hide", reason="r1")
    moderation.moderate(actor=owner, target=flagged, action="unhide", reason="r2")
    member_ban(actor=owner, membership=Membership.objects.get(user=member), reason="r3")

    def reasons(query):
        return [e.reason for e in moderator_client.get(LOG, query).context["entries"]]

    assert reasons({}) == ["r3", "r2", "r1"]
    assert reasons({"action": "hide"}) == ["r1"]
    assert reasons({"actor": "OLIVE"}) == ["r3", "r2"]
    assert reasons({"target_type": "member"}) == ["r3"]
    assert reasons({"group": group.slug, "target_type": "comment"}) == ["r2", "r1"]


def test_the_log_shows_only_the_groups_one_moderates(client, moderator, flagged, member, group):
    moderation.moderate(actor=moderator, target=flagged, action="hide", reason="ours")
    other = make_group("Other")
    join(other, member, Membership.Role.OWNER)
    client.force_login(member)
    response = client.get(LOG)
    assert response.status_code == 200 and "ours" not in response.text
    assert "No moderation actions yet" in response.text


def test_the_log_is_paginated_by_fifty(moderator_client, moderator, paragraph, member):
    comment = make_comment(member, paragraph=paragraph, body="Back and forth")
    for i in range(26):
        moderation.moderate(actor=moderator, target=comment, action="hide", reason=f"h{i}")
        moderation.moderate(actor=moderator, target=comment, action="unhide", reason=f"u{i}")
    first = moderator_client.get(LOG, {"action": ""})
    assert len(first.context["entries"]) == 50 and "Page 1 of 2" in first.text
    assert 'href="?page=2" rel="next"' in first.text
    second = moderator_client.get(LOG, {"page": 2})
    assert [e.reason for e in second.context["entries"]] == ["u0", "h0"]
    filtered = moderator_client.get(LOG, {"action": "hide"})
    assert len(filtered.context["entries"]) == 26
    assert moderator_client.get(LOG, {"page": "nonsense"}).status_code == 200


# Query counts


def crowd(group, paragraph, size: int) -> None:
    """`size` authors, each with a flagged annotation, a flagged edited comment on it, a
    pending reply, and two flags on each flagged post; `size` moderation actions."""
    moderator = Membership.objects.get(group=group, role="moderator").user
    group.premoderation = ReadingGroup.Premoderation.NEW_MEMBERS
    group.save()
    flaggers = [make_user(f"flagger{i}") for i in range(2)]
    for flagger in flaggers:
        join(group, flagger)
    for i in range(size):
        author = make_user(f"author{i}")
        join(group, author)
        # Posts made before pre-moderation would hold them: moderators approve them.
        annotation = make_annotation(author, paragraph, quote={"exact": "readers disagree"})
        comment = make_comment(author, annotation=annotation, body=f"comment {i}")
        for obj in (annotation, comment):
            if obj.status == Status.PENDING:
                moderation.moderate(actor=moderator, target=obj, action="approve")
        comment_update(comment=comment, user=author, body=f"comment {i}, edited")
        make_comment(author, parent=comment, body="a pending reply")
        for flagger in flaggers:
            moderation.flag_create(user=flagger, target=annotation, reason="spam", note="n")
            moderation.flag_create(user=flagger, target=comment, reason="abuse")


@pytest.mark.parametrize("size", [2, 12])
def test_the_queue_page_makes_a_fixed_number_of_queries(
    moderator_client, group, paragraph, size, django_assert_max_num_queries
):
    crowd(group, paragraph, size)
    # session, user, memberships (with groups), papers for the filter, the queue (two kinds,
    # each with its flags and the roles `can_ban` reads), the counts (two), revisions (two
    # kinds); the badge reuses the memberships and the counts; the navigation's notifications
    # bell (unread count)
    with django_assert_max_num_queries(13):
        response = moderator_client.get(QUEUE)
    assert response.context["counts"]["total"] == 3 * size
    assert len(response.context["rows"]) == 3 * size
    assert response.text.count('class="mod-edited"') == size


@pytest.mark.parametrize("size", [2, 60])
def test_the_log_page_makes_a_fixed_number_of_queries(
    moderator_client, moderator, group, paragraph, member, size, django_assert_max_num_queries
):
    comment = make_comment(member, paragraph=paragraph, body="Back and forth")
    annotation = make_annotation(member, paragraph)
    for i in range(size):
        target = comment if i % 2 else annotation
        action = "hide" if i % 4 < 2 else "unhide"
        moderation.moderate(actor=moderator, target=target, action=action, reason=f"r{i}")
    # session, user, memberships (with groups), the count, the page, where the annotations and
    # the comments are, the badge's two counts; the navigation's notifications bell (unread
    # count)
    with django_assert_max_num_queries(10):
        response = moderator_client.get(LOG)
    assert len(response.context["entries"]) == min(size, 50)
