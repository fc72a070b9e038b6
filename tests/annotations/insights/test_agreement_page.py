"""The agreement page, /papers/<id>/agreement/ (annotations.insights.report): who may read it,
the scene's numbers as the page shows them, "Discuss this" only for those who may comment,
what blind mode and hidden posts leave out, a paper not ready, escaping, and a number of
queries that does not grow with the annotations."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from annotations.moderation.services import moderate
from annotations.services import roles_for_group
from papers.models import Membership, Paper, Section
from tests.annotations.conftest import CALLERS, cast_scene
from tests.annotations.insights.scene import body, scene, tag
from tests.conftest import join, make_user, page_client
from tests.papers.makers import make_paper

OPENER = (
    "Members read this paragraph differently: claim (olive), evidence (amina, ravi). "
    "Which reading holds, and why?"
)


def url(paper) -> str:
    return f"/papers/{paper.pk}/agreement/"


def page(user, paper) -> str:
    response = page_client(user).get(url(paper))
    assert response.status_code == 200
    return response.text


def links(text: str, label: str) -> list[str]:
    """The hrefs of the page's links whose text starts with `label`, unescaped."""
    found = re.findall(r'<a class="[^"]*" href="([^"]*)">' + re.escape(label), text)
    return [html.unescape(href) for href in found]


def said(href: str) -> str | None:
    return parse_qs(urlsplit(href).query).get("say", [None])[0]


# Who may read it


@pytest.fixture(params=["private", "public"])
def cast(request):
    made = cast_scene(request)
    users = made["users"]
    scene(made["paper"], users["owner"], users["member"])
    return made


READERS = {"private": {"member", "moderator", "owner"}, "public": set(CALLERS)}
COMMENTERS = {"member", "moderator", "owner"}


@pytest.mark.parametrize("caller", CALLERS)
def test_who_reads_the_page_and_who_may_discuss(cast, caller):
    response = page_client(cast["users"][caller]).get(url(cast["paper"]))
    if caller not in READERS[cast["kind"]]:
        assert response.status_code == 404  # anonymous, outsider and banned on a private group
        return
    assert response.status_code == 200
    assert "Where members read differently" in response.text
    assert len(links(response.text, "Open in the paper")) == 1
    assert bool(links(response.text, "Discuss this")) is (caller in COMMENTERS)


def test_anonymous_readers_of_a_public_group_are_invited_to_log_in(public_paper, owner, member):
    scene(public_paper, owner, member)
    text = page(None, public_paper)
    assert "Log in</a> to discuss a paragraph" in text
    assert "Discuss this" not in text


def test_writes_are_refused(world, member):
    assert page_client(member).post(url(world["paper"])).status_code == 405


def test_an_unknown_paper_is_404(member):
    assert page_client(member).get("/papers/999999/agreement/").status_code == 404


# What it shows


def test_the_scenes_numbers(world, member):
    text = page(member, world["paper"])
    # Hand-computed in test_alpha.py: abstract (T, T), p0 (C, C, C), p1 (C, E, E).
    assert '<span class="agreement-number">0.65</span>' in text
    assert "Members often read paragraphs differently (on only 3 paragraphs" in text
    assert "Rests on 3 paragraphs tagged by 3 members." in text
    assert "Independent readings (tagged in blind mode):</strong>" in text
    assert "none to compare yet." in text
    # By section: the Introduction holds p0 and p1 (alpha 0.375).
    assert re.search(r'<th scope="row">Introduction</th>\s*<td class="num">0.38</td>', text)
    # By member: olive agrees on 3 of her 5 pairs; without her amina and ravi agree fully.
    olive = re.search(r'<th scope="row">olive</th>(.*?)</tr>', text, re.S).group(1)
    assert ">3<" in olive and "60%" in olive and "1.00" in olive
    assert "their readings lower the agreement" in olive
    amina = re.search(r'<th scope="row">amina</th>(.*?)</tr>', text, re.S).group(1)
    assert "80%" in amina and "their readings raise the agreement" in amina


def test_the_disagreement_names_its_paragraph_and_readers(world, member):
    text = page(member, world["paper"])
    p1 = world["p1"]
    assert f"Paragraph {p1.position} " in text
    assert "3 members · 67% of their pairs differ" in text
    assert html.escape(p1.text[:40]) in text
    readings = re.search(r'<ul class="agreement-readings".*?</ul>', text, re.S).group(0)
    chips = re.findall(r'class="agreement-chip role-([a-z]+)">.*?</span>(\w+)</span>', readings)
    assert chips == [("claim", "Claim"), ("evidence", "Evidence")]  # the roles' order
    # Their colours: a <style> with the response's CSP nonce (no style="" attributes).
    assert re.search(
        r'<style nonce="[^"]+">\.role-claim\{--role:#0b5cad\}\.role-evidence\{--role:#a14a00\}',
        text,
    )
    assert re.findall(r'<span class="agreement-who">([^<]*)</span>', readings) == [
        "olive",
        "amina, ravi",
    ]
    (workspace,) = links(text, "Open in the paper")
    assert workspace == f"/papers/{world['paper'].pk}/?panel=1#{p1.anchor}"
    (discuss,) = links(text, "Discuss this")
    parts = urlsplit(discuss)
    assert (parts.path, parts.fragment) == (f"/papers/{world['paper'].pk}/", p1.anchor)
    assert parse_qs(parts.query)["panel"] == ["1"]
    assert said(discuss) == OPENER


