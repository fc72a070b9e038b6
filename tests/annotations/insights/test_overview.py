"""The paper overview on the group page (annotations/insights/overview.py, through
MARGINALIA_PAPER_OVERVIEWS): counts per role, threads and unanswered ones, alpha, last activity
and the strip of roles along the paper, on the insights' scene (scene.py); what a plain member
does not see is not counted; a blind member's strip; a query count that does not grow; and the
page without the setting."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.module_loading import import_string

from annotations.insights.overview import paper_overviews
from annotations.models import Annotation, Comment, Role
from annotations.moderation.services import moderate
from annotations.services import comment_create, comment_delete
from papers.models import Membership, Paper
from papers.permissions import remember_membership
from tests.annotations.insights.scene import body, tag
from tests.conftest import join, make_user
from tests.papers.makers import make_paper

CLAIM, EVIDENCE, THEORY = "#0b5cad", "#a14a00", "#8b2f7a"


def overview_of(user, paper):
    remember_membership(user, paper.group)
    return paper_overviews(user, [paper])[paper.pk]


def page(client, group) -> str:
    response = client.get(f"/groups/{group.slug}/")
    assert response.status_code == 200
    return response.text


# The figures


def test_counts_per_role_in_the_groups_order_with_names_and_colours(world, member):
    overview = overview_of(member, world["paper"])
    assert [(r.slug, r.name, r.color, r.count) for r in overview.roles] == [
        ("claim", "Claim", CLAIM, 4),
        ("evidence", "Evidence", EVIDENCE, 3),  # two paragraphs and amina's passage
        ("theory", "Theory", THEORY, 2),
    ]
    assert overview.tags == 9


def test_alpha_to_two_decimals_with_its_reading(world, member):
    """By hand: values c,c,c | c,e,e | t,t: n = 8, 6 matching, n_c = 4, n_e = n_t = 2;
    alpha = 1 − 7 · 2 / (64 − 24) = 0.65."""
    overview = overview_of(member, world["paper"])
    assert overview.alpha == pytest.approx(0.65)
    assert (overview.units, overview.alpha_text) == (3, "0.65")
    assert overview.reading.startswith("Members often read paragraphs differently")


def test_alpha_is_a_dash_when_undefined(paper, owner, member):
    tag(owner, body(paper, 0), "claim")
    overview = overview_of(member, paper)
    assert (overview.alpha, overview.alpha_text, overview.units) == (None, "—", 0)
    assert overview.reading.startswith("Not enough shared tags yet")


def test_threads_and_the_unanswered_ones(world, owner, member):
    paper, p1 = world["paper"], world["p1"]
    overview = overview_of(member, paper)
    assert (overview.threads, overview.unanswered) == (1, 1)  # the question on olive's claim

    question = Comment.objects.get()
    comment_create(user=owner, parent=question, body="Yes.")
    second = comment_create(user=owner, paragraph=p1, body="Which is it?")
    gone = comment_create(user=member, paragraph=p1, body="Never mind.")
    comment_delete(comment=gone, user=member)  # a tombstone is no thread
    overview = overview_of(member, paper)
    assert (overview.threads, overview.unanswered) == (2, 1)

    # A reply that was deleted answers nothing.
    reply = comment_create(user=member, parent=second, body="Claim.")
    assert overview_of(member, paper).unanswered == 0
    comment_delete(comment=reply, user=member)
    assert overview_of(member, paper).unanswered == 1


def test_last_activity_is_the_newest_change_the_reader_may_see(world, owner, member, moderator):
    paper, a = world["paper"], world["annotations"]
    base = datetime(2026, 3, 1, 12, tzinfo=UTC)
    Annotation.objects.filter(paper=paper).update(updated=base)
    Comment.objects.filter(paper=paper).update(updated=base + timedelta(hours=1))
    assert overview_of(member, paper).last_activity == base + timedelta(hours=1)

    Annotation.objects.filter(pk=a["ravi_p1"].pk).update(updated=base + timedelta(days=2))
    assert overview_of(member, paper).last_activity == base + timedelta(days=2)

    # Hidden later still: the plain member does not see it, its author and moderators do.
    moderate(actor=moderator, target=a["olive_abs"], action="hide")
    Annotation.objects.filter(pk=a["olive_abs"].pk).update(updated=base + timedelta(days=5))
    assert overview_of(member, paper).last_activity == base + timedelta(days=2)
    assert overview_of(owner, paper).last_activity == base + timedelta(days=5)


def test_hidden_and_private_annotations_and_comments_are_not_counted_for_a_plain_member(
    world, owner, member, moderator
):
    paper, a = world["paper"], world["annotations"]
    moderate(actor=moderator, target=a["olive_abs"], action="hide")
    tag(owner, world["p1"], "theory", visibility="private")
    hidden = comment_create(user=owner, paragraph=world["p1"], body="Off topic.")
    moderate(actor=moderator, target=hidden, action="hide")

    seen = overview_of(member, paper)
    assert {r.slug: r.count for r in seen.roles} == {"claim": 4, "evidence": 3, "theory": 1}
    assert seen.threads == 1

    mine = overview_of(owner, paper)  # the author sees their own hidden and private ones
    assert {r.slug: r.count for r in mine.roles} == {"claim": 4, "evidence": 3, "theory": 3}
    assert mine.threads == 2
    assert overview_of(moderator, paper).threads == 2  # moderators see held comments


# The strip


def colours(overview) -> list:
    """The strip bucket by bucket: a role's colour, or None for an empty bucket."""
    return [s.color for s in overview.strip for _ in range(s.length)]


