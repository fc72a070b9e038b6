"""The export API: GET papers/{id}/export/ and groups/{slug}/export/ (annotations.exports.api),
and GET schema/export.json.

For every role in a private and a public group: who gets the file (an outsider 404, never 403),
and what is in it (a member's has no hidden item, a moderator's has it, marked). Checks are made
on the raw bytes with distinctive strings, for every format of annotations.exports.FORMATS (a
format added later is tested here without a change). Then the response itself: streamed (the
first bytes before the rows are read), its file name, its caching, the query count as rows grow.
"""

import json
from urllib.parse import quote

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.exports import FORMATS
from annotations.moderation.services import moderate
from papers.models import Membership, Paper, Paragraph
from tests.annotations.conftest import cast_scene, make_annotation, make_comment
from tests.conftest import join, make_user
from tests.papers.makers import make_paper

HIDDEN_NOTE = "SECRET-HIDDEN-NOTE-7f3a"
HIDDEN_BODY = "SECRET-HIDDEN-BODY-91c2"
VISIBLE_NOTE = "VISIBLE-NOTE-5b0e"
VISIBLE_BODY = "VISIBLE-BODY-2d4f"
# Passages of one paragraph, far enough apart that neither is in the other's prefix or suffix.
VISIBLE_QUOTE = "VISIBLE-QUOTE-c81d"
HIDDEN_QUOTE = "SECRET-HIDDEN-QUOTE-e3b9"
PASSAGES = (
    f"Readers first met {VISIBLE_QUOTE} in the seminar, and then, much later and after a "
    f"long and careful discussion of every source, {HIDDEN_QUOTE} in the archive."
)
ROLES = ["anonymous", "outsider", "member", "moderator", "owner", "banned"]
SEERS = {"moderator", "owner"}
READERS = {"private": {"member", "moderator", "owner"}, "public": set(ROLES)}
ALL_FORMATS = sorted(FORMATS)
# A whole export as a moderator (the most: flags, revisions, audit log), whatever its size:
# authentication, throttle, the paper or group, the membership, then a fixed number per list.
# (A format added later without a pin here gets a loose one: pin it.)
QUERIES = {
    "json": {"paper": 15, "group": 16},
    "jsonld": {"paper": 6, "group": 7},
    "csv": {"paper": 5, "group": 6},
    "aif": {"paper": 8, "group": 13},
}


def needles(name: str, *, hidden: bool) -> list[bytes]:
    """Strings only the visible (or only the hidden) items put into a file of this format. AIF
    carries the argument, not the discussion: its nodes are the annotations' passages; the other
    formats carry notes and comments (and the native one the paper's text, passages included)."""
    if name == "aif":
        return [(HIDDEN_QUOTE if hidden else VISIBLE_QUOTE).encode()]
    if hidden:
        return [HIDDEN_NOTE.encode(), HIDDEN_BODY.encode()]
    return [VISIBLE_NOTE.encode(), VISIBLE_BODY.encode()]


@pytest.fixture
def writer(group):
    """A member whose posts a moderator hid: the `member` of the cast sees none of them."""
    user = make_user("wren")
    join(group, user, Membership.Role.MEMBER)
    return user


def fill(paper, *, moderator, writer, count: int = 1) -> None:
    """`count` visible annotations (on VISIBLE_QUOTE) with a comment each, and one hidden
    annotation (on HIDDEN_QUOTE) and one hidden comment by `writer`."""
    paragraph = paper.paragraphs.get(text="A closing thought.")
    Paragraph.objects.filter(pk=paragraph.pk).update(text=PASSAGES)
    paragraph.refresh_from_db()
    for i in range(count):
        shown = make_annotation(
            moderator, paragraph, "claim", quote={"exact": VISIBLE_QUOTE},
            note=f"{VISIBLE_NOTE} {i}",
        )  # fmt: skip
        make_comment(moderator, annotation=shown, body=f"{VISIBLE_BODY} {i}")
    hidden = make_annotation(
        writer, paragraph, "evidence", quote={"exact": HIDDEN_QUOTE}, note=HIDDEN_NOTE
    )
    hidden_comment = make_comment(writer, paragraph=paragraph, body=HIDDEN_BODY)
    moderate(actor=moderator, target=hidden, action="hide", reason="off topic")
    moderate(actor=moderator, target=hidden_comment, action="hide", reason="abuse")


