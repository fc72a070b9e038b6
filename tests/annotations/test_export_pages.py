"""The export pages (annotations.exports.views): /papers/<id>/export/ and /groups/<slug>/export/,
for every role in a private and a public group; the form's choices and where Download goes;
the links to them from the paper's page and the group's page."""

import pytest

from annotations.exports import FORMATS
from papers.models import Paper
from tests.annotations.conftest import CALLERS, cast_scene
from tests.conftest import page_client
from tests.papers.makers import make_paper

ROLES = list(CALLERS)
READERS = {"private": {"member", "moderator", "owner"}, "public": set(ROLES)}
NOTE = "hidden and pending posts are included"


@pytest.fixture(params=["private", "public"])
def scene(request):
    return cast_scene(request)


browser_as = page_client


def page_url(scene, what: str) -> str:
    if what == "paper":
        return f"/papers/{scene['paper'].pk}/export/"
    return f"/groups/{scene['group'].slug}/export/"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("what", ["paper", "group"])
def test_who_sees_the_page(scene, role, what):
    client = browser_as(scene["users"][role])
    response = client.get(page_url(scene, what))
    download = client.get(page_url(scene, what), {"format": "csv"})
    if role not in READERS[scene["kind"]]:
        assert response.status_code == 404
        assert download.status_code == 404  # no redirect that would name the API's URL
        return
    assert response.status_code == 200
    html = response.content.decode()
    for name in FORMATS:
        assert f'name="format" value="{name}"' in html
    assert (NOTE in html) == (role in {"moderator", "owner"})
    assert download.status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_post_is_refused(scene, role):
    response = browser_as(scene["users"][role]).post(page_url(scene, "paper"))
    assert response.status_code == 405


def test_the_form_describes_each_format(scene):
    html = browser_as(scene["users"]["member"]).get(page_url(scene, "paper")).content.decode()
    for label in ("Marginalia JSON", "W3C Web Annotation JSON-LD", "CSV", "AIF"):
        assert label in html
    assert "re-importable" in html and "pandas" in html
    # A paper's page offers this paper or the whole group; JSON and this paper are chosen.
    assert 'value="json" id="format-json" aria-describedby="format-json-help" checked' in html
    assert 'name="scope" value="paper" id="scope-paper" checked' in html
    assert 'name="scope" value="group"' in html
    group_html = browser_as(scene["users"]["member"]).get(page_url(scene, "group")).content
    assert b'name="scope"' not in group_html


def test_download_goes_to_the_api(scene):
    client = browser_as(scene["users"]["member"])
    paper, group = scene["paper"], scene["group"]
    response = client.get(page_url(scene, "paper"), {"format": "csv", "scope": "paper"})
    assert response["Location"] == f"/api/v1/papers/{paper.pk}/export/?format=csv"
    response = client.get(page_url(scene, "paper"), {"format": "jsonld", "scope": "group"})
    assert response["Location"] == f"/api/v1/groups/{group.slug}/export/?format=jsonld"
    response = client.get(page_url(scene, "group"), {"format": "aif"})
    assert response["Location"] == f"/api/v1/groups/{group.slug}/export/?format=aif"
    # And the browser, following it with its session, gets the file.
    response = client.get(page_url(scene, "paper"), {"format": "csv"}, follow=True)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"].startswith("attachment; filename=")


def test_a_wrong_choice_shows_the_form_again(scene):
    client = browser_as(scene["users"]["member"])
    response = client.get(page_url(scene, "paper"), {"format": "xml"})
    assert response.status_code == 400
    assert "Choose one of the formats" in response.content.decode()
    response = client.get(page_url(scene, "paper"), {"format": "csv", "scope": "everything"})
    assert response.status_code == 400


def test_a_paper_not_ready_offers_its_group(group, owner):
    paper = make_paper(group, user=owner, status=Paper.Status.IMPORTING)
    client = browser_as(owner)
    html = client.get(f"/papers/{paper.pk}/export/").content.decode()
    assert 'value="paper" id="scope-paper" disabled' in html
    assert 'value="group" id="scope-group" checked' in html
    response = client.get(f"/papers/{paper.pk}/export/", {"format": "json", "scope": "paper"})
    assert response.status_code == 400
    assert "nothing to export until its import is done" in response.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "member", "owner"])
def test_the_paper_and_group_pages_link_here(scene, role):
    if role not in READERS[scene["kind"]]:
        return
    client = browser_as(scene["users"][role])
    paper, group = scene["paper"], scene["group"]
    workspace = client.get(paper.get_absolute_url()).content.decode()
    assert f'href="/papers/{paper.pk}/export/"' in workspace
    group_page = client.get(f"/groups/{group.slug}/").content.decode()
    assert f'href="/groups/{group.slug}/export/"' in group_page


@pytest.mark.parametrize("what", ["paper", "group"])
@pytest.mark.parametrize("papers", [1, 4])
def test_the_page_s_queries_do_not_grow(scene, what, papers, django_assert_max_num_queries):
    for _ in range(papers - 1):
        make_paper(scene["group"], user=scene["users"]["owner"])
    client = browser_as(scene["users"]["moderator"])
    # Session, user, the paper or group, the membership, the navigation's moderation count;
    # the navigation's notifications bell (unread count).
    with django_assert_max_num_queries(8):
        assert client.get(page_url(scene, what)).status_code == 200
