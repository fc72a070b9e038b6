"""`can` on annotations, comments and links: what the API says the caller may do with each item,
for every role and status, and that the write endpoints then agree (a true answer is taken, a
false one refused). The rules are the services' (annotations.permissions,
annotations.moderation.services); the browser reads `can` instead of repeating them."""

import pytest
from django.db import transaction

from annotations.models import Annotation, Comment, Status
from annotations.moderation import services as moderation
from annotations.services import comment_delete, link_create
from tests.conftest import join, make_user, signed_in

from .conftest import CAN_AUTHOR, CAN_NOTHING, make_annotation, make_comment

ANNOTATIONS = "/api/v1/annotations/"
COMMENTS = "/api/v1/comments/"
LINKS = "/api/v1/links/"
FLAGS = "/api/v1/flags/"
ACTIONS = "/api/v1/moderation/actions/"
ALL_ACTIONS = ["hide", "unhide", "approve", "reject"]

READERS = ("anonymous", "outsider", "author", "member", "moderator", "owner", "banned")


@pytest.fixture
def scene(public_paper, owner, moderator, member, banned, outsider):
    """A public group: amina (`member`) wrote an annotation and a comment in each status; zoe is
    another plain member; mo moderates, olive owns it, bea is banned, otto an outsider."""
    zoe = make_user("zoe")
    join(public_paper.group, zoe)
    paragraph = public_paper.paragraphs.get(kind="body", text__contains="reader 0")
    annotations, comments = {}, {}
    for status in ("visible", "flagged", "pending", "hidden", "private"):
        visibility = "private" if status == "private" else "group"
        annotations[status] = make_annotation(member, paragraph, note=status, visibility=visibility)
        comments[status] = make_comment(member, paragraph=paragraph, body=status)
    del comments["private"]
    comments["deleted"] = make_comment(member, paragraph=paragraph, body="gone")
    comment_delete(comment=comments["deleted"], user=member)
    for items in (annotations, comments):
        moderation.flag_create(user=zoe, target=items["flagged"], reason="spam")
        moderation.moderate(actor=moderator, target=items["hidden"], action="hide", reason="r")
        type(items["pending"]).objects.filter(pk=items["pending"].pk).update(status=Status.PENDING)
    readers = {
        "anonymous": None,
        "outsider": outsider,
        "author": member,
        "member": zoe,
        "moderator": moderator,
        "owner": owner,
        "banned": banned,
    }
    return {"paper": public_paper, "annotations": annotations, "comments": comments, **readers}


MODERATE = {
    "visible": ["hide"],
    "flagged": ["hide", "approve"],  # approving a flagged visible post keeps it
    "pending": ["hide", "approve", "reject"],
    "hidden": ["unhide"],
    "private": [],  # nobody moderates a private annotation (only its author sees it anyway)
    "deleted": [],
}


def expected(reader: str, status: str, *, comment: bool) -> dict | None:
    """What `can` should say; None where the reader does not see the item at all."""
    held = status in ("pending", "hidden")
    if status == "private" and reader != "author":
        return None
    if held and reader not in ("author", "moderator", "owner"):
        return None
    live = status != "deleted"
    can = dict(CAN_NOTHING)
    if reader == "author":
        can |= {"edit": live, "delete": live, "history": True}
    elif reader == "member":
        can |= {"flag": live and not held}
    elif reader in ("moderator", "owner"):
        can |= {"flag": live and not held, "history": True, "moderate": MODERATE[status]}
    if comment:
        can["reply"] = live and reader in ("author", "member", "moderator", "owner")
    return can


def listed(client, url: str, paper) -> dict[int, dict]:
    response = client.get(url, {"paper": paper.pk})
    assert response.status_code == 200
    return {item["id"]: item for item in response.json()["results"]}


@pytest.mark.parametrize("reader", READERS)
def test_can_says_what_each_reader_may_do(scene, reader):
    client = signed_in(scene[reader])
    for url, kind in ((ANNOTATIONS, "annotations"), (COMMENTS, "comments")):
        seen = listed(client, url, scene["paper"])
        for status, item in scene[kind].items():
            want = expected(reader, status, comment=kind == "comments")
            if want is None:
                assert item.pk not in seen, (kind, status)
                continue
            assert seen[item.pk]["can"] == want, (kind, status)
            # The detail answers the same.
            assert client.get(f"{url}{item.pk}/").json()["can"] == want, (kind, status)


