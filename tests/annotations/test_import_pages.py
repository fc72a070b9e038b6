"""The import page (annotations.imports.views), /groups/<slug>/import/: who may open it and
import, for every role in a private and a public group; a native export and a Hypothesis file
imported through it; bad files shown again with one message and nothing written; the link from
the group page; the page's queries."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations.exports import get_format
from annotations.models import Annotation, Comment, Link, Role
from annotations.services import roles_for_group
from papers.models import Paper, Paragraph, Section
from tests.annotations.conftest import CALLERS, cast_scene, make_annotation, make_comment
from tests.conftest import FIXTURES, join, make_group, page_client
from tests.papers.makers import make_paper

ROLES = list(CALLERS)
MEMBERS = {"member", "moderator", "owner"}
HYPOTHESIS = FIXTURES / "hypothesis" / "search.json"
NOTE = "Imported through the page 📚"
MODELS = (Paper, Section, Paragraph, Annotation, Comment, Link, Role)


@pytest.fixture(params=["private", "public"])
def scene(request):
    return cast_scene(request)


browser_as = page_client


def page_url(group) -> str:
    return f"/groups/{group.slug}/import/"


def paper_file(paper) -> bytes:
    """A native export of the paper (as the export page downloads it), with one annotation and
    a reply on it."""
    author = paper.created_by
    paragraph = paper.paragraphs.get(kind="body", text__contains="reader 0")
    annotation = make_annotation(author, paragraph, "claim", note=NOTE)
    make_comment(author, annotation=annotation, body="A reply.")
    return "".join(get_format("json").paper(paper, user=None)).encode()


def upload(data: bytes, name: str = "export.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/json")


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS} | {
        "users": get_user_model().objects.count()
    }


def expected_refusal(kind: str, role: str) -> int:
    """The status of a caller who may not import: as the paper upload page."""
    if role == "anonymous":
        return 302  # the log-in page first
    return 404 if kind == "private" else 403  # private: existence does not leak


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_page(scene, role):
    response = browser_as(scene["users"][role]).get(page_url(scene["group"]))
    if role not in MEMBERS:
        assert response.status_code == expected_refusal(scene["kind"], role)
        if role == "anonymous":
            assert response["Location"].startswith("/accounts/login/?next=")
        elif scene["kind"] == "public":
            assert "Only active members of this group may import" in response.content.decode()
        else:
            assert scene["group"].name not in response.content.decode()
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html
    assert 'type="file" name="file" accept=".json,application/json"' in html
    assert f'<option value="{scene["paper"].pk}">On Reading Together</option>' in html
    for slug, name in (("claim", "Claim"), ("evidence", "Evidence"), ("theory", "Theory")):
        assert f'<option value="{slug}">{name}</option>' in html
    assert "A Marginalia JSON export" in html and "A Hypothesis API search result" in html
    assert "https://" not in html.split("<main", 1)[1]  # nothing external


@pytest.mark.parametrize("role", ROLES)
def test_who_may_import(scene, role):
    data = paper_file(scene["paper"])
    before = counts()
    response = browser_as(scene["users"][role]).post(
        page_url(scene["group"]), {"file": upload(data)}
    )
    if role not in MEMBERS:
        assert response.status_code == expected_refusal(scene["kind"], role)
        assert counts() == before
        return
    new = Paper.objects.exclude(pk=scene["paper"].pk).get(group=scene["group"])
    assert response.status_code == 302
    assert response["Location"] == f"/papers/{new.pk}/"  # one paper: its page
    assert new.created_by == scene["users"][role]
    assert new.annotations.get().note == NOTE


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused(scene, method):
    response = getattr(browser_as(scene["users"]["member"]), method)(page_url(scene["group"]))
    assert response.status_code == 405


def test_a_native_import_says_what_came_back_on_the_new_paper_s_page(scene):
    client = browser_as(scene["users"]["member"])
    data = paper_file(scene["paper"])
    response = client.post(page_url(scene["group"]), {"file": upload(data)}, follow=True)
    assert response.status_code == 200
    shown = [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]
    assert shown == [
        ("success", "Imported: 1 paper, 10 paragraphs, 1 annotation, 1 comment, 0 links "
                    "imported; attributed to: olive.")
    ]  # fmt: skip
    html = response.content.decode()
    assert 'class="message message-success">Imported: 1 paper, 10 paragraphs' in html
    new = Paper.objects.exclude(pk=scene["paper"].pk).get(group=scene["group"])
    assert response.redirect_chain == [(f"/papers/{new.pk}/", 302)]
    assert new.annotations.get().comments.get().body == "A reply."


def test_a_group_export_lands_on_the_group(scene):
    group, owner = scene["group"], scene["users"]["owner"]
    make_paper(group, user=owner, title="A Second Paper")
    data = "".join(get_format("json").group(group, user=owner)).encode()
    target = make_group("Target")
    join(target, scene["users"]["member"], "member")
    client = browser_as(scene["users"]["member"])
    response = client.post(page_url(target), {"file": upload(data)})
    assert response.status_code == 302 and response["Location"] == "/groups/target/"
    assert sorted(target.papers.values_list("title", flat=True)) == [
        "A Second Paper",
        "On Reading Together",
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Imported: 2 papers" in page


def test_a_hypothesis_file_goes_onto_the_chosen_paper(scene):
    paper = scene["paper"]
    client = browser_as(scene["users"]["member"])
    response = client.post(
        page_url(scene["group"]),
        {"file": upload(HYPOTHESIS.read_bytes(), "search.json"), "paper": paper.pk,
         "role": "theory"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == f"/papers/{paper.pk}/"
    assert paper.annotations.count() == 4
    # The row whose tags name no role took the role chosen on the form.
    assert paper.annotations.get(exact="To read is to argue").role.slug == "theory"
    html = client.get(response["Location"]).content.decode()
    assert (
        "Imported: 4 annotations (1 by fuzzy match) and 2 replies imported; 3 not anchored; "
        "attributed to: newcomer, olive." in html
    )
    assert "message-warning" in html and "Not anchored: “Sixteen participants" in html
    assert "a page note (no selector)" in html


@pytest.mark.parametrize(
    "case",
    [
        ("not json", b"{oops", {}, "The file is not JSON: "),
        ("empty", b"  ", {}, "The file is empty."),
        ("a list", b"[1, 2]", {}, "The file holds JSON, but not an object"),
        ("neither", b'{"a": 1}', {}, "This is neither a Marginalia export"),
        ("hypothesis without a paper", HYPOTHESIS.read_bytes(), {},
         "a Hypothesis file goes onto an existing paper"),
        ("native with a paper", None, {"paper": True},
         "a Marginalia export brings its own papers; leave the paper out."),
        ("broken native", "broken", {}, "annotations[0].paragraph: 99999 is not a paragraph"),
    ],
    ids=lambda case: case[0],
)  # fmt: skip
def test_a_bad_file_shows_the_form_again_with_one_message(scene, case):
    _name, data, extra, message = case
    paper = scene["paper"]
    if data is None:
        data = paper_file(paper)
    elif data == "broken":
        document = json.loads(paper_file(paper))
        document["annotations"][0]["paragraph"] = 99999
        data = json.dumps(document).encode()
    fields = {"file": upload(data)} | ({"paper": paper.pk} if extra.get("paper") else {})
    roles_for_group(scene["group"])  # the form offers them: made on first use, as on any page
    before = counts()
    response = browser_as(scene["users"]["member"]).post(page_url(scene["group"]), fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="form-error" role="alert"' in html and message in html
    assert counts() == before


def test_no_file_or_a_paper_of_another_group_is_a_form_error(scene, outsider):
    client = browser_as(scene["users"]["member"])
    elsewhere = make_paper(make_group("Elsewhere"), user=outsider)
    importing = make_paper(scene["group"], user=outsider, status=Paper.Status.IMPORTING)
    roles_for_group(scene["group"])
    before = counts()
    response = client.post(page_url(scene["group"]), {})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    for other in (elsewhere, importing):
        response = client.post(
            page_url(scene["group"]),
            {"file": upload(HYPOTHESIS.read_bytes()), "paper": other.pk},
        )
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
    assert f'<option value="{importing.pk}">' not in response.content.decode()
    assert counts() == before


def test_a_file_over_the_limit_is_refused_with_413(scene, settings):
    settings.MARGINALIA_MAX_UPLOAD_BYTES = 1024 * 1024
    data = paper_file(scene["paper"]) + b" " * (1024 * 1024)
    before = counts()
    response = browser_as(scene["users"]["member"]).post(
        page_url(scene["group"]), {"file": upload(data)}
    )
    assert response.status_code == 413
    assert "the limit is 1 MB." in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize("role", ROLES)
def test_the_group_page_links_here_for_members_only(scene, role):
    response = browser_as(scene["users"][role]).get(f"/groups/{scene['group'].slug}/")
    if response.status_code == 404:
        assert scene["kind"] == "private" and role not in MEMBERS
        return
    html = response.content.decode()
    link = f'href="/groups/{scene["group"].slug}/import/">Import annotations</a>'
    assert (link in html) == (role in MEMBERS)


@pytest.mark.parametrize("papers", [1, 6])
def test_the_page_s_queries_do_not_grow(scene, papers, django_assert_max_num_queries):
    for _ in range(papers - 1):
        make_paper(scene["group"], user=scene["users"]["owner"])
    client = browser_as(scene["users"]["member"])
    client.get(page_url(scene["group"]))  # the group's default roles are made on first use
    # Session, user, group, membership, the navigation's moderation count; roles (exists,
    # the first for the empty choice, the choices), the papers; the navigation's notifications
    # bell (unread count).
    with django_assert_max_num_queries(10):
        response = client.get(page_url(scene["group"]))
    assert response.status_code == 200
    # The papers, the three default roles, and each select's empty choice.
    assert response.content.decode().count("<option value=") == papers + 3 + 2
