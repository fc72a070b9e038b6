"""Acceptance (issue 6): hidden means hidden on every surface for everyone but the item's author
and the group's owners and moderators, who see it marked.

One paper, in a private group and in a public group, with `member`'s held posts: a hidden
annotation, a pending annotation, a hidden comment, a pending comment, beside visible ones; a
moderator's comment on the hidden annotation, a visible reply to the hidden comment, and a link
to the hidden annotation (both go with what they hang on). Then, for each role, every surface:

- the reading page: its HTML (highlights, chips and their counts, the comment counts) and the
  data it embeds for its script (the annotation index, "unusual", the comment index, authors);
- what the side panel fetches: annotations/?paragraph=, comments/?paragraph=, links/?paper=;
- the API: lists (annotations/, comments/, links/) and details (404 for what one may not see);
- the `since` feed: nothing of a held item's content; an item hidden after it was seen comes
  as a bare tombstone {"id", …, "status": "removed"} (annotations.feed);
- the native export: paper_chunks(paper, user=…) shows what the user sees; `export_paper` shows
  everything, held items marked by their status;
- search: the API (api/v1/search/) and the page (/search/) find the held posts for those who
  see them (marked with their status) and for nobody else (annotations.search);
- notifications: `other` follows both paragraphs, so each held comment made a notification
  for them; the notifications API shows none of it (annotations.notifications.shown).

Every check is made on the raw bytes of a response with distinctive strings, so that a leak
anywhere in a body (an attribute, a script, a JSON field) fails the test.
"""

import io
import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.utils import timezone

from annotations.exports.native import paper_chunks
from annotations.models import Annotation, Comment, Link, Status
from annotations.moderation.services import moderate
from annotations.notifications.models import Follow, Notification
from annotations.services import link_create
from papers.models import Membership
from tests.annotations.conftest import make_annotation, make_comment, premoderated
from tests.conftest import join, make_user
from tests.papers.makers import make_paper

SECRETS = {
    "hidden_annotation": "SECRET-HIDDEN-ANNOTATION",
    "pending_annotation": "SECRET-PENDING-ANNOTATION",
    "hidden_comment": "SECRET-HIDDEN-COMMENT",
    "pending_comment": "SECRET-PENDING-COMMENT",
    "comment_on_hidden": "SECRET-COMMENT-ON-HIDDEN-ANNOTATION",
}
VISIBLE = {
    "annotation": "VISIBLE-ANNOTATION-NOTE",
    "comment": "VISIBLE-COMMENT-BODY",
    "reply": "VISIBLE-REPLY-TO-HIDDEN",
}
ROLES = ["anonymous", "outsider", "member", "other", "moderator", "owner", "banned"]
# Who sees the held posts (marked): their author and the group's owners and moderators.
SEERS = {"member", "moderator", "owner"}
# Who reads the paper at all: a public group's paper is read by everyone.
READERS = {"private": {"member", "other", "moderator", "owner"}, "public": set(ROLES)}


@pytest.fixture
def other(group):
    """Another plain member: sees the group's visible posts, none of member's held ones."""
    user = make_user("bo")
    join(group, user, Membership.Role.MEMBER)
    return user


