"""The browser pages: home, a group's papers, the upload form, the reading page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from papers.models import Membership, Paper
from papers.services import paper_import
from tests.conftest import join, make_group, make_user

from .makers import make_paper

MARKDOWN = """# Reading Together

Ada Reader

## Introduction

Groups read better when they argue (Smith, 2001). A second sentence.

## References

Smith, J. (2001). Reading in groups. Journal of Reading.
"""


def home_url():
    return reverse("papers:home")


def group_url(group):
    return reverse("papers:group_detail", kwargs={"slug": group.slug})


def upload_url(group):
    return reverse("papers:paper_upload", kwargs={"slug": group.slug})


def paper_url(paper):
    return paper.get_absolute_url()


# Home


def test_home_shows_anonymous_the_public_groups_and_a_login_link(client, group, public_group):
    response = client.get(home_url())
    assert response.status_code == 200
    assert public_group.name in response.text
    assert group.name not in response.text
    assert reverse("login") in response.text


def test_home_shows_a_member_their_groups_and_the_public_ones(member_client, group, public_group):
    response = member_client.get(home_url())
    assert response.status_code == 200
    assert group_url(group) in response.text
    assert group_url(public_group) in response.text


def test_home_hides_private_groups_from_outsiders(outsider_client, group, public_group):
    response = outsider_client.get(home_url())
    assert group.name not in response.text
    assert public_group.name in response.text


def test_home_hides_a_group_from_a_banned_member(client, group):
    banned = make_user("bob")
    join(group, banned, status=Membership.Status.BANNED)
    client.force_login(banned)
    assert group.name not in client.get(home_url()).text


def test_home_refuses_post(member_client):
    assert member_client.post(home_url()).status_code == 405


def test_home_makes_a_fixed_number_of_queries(member, member_client, django_assert_num_queries):
    for i in range(5):
        join(make_group(f"Group {i}"), member)
        make_group(f"Open {i}", visibility="public")
    # session, user, the user's groups, the public groups; whether the user moderates a group
    # (the navigation's moderation link); the navigation's notifications bell (unread count)
    with django_assert_num_queries(6):
        member_client.get(home_url())


# A group's papers


def test_group_lists_its_papers_for_a_member(member_client, group, paper):
    response = member_client.get(group_url(group))
    assert response.status_code == 200
    assert paper.title in response.text
    assert "Ada Reader, Ben Scholar" in response.text
    assert f"{paper.paragraphs.count()} paragraphs" in response.text
    assert paper_url(paper) in response.text
    assert upload_url(group) in response.text


@pytest.mark.parametrize("who", ["anonymous", "outsider", "banned"])
def test_private_group_answers_404_to_non_members(client, group, paper, outsider, who):
    if who == "outsider":
        client.force_login(outsider)
    elif who == "banned":
        banned = make_user("bob")
        join(group, banned, status=Membership.Status.BANNED)
        client.force_login(banned)
    assert client.get(group_url(group)).status_code == 404


def test_unknown_group_answers_404(member_client):
    assert member_client.get("/groups/no-such-group/").status_code == 404


def test_public_group_is_readable_by_anyone_without_an_upload_link(
    client, outsider, public_group, public_paper
):
    response = client.get(group_url(public_group))
    assert response.status_code == 200
    assert public_paper.title in response.text
    assert upload_url(public_group) not in response.text
    client.force_login(outsider)
    response = client.get(group_url(public_group))
    assert response.status_code == 200
    assert upload_url(public_group) not in response.text


def test_group_refuses_post(member_client, group):
    assert member_client.post(group_url(group)).status_code == 405


@pytest.mark.parametrize("size", [1, 12])
def test_group_makes_a_fixed_number_of_queries(
    member_client, group, size, django_assert_num_queries
):
    for i in range(size):
        make_paper(group, title=f"Paper {i}", body=2, references=1)
    # session, user, group, membership (asked once for every permission), papers with their
    # paragraph counts, members with their names (test_group_query_counts.py: owners too);
    # whether the user moderates a group (the navigation's moderation link); the papers'
    # overviews (MARGINALIA_PAPER_OVERVIEWS): the tags and one query of figures for every paper
    # (nothing is tagged, so not the roles: tests/annotations/insights/test_overview.py); the
    # recent activity (MARGINALIA_GROUP_ACTIVITY): papers, annotations, comments, one query each;
    # the navigation's notifications bell (unread count)
    with django_assert_num_queries(13):
        response = member_client.get(group_url(group))
    assert response.text.count('class="paper-title"') == size


# Upload


def test_upload_shows_the_form_to_a_member(member_client, group):
    response = member_client.get(upload_url(group))
    assert response.status_code == 200
    assert 'name="file"' in response.text
    assert 'name="text"' in response.text
    assert '<option value="markdown">' in response.text
    assert 'enctype="multipart/form-data"' in response.text


def test_upload_sends_anonymous_to_login(client, group):
    response = client.get(upload_url(group))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_upload_answers_404_to_an_outsider_of_a_private_group(outsider_client, group):
    assert outsider_client.get(upload_url(group)).status_code == 404
    assert outsider_client.post(upload_url(group), {"text": MARKDOWN}).status_code == 404
    assert not Paper.objects.exists()


def test_upload_answers_403_to_an_outsider_of_a_public_group(outsider_client, public_group):
    assert outsider_client.get(upload_url(public_group)).status_code == 403
    assert outsider_client.post(upload_url(public_group), {"text": MARKDOWN}).status_code == 403
    assert not Paper.objects.exists()


def test_upload_refuses_put(member_client, group):
    assert member_client.put(upload_url(group)).status_code == 405


def test_upload_imports_pasted_text_and_shows_the_paper(member_client, member, group):
    response = member_client.post(
        upload_url(group), {"text": MARKDOWN, "format": "markdown", "title": ""}
    )
    paper = Paper.objects.get()
    assert response.status_code == 302
    assert response["Location"] == paper_url(paper)
    assert paper.group == group and paper.created_by == member
    assert paper.title == "Reading Together"
    assert paper.paragraphs.filter(kind="body").exists()


def test_upload_imports_a_file_with_the_given_title(member_client, group):
    upload = SimpleUploadedFile("reading.md", MARKDOWN.encode(), content_type="text/markdown")
    response = member_client.post(
        upload_url(group), {"file": upload, "format": "auto", "title": "My title"}
    )
    paper = Paper.objects.get()
    assert response.status_code == 302
    assert paper.title == "My title"
    assert paper.source_filename == "reading.md"


def test_upload_encodes_pasted_text_as_utf8(member_client, group):
    text = MARKDOWN.replace("A second sentence.", "Ça marche — 🙂 naïve.")
    member_client.post(upload_url(group), {"text": text, "format": "markdown"})
    assert Paper.objects.get().paragraphs.filter(text__contains="Ça marche — 🙂 naïve.").exists()


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.txt", b"", "The submitted file is empty."),
        ("blank.txt", b"   \n\n  \n", 'role="alert"'),  # the parser's own message
        ("x.txt", bytes(range(256)) * 4, "binary"),
    ],
    ids=["empty", "no-paragraphs", "binary"],
)
def test_upload_refuses_a_file_it_cannot_import_with_a_message(
    member_client, group, name, data, message
):
    upload = SimpleUploadedFile(name, data, content_type="text/plain")
    response = member_client.post(upload_url(group), {"file": upload, "format": "auto"})
    assert response.status_code == 400
    assert message in response.text
    assert not Paper.objects.exists()


def test_upload_needs_a_file_or_text(member_client, group):
    response = member_client.post(upload_url(group), {"text": "  ", "format": "auto"})
    assert response.status_code == 400
    assert "Choose a file or paste the text of the paper." in response.text
    assert not Paper.objects.exists()


def test_upload_refuses_both_a_file_and_text(member_client, group):
    upload = SimpleUploadedFile("reading.md", MARKDOWN.encode())
    response = member_client.post(
        upload_url(group), {"file": upload, "text": MARKDOWN, "format": "auto"}
    )
    assert response.status_code == 400
    assert "not both" in response.text
    assert not Paper.objects.exists()


def test_upload_refuses_an_unknown_format(member_client, group):
    response = member_client.post(upload_url(group), {"text": MARKDOWN, "format": "pdf2"})
    assert response.status_code == 400
    assert not Paper.objects.exists()


def test_upload_answers_413_to_an_oversized_file(member_client, group, settings):
    settings.MARGINALIA_MAX_UPLOAD_BYTES = 100
    upload = SimpleUploadedFile("big.md", b"x" * 101)
    response = member_client.post(upload_url(group), {"file": upload, "format": "auto"})
    assert response.status_code == 413
    assert "the limit is" in response.text
    assert not Paper.objects.exists()


def test_upload_answers_413_to_oversized_pasted_text(member_client, group, settings):
    settings.MARGINALIA_MAX_UPLOAD_BYTES = 100
    # 60 characters, 120 bytes in UTF-8: the limit counts bytes.
    response = member_client.post(upload_url(group), {"text": "é" * 60, "format": "auto"})
    assert response.status_code == 413
    assert not Paper.objects.exists()


# The reading page


def test_reading_page_shows_the_paper_to_a_member(member_client, paper):
    response = member_client.get(paper_url(paper))
    html = response.text
    assert response.status_code == 200
    assert '<h1 class="paper-title">On Reading Together</h1>' in html
    assert "Ada Reader, Ben Scholar" in html
    assert "annotation · argument" in html
    assert "We argue that groups read better." in html
    for position, title in ((1, "Introduction"), (2, "Methods"), (3, "Sampling")):
        assert f'<a href="#s-{position}">{title}</a>' in html
    assert '<h2 id="s-1" class="section-heading">Introduction</h2>' in html
    assert '<h3 id="s-3" class="section-heading">Sampling</h3>' in html


def test_reading_page_gives_every_paragraph_its_anchor_and_a_pilcrow_link(member_client, paper):
    html = member_client.get(paper_url(paper)).text
    for p in paper.paragraphs.all():
        assert f'id="{p.anchor}"' in html
        assert f'<a class="pilcrow" href="#{p.anchor}"' in html


def test_reading_page_renders_lists_quotes_front_matter_and_notes(member_client, paper):
    html = member_client.get(paper_url(paper)).text
    anchors = {p.text: p.anchor for p in paper.paragraphs.all()}
    # Each paragraph's text sits in .para-text (annotations/_para_text.html).
    assert re.search(
        rf'<ul class="para-list">\s*<li class="para" id="{anchors["First point."]}"[^>]*>'
        rf'<span class="para-text">First point\.'
        rf'.*?</li><li class="para" id="{anchors["Second point."]}"[^>]*>'
        rf'<span class="para-text">Second point\.',
        html,
    )
    assert f'<blockquote class="para para-quote" id="{anchors["To read is to argue."]}"' in html
    start = html.index('<header class="paper-header">')
    header = html[start : html.index("</header>", start)]
    assert "University of Somewhere" in header
    notes = html[html.index('<section class="notes"') :]
    assert '<span class="note-label">1</span> <span class="para-text">A note at the foot.' in notes
    assert html.count("A note at the foot.") == 1


def test_reading_page_links_citations_to_the_reference_list(member_client, paper):
    html = member_client.get(paper_url(paper)).text
    for position in (1, 2, 3):
        assert f'<li id="ref-{position}">' in html
    assert '<a class="cite" id="cite-' in html and 'href="#ref-1"' in html
    assert 'class="cite cite-ambiguous"' in html
    assert 'tabindex="0"' in html
    assert "more than (Nobody, 1999)." in html
    assert 'role="tooltip"' in html


def test_reading_page_escapes_paper_text(member_client, group):
    paper = make_paper(group, title="<b>Bold</b> title")
    first = paper.paragraphs.filter(kind="body").first()
    first.text += ' <img src=x onerror="alert(1)">'  # after the citations: offsets hold
    first.save()
    html = member_client.get(paper_url(paper)).text
    assert "<img src=x" not in html and "<b>Bold</b>" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_reading_page_answers_404_for_a_private_paper(client, outsider, paper, who):
    if who == "outsider":
        client.force_login(outsider)
    assert client.get(paper_url(paper)).status_code == 404


def test_reading_page_answers_404_for_an_unknown_paper(member_client):
    assert member_client.get("/papers/999999/").status_code == 404


def test_reading_page_of_a_public_paper_is_open_to_anyone(client, outsider, public_paper):
    assert client.get(paper_url(public_paper)).status_code == 200
    client.force_login(outsider)
    assert client.get(paper_url(public_paper)).status_code == 200


def test_reading_page_refuses_post(member_client, paper):
    assert member_client.post(paper_url(paper)).status_code == 405


@pytest.mark.parametrize(
    ("status", "expected"),
    [("failed", "The import failed."), ("importing", "still being imported")],
)
def test_reading_page_shows_the_status_instead_of_the_body(member_client, group, status, expected):
    paper = make_paper(group, status=status, error="The file looks binary.")
    html = member_client.get(paper_url(paper)).text
    assert expected in html
    if status == "failed":
        assert "The file looks binary." in html
    assert 'class="paper-body"' not in html
    assert "A closing thought." not in html


def test_reading_page_of_an_imported_paper(member_client, member, group):
    paper = paper_import(group=group, user=member, data=MARKDOWN.encode(), fmt="markdown")
    html = member_client.get(paper_url(paper)).text
    assert "Groups read better when they argue" in html
    assert '<li id="ref-1">' in html


# Error pages (logging in and out: test_accounts.py)


def test_not_found_page_offers_anonymous_a_login_link(client, paper):
    response = client.get(paper_url(paper))
    assert response.status_code == 404
    assert "private reading group" in response.text
    assert f"{reverse('login')}?next=" in response.text


def test_forbidden_page_says_why(outsider_client, public_group):
    response = outsider_client.get(upload_url(public_group))
    assert response.status_code == 403
    assert "Only members of this group may add papers." in response.text