@pytest.fixture(params=["private", "public"])
def scene(request, moderator, writer):
    scene = cast_scene(request, others=[writer])
    fill(scene["paper"], moderator=moderator, writer=writer)
    return scene


def client_as(user) -> APIClient:
    """A script's client: `Authorization: Token …` (anonymous: no credentials)."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def paper_url(paper) -> str:
    return f"/api/v1/papers/{paper.pk}/export/"


def group_url(group) -> str:
    return f"/api/v1/groups/{group.slug}/export/"


def body_of(response) -> bytes:
    assert response.streaming, "an export is streamed"
    return b"".join(response.streaming_content)


# Who may export, and what they get


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("what", ["paper", "group"])
@pytest.mark.parametrize("name", ALL_FORMATS)
def test_who_gets_what(scene, role, what, name):
    url = paper_url(scene["paper"]) if what == "paper" else group_url(scene["group"])
    response = client_as(scene["users"][role]).get(url, {"format": name})
    if role not in READERS[scene["kind"]]:
        assert response.status_code == 404, (role, response.status_code)
        assert HIDDEN_NOTE.encode() not in response.content
        return
    assert response.status_code == 200, (role, response.status_code)
    assert response["Content-Type"] == FORMATS[name].content_type
    body = body_of(response)
    assert all(needle in body for needle in needles(name, hidden=False))
    for needle in needles(name, hidden=True):
        assert (needle in body) == (role in SEERS), (role, needle)
    # Nothing of a hidden post at all (the native format alone carries the paper's whole text,
    # and with it the hidden annotation's passage).
    if role not in SEERS and name != "json":
        assert b"SECRET" not in body


def _items(exported: dict) -> tuple[list, list]:
    papers = exported["papers"] if "papers" in exported else [exported]
    annotations = [row for paper in papers for row in paper["annotations"]]
    comments = [row for paper in papers for row in paper["comments"]]
    return annotations, comments


@pytest.mark.parametrize("role", ["member", "moderator", "owner"])
@pytest.mark.parametrize("what", ["paper", "group"])
def test_hidden_items_are_marked_for_moderators_only(scene, role, what):
    url = paper_url(scene["paper"]) if what == "paper" else group_url(scene["group"])
    exported = json.loads(body_of(client_as(scene["users"][role]).get(url)))
    annotations, comments = _items(exported)
    status = {row["note"]: row["status"] for row in annotations}
    status.update({row["body"]: row["status"] for row in comments})
    if role in SEERS:
        assert status[HIDDEN_NOTE] == "hidden" and status[HIDDEN_BODY] == "hidden"
    else:
        assert set(status.values()) == {"visible"}
    assert status[f"{VISIBLE_NOTE} 0"] == "visible"


def test_the_session_cookie_works_too(scene, client):
    """The export page sends the browser here: a signed-in browser gets the file."""
    client.force_login(scene["users"]["moderator"])
    response = client.get(paper_url(scene["paper"]), {"format": "json"})
    assert response.status_code == 200
    assert HIDDEN_NOTE.encode() in body_of(response)


def test_a_wrong_token_answers_401(paper):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(paper_url(paper)).status_code == 401


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_get(owner, paper, method):
    response = getattr(client_as(owner), method)(paper_url(paper))
    assert response.status_code == 405
    assert getattr(client_as(owner), method)(group_url(paper.group)).status_code == 405


# Formats


@pytest.mark.parametrize("url", ["paper", "group"])
def test_an_unknown_format_answers_400_naming_the_formats(owner, paper, url):
    target = paper_url(paper) if url == "paper" else group_url(paper.group)
    response = client_as(owner).get(target, {"format": "xml"})
    assert response.status_code == 400
    message = response.json()["format"][0]
    assert "xml" in message
    for name in FORMATS:
        assert name in message


def test_an_unknown_format_says_nothing_about_what_exists(outsider, paper):
    """400 for a paper the caller may not see and for one that does not exist alike."""
    client = client_as(outsider)
    assert client.get(paper_url(paper), {"format": "xml"}).status_code == 400
    assert client.get("/api/v1/papers/999999/export/", {"format": "xml"}).status_code == 400


@pytest.mark.parametrize("name", ALL_FORMATS)
def test_format_is_not_drf_s_renderer_switch(owner, paper, name):
    """DRF reads `?format=` as the name of a renderer (URL_FORMAT_OVERRIDE) and answers 404 to
    one it lacks, such as csv: here it names the file's format."""
    response = client_as(owner).get(paper_url(paper), {"format": name})
    assert response.status_code == 200
    assert response["Content-Type"] == FORMATS[name].content_type


