"""The search page, /search/?q=: server-rendered, so it works without JavaScript."""

import pytest

from annotations.moderation.services import moderate
from tests.annotations.conftest import make_annotation

pytestmark = pytest.mark.django_db


def test_it_shows_ranked_hits_with_marked_snippets_and_links(scene, member_client):
    response = member_client.get("/search/", {"q": "doubt"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>doubt</mark>" in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert f'href="/papers/{scene["paper"].pk}/?panel=1#p-2"' in html
    assert "1 result." in html


def test_an_anonymous_visitor_finds_public_groups_content_only(scene, client):
    html = client.get("/search/", {"q": "entropy"}).content.decode()
    assert "Public Lectures" in html
    assert "Thermodynamics of Reading" not in html


def test_without_a_query_it_shows_the_form(client):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


@pytest.mark.parametrize("q", ["", "-entropy", "x" * 201])
def test_a_query_it_cannot_search_says_why(client, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()


def test_it_refuses_post(client):
    assert client.post("/search/", {"q": "entropy"}).status_code == 405


def test_the_navigation_has_the_search_box(client):
    html = client.get("/").content.decode()
    assert 'role="search"' in html and 'action="/search/"' in html


def test_held_posts_are_marked_for_their_author(scene, member_client, moderator):
    moderate(actor=moderator, target=scene["annotation"], action="hide", reason="off topic")
    html = member_client.get("/search/", {"q": "generative"}).content.decode()
    assert 'class="badge badge-warning">hidden<' in html


def test_it_pages_the_hits(scene, member, member_client):
    for i in range(25):
        make_annotation(member, scene["paragraphs"][0], note=f"Paging note {i}")
    html = member_client.get("/search/", {"q": "paging"}).content.decode()
    assert "page 1 of 2" in html and 'rel="next"' in html
    html = member_client.get("/search/", {"q": "paging", "page": 2}).content.decode()
    assert html.count('class="search-hit ') == 5