def build_scene(paper, *, owner, moderator, member, other) -> dict:
    group = paper.group
    first, second = paper.paragraphs.filter(kind="body").order_by("position")[:2]
    for paragraph in (first, second):  # told of every comment on them, shown none held
        Follow.objects.create(user=other, paragraph=paragraph)
    text = first.text
    visible = make_annotation(
        moderator, first, "claim", quote={"exact": text[:12]}, note=VISIBLE["annotation"]
    )
    hidden = make_annotation(
        member, first, "evidence", quote={"exact": text[5:20]}, note=SECRETS["hidden_annotation"]
    )
    pending = premoderated(
        group,
        lambda: make_annotation(
            member, second, "theory", quote={"exact": second.text[:10]},
            note=SECRETS["pending_annotation"],
        ),
    )  # fmt: skip
    link = link_create(user=moderator, source=visible, target=hidden, relation="attacks")
    on_hidden = make_comment(moderator, annotation=hidden, body=SECRETS["comment_on_hidden"])
    shown = make_comment(owner, paragraph=first, body=VISIBLE["comment"])
    hidden_comment = make_comment(member, paragraph=first, body=SECRETS["hidden_comment"])
    reply = make_comment(other, parent=hidden_comment, body=VISIBLE["reply"])
    pending_comment = premoderated(
        group,
        lambda: make_comment(member, paragraph=second, body=SECRETS["pending_comment"]),
    )
    moderate(actor=moderator, target=hidden, action="hide", reason="off topic")
    moderate(actor=moderator, target=hidden_comment, action="hide", reason="abuse")
    assert pending.status == Status.PENDING and pending_comment.status == Status.PENDING
    return {
        "paper": paper,
        "first": first,
        "second": second,
        "visible": visible,
        "hidden": hidden,
        "pending": pending,
        "link": link,
        "on_hidden": on_hidden,
        "shown": shown,
        "hidden_comment": hidden_comment,
        "reply": reply,
        "pending_comment": pending_comment,
    }


@pytest.fixture(params=["private", "public"])
def scene(request, group, public_group, owner, moderator, member, other, banned, outsider):
    if request.param == "private":
        paper = make_paper(group, user=owner)
    else:
        paper = request.getfixturevalue("public_paper")
        join(public_group, other, Membership.Role.MEMBER)
    made = build_scene(paper, owner=owner, moderator=moderator, member=member, other=other)
    made["kind"] = request.param
    made["cast"] = {
        "outsider": outsider,
        "member": member,
        "other": other,
        "moderator": moderator,
        "owner": owner,
        "banned": banned,
    }
    return made


@pytest.fixture(params=ROLES)
def viewer(request, client, scene):
    role = request.param
    if role != "anonymous":
        client.force_login(scene["cast"][role])
    return {"role": role, "client": client, "user": scene["cast"].get(role)}


HELD_ANNOTATIONS = ("hidden", "pending")
HELD_COMMENTS = ("hidden_comment", "pending_comment", "on_hidden")


def assert_no_secret(body: bytes, where: str) -> None:
    for name, secret in SECRETS.items():
        assert secret.encode() not in body, f"{name} leaks in {where}"


def assert_all_secrets(body: bytes, where: str) -> None:
    for name, secret in SECRETS.items():
        assert secret.encode() in body, f"{name} is missing from {where}"


