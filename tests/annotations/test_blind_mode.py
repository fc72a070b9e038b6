"""Blind mode kept on the server for members (`Membership.blind`): the `groups/{slug}/me/`
endpoint for every caller, the independent readings `annotation_create` records from it, the
workspace page rendering it before the first paint, and the Blind button in a real Chromium
(members: kept for the group; anyone else: kept in the browser)."""

import json
import re

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from annotations.services import annotation_create
from papers.models import Membership
from tests.conftest import join, make_group, signed_in
from tests.papers.makers import make_paper

from .conftest import make_annotation

ME = "/api/v1/groups/{slug}/me/"


def me_url(group) -> str:
    return ME.format(slug=group.slug)


def set_blind(user, group, on: bool = True) -> None:
    Membership.objects.filter(user=user, group=group).update(blind=on)


def workspace_data(html: str) -> dict:
    match = re.search(r'<script id="workspace-data" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1))


# The endpoint, for every caller


@pytest.fixture
def cast(group, public_group, owner, moderator, member, banned, outsider):
    """The cast in the private group (their fixture roles) and the same roles in a public one."""
    for user, role in ((owner, "owner"), (moderator, "moderator"), (member, "member")):
        join(public_group, user, role)
    join(public_group, banned, Membership.Role.MEMBER, status=Membership.Status.BANNED)
    users = {"owner": owner, "moderator": moderator, "member": member}
    return {"private": group, "public": public_group, "users": users | {"banned": banned}}


@pytest.mark.parametrize("kind", ["private", "public"])
def test_anonymous_callers_get_404_and_may_not_patch(cast, kind):
    url = me_url(cast[kind])
    assert signed_in(None).get(url).status_code == 404
    assert signed_in(None).patch(url, {"blind": True}, format="json").status_code == 401


@pytest.mark.parametrize("kind", ["private", "public"])
@pytest.mark.parametrize("who", ["outsider", "banned"])
def test_outsiders_and_the_banned_get_404(cast, outsider, kind, who):
    user = outsider if who == "outsider" else cast["users"]["banned"]
    api, url = signed_in(user), me_url(cast[kind])
    assert api.get(url).status_code == 404
    assert api.patch(url, {"blind": True}, format="json").status_code == 404
    assert not Membership.objects.filter(user=user, blind=True).exists()


@pytest.mark.parametrize("kind", ["private", "public"])
@pytest.mark.parametrize("who", ["member", "moderator", "owner"])
def test_members_read_and_set_their_own_choice(cast, kind, who):
    user, group = cast["users"][who], cast[kind]
    api, url = signed_in(user), me_url(group)
    response = api.get(url)
    assert response.status_code == 200
    assert response.json()["blind"] is False
    assert response.json()["user"] == user.username and response.json()["role"] == who

    response = api.patch(url, {"blind": True}, format="json")
    assert response.status_code == 200 and response.json()["blind"] is True
    assert Membership.objects.get(user=user, group=group).blind is True
    # Only this group's membership: the same person's other group is untouched.
    other = cast["public" if kind == "private" else "private"]
    assert Membership.objects.get(user=user, group=other).blind is False
    assert api.get(url).json()["blind"] is True

    response = api.patch(url, {"blind": False}, format="json")
    assert response.status_code == 200 and response.json()["blind"] is False
    assert Membership.objects.get(user=user, group=group).blind is False


def test_an_unknown_group_answers_404(member_api):
    assert member_api.get(ME.format(slug="nowhere")).status_code == 404


@pytest.mark.parametrize("body", [{}, {"blind": "perhaps"}, {"blind": None}, {"blind": [True]}])
def test_a_bad_body_answers_400_naming_blind(member_api, member, group, body):
    response = member_api.patch(me_url(group), body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["blind"] and response.json()["blind"]
    assert Membership.objects.get(user=member, group=group).blind is False


def test_unknown_fields_answer_400_naming_them(member_api, member, group):
    response = member_api.patch(me_url(group), {"blind": True, "role": "owner"}, format="json")
    assert response.status_code == 400
    assert "Unknown field: role." in json.dumps(response.json())
    membership = Membership.objects.get(user=member, group=group)
    assert (membership.blind, membership.role) == (False, "member")


def test_only_get_and_patch(member_api, group):
    assert member_api.post(me_url(group), {"blind": True}, format="json").status_code == 405
    assert member_api.delete(me_url(group)).status_code == 405


# Independent readings, through the API as the page's script makes them


def tag_through_api(api, paragraph, role: str = "claim", **extra) -> Annotation:
    response = api.post(
        "/api/v1/annotations/", {"paragraph": paragraph.pk, "role": role, **extra}, format="json"
    )
    assert response.status_code == 201, response.content
    return Annotation.objects.get(pk=response.json()["id"])


def test_a_blind_members_first_tag_on_a_paragraph_is_independent(
    member_api, member, owner, group, paragraph
):
    make_annotation(owner, paragraph, "evidence")  # someone else's tag first: no matter
    assert member_api.patch(me_url(group), {"blind": True}, format="json").status_code == 200
    first = tag_through_api(member_api, paragraph, "claim")
    second = tag_through_api(member_api, paragraph, "evidence", quote={"exact": "As"})
    assert first.independent is True
    assert second.independent is False  # by then the others' roles were shown


def test_each_paragraph_has_its_own_first_tag(member_api, member, group, paper, paragraph):
    set_blind(member, group)
    other = paper.paragraphs.get(kind="body", text__contains="reader 1")
    tag_through_api(member_api, paragraph)
    assert tag_through_api(member_api, other).independent is True


def test_tags_made_without_blind_mode_are_not_independent(member_api, member, paragraph):
    assert tag_through_api(member_api, paragraph).independent is False


def test_a_tag_after_a_deleted_one_on_the_paragraph_is_not_independent(
    member_api, member, group, paragraph
):
    """The deleted tag showed the member the others' roles while it stood."""
    earlier = tag_through_api(member_api, paragraph)
    assert member_api.delete(f"/api/v1/annotations/{earlier.pk}/").status_code == 204
    set_blind(member, group)
    assert tag_through_api(member_api, paragraph).independent is False


def test_the_choice_is_per_group(member_api, member, group, public_paper):
    """Blind in one group says nothing of another."""
    set_blind(member, group)
    paragraph = public_paper.paragraphs.get(kind="body", text__contains="reader 0")
    assert tag_through_api(member_api, paragraph).independent is False


# The workspace page


def test_the_page_renders_blind_mode_for_a_blind_member(member_client, member, group, paper):
    set_blind(member, group)
    html = member_client.get(paper.get_absolute_url()).text
    assert '<html lang="en" data-blind>' in html
    assert workspace_data(html)["blind"] == {"on": True, "url": me_url(group)}
    # Kept by the server: the browser's own copy is not read for a member.
    assert "blind-early.js" not in html
    assert "kept for Seminar: your first tag on each paragraph then counts as an independent" in (
        html
    )


def test_a_member_not_reading_blind_gets_no_data_blind(member_client, group, paper):
    html = member_client.get(paper.get_absolute_url()).text
    assert '<html lang="en">' in html
    assert workspace_data(html)["blind"] == {"on": False, "url": me_url(group)}
    assert "blind-early.js" not in html


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_readers_who_are_not_members_keep_it_in_their_browser(
    client, outsider, member, public_paper, who
):
    set_blind(member, public_paper.group)  # someone else's choice: nothing to do with theirs
    if who == "outsider":
        client.force_login(outsider)
    html = client.get(public_paper.get_absolute_url()).text
    assert '<html lang="en">' in html
    assert workspace_data(html)["blind"] is None
    key = f"marginalia.blind.{outsider.pk if who == 'outsider' else 'anonymous'}"
    # Read before the first paint by a script file in <head> (no inline script: the CSP).
    script = f'<script src="/static/annotations/blind-early.js" data-key="{key}"></script>'
    assert script in html and html.index(script) < html.index("<body")
    assert "independent reading" not in html


def test_another_groups_choice_does_not_blind_this_page(member_client, member, public_paper):
    set_blind(member, Membership.objects.get(user=member, group__visibility="private").group)
    html = member_client.get(public_paper.get_absolute_url()).text
    assert '<html lang="en">' in html


# The Blind button in a real Chromium


@pytest.fixture
def scene(db, group, owner, member, paper):
    """The owner has tagged two paragraphs; the member has tagged neither."""
    first = paper.paragraphs.get(kind="body", text__contains="reader 0")
    second = paper.paragraphs.get(kind="body", text__contains="reader 1")
    annotation_create(user=owner, paragraph=first, role_slug="claim")
    annotation_create(user=owner, paragraph=second, role_slug="evidence")
    return {"first": first, "second": second}


def open_workspace(page, live_server, paper):
    page.goto(live_server.url + paper.get_absolute_url())
    expect(page.locator("#ws-toolbar")).to_be_visible()
    return page


def chips_of(page, paragraph):
    return page.locator(f'.para[data-paragraph="{paragraph.pk}"] .ws-chips')


def is_me(response) -> bool:
    return response.url.endswith("/me/") and response.request.method == "PATCH"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_members_blind_button_is_kept_for_the_group(
    person, live_server, group, member, paper, scene
):
    page = open_workspace(person(member), live_server, paper)
    blind = page.get_by_role("button", name="Blind")
    expect(blind).to_have_attribute("title", re.compile("kept for Seminar"))
    expect(chips_of(page, scene["first"])).to_be_visible()

    with page.expect_response(is_me) as answer:
        blind.click()
    assert answer.value.status == 200
    expect(blind).to_have_attribute("aria-pressed", "true")
    expect(chips_of(page, scene["first"])).to_be_hidden()
    expect(chips_of(page, scene["second"])).to_be_hidden()
    assert Membership.objects.get(user=member, group=group).blind is True
    assert page.evaluate("localStorage.length") == 0  # the server keeps it, not the browser

    page.reload()
    expect(page.locator("#ws-toolbar")).to_be_visible()
    assert page.evaluate("document.documentElement.hasAttribute('data-blind')")
    expect(blind).to_have_attribute("aria-pressed", "true")
    expect(chips_of(page, scene["first"])).to_be_hidden()

    # Tagging a paragraph shows the others' roles there, and the tag is independent.
    page.locator(f'.para[data-paragraph="{scene["first"].pk}"]').click()
    page.keyboard.press("e")
    expect(chips_of(page, scene["first"])).to_be_visible()
    expect(chips_of(page, scene["first"])).to_contain_text("Evidence 1")
    expect(chips_of(page, scene["first"])).to_contain_text("Claim 1")
    expect(chips_of(page, scene["second"])).to_be_hidden()
    mine = Annotation.objects.get(author=member)
    assert (mine.role.slug, mine.independent) == ("evidence", True)

    with page.expect_response(is_me):
        page.keyboard.press("b")
    expect(blind).to_have_attribute("aria-pressed", "false")
    expect(chips_of(page, scene["second"])).to_be_visible()
    assert Membership.objects.get(user=member, group=group).blind is False
    assert page.errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_refused_change_is_said_and_turned_back(person, live_server, group, member, paper, scene):
    page = open_workspace(person(member), live_server, paper)
    page.route(
        re.compile(r".*/me/$"),
        lambda route: route.fulfill(
            status=503, content_type="application/json", json={"detail": "Down for a moment."}
        ),
    )
    blind = page.get_by_role("button", name="Blind")
    blind.click()
    expect(page.locator("#ws-notice")).to_contain_text(
        "Blind mode could not be turned on: Down for a moment."
    )
    expect(blind).to_have_attribute("aria-pressed", "false")
    assert not page.evaluate("document.documentElement.hasAttribute('data-blind')")
    expect(chips_of(page, scene["first"])).to_be_visible()
    assert Membership.objects.get(user=member, group=group).blind is False


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_outsider_keeps_blind_mode_in_the_browser(person, live_server, outsider, owner):
    public = make_group("Open Seminar", visibility="public")
    join(public, owner, Membership.Role.OWNER)
    paper = make_paper(public, user=owner)
    first = paper.paragraphs.get(kind="body", text__contains="reader 0")
    annotation_create(user=owner, paragraph=first, role_slug="claim")
    page = open_workspace(person(outsider), live_server, paper)
    requests = []
    page.on("request", lambda r: requests.append(r.url) if r.url.endswith("/me/") else None)

    page.get_by_role("button", name="Blind").click()
    expect(page.get_by_role("button", name="Blind")).to_have_attribute("aria-pressed", "true")
    expect(chips_of(page, first)).to_be_hidden()
    assert page.evaluate(f"localStorage.getItem('marginalia.blind.{outsider.pk}')") == "on"
    page.reload()
    expect(page.locator("#ws-toolbar")).to_be_visible()
    expect(chips_of(page, first)).to_be_hidden()
    assert requests == []
    assert page.errors == []