def test_json_is_the_default(owner, paper):
    response = client_as(owner).get(paper_url(paper))
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(body_of(response))["schema"] == "marginalia-export/1"


@pytest.mark.parametrize("status", [Paper.Status.IMPORTING, Paper.Status.FAILED])
def test_a_paper_not_ready_answers_409(group, owner, status):
    paper = make_paper(group, user=owner, status=status, error="Broken.")
    response = client_as(owner).get(paper_url(paper))
    assert response.status_code == 409
    assert response.json()["detail"]


# The response


def test_the_file_name(group, owner):
    paper = make_paper(group, user=owner, title="Über das Lesen: a “study” 📚")
    response = client_as(owner).get(paper_url(paper), {"format": "json"})
    ascii_name = f"uber-das-lesen-a-study-{paper.pk}.json"
    unicode_name = quote(f"über-das-lesen-a-study-{paper.pk}.json")
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{unicode_name}"
    )
    group_response = client_as(owner).get(group_url(group), {"format": "json"})
    assert group_response["Content-Disposition"] == (
        f'attachment; filename="{group.slug}-{group.pk}.json"'
    )


@pytest.mark.parametrize("name", ALL_FORMATS)
def test_the_extension_is_the_format_s(owner, paper, name):
    response = client_as(owner).get(paper_url(paper), {"format": name})
    assert response["Content-Disposition"].endswith(f'.{FORMATS[name].extension}"')


def test_no_cache_keeps_an_export(owner, paper):
    response = client_as(owner).get(paper_url(paper))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "Authorization" in response["Vary"] and "Cookie" in response["Vary"]


@pytest.mark.parametrize("what", ["paper", "group"])
def test_the_first_bytes_leave_before_the_rows_are_read(
    owner, moderator, writer, paper, what, django_assert_max_num_queries
):
    fill(paper, moderator=moderator, writer=writer, count=5)
    url = paper_url(paper) if what == "paper" else group_url(paper.group)
    response = client_as(owner).get(url)
    assert response.streaming
    chunks = iter(response.streaming_content)
    with django_assert_max_num_queries(1):
        first = next(chunks)
    assert first.startswith(b"{") and VISIBLE_NOTE.encode() not in first
    rest = b"".join(chunks)
    assert VISIBLE_NOTE.encode() in rest


def test_large_exports_leave_in_large_writes(owner, moderator, writer, paper):
    """Rows are joined into writes of about 64 KB, not sent one by one."""
    fill(paper, moderator=moderator, writer=writer, count=300)
    chunks = list(client_as(owner).get(paper_url(paper)).streaming_content)
    assert len(b"".join(chunks)) > 64 * 1024
    assert len(chunks) < 10
    assert all(len(chunk) >= 64 * 1024 for chunk in chunks[1:-1])


@pytest.mark.parametrize("what", ["paper", "group"])
@pytest.mark.parametrize("name", ALL_FORMATS)
@pytest.mark.parametrize("count", [1, 40])
def test_the_query_count_does_not_grow_with_the_rows(
    owner, moderator, writer, paper, what, name, count, django_assert_max_num_queries
):
    fill(paper, moderator=moderator, writer=writer, count=count)
    url = paper_url(paper) if what == "paper" else group_url(paper.group)
    client = client_as(moderator)
    # Authentication, throttle, the paper or group, the membership; then the format's own
    # queries: a fixed number per list, whatever its length.
    with django_assert_max_num_queries(QUERIES.get(name, {}).get(what, 30)):
        body = body_of(client.get(url, {"format": name}))
    assert all(needle in body for needle in needles(name, hidden=False))


# The native format's schema


def test_the_schema_is_public_and_cacheable(client):
    response = client.get("/api/v1/schema/export.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    assert "public" in response["Cache-Control"]
    schema = json.loads(response.content)
    assert "$schema" in schema


def test_the_export_endpoints_are_in_the_openapi_schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    paths = json.loads(response.content)["paths"]
    for path in ("/api/v1/papers/{id}/export/", "/api/v1/groups/{slug}/export/"):
        assert path in paths, sorted(paths)
        names = {p["name"]: p for p in paths[path]["get"]["parameters"]}
        assert set(names["format"]["schema"]["enum"]) == set(FORMATS)