def get_json(client, url: str, **params):
    response = client.get(url, params, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, (url, params, response.status_code, response.content)
    return response, response.json()


def results(payload) -> list[dict]:
    return payload["results"] if isinstance(payload, dict) else payload


# The reading page


def workspace_data(html: str) -> dict:
    match = re.search(r'<script id="workspace-data" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1))


def chip_counts(html: str, paragraph_id: int) -> dict[str, str]:
    """The chips under a paragraph: {role slug or "comments": the number shown}."""
    start = html.index(f'data-paragraph="{paragraph_id}"')
    end = html.find('data-paragraph="', start + 1)
    segment = html[start : end if end != -1 else None]
    found = dict(re.findall(r'data-role="([\w-]+)"[^>]*>.*?<span class="ws-count">(\d+)<', segment))
    comments = re.search(r'ws-chip-comments">(\d+) comment', segment)
    if comments:
        found["comments"] = comments.group(1)
    return found


def test_the_reading_page(viewer, scene):
    role, client = viewer["role"], viewer["client"]
    paper = scene["paper"]
    response = client.get(paper.get_absolute_url())
    if role not in READERS[scene["kind"]]:
        assert response.status_code == 404
        assert_no_secret(response.content, "the 404 page")
        return
    assert response.status_code == 200
    body = response.content
    html = body.decode()
    # The page never carries notes or bodies (the panel fetches them): nobody's secrets.
    assert_no_secret(body, "the reading page")
    data = workspace_data(html)
    ids = data["annotations"][0::6]
    comment_ids = data["commentIndex"][0::3]
    first, second = scene["first"].pk, scene["second"].pk
    held = [scene[name].pk for name in HELD_ANNOTATIONS]
    held_comments = [scene[name].pk for name in HELD_COMMENTS]
    assert scene["visible"].pk in ids
    assert scene["shown"].pk in comment_ids and scene["reply"].pk in comment_ids
    if role in SEERS:
        assert set(held) <= set(ids)
        assert set(held_comments) <= set(comment_ids)
        assert data["unusual"][str(scene["hidden"].pk)] == ["hidden", "group"]
        assert data["unusual"][str(scene["pending"].pk)] == ["pending", "group"]
        assert f'class="hl role-evidence{" mine" if role == "member" else ""} is-hidden"' in html
        assert "is-pending" in html
        assert 'class="ws-chip role-evidence' in html and "has-held" in html
        assert "hidden or waiting for a moderator" in html
        # visible, on-hidden, shown, hidden, reply: five comments on the first paragraph.
        assert data["comments"] == {str(first): 4, str(second): 1}
        assert chip_counts(html, first) == {"claim": "1", "evidence": "1", "comments": "4"}
        assert chip_counts(html, second) == {"theory": "1", "comments": "1"}
    else:
        assert not set(held) & set(ids)
        assert not set(held_comments) & set(comment_ids)
        for pk in held:
            assert f'data-annotation="{pk}"' not in html
            assert str(pk) not in data["unusual"]
        assert "is-hidden" not in html and "is-pending" not in html and "has-held" not in html
        # Only member wrote the held posts: her name is nowhere in the layer.
        assert "amina" not in data["authors"]
        assert 'title="Evidence: ' not in html
        assert data["comments"] == {str(first): 2}
        assert chip_counts(html, first) == {"claim": "1", "comments": "2"}
        assert chip_counts(html, second) == {}
    assert data["canModerate"] is (role in {"moderator", "owner"})


# What the side panel fetches, and the API's lists and details


def test_the_panel_and_the_api(viewer, scene):
    role, client = viewer["role"], viewer["client"]
    paper, first, second = scene["paper"], scene["first"], scene["second"]
    reads = role in READERS[scene["kind"]]
    bodies = []
    # The panel's three requests, for each paragraph, and the paper-wide lists.
    for paragraph in (first, second):
        for url in ("/api/v1/annotations/", "/api/v1/comments/"):
            bodies.append(get_json(client, url, paragraph=paragraph.pk))
    bodies.append(get_json(client, "/api/v1/links/", paper=paper.pk))
    for url in ("/api/v1/annotations/", "/api/v1/comments/", "/api/v1/links/"):
        bodies.append(get_json(client, url, paper=paper.pk))
    raw = b"".join(response.content for response, _ in bodies)
    listed = {row["id"] for _, payload in bodies for row in results(payload)}
    links = {row["id"] for i in (4, 7) for row in results(bodies[i][1])}
    if not reads:
        assert listed == set()
        assert_no_secret(raw, "the API lists")
    elif role in SEERS:
        assert_all_secrets(raw, "the API lists")
        assert scene["link"].pk in links
        # Annotations and comments have ids of their own: told apart by their fields.
        statuses = {
            ("comment" if "body" in row else "annotation", row["id"]): row["status"]
            for _, payload in bodies
            for row in results(payload)
            if "status" in row
        }
        assert statuses["annotation", scene["hidden"].pk] == "hidden"
        assert statuses["annotation", scene["pending"].pk] == "pending"
        assert statuses["comment", scene["hidden_comment"].pk] == "hidden"
        assert statuses["comment", scene["pending_comment"].pk] == "pending"
    else:
        assert_no_secret(raw, "the API lists")
        assert scene["link"].pk not in links
        assert VISIBLE["annotation"].encode() in raw and VISIBLE["comment"].encode() in raw
        # The reply under the hidden comment stays, naming its parent by id only.
        assert VISIBLE["reply"].encode() in raw

    # Details: 404 for what one may not see.
    details = [(f"/api/v1/annotations/{scene[n].pk}/", n) for n in HELD_ANNOTATIONS] + [
        (f"/api/v1/comments/{scene[n].pk}/", n) for n in HELD_COMMENTS
    ]
    for url, name in details:
        response = client.get(url, HTTP_ACCEPT="application/json")
        if role in SEERS:
            assert response.status_code == 200, (url, role)
            assert response.json()["status"] in {"hidden", "pending", "visible"}
        else:
            assert response.status_code == 404, (url, role, name)
            assert_no_secret(response.content, url)
    visible = client.get(f"/api/v1/annotations/{scene['visible'].pk}/")
    assert visible.status_code == (200 if reads else 404)


# Live updates


def test_the_since_feed(viewer, scene):
    role, client = viewer["role"], viewer["client"]
    paper = scene["paper"]
    since = (timezone.now() - timedelta(hours=1)).isoformat()
    urls = ("/api/v1/annotations/", "/api/v1/comments/")
    if role not in READERS[scene["kind"]]:
        # A poll of a paper the caller may not see: 404, like the paper (docs/api.md, "Polling").
        for url in urls:
            response = client.get(url, {"paper": paper.pk, "since": since})
            assert response.status_code == 404, url
            assert_no_secret(response.content, url)
        return
    responses = [get_json(client, url, paper=paper.pk, since=since) for url in urls]
    raw = b"".join(response.content for response, _ in responses)
    # Annotations and comments have ids of their own: (type, id).
    rows = {
        (kind, row["id"]): row
        for kind, (_, payload) in zip(("annotation", "comment"), responses, strict=True)
        for row in results(payload)
    }
    if role in SEERS:
        assert_all_secrets(raw, "the since feed")
        return
    assert_no_secret(raw, "the since feed")
    # What left the reader's view comes, at most, as a bare tombstone: no author, no text.
    held = {("annotation", scene[n].pk) for n in HELD_ANNOTATIONS}
    held |= {("comment", scene[n].pk) for n in HELD_COMMENTS}
    for key, row in rows.items():
        if key in held or row["status"] == "removed":
            assert row["status"] == "removed", row
            assert not {"note", "note_html", "body", "body_html", "quote", "role"} & {
                name for name, value in row.items() if value not in (None, "")
            }, row
            assert row.get("author") in (None, ""), row
    # An item hidden after it was seen (version 2) is announced as removed, so that a page
    # holding it drops it; a post still waiting at its first version was never seen: absent.
    removed = {key for key, row in rows.items() if row["status"] == "removed"}
    assert ("annotation", scene["hidden"].pk) in removed
    assert ("comment", scene["hidden_comment"].pk) in removed
    assert ("comment", scene["on_hidden"].pk) in removed  # it went with its annotation
    assert ("annotation", scene["pending"].pk) not in rows
    assert ("comment", scene["pending_comment"].pk) not in rows


# Exports


def test_the_native_export(viewer, scene):
    role = viewer["role"]
    paper = scene["paper"]
    # An anonymous reader is Django's AnonymousUser, as in a request: `user=None` is the
    # export_paper command's "everything" (native.paper_chunks).
    body = "".join(paper_chunks(paper, user=viewer["user"] or AnonymousUser())).encode()
    if role not in READERS[scene["kind"]]:
        # (The API refuses before it exports; the export itself shows nothing of the kind.)
        assert_no_secret(body, "the export")
        assert json.loads(body)["annotations"] == [] and json.loads(body)["comments"] == []
        return
    exported = json.loads(body)
    annotations = {row["id"]: row for row in exported["annotations"]}
    comments = {row["id"]: row for row in exported["comments"]}
    links = {row["id"] for row in exported["links"]}
    if role in SEERS:
        assert_all_secrets(body, "the export")
        assert annotations[scene["hidden"].pk]["status"] == "hidden"
        assert comments[scene["pending_comment"].pk]["status"] == "pending"
        assert scene["link"].pk in links
    else:
        assert_no_secret(body, "the export")
        assert not {scene[n].pk for n in HELD_ANNOTATIONS} & set(annotations)
        assert not {scene[n].pk for n in HELD_COMMENTS} & set(comments)
        assert scene["link"].pk not in links
        assert comments[scene["reply"].pk]["body"] == VISIBLE["reply"]


def test_the_export_command_shows_everything_marked(scene):
    out = io.StringIO()
    call_command("export_paper", str(scene["paper"].pk), stdout=out)
    body = out.getvalue().encode()
    assert_all_secrets(body, "export_paper")
    exported = json.loads(body)
    status = {row["id"]: row["status"] for row in exported["annotations"]}
    status.update({("c", row["id"]): row["status"] for row in exported["comments"]})
    assert status[scene["hidden"].pk] == "hidden"
    assert status[scene["pending"].pk] == "pending"
    assert status[("c", scene["hidden_comment"].pk)] == "hidden"
    assert status[("c", scene["pending_comment"].pk)] == "pending"
    assert scene["link"].pk in {row["id"] for row in exported["links"]}


def test_the_scene_is_what_the_tests_think(scene):
    """The premises: every held item is held, the rest visible (a test that could pass on an
    empty scene would prove nothing)."""
    statuses = dict(Annotation.objects.values_list("note", "status"))
    assert statuses[SECRETS["hidden_annotation"]] == "hidden"
    assert statuses[SECRETS["pending_annotation"]] == "pending"
    assert statuses[VISIBLE["annotation"]] == "visible"
    bodies = dict(Comment.objects.values_list("body", "status"))
    assert bodies[SECRETS["hidden_comment"]] == "hidden"
    assert bodies[SECRETS["pending_comment"]] == "pending"
    assert bodies[SECRETS["comment_on_hidden"]] == "visible"  # hidden with its annotation
    assert Link.objects.count() == 1


# Search


def unmarked(body: bytes) -> bytes:
    """A search answer without its <mark>s (escaped in the page), so a secret reads whole."""
    for mark in (b"<mark>", b"</mark>"):
        body = body.replace(mark, b"")
    return body


def test_search(viewer, scene):
    role, client = viewer["role"], viewer["client"]
    for url in ("/api/v1/search/", "/search/"):
        response = client.get(url, {"q": "secret"})
        assert response.status_code == 200
        body = unmarked(response.content)
        if role in SEERS and role in READERS[scene["kind"]]:
            assert_all_secrets(body, url)
        else:
            assert_no_secret(body, url)
        found = unmarked(client.get(url, {"q": "visible"}).content)
        for name, text in VISIBLE.items():
            if name == "reply":  # on the hidden comment: in its thread, found with it or not
                continue
            assert (text.encode() in found) is (role in READERS[scene["kind"]]), (name, url)
    if role in SEERS and role in READERS[scene["kind"]]:
        _, payload = get_json(client, "/api/v1/search/", q='"secret hidden"')
        assert {hit["status"] for hit in payload["results"]} == {"hidden"}


# Notifications


def test_notifications(viewer, scene):
    role, client = viewer["role"], viewer["client"]
    response = client.get("/api/v1/notifications/", HTTP_ACCEPT="application/json")
    if role == "anonymous":
        assert response.status_code in (401, 403)
        return
    assert response.status_code == 200
    if role not in SEERS:
        assert_no_secret(response.content, "notifications/")
    if role == "other":
        # the hidden and the pending comment, and the comment on the hidden annotation: made
        # when written, never shown; only olive's visible comment is
        made = Notification.objects.filter(recipient=viewer["user"])
        assert made.count() == 4
        shown = [n["target"] for n in response.json()["results"]]
        assert shown == [scene["shown"].pk]
