"""@mentions through the API (comments/, annotations/, preview/): the link in the saved post,
the "mention" notifications made (and only once, however often a post is edited), nothing for
those who may not be mentioned, nothing saved when a post mentions too many people."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Annotation, Comment
from annotations.notifications.models import Notification
from tests.conftest import join, make_user, signed_in

from ..conftest import make_annotation, make_comment

COMMENTS = "/api/v1/comments/"
ANNOTATIONS = "/api/v1/annotations/"
PREVIEW = "/api/v1/preview/"
LINK = '<a class="mention" href="/groups/seminar/members/{0}/">@{0}</a>'


def mentions(**filters) -> list[tuple[str, int | None, int | None]]:
    rows = Notification.objects.filter(kind="mention", **filters).order_by("recipient__username")
    return list(rows.values_list("recipient__username", "annotation_id", "comment_id"))


@pytest.fixture
def cast(group, owner, moderator, member, banned, outsider):
    return group


def test_a_comment_mentioning_members_links_them_and_tells_them(cast, member, paragraph):
    text = "@mo and @OLIVE, see this (not @otto, @bea or amina@example.org)."
    response = signed_in(member).post(
        COMMENTS, {"paragraph": paragraph.pk, "body": text}, format="json"
    )
    assert response.status_code == 201, response.json()
    html = response.json()["body_html"]
    assert LINK.format("mo") in html and LINK.format("olive") in html
    assert "@otto" in html and "@bea" in html and html.count("<a ") == 2
    comment = response.json()["id"]
    assert mentions() == [("mo", None, comment), ("olive", None, comment)]


def test_the_mentioned_member_finds_it_in_their_notifications(cast, member, moderator, paragraph):
    signed_in(member).post(
        COMMENTS, {"paragraph": paragraph.pk, "body": "Over to @mo."}, format="json"
    )
    results = signed_in(moderator).get("/api/v1/notifications/").json()["results"]
    assert [(n["kind"], n["actor"]) for n in results] == [("mention", "amina")]


def test_a_note_mentioning_a_member_tells_them(cast, member, paper, paragraph):
    response = signed_in(member).post(
        ANNOTATIONS,
        {"paper": paper.pk, "paragraph": paragraph.pk, "role": "claim", "note": "cc @mo"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert LINK.format("mo") in response.json()["note_html"]
    assert mentions() == [("mo", response.json()["id"], None)]


def test_mentioning_yourself_tells_nobody(cast, member, paragraph):
    signed_in(member).post(
        COMMENTS, {"paragraph": paragraph.pk, "body": "Note to @amina"}, format="json"
    )
    assert mentions() == []


def test_an_edit_tells_only_who_it_newly_mentions(cast, member, paragraph):
    client = signed_in(member)
    comment = make_comment(member, paragraph=paragraph, body="Asking @mo")
    assert mentions() == [("mo", None, comment.pk)]
    url = f"{COMMENTS}{comment.pk}/"
    # The same mention again: nobody is told twice.
    response = client.patch(url, {"body": "Asking @mo, again"}, format="json")
    assert response.status_code == 200, response.json()
    assert mentions() == [("mo", None, comment.pk)]
    # A new one: one new notification, for them alone.
    client.patch(url, {"body": "Asking @mo and @olive"}, format="json")
    assert mentions() == [("mo", None, comment.pk), ("olive", None, comment.pk)]
    # Dropped and added back: still told once.
    client.patch(url, {"body": "Nobody"}, format="json")
    client.patch(url, {"body": "@olive @mo"}, format="json")
    assert Notification.objects.count() == 2


def test_an_edited_note_tells_only_who_it_newly_mentions(cast, member, paragraph):
    annotation = make_annotation(member, paragraph, note="for @mo")
    url = f"{ANNOTATIONS}{annotation.pk}/"
    client = signed_in(member)
    assert client.patch(url, {"note": "for @mo!"}, format="json").status_code == 200
    assert mentions() == [("mo", annotation.pk, None)]
    assert client.patch(url, {"note": "for @mo and @olive"}, format="json").status_code == 200
    assert mentions() == [("mo", annotation.pk, None), ("olive", annotation.pk, None)]


def test_a_private_annotation_tells_nobody_until_it_is_shared(cast, member, paper, paragraph):
    client = signed_in(member)
    response = client.post(
        ANNOTATIONS,
        {
            "paper": paper.pk,
            "paragraph": paragraph.pk,
            "role": "claim",
            "note": "ask @mo",
            "visibility": "private",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    url = f"{ANNOTATIONS}{response.json()['id']}/"
    client.patch(url, {"note": "ask @mo and @olive"}, format="json")
    assert mentions() == []
    client.patch(url, {"visibility": "group"}, format="json")
    assert [name for name, _, _ in mentions()] == ["mo", "olive"]


def test_a_mention_in_a_public_group_reaches_only_its_members(public_paper, member):
    paragraph = public_paper.paragraphs.filter(kind="body").first()
    signed_in(member).post(
        COMMENTS, {"paragraph": paragraph.pk, "body": "@mo @otto @bea"}, format="json"
    )
    assert [name for name, _, _ in mentions()] == ["mo"]


def _crowd(group, n: int) -> str:
    people = [f"reader{i}" for i in range(n)]
    for name in people:
        join(group, make_user(name))
    return " ".join(f"@{name}" for name in people)


def test_a_comment_mentioning_too_many_is_refused_and_nothing_saved(cast, member, paragraph):
    text = _crowd(cast, 21)
    response = signed_in(member).post(
        COMMENTS, {"paragraph": paragraph.pk, "body": text}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"body": ["A post mentions at most 20 people; this one mentions 21."]}
    assert not Comment.objects.exists() and not Notification.objects.exists()


def test_a_note_mentioning_too_many_is_refused_and_nothing_saved(cast, member, paper, paragraph):
    text = _crowd(cast, 23)
    response = signed_in(member).post(
        ANNOTATIONS,
        {"paper": paper.pk, "paragraph": paragraph.pk, "role": "claim", "note": text},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"note": ["A post mentions at most 20 people; this one mentions 23."]}
    assert not Annotation.objects.exists() and not Notification.objects.exists()


def test_an_edit_mentioning_too_many_changes_nothing(cast, member, paragraph):
    comment = make_comment(member, paragraph=paragraph, body="Before")
    response = signed_in(member).patch(
        f"{COMMENTS}{comment.pk}/", {"body": _crowd(cast, 21)}, format="json"
    )
    assert response.status_code == 400
    comment.refresh_from_db()
    assert (comment.body, comment.version) == ("Before", 1)
    assert not Notification.objects.exists()


def test_posting_costs_the_same_queries_whatever_the_number_of_mentions(cast, member, paragraph):
    _crowd(cast, 20)
    client = signed_in(member)

    def queries(body: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                COMMENTS, {"paragraph": paragraph.pk, "body": body}, format="json"
            )
            assert response.status_code == 201
        return len(captured)

    two = queries("@reader0 @reader1")
    twenty = queries(" ".join(f"@reader{i}" for i in range(20)))
    assert twenty == two
    assert Notification.objects.filter(kind="mention").count() == 22


# The editor's preview


def test_the_preview_links_mentions_when_told_the_paper(cast, member, paper):
    client = signed_in(member)
    told = client.post(PREVIEW, {"markdown": "@mo and @otto", "paper": paper.pk}, format="json")
    assert told.status_code == 200
    assert told.json()["html"] == f"<p>{LINK.format('mo')} and @otto</p>"
    plain = client.post(PREVIEW, {"markdown": "@mo and @otto"}, format="json")
    assert plain.json()["html"] == "<p>@mo and @otto</p>"
    assert not Notification.objects.exists()


def test_the_preview_refuses_too_many_mentions_as_posting_would(cast, member, paper):
    response = signed_in(member).post(
        PREVIEW, {"markdown": _crowd(cast, 21), "paper": paper.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "markdown": ["A post mentions at most 20 people; this one mentions 21."]
    }


def test_the_preview_of_a_paper_the_caller_may_not_see_is_refused_as_missing(
    cast, outsider, banned, paper
):
    for user in (outsider, banned):
        response = signed_in(user).post(
            PREVIEW, {"markdown": "@mo", "paper": paper.pk}, format="json"
        )
        assert response.status_code == 400
        missing = signed_in(user).post(PREVIEW, {"markdown": "@mo", "paper": 10**6}, format="json")
        assert response.json() == missing.json()
        assert list(response.json()) == ["paper"]


def test_the_preview_links_nobody_for_a_reader_who_may_not_post(public_paper, outsider):
    # A public group's paper is theirs to read, but the preview is no way to learn who is in it.
    response = signed_in(outsider).post(
        PREVIEW, {"markdown": "@mo", "paper": public_paper.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["html"] == "<p>@mo</p>"