def test_the_strip_colours_each_paragraph_with_its_most_given_role(world, member):
    """Ten paragraphs, ten buckets: the abstract (2nd) theory, body 0 (3rd) claim (three
    claims beat one evidence passage), body 1 (4th) evidence (two against one claim)."""
    overview = overview_of(member, world["paper"])
    assert overview.buckets == 10
    assert colours(overview) == [None, THEORY, CLAIM, EVIDENCE] + [None] * 6
    assert len(overview.strip) == 5  # the empty end is one stretch
    assert overview.strip_label == (
        "Roles along the paper: claim at the start, nothing tagged in the middle, "
        "nothing tagged at the end."
    )


def test_a_long_paper_is_bucketed(group, owner, member):
    paper = make_paper(group, body=120, references=0, user=owner)
    paragraphs = list(paper.paragraphs.order_by("position"))
    tag(owner, paragraphs[0], "claim")
    tag(owner, paragraphs[-1], "evidence")
    middle = len(paragraphs) // 2
    tag(owner, paragraphs[middle], "theory")
    overview = overview_of(member, paper)
    assert overview.buckets == 60  # 127 paragraphs, two or three a bucket
    strip = colours(overview)
    assert (strip[0], strip[middle * 60 // 127], strip[-1]) == (CLAIM, THEORY, EVIDENCE)
    assert strip.count(None) == 57
    assert overview.strip_label == (
        "Roles along the paper: claim at the start, theory in the middle, evidence at the end."
    )


def test_a_blind_members_strip_shows_only_the_paragraphs_they_tagged(world, group):
    ravi = world["users"]["ravi"]
    Membership.objects.filter(user=ravi, group=group).update(blind=True)
    overview = overview_of(ravi, world["paper"])
    # Ravi tagged body 0 and 1, not the abstract: the others' theory there stays hidden.
    assert colours(overview) == [None, None, CLAIM, EVIDENCE] + [None] * 6
    assert overview.blind
    # The counts and alpha only add up: everything he may see.
    assert {r.slug: r.count for r in overview.roles}["theory"] == 2
    assert overview.alpha == pytest.approx(0.65)


def test_a_blind_member_who_tagged_nothing_sees_a_grey_strip(world, group):
    newcomer = make_user("nia")
    join(group, newcomer)
    Membership.objects.filter(user=newcomer, group=group).update(blind=True)
    overview = overview_of(newcomer, world["paper"])
    assert colours(overview) == [None] * 10
    assert "blind mode" in overview.strip_label
    assert overview.tags == 9


def test_papers_not_ready_get_no_overview(group, owner, member):
    importing = make_paper(group, user=owner, status=Paper.Status.IMPORTING)
    ready = make_paper(group, user=owner)
    remember_membership(member, group)
    assert set(paper_overviews(member, [importing, ready])) == {ready.pk}
    assert paper_overviews(member, [importing]) == {}


# The group page


def test_the_group_page_shows_each_papers_overview(world, member_client, group):
    html = page(member_client, group)
    assert '<link rel="stylesheet" href="/static/css/insights/overview.css">' in html
    assert 'aria-label="Roles along the paper: claim at the start,' in html
    assert 'viewBox="0 0 10 1"' in html and f'fill="{THEORY}"' in html
    assert '<li class="overview-role role-claim">' in html and "Claim <strong>4</strong>" in html
    assert re.search(r'<style nonce="[^"]+">[^<]*\.role-claim\{--role:' + CLAIM + "}", html)
    assert "1 thread, 1 unanswered" in html
    assert "α 0.65" in html and "Members often read paragraphs differently" in html
    assert "Last activity <time" in html


def test_a_paper_nobody_has_annotated_says_so(member_client, group, paper):
    html = page(member_client, group)
    assert "No annotations or comments yet." in html and "<svg" not in html


def test_an_anonymous_reader_of_a_public_group_gets_the_overview(client, owner, public_group):
    join(public_group, owner, Membership.Role.OWNER)
    paper = make_paper(public_group, user=owner)
    tag(owner, body(paper, 0), "claim")
    html = page(client, public_group)
    assert "Claim <strong>1</strong>" in html and "0 threads" in html


def test_names_are_escaped(world, group, member_client):
    Role.objects.filter(group=group, slug="claim").update(name="<b>Claim</b>")
    html = page(member_client, group)
    assert "&lt;b&gt;Claim&lt;/b&gt; <strong>4</strong>" in html
    assert "<b>Claim</b>" not in html


def test_the_setting_names_the_overviews(settings):
    """config wires the two apps together: papers calls it by dotted path."""
    assert import_string(settings.MARGINALIA_PAPER_OVERVIEWS) is paper_overviews


def test_without_the_setting_the_page_lists_papers_alone(world, member_client, group, settings):
    settings.MARGINALIA_PAPER_OVERVIEWS = ""
    html = page(member_client, group)
    assert 'class="paper-title"' in html
    assert "paper-overview" not in html and "Roles along the paper" not in html


def grow(group, owner, member, ravi, papers: int, per_paper: int) -> None:
    """`papers` more papers, each with `per_paper` tags on each of three paragraphs and a
    thread with a reply."""
    for i in range(papers):
        paper = make_paper(group, title=f"Paper {i}", body=3, references=0, user=owner)
        for n in range(3):
            paragraph = body(paper, n)
            for j in range(per_paper):
                author = (owner, member, ravi)[j % 3]
                tag(author, paragraph, ("claim", "evidence", "theory")[(i + j) % 3])
        thread = comment_create(user=member, paragraph=body(paper, 0), body="Why?")
        comment_create(user=owner, parent=thread, body="Because.")


def queries_for(client, group) -> int:
    with CaptureQueriesContext(connection) as queries:
        page(client, group)
    return len(queries)


def test_the_group_page_makes_the_same_number_of_queries_as_papers_grow(
    world, member_client, group, owner, member, django_assert_max_num_queries
):
    ravi = world["users"]["ravi"]
    before = queries_for(member_client, group)
    grow(group, owner, member, ravi, papers=2, per_paper=2)
    # session, user, group, membership, papers (with paragraph counts and uploaders), members
    # (with names), whether the user moderates a group (the navigation); the overviews: the
    # tags, the figures of every paper (paragraphs, threads, unanswered, last activity), the
    # group's roles; the recent activity (MARGINALIA_GROUP_ACTIVITY): papers, annotations and
    # comments, one query each (tests/annotations/activity/test_page.py); the navigation's
    # notifications bell (unread count)
    with django_assert_max_num_queries(14):
        html = page(member_client, group)
    assert html.count('class="paper-overview"') == 3
    grow(group, owner, member, ravi, papers=6, per_paper=6)
    assert queries_for(member_client, group) == before == 14  # with the bell (see above)
    assert html.count("2 unanswered") == 0 and "1 thread, 0 unanswered" in html
