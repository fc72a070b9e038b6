"""Following a paragraph through the API (POST /api/v1/follows/ {paragraph, follow}), as the
panel's Follow button does, for every caller; and what the workspace tells the script."""

import json
import re

import pytest

from annotations.notifications.models import Follow
from tests.conftest import page_client, signed_in

URL = "/api/v1/follows/"


def post(user, paragraph, follow=True):
    return signed_in(user).post(URL, {"paragraph": paragraph.pk, "follow": follow}, format="json")


def public_paragraph(public_paper):
    return public_paper.paragraphs.get(kind="body", text__contains="reader 0")


def test_anonymous_is_refused(paragraph):
    assert post(None, paragraph).status_code == 401
    assert not Follow.objects.exists()


def test_a_non_member_of_a_private_group_is_not_told_it_exists(outsider, paragraph):
    assert post(outsider, paragraph).status_code == 404
    assert not Follow.objects.exists()


def test_a_banned_member_of_a_private_group_is_an_outsider(banned, paragraph):
    assert post(banned, paragraph).status_code == 404


def test_a_non_member_of_a_public_group_may_not_follow(outsider, public_paper):
    response = post(outsider, public_paragraph(public_paper))
    assert response.status_code == 403
    assert "Only active members" in response.json()["detail"]
    assert not Follow.objects.exists()


def test_a_banned_member_of_a_public_group_may_not_follow(banned, public_paper):
    assert post(banned, public_paragraph(public_paper)).status_code == 403
    assert not Follow.objects.exists()


@pytest.mark.parametrize("who", ["member", "moderator", "owner"])
def test_a_member_follows_and_stops(request, who, paragraph):
    user = request.getfixturevalue(who)
    response = post(user, paragraph)
    assert response.status_code == 200
    assert response.json() == {"paragraph": paragraph.pk, "follow": True}
    assert post(user, paragraph).status_code == 200  # twice: still one follow
    assert Follow.objects.filter(user=user, paragraph=paragraph).count() == 1
    assert post(user, paragraph, follow=False).json()["follow"] is False
    assert not Follow.objects.exists()


def test_bad_input_gets_a_clear_answer(member, paragraph):
    client = signed_in(member)
    response = client.post(URL, {"paragraph": "x"}, format="json")
    assert response.status_code == 400
    assert "paragraph" in response.json()
    assert client.post(URL, {"paragraph": 999999}, format="json").status_code == 404


# What the workspace tells its script


def workspace_data(html: str) -> dict:
    found = re.search(r'<script id="workspace-data" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1))


def test_the_workspace_carries_a_members_follows(member, paragraph, paper):
    post(member, paragraph)
    data = workspace_data(page_client(member).get(f"/papers/{paper.pk}/").text)
    assert data["follows"] == {"url": URL, "paragraphs": [paragraph.pk]}


@pytest.mark.parametrize("who", ["anonymous", "outsider", "banned"])
def test_no_follow_button_for_non_members_of_a_public_group(request, who, public_paper):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    data = workspace_data(page_client(user).get(f"/papers/{public_paper.pk}/").text)
    assert data["follows"] is None