def _rolled_back(send):
    """Send a write and undo it, so that every check starts from the same scene."""
    with transaction.atomic():
        response = send()
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("reader", READERS)
def test_the_write_endpoints_take_what_can_allows_and_refuse_the_rest(scene, reader):
    user = scene[reader]
    client = signed_in(user)
    refused = {401} if user is None else {400, 403, 404, 409}
    for url, kind in ((ANNOTATIONS, "annotations"), (COMMENTS, "comments")):
        seen = listed(client, url, scene["paper"])
        target_type = kind[:-1]
        for status, item in scene[kind].items():
            where = (kind, status)
            detail = f"{url}{item.pk}/"
            if item.pk not in seen:
                # Unseen: every write is a 404 (401 without credentials), nothing to offer.
                answer = client.patch(detail, {"note": "x", "body": "x"}, format="json")
                assert answer.status_code == (401 if user is None else 404), where
                continue
            can = seen[item.pk]["can"]
            change = {"note": "changed"} if kind == "annotations" else {"body": "changed"}
            answer = _rolled_back(lambda d=detail, c=change: client.patch(d, c, format="json"))
            assert (answer.status_code == 200) is can["edit"], where
            assert can["edit"] or answer.status_code in refused, where
            if status != "deleted":  # deleting a tombstone again is a quiet 204 for its author
                answer = _rolled_back(lambda d=detail: client.delete(d))
                assert (answer.status_code == 204) is can["delete"], where
                assert can["delete"] or answer.status_code in refused, where
            flag = {"target_type": target_type, "target": item.pk, "reason": "other"}
            answer = _rolled_back(lambda f=flag: client.post(FLAGS, f, format="json"))
            if reader == "member" and status == "flagged":
                # `flag` says who may flag; once per person is the flag's own constraint.
                assert can["flag"] and answer.json()["target"] == ["You have already flagged this."]
            else:
                assert (answer.status_code == 201) is can["flag"], where
                assert can["flag"] or answer.status_code in refused, where
            answer = client.get(f"{detail}revisions/")
            assert (answer.status_code == 200) is can["history"], where
            for action in ALL_ACTIONS:
                body = {"target_type": target_type, "target": item.pk, "action": action}
                body["reason"] = "checked"
                answer = _rolled_back(lambda b=body: client.post(ACTIONS, b, format="json"))
                allowed = action in can["moderate"]
                assert (answer.status_code == 201) is allowed, (*where, action, answer.json())
                assert allowed or answer.status_code in refused, (*where, action)
            if kind == "comments":
                reply = {"parent": item.pk, "body": "A reply."}
                answer = _rolled_back(lambda r=reply: client.post(COMMENTS, r, format="json"))
                assert (answer.status_code == 201) is can["reply"], where
                assert can["reply"] or answer.status_code in refused, where


def test_a_moderator_may_moderate_their_own_post_and_can_says_so(scene, moderator):
    paragraph = scene["annotations"]["visible"].paragraph
    own = make_annotation(moderator, paragraph, note="Mine")
    can = signed_in(moderator).get(f"{ANNOTATIONS}{own.pk}/").json()["can"]
    assert can == CAN_AUTHOR | {"moderate": ["hide"]}
    body = {"target_type": "annotation", "target": own.pk, "action": "hide", "reason": "oops"}
    assert signed_in(moderator).post(ACTIONS, body, format="json").status_code == 201


def test_a_banned_author_keeps_their_history_and_nothing_else(scene, banned):
    paragraph = scene["annotations"]["visible"].paragraph
    role = scene["annotations"]["visible"].role
    # Written before the ban (the services refuse the banned): straight into the table.
    old = Annotation.objects.create(
        paper=scene["paper"], paragraph=paragraph, role=role, author=banned, note="Before"
    )
    client = signed_in(banned)
    can = client.get(f"{ANNOTATIONS}{old.pk}/").json()["can"]
    assert can == CAN_NOTHING | {"history": True}
    assert client.get(f"{ANNOTATIONS}{old.pk}/revisions/").status_code == 200
    assert client.patch(f"{ANNOTATIONS}{old.pk}/", {"note": "x"}, format="json").status_code == 403


def test_a_flag_tells_the_author_nothing_through_can(scene, member):
    """Only a moderator's `can` changes with open flags (they may keep the post); its author's
    and other members' answers are the same flagged or not."""
    items = scene["annotations"]
    client = signed_in(member)
    plain, flagged = (client.get(f"{ANNOTATIONS}{items[s].pk}/").json()["can"] for s in
                      ("visible", "flagged"))  # fmt: skip
    assert plain == flagged


def test_a_held_post_is_not_flagged_it_is_with_the_moderators_already(scene, moderator):
    for kind in ("annotation", "comment"):
        item = scene[f"{kind}s"]["pending"]
        body = {"target_type": kind, "target": item.pk, "reason": "spam"}
        answer = signed_in(moderator).post(FLAGS, body, format="json")
        assert answer.status_code == 400
        assert answer.json()["target"] == ["This is already with the moderators."]


@pytest.mark.parametrize("reader", READERS)
def test_links_say_whether_the_reader_may_remove_them(scene, reader):
    annotations = scene["annotations"]
    author = scene["author"]
    link = link_create(
        user=author, source=annotations["visible"], target=annotations["flagged"], relation="cites"
    )
    client = signed_in(scene[reader])
    [found] = client.get(LINKS, {"paper": scene["paper"].pk}).json()["results"]
    assert found["can"] == {"delete": reader == "author"}
    answer = _rolled_back(lambda: client.delete(f"{LINKS}{link.pk}/"))
    assert (answer.status_code == 204) is found["can"]["delete"]


def test_the_queue_s_items_carry_the_moderator_s_can(scene, moderator):
    results = signed_in(moderator).get("/api/v1/moderation/queue/").json()["results"]
    by_target = {(r["target_type"], r["target"]): r["item"]["can"] for r in results}
    for kind in ("annotation", "comment"):
        flagged, pending = scene[f"{kind}s"]["flagged"], scene[f"{kind}s"]["pending"]
        assert by_target[(kind, flagged.pk)]["moderate"] == ["hide", "approve"]
        assert by_target[(kind, pending.pk)]["moderate"] == ["hide", "approve", "reject"]


def test_the_since_feed_carries_can_and_its_tombstones_do_not(scene, member):
    """A post hidden after the reader's last look comes as a bare tombstone, with no `can`."""
    zoe = scene["member"]
    since = "2000-01-01T00:00:00Z"
    items = signed_in(zoe).get(COMMENTS, {"paper": scene["paper"].pk, "since": since})
    by_id = {item["id"]: item for item in items.json()["results"]}
    hidden = by_id[scene["comments"]["hidden"].pk]
    assert hidden["status"] == "removed" and "can" not in hidden
    visible = by_id[scene["comments"]["visible"].pk]
    assert visible["can"] == expected("member", "visible", comment=True)
    assert Comment.objects.filter(pk=scene["comments"]["hidden"].pk, status="hidden").exists()
