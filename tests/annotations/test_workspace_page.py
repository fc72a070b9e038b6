"""The reading page as the annotation workspace, rendered by the server (annotations/views.py,
annotations/workspace.py): highlights at code-point offsets, chips, what each reader may see,
escaping, the data the script starts from, and a fixed number of queries."""

import json
import re

import pytest
from django.utils.html import escape

from annotations.models import Annotation, Comment, Role
from annotations.services import (
    annotation_create,
    annotation_delete,
    comment_create,
    roles_for_group,
)
from papers.anchors import paragraph_anchors
from papers.models import Membership, Paragraph
from tests.conftest import join, make_user
from tests.papers.makers import make_paper

EMOJI = "In our 🙂 survey of 𝐀-level seminars, 42 groups argued; one read in Arabic (القراءة معًا)."


def page_of(client, paper):
    response = client.get(paper.get_absolute_url())
    assert response.status_code == 200
    return response.text


def workspace_data(html: str) -> dict:
    match = re.search(r'<script id="workspace-data" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1))


def paragraph_html(html: str, paragraph) -> str:
    start = html.index(f'data-paragraph="{paragraph.pk}"')
    return html[start : html.index("</p>", start)]


def add_paragraph(paper, text: str):
    """A body paragraph at the end of the paper."""
    (anchor,) = paragraph_anchors([text])
    last = paper.paragraphs.order_by("-position").first()
    return Paragraph.objects.create(
        paper=paper, position=last.position + 1, kind="body", anchor=anchor, text=text
    )


@pytest.fixture
def emoji_paragraph(paper):
    return add_paragraph(paper, EMOJI)


def test_a_passage_is_marked_at_its_code_points_in_the_roles_colour(
    member_client, member, paper, emoji_paragraph
):
    start = EMOJI.index("42 groups")
    annotation = annotation_create(
        user=member,
        paragraph=emoji_paragraph,
        role_slug="evidence",
        quote={"start": start, "end": start + 9},
    )
    rtl = EMOJI.index("القراءة")
    annotation_create(
        user=member, paragraph=emoji_paragraph, role_slug="claim", quote={"exact": "القراءة"}
    )
    html = page_of(member_client, paper)
    para = paragraph_html(html, emoji_paragraph)
    assert (
        f'<mark class="hl role-evidence mine" data-annotation="{annotation.pk}">42 groups</mark>'
        in para
    )
    assert '">القراءة</mark>' in para
    assert EMOJI[rtl : rtl + 7] == "القراءة"
    # The text around the marks is untouched: before it the emoji and 𝐀, after it the rest.
    assert '<span class="para-text">In our 🙂 survey of 𝐀-level seminars, <mark' in para
    # The role's colour comes from the group's roles, as a class rule in the page's <style>.
    assert ".role-evidence{--role:#a14a00}" in html


def test_overlapping_passages_are_drawn_flat_and_the_whole_paragraph_is_a_chip(
    member_client, member, owner, paper, paragraph
):
    text = paragraph.text  # "As reader 0 argued (Smith, 2001), readers disagree (Lee, 2005) …"
    annotation_create(
        user=member, paragraph=paragraph, role_slug="claim", quote={"exact": "reader 0 argued"}
    )
    annotation_create(
        user=owner, paragraph=paragraph, role_slug="evidence", quote={"exact": "argued (Smith"}
    )
    annotation_create(user=owner, paragraph=paragraph, role_slug="claim")
    para = paragraph_html(page_of(member_client, paper), paragraph)
    assert text.startswith("As reader 0 argued (Smith, 2001)")
    # "argued" is in both: drawn once, as the evidence (the later to start), saying two cover it.
    assert re.search(
        r'<mark class="hl role-claim mine"[^>]*>reader 0 </mark>'
        r'<mark class="hl role-evidence" data-annotation="\d+" data-depth="2">argued</mark>'
        r'<mark class="hl role-evidence" data-annotation="\d+"> </mark>',
        para,
    ), para
    # "(Smith" is inside the citation link: marked there, the link kept.
    assert re.search(
        r'<a class="cite"[^>]*><mark class="hl role-evidence"[^>]*>\(Smith</mark>', para
    )
    # Chips: claim twice (one passage, one whole paragraph), evidence once, with who.
    assert (
        '<span class="ws-chip role-claim mine" data-role="claim" title="Claim: amina, olive">'
        in para  # names in alphabetical order
    )
    assert 'Claim <span class="ws-count">2</span>' in para
    assert 'Evidence <span class="ws-count">1</span>' in para
    assert " data-tagged" in para  # amina tagged it (blind mode shows the others' roles here)


def test_others_private_and_deleted_annotations_are_not_drawn(
    member_client, member, owner, paper, paragraph
):
    mine = annotation_create(
        user=member,
        paragraph=paragraph,
        role_slug="claim",
        quote={"exact": "readers disagree"},
        visibility="private",
    )
    annotation_create(
        user=owner,
        paragraph=paragraph,
        role_slug="theory",
        quote={"exact": "reader 0"},
        visibility="private",
    )
    gone = annotation_create(user=owner, paragraph=paragraph, role_slug="evidence")
    annotation_delete(annotation=gone, user=owner)
    html = page_of(member_client, paper)
    para = paragraph_html(html, paragraph)
    assert f'data-annotation="{mine.pk}"' in para
    assert "role-theory" not in para and "role-evidence" not in para
    data = workspace_data(html)
    # Six values an annotation (id, paragraph, role index, author index, start, end); what is
    # not visible to the group is said apart.
    assert data["annotations"] == [mine.pk, paragraph.pk, 0, 0, mine.start, mine.end]
    assert data["authors"] == ["amina"]
    assert data["unusual"] == {str(mine.pk): ["visible", "private"]}


def test_the_page_escapes_names_and_text_from_annotations(member_client, member, group, paper):
    roles_for_group(group)
    Role.objects.filter(group=group, slug="claim").update(
        name='</script><script>alert("role")</script>'
    )
    hostile = make_user('x"><img src=x onerror=alert(1)>')
    join(group, hostile)
    paragraph = add_paragraph(paper, "Say <b>this</b> & that.")
    annotation_create(
        user=hostile, paragraph=paragraph, role_slug="claim", quote={"exact": "<b>this</b>"}
    )
    comment_create(user=hostile, paragraph=paragraph, body="<script>alert(2)</script>")
    html = page_of(member_client, paper)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>this</b>" not in html
    para = paragraph_html(html, paragraph)
    assert "&lt;b&gt;this&lt;/b&gt;</mark> &amp; that." in para
    assert escape('x"><img src=x onerror=alert(1)>') in para
    # Data for the script goes through json_script: "<" is escaped inside it.
    data = workspace_data(html)
    assert data["roles"][0]["name"] == '</script><script>alert("role")</script>'
    assert data["authors"] == ['x"><img src=x onerror=alert(1)>']


def test_the_script_gets_roles_keys_urls_and_a_since_to_poll_from(member_client, paper):
    html = page_of(member_client, paper)
    data = workspace_data(html)
    assert data["paper"] == paper.pk
    assert data["user"]["username"] == "amina"
    assert data["canAnnotate"] is True
    assert data["canModerate"] is False
    assert [(r["slug"], r["shortcut"], r["number"]) for r in data["roles"]] == [
        ("claim", "c", 1),
        ("evidence", "e", 2),
        ("theory", "t", 3),
    ]
    assert data["api"] == {
        "annotations": "/api/v1/annotations/",
        "comments": "/api/v1/comments/",
        "links": "/api/v1/links/",
        "preview": "/api/v1/preview/",
        "flags": "/api/v1/flags/",
        "moderation": "/api/v1/moderation/actions/",
    }
    assert data["since"].endswith("Z") and data["csrfToken"]
    assert '<script type="module" src="/static/annotations/workspace.js"></script>' in html
    # Without JavaScript the page says what needs it; the tools wait hidden for the script.
    assert "<noscript>" in html and "Tagging, notes, threads and live updates need" in html
    assert 'id="ws-toolbar" aria-label="Annotation tools" hidden' in html


def test_a_role_whose_key_the_page_uses_is_reached_by_its_number(
    owner, member_client, group, paper
):
    roles_for_group(group)
    Role.objects.filter(group=group, slug="theory").update(key="j")
    Role.objects.filter(group=group, slug="evidence").update(retired=True)
    html = page_of(member_client, paper)
    roles = workspace_data(html)["roles"]
    assert [(r["slug"], r["shortcut"], r["number"]) for r in roles] == [
        ("claim", "c", 1),
        ("evidence", "", None),
        ("theory", "", 2),
    ]
    assert 'data-role="theory" aria-keyshortcuts="2"' in html
    assert 'data-role="evidence"' not in html  # retired: no button


def test_members_get_the_tools_others_read_only(client, outsider, public_paper, member):
    html = page_of(client, public_paper)
    assert workspace_data(html)["canAnnotate"] is False
    assert 'class="ws-role-button' not in html
    assert "to annotate." in html  # "Log in to annotate."
    client.force_login(outsider)
    html = page_of(client, public_paper)
    assert "Only members of Open Seminar can annotate." in html
    client.force_login(member)
    assert workspace_data(page_of(client, public_paper))["canAnnotate"] is True


def test_anonymous_readers_of_a_public_paper_see_the_groups_annotations(
    client, member, public_paper
):
    paragraph = public_paper.paragraphs.get(kind="body", text__contains="reader 0")
    annotation_create(user=member, paragraph=paragraph, role_slug="claim", quote={"exact": "As"})
    para = paragraph_html(page_of(client, public_paper), paragraph)
    assert '<mark class="hl role-claim" data-annotation=' in para and ">As</mark>" in para
    assert "data-tagged" not in para


@pytest.mark.parametrize("who", ["anonymous", "outsider", "banned"])
def test_a_private_paper_answers_404(client, outsider, banned, paper, who):
    if who != "anonymous":
        client.force_login({"outsider": outsider, "banned": banned}[who])
    assert client.get(paper.get_absolute_url()).status_code == 404


def test_an_unknown_paper_answers_404_and_posting_is_not_allowed(member_client, paper):
    assert member_client.get("/papers/999999/").status_code == 404
    assert member_client.post(paper.get_absolute_url()).status_code == 405


def make_annotated_paper(group, users, *, paragraphs: int, per_paragraph: int):
    """A paper with `paragraphs` body paragraphs, each with `per_paragraph` annotations (half of
    them passages, the roles and authors taking turns) and a comment."""
    paper = make_paper(group, body=paragraphs - 1, references=5)
    bodies = list(paper.paragraphs.filter(kind="body"))
    roles = list(roles_for_group(group))
    rows = []
    for p in bodies:
        for i in range(per_paragraph):
            passage = i % 2 == 0
            rows.append(
                Annotation(
                    paper=paper,
                    paragraph=p,
                    role=roles[i % len(roles)],
                    author=users[i % len(users)],
                    exact=p.text[i : i + 8] if passage else "",
                    start=i if passage else None,
                    end=i + 8 if passage else None,
                )
            )
    Annotation.objects.bulk_create(rows)
    Comment.objects.bulk_create(
        [Comment(paper=paper, paragraph=p, author=users[0], body="Hm.") for p in bodies]
    )
    return paper


@pytest.mark.parametrize(("paragraphs", "per_paragraph"), [(10, 2), (200, 5)])
def test_the_page_makes_a_fixed_number_of_queries(
    member_client, member, owner, group, paragraphs, per_paragraph, django_assert_num_queries
):
    roles_for_group(group)  # the first visit makes the default roles (a write); not this one
    paper = make_annotated_paper(
        group, [member, owner], paragraphs=paragraphs, per_paragraph=per_paragraph
    )
    # session, user, paper with its group, membership, roles, the annotations' tallies, the
    # annotations drawn (authors joined), comment counts; sections, references, candidate links,
    # citations, paragraphs; whether the user moderates a group (the navigation's moderation
    # link); notifications: the member's visit (one upsert), the paragraphs they follow, the
    # bell's unread count
    with django_assert_num_queries(17):
        html = page_of(member_client, paper)
    assert html.count('class="ws-chips"') == paragraphs
    assert len(workspace_data(html)["annotations"]) == 6 * paragraphs * per_paragraph
    assert html.count("<mark ") >= paragraphs * ((per_paragraph + 1) // 2)


def test_the_first_visit_makes_the_default_roles(member_client, group, paper):
    assert not Role.objects.filter(group=group).exists()
    html = page_of(member_client, paper)
    assert [r["slug"] for r in workspace_data(html)["roles"]] == ["claim", "evidence", "theory"]
    assert Role.objects.filter(group=group).count() == 3


def test_an_importing_paper_shows_its_progress_without_the_workspace(member_client, group):
    paper = make_paper(group, status="importing")
    html = page_of(member_client, paper)
    assert 'id="import-progress"' in html
    assert "workspace-data" not in html and "ws-toolbar" not in html
    assert Membership.objects.filter(group=group).exists()
