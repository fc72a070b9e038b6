"""The group page's "Recent activity" without JavaScript (the HTML as served): the lines, the
links, escaping, the pages (`?activity_page=`), the setting, and a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.activity.page import PAGE_SIZE, page_number
from annotations.services import annotation_create, comment_create
from papers.models import Membership, Paper

from .conftest import body


def page(client, group, query: str = "") -> str:
    response = client.get(f"/groups/{group.slug}/{query}")
    assert response.status_code == 200
    return response.text


def section(html: str) -> str:
    return re.search(r'<section id="activity".*?</section>', html, re.S).group(0)


def lines(html: str) -> list[str]:
    """Each line's text, tags dropped and whitespace collapsed."""
    items = re.findall(r'<p class="activity-line">(.*?)</p>', section(html), re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


def test_the_group_page_shows_who_did_what_where(story, member_client, group):
    html = page(member_client, group)
    said = lines(html)
    p0 = story["evidence"].paragraph
    assert len(said) == 6
    assert said[0].startswith(f"amina commented on a tag on ¶ {story['claim'].paragraph.position}")
    assert said[1].startswith(f"amina replied in a thread on ¶ {p0.position} of ‘On Reading")
    assert said[2].startswith("olive started a thread on ¶")
    assert said[3].startswith("olive tagged a passage of ‘On Reading Together’ as Claim")
    assert said[4].startswith("amina tagged a paragraph of ‘On Reading Together’ as Evidence")
    assert said[5].startswith("olive added the paper ‘On Reading Together’")
    paper = story["paper"].pk
    assert f'href="/papers/{paper}/?panel=1#{p0.anchor}"' in section(html)
    assert f'href="/papers/{paper}/"' in section(html)
    assert "Older activity" not in html


def test_what_members_wrote_is_escaped(story, member_client, group, member):
    Paper.objects.filter(pk=story["paper"].pk).update(title="<b>Bold</b> & co")
    html = section(page(member_client, group))
    assert "The sample is small &amp; &lt;odd&gt;." in html
    assert "‘&lt;b&gt;Bold&lt;/b&gt; &amp; co’" in html
    assert "<b>" not in html and "<em>" not in html


def test_held_posts_are_marked_for_whoever_sees_them(story, member_client, group):
    type(story["reply"]).objects.filter(pk=story["reply"].pk).update(status="pending")
    assert "(waiting for a moderator)" in section(page(member_client, group))


def test_older_activity_is_a_link_to_the_next_page(story, member_client, group, owner):
    for i in range(PAGE_SIZE):
        comment_create(user=owner, paragraph=body(story["paper"], 2), body=f"More {i}")
    html = page(member_client, group)
    assert len(lines(html)) == PAGE_SIZE
    assert 'href="?activity_page=2#activity" rel="next">Older activity' in html
    older = page(member_client, group, "?activity_page=2")
    assert len(lines(older)) == 6
    assert 'href="?activity_page=1#activity" rel="prev">Newer activity' in older
    assert "Older activity" not in older


@pytest.mark.parametrize("value", [None, "", "x", "0", "-3", "99999"])
def test_a_page_number_that_is_not_one_shows_the_first(value):
    assert page_number(value) == 1


def test_an_empty_group_says_so(member_client, group):
    assert "Nothing yet" in section(page(member_client, group))


def test_the_activity_follows_blind_mode(story, member_client, group, member):
    Membership.objects.filter(group=group, user=member).update(blind=True)
    said = lines(page(member_client, group))
    assert said[3].startswith("olive tagged a passage of ‘On Reading Together’")
    assert "as Claim" not in said[3]


def test_without_the_setting_the_page_has_no_activity(story, member_client, group, settings):
    settings.MARGINALIA_GROUP_ACTIVITY = ""
    html = page(member_client, group)
    assert 'id="activity"' not in html and "activity.css" not in html


@pytest.mark.parametrize("blind", [False, True])
def test_the_page_makes_the_same_number_of_queries_as_the_activity_grows(
    story, member_client, group, owner, member, blind
):
    Membership.objects.filter(group=group, user=member).update(blind=blind)
    counts = []
    for n in (1, 30):
        for i in range(n):
            tag = annotation_create(
                user=owner, paragraph=body(story["paper"], i % 3), role_slug="claim"
            )
            comment_create(user=member, annotation=tag, body=f"On {i}")
        with CaptureQueriesContext(connection) as queries:
            page(member_client, group, "?activity_page=2")
        counts.append(len(queries))
    assert counts[0] == counts[1]
