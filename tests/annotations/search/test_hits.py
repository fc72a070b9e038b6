"""How a search's hits are counted and paged (annotations.search.query.Hits): the count stops
at a cap and says so, and what the reader may not see never fills a page or the count, however
well it ranks."""

import pytest

from annotations.search.query import Hits
from tests.annotations.conftest import make_annotation

from .conftest import api_for

pytestmark = pytest.mark.django_db


def test_the_count_stops_at_the_cap_and_says_so(scene, member, monkeypatch):
    monkeypatch.setattr(Hits, "COUNT_CAP", 3)
    paragraph = scene["paragraphs"][0]
    for i in range(5):
        make_annotation(member, paragraph, note=f"Lantern note {i}")
    body = api_for(member).get("/api/v1/search/", {"q": "lantern", "page_size": 2}).json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (3, True, 2)
    assert body["next"]
    body = api_for(member).get("/api/v1/search/", {"q": "lantern", "page_size": 20}).json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (3, True, 3)
    client = api_for(member)
    client.force_login(member)
    page = client.get("/search/", {"q": "lantern"}).content.decode()
    assert "More than 3 results" in page
    body = api_for(member).get("/api/v1/search/", {"q": "entropy"}).json()
    assert body["count_capped"] is False


@pytest.mark.parametrize("slack", [0, 20])
def test_hits_the_reader_may_not_see_never_fill_a_page(scene, owner, member, monkeypatch, slack):
    """The owner's private notes say the word most (they rank first); the member's pages and
    count hold the member's own notes alone, in rank order, however many rounds it takes."""
    monkeypatch.setattr(Hits, "SLACK", slack)
    paragraph = scene["paragraphs"][0]
    for i in range(4):
        make_annotation(owner, paragraph, note=f"Lantern lantern lantern {i}", visibility="private")
    mine = [
        make_annotation(member, paragraph, note=f"Lantern {'and words ' * i}{i}").pk
        for i in range(3)
    ]
    body = api_for(member).get("/api/v1/search/", {"q": "lantern"}).json()
    assert body["count"] == 3
    assert [hit["id"] for hit in body["results"]] == mine  # the shortest first
    paged = [
        api_for(member).get("/api/v1/search/", {"q": "lantern", "page_size": 1, "page": n})
        for n in (1, 2, 3)
    ]
    assert [response.json()["results"][0]["id"] for response in paged] == mine
    owner_sees = api_for(owner).get("/api/v1/search/", {"q": "lantern"}).json()
    assert owner_sees["count"] == 7