def test_the_opener_uses_the_roles_names(world, member):
    roles_for_group(world["paper"].group).filter(slug="evidence").update(name="Data")
    assert said(links(page(member, world["paper"]), "Discuss this")[0]) == OPENER.replace(
        "evidence (", "data ("
    )


def test_user_text_is_escaped(world, member):
    Section.objects.filter(pk=world["p0"].section_id).update(title="<b>Intro</b>")
    text = page(member, world["paper"])
    assert "&lt;b&gt;Intro&lt;/b&gt;" in text and "<b>Intro" not in text


def test_with_nothing_to_compare_the_page_says_so(paper, member):
    text = page(member, paper)
    assert '<span class="agreement-number">—</span>' in text
    assert "Not enough shared tags yet" in text
    assert "No section has a paragraph that two members tagged yet." in text
    assert "No member has tagged a paragraph that another member tagged too." in text
    assert "Nothing to compare yet" in text


def test_agreement_everywhere_lists_no_disagreement(paper, owner, member):
    tag(owner, body(paper, 0), "claim")
    tag(member, body(paper, 0), "claim")
    text = page(member, paper)
    assert "they gave the same roles: nothing to settle" in text
    assert "Discuss this" not in text


# What it leaves out


def test_a_blind_member_sees_no_disagreement_on_a_paragraph_they_have_not_tagged(world):
    """zoe reads blind and tagged p0 only: p1's disagreement is not hers to see; p0 (where
    her evidence meets three claims) is; the figures stay whole."""
    zoe = make_user("zoe")
    join(world["paper"].group, zoe, Membership.Role.MEMBER)
    Membership.objects.filter(user=zoe).update(blind=True)
    text = page(zoe, world["paper"])
    assert "You read blind" in text
    assert "No paragraph you have tagged is read differently" in text
    assert f"Paragraph {world['p1'].position} " not in text
    assert "amina, ravi" not in text
    tag(zoe, world["p0"], "evidence")
    text = page(zoe, world["paper"])
    assert f"Paragraph {world['p0'].position} " in text
    assert f"Paragraph {world['p1'].position} " not in text
    assert "Rests on 3 paragraphs tagged by 4 members." in text


def test_hidden_annotations_do_not_count_for_a_plain_member(world, member, moderator):
    moderate(actor=moderator, target=world["annotations"]["ravi_p1"], action="hide", reason="x")
    text = page(member, world["paper"])
    (discuss,) = links(text, "Discuss this")
    assert said(discuss) == OPENER.replace("amina, ravi", "amina")
    assert "amina, ravi" not in text
    # The moderators still see it, and count it.
    assert said(links(page(moderator, world["paper"]), "Discuss this")[0]) == OPENER


# Not ready


@pytest.mark.parametrize(
    ("status", "words"),
    [(Paper.Status.IMPORTING, "still being imported"), (Paper.Status.FAILED, "import failed")],
)
def test_a_paper_not_ready_says_so(group, owner, member, status, words):
    paper = make_paper(group, user=owner, status=status)
    text = page(member, paper)
    assert "Not ready." in text and words in text
    assert "Krippendorff" not in text
    assert "Read the paper" in text


# Queries


def add_members_tags(paper, n: int) -> None:
    """n more members, each tagging three paragraphs, half of them differently."""
    for i in range(n):
        user = make_user(f"extra{i}")
        join(paper.group, user, Membership.Role.MEMBER)
        for j, role in enumerate(("claim", "evidence", "theory")):
            tag(user, body(paper, j), role if i % 2 else "claim")


# The session, the user, the paper with its group, the reader's membership; the tags; the
# roles (whether the group has any, then them), the section titles, the contested paragraphs;
# the navigation's question whether the reader moderates a group, and its notifications bell
# (unread count).
QUERIES = 11


def test_queries_do_not_grow_with_annotations(world, member, django_assert_max_num_queries):
    client = page_client(member)
    with django_assert_max_num_queries(QUERIES):
        assert client.get(url(world["paper"])).status_code == 200
    add_members_tags(world["paper"], 12)
    with django_assert_max_num_queries(QUERIES):
        text = client.get(url(world["paper"])).text
    assert text.count('class="agreement-disagreement"') == 2  # p1 and p2; p0 all claim
    assert "extra11" in text


def test_the_most_contested_fifty_then_all(paper, owner, member, monkeypatch):
    """A long list is cut to the most contested `SHOWN`; `?all=1` lists them all."""
    from annotations.insights import report

    scene(paper, owner, member)
    tag(member, paper.paragraphs.get(kind="abstract"), "claim")  # a second disagreement
    monkeypatch.setattr(report, "SHOWN", 1)
    client = page_client(owner)
    cut = client.get(f"/papers/{paper.pk}/agreement/").content.decode()
    assert "The 1 most contested of 2 paragraphs" in cut and "Show all 2" in cut
    assert cut.count("Discuss this<") == 1
    whole = client.get(f"/papers/{paper.pk}/agreement/?all=1").content.decode()
    assert "Show all" not in whole and whole.count("Discuss this<") == 2
