"""The notifications API (API.md: notifications/, {id}/read/, read-all/) and follows/: the
shape, the filters, marking read, each caller, and a constant number of queries."""

import pytest

from annotations.notifications.models import Follow, Notification
from tests.annotations.conftest import make_annotation, make_comment
from tests.conftest import join, make_user, signed_in

pytestmark = pytest.mark.django_db

FIELDS = {
    "id", "kind", "created", "read", "read_at", "actor", "group", "paper", "paragraph",
    "target_type", "target", "sentence", "text", "action", "reason", "url",
}  # fmt: skip


def replies(paragraph, to, by, n: int) -> list:
    top = make_comment(to, paragraph=paragraph, body="The question.")
    return [make_comment(by, parent=top, body=f"Answer **{i}**.") for i in range(n)]


def test_a_notification_as_the_api_shows_it(paragraph, member, owner):
    [reply] = replies(paragraph, member, owner, 1)
    response = signed_in(member).get("/api/v1/notifications/")
    assert response.status_code == 200
    [data] = response.json()["results"]
    assert set(data) == FIELDS
    assert data["kind"] == "reply" and data["read"] is False and data["read_at"] is None
    assert (data["actor"], data["group"]) == ("olive", "seminar")
    assert (data["paper"], data["paragraph"]) == (paragraph.paper_id, paragraph.pk)
    assert (data["target_type"], data["target"]) == ("comment", reply.pk)
    assert data["text"] == "Answer 0."  # plain text, not the Markdown nor the HTML
    assert data["url"] == f"/papers/{paragraph.paper_id}/?panel=1#{paragraph.anchor}"
    assert data["sentence"] == f"olive replied to you on “{paragraph.paper.title}”"


def test_unread_read_and_read_all(paragraph, member, owner):
    replies(paragraph, member, owner, 3)
    api = signed_in(member)
    first, second, third = (n["id"] for n in api.get("/api/v1/notifications/").json()["results"])
    response = api.post(f"/api/v1/notifications/{second}/read/")
    assert response.status_code == 200 and response.json()["read"] is True
    unread = api.get("/api/v1/notifications/?unread=1").json()
    assert unread["count"] == 2 and [n["id"] for n in unread["results"]] == [first, third]
    assert api.post(f"/api/v1/notifications/{second}/read/").status_code == 200  # again: fine
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert api.get("/api/v1/notifications/?unread=1").json()["count"] == 0


def test_newest_first(paragraph, member, owner):
    made = replies(paragraph, member, owner, 3)
    results = signed_in(member).get("/api/v1/notifications/").json()["results"]
    assert [n["target"] for n in results] == [c.pk for c in reversed(made)]


@pytest.mark.parametrize("caller", ["anonymous", "outsider", "owner", "banned"])
def test_nobody_else_reads_or_marks_them(paragraph, member, owner, outsider, banned, caller):
    replies(paragraph, member, owner, 1)
    n = Notification.objects.get(recipient=member)
    user = {"anonymous": None, "outsider": outsider, "owner": owner, "banned": banned}[caller]
    api = signed_in(user)
    listed = api.get("/api/v1/notifications/")
    marked = api.post(f"/api/v1/notifications/{n.pk}/read/")
    if user is None:
        assert (listed.status_code, marked.status_code) == (401, 401)
    else:
        assert listed.status_code == 200 and listed.json()["count"] == 0
        assert marked.status_code == 404
        assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    assert Notification.objects.get(pk=n.pk).read is None


def test_an_unknown_id_is_404(member):
    assert signed_in(member).post("/api/v1/notifications/999999/read/").status_code == 404


@pytest.mark.parametrize("size", [2, 20])
def test_the_list_costs_the_same_whatever_its_length(
    paragraph, member, owner, moderator, size, django_assert_max_num_queries
):
    replies(paragraph, member, owner, size)
    annotation = make_annotation(member, paragraph, note="Mine.")
    for _ in range(size):
        make_comment(moderator, annotation=annotation, body="On your annotation.")
    api = signed_in(member)
    # the session and user; the count; the page with what it shows joined
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/notifications/")
    assert response.json()["count"] == 2 * size


# Following a paragraph


def follow(user, paragraph, on=True):
    return signed_in(user).post(
        "/api/v1/follows/", {"paragraph": paragraph.pk, "follow": on}, format="json"
    )


def test_a_member_follows_and_unfollows(paragraph, member):
    response = follow(member, paragraph)
    assert response.status_code == 200 and response.json() == {
        "paragraph": paragraph.pk,
        "follow": True,
    }
    assert follow(member, paragraph).status_code == 200  # twice: still one follow
    assert Follow.objects.filter(user=member).count() == 1
    listed = signed_in(member).get(f"/api/v1/follows/?paper={paragraph.paper_id}")
    assert listed.json() == {"paragraphs": [paragraph.pk]}
    assert follow(member, paragraph, on=False).json()["follow"] is False
    assert not Follow.objects.exists()


@pytest.mark.parametrize(
    ("caller", "private", "public"),
    [
        ("anonymous", 401, 401),
        ("outsider", 404, 403),
        ("banned", 404, 403),
        ("member", 200, 200),
        ("moderator", 200, 200),
        ("owner", 200, 200),
    ],
)
def test_who_may_follow(request, paper, public_paper, caller, private, public):
    user = None if caller == "anonymous" else request.getfixturevalue(caller)
    for the_paper, expected in ((paper, private), (public_paper, public)):
        paragraph = the_paper.paragraphs.get(kind="body", text__contains="reader 0")
        assert follow(user, paragraph).status_code == expected, the_paper.group
    assert Follow.objects.filter(user__isnull=True).count() == 0


def test_following_asks_for_a_paragraph(member):
    response = signed_in(member).post("/api/v1/follows/", {"follow": True}, format="json")
    assert response.status_code == 400 and "paragraph" in response.json()
    assert signed_in(member).get("/api/v1/follows/?paper=x").status_code == 400


def test_a_follower_hears_of_comments(paragraph, member, owner):
    follow(member, paragraph)
    make_comment(owner, paragraph=paragraph, body="News on this paragraph.")
    results = signed_in(member).get("/api/v1/notifications/").json()["results"]
    assert [n["kind"] for n in results] == ["thread"]


def test_someone_who_joins_later_follows_like_anyone(paragraph, group):
    kai = make_user("kai")
    join(group, kai)
    assert follow(kai, paragraph).status_code == 200
