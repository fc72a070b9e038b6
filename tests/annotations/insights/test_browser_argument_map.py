"""The argument map in a real Chromium (tests/browser.py): the map drawn from the scene, a node
followed by click and by keyboard, zoom, the SVG download, the page without JavaScript, and
screenshots at desktop and phone widths and of a big map (tests/artifacts/, for a person to
look at)."""

import time

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Link
from annotations.services import roles_for_group
from tests.browser import DESKTOP, PHONE, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_map(page, live_server, paper):
    page.goto(f"{live_server.url}/papers/{paper.pk}/argument/")
    expect(page.locator("#map-figure")).to_be_visible()
    expect(page.locator(".map-node").first).to_be_visible()
    return page


def node(page, annotation):
    return page.locator(f'.map-node[data-node="{annotation.pk}"]')


def view_box(page) -> str:
    return page.locator("#map-svg").get_attribute("viewBox")


def test_the_map_draws_the_scene(person, live_server, world, member):
    a = world["annotations"]
    page = open_map(person(member), live_server, world["paper"])
    # Every annotation amina sees: three linked, three unsupported claims, three unlinked.
    expect(page.locator(".map-node")).to_have_count(9)
    expect(page.locator(".map-edge")).to_have_count(2)
    expect(page.locator(".map-edge-supports.map-edge")).to_have_count(1)
    expect(page.locator(".map-edge-attacks.map-edge")).to_have_count(1)
    claim = node(page, a["olive_p0"])
    expect(claim).to_have_attribute(
        "aria-label",
        "Claim by olive, 1 comment, supported by 1, attacked by 1: "
        + page.evaluate(
            "(id) => JSON.parse(document.getElementById('argument-data')"
            ".textContent).nodes.find((n) => n.id === id).label",
            a["olive_p0"].pk,
        ),
    )
    # Claims linked to nothing: marked unsupported (a badge and a dashed box).
    lone = node(page, a["amina_p0"])
    expect(lone).to_have_class("map-node role-claim is-unsupported")
    expect(lone.locator(".map-badge-svg")).to_have_count(1)
    expect(page.locator(".map-lane-title")).to_have_text(
        ["Unsupported claims (3)", "Not yet linked (3)"]
    )
    # Evidence left of the claim it supports; the boxes do not overlap.
    boxes = boxes_of(page)
    assert boxes[a["amina_p1"].pk]["x"] < boxes[a["olive_p0"].pk]["x"]
    assert overlaps(boxes) == []
    # With the map, the outline folds under it.
    expect(page.locator("#map-list")).not_to_have_attribute("open", "")
    assert page.errors == []
    shot(page, "argument-map-desktop", full_page=True)


def test_a_click_opens_the_paragraph_in_the_workspace_with_its_panel(
    person, live_server, world, member
):
    a = world["annotations"]
    page = open_map(person(member), live_server, world["paper"])
    node(page, a["amina_p1"]).click()
    # The workspace opens the paragraph's panel, then takes `panel` out of the URL.
    page.wait_for_url(f"**/papers/{world['paper'].pk}/*#{world['p1'].anchor}")
    expect(page.locator("#ws-toolbar")).to_be_visible()
    expect(page.locator("#ws-panel")).to_be_visible()
    expect(page.locator("#ws-panel-title")).to_have_text(f"Paragraph {world['p1'].position}")
    expect(page.locator("#ws-panel .ws-roles")).to_contain_text("amina")
    assert "panel=1" not in page.url


def test_tab_reaches_a_node_and_enter_follows_it(person, live_server, world, member):
    page = open_map(person(member), live_server, world["paper"])
    page.locator("#map-svg").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "document.activeElement.closest('.map-node')?.getAttribute('href') ?? null"
    )
    assert focused is not None and "?panel=1#" in focused
    # The first in Tab order is in the first column (the sources: evidence).
    first = page.evaluate("document.activeElement.closest('.map-node').dataset.node")
    assert int(first) in {world["annotations"]["amina_p1"].pk, world["annotations"]["ravi_p1"].pk}
    # The focus ring shows, and the focused annotation's links light up.
    ring = page.evaluate(
        "getComputedStyle(document.activeElement.querySelector('.map-ring')).stroke"
    )
    assert ring not in ("none", "")
    expect(page.locator(".map-edge.is-lit")).to_have_count(1)
    shot(page, "argument-map-focus")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{focused}")


def test_the_zoom_buttons_and_keys_change_the_view(person, live_server, world, member):
    page = open_map(person(member), live_server, world["paper"])
    start = view_box(page)
    page.get_by_role("button", name="Zoom in").click()
    zoomed = view_box(page)
    assert zoomed != start
    assert width_of(zoomed) < width_of(start)
    page.get_by_role("button", name="Zoom out").click()
    page.get_by_role("button", name="Zoom out").click()
    assert width_of(view_box(page)) > width_of(start)
    page.get_by_role("button", name="Fit").click()
    fitted = view_box(page)
    page.locator("#map-svg").focus()
    page.keyboard.press("+")
    assert width_of(view_box(page)) < width_of(fitted)
    before = view_box(page)
    page.keyboard.press("ArrowRight")
    assert float(view_box(page).split()[0]) > float(before.split()[0])
    page.keyboard.press("0")
    assert view_box(page) == fitted


def test_a_drag_pans_and_the_wheel_zooms(person, live_server, world, member):
    page = open_map(person(member), live_server, world["paper"])
    box = page.locator("#map-svg").bounding_box()
    start = view_box(page)
    # Press on empty space near the top right, drag down and left.
    x, y = box["x"] + box["width"] - 40, box["y"] + 40
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 80, y + 60, steps=5)
    page.mouse.up()
    moved = view_box(page)
    assert moved.split()[2:] == start.split()[2:]  # same size, moved
    assert float(moved.split()[0]) > float(start.split()[0])
    assert float(moved.split()[1]) < float(start.split()[1])
    page.mouse.move(box["x"] + 200, box["y"] + 100)
    page.mouse.wheel(0, -300)
    assert width_of(view_box(page)) < width_of(moved)


def test_download_svg_gives_a_standalone_file(person, live_server, world, member, tmp_path):
    page = open_map(person(member), live_server, world["paper"])
    with page.expect_download() as info:
        page.get_by_role("button", name="Download SVG").click()
    download = info.value
    assert download.suggested_filename == f"marginalia-argument-{world['paper'].pk}.svg"
    path = tmp_path / "map.svg"
    download.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<?xml") or text.startswith("<svg")
    assert 'xmlns="http://www.w3.org/2000/svg"' in text
    assert "Argument map: " + world["paper"].title in text
    assert text.count('class="map-node ') == 9
    # Styles travel with the file: the attack's dashes, the role bar's colour, the fonts.
    # As attributes: the page's Content-Security-Policy refuses style="" even on the copy.
    assert 'stroke-dasharray="7px, 4px"' in text or 'stroke-dasharray="7, 4"' in text
    assert 'fill="rgb(11, 92, 173)"' in text  # #0b5cad, as the browser computed it
    assert 'font-family="' in text and ' style="' not in text
    assert f'href="{live_server.url}/papers/{world["paper"].pk}/?panel=1#' in text
    assert "map-ring" not in text and "tabindex" not in text
    # It is an SVG document a browser opens alone.
    alone = page.context.new_page()
    alone.goto(path.as_uri())
    assert alone.evaluate("document.documentElement.localName") == "svg"
    assert alone.evaluate("document.querySelectorAll('.map-node').length") == 9
    shot(alone, "argument-map-download")


def test_without_javascript_the_outline_is_the_page(signed_in_context, live_server, world, member):
    context, _ = signed_in_context(member, java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/papers/{world['paper'].pk}/argument/")
    expect(page.locator("#map-figure")).to_be_hidden()
    expect(page.locator("#map-list")).to_have_attribute("open", "")
    claim = page.locator(f"#outline-{world['annotations']['olive_p0'].pk}")
    expect(claim).to_be_visible()
    expect(claim.locator(".map-rel")).to_have_text(["supports", "attacks"])
    expect(page.locator("#map-lane-unsupported")).to_be_visible()
    expect(page.locator("#map-lane-unlinked")).to_be_visible()
    expect(page.get_by_role("button", name="Download SVG")).to_be_hidden()
    shot(page, "argument-map-nojs", full_page=True)


def test_the_map_on_a_phone(person, live_server, world, member):
    page = open_map(person(member, viewport=PHONE), live_server, world["paper"])
    expect(page.locator(".map-node")).to_have_count(9)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing wider than the window
    assert page.errors == []
    shot(page, "argument-map-phone", full_page=True)


# A big map: 100 claims, 300 links


WORDS = (
    "reading groups argue about evidence claims theory sources method sample data report "
    "survey interview archive table figure policy region history author attack withdrawal"
).split()


def passage(i: int, length: int) -> dict:
    """A quoted passage of made-up words (the map shows the quote; nothing checks it here)."""
    text = " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(length)).capitalize()
    return {"exact": f"{text} ({i})", "start": 0, "end": len(text) + 4}


def big_paper(world, claims: int = 100, links: int = 300) -> None:
    """`claims` claims and evidence and theory linked to them (supports, attacks, cites; a few
    claims attacking claims): `links` links in all, made with bulk_create."""
    paper, users = world["paper"], list(world["users"].values())
    roles = {role.slug: role for role in roles_for_group(paper.group)}
    paragraphs = list(paper.paragraphs.order_by("position"))
    sources = links - 40

    def annotation(i: int, role: str, words: int) -> Annotation:
        return Annotation(
            paper=paper,
            paragraph=paragraphs[i % len(paragraphs)],
            role=roles[role],
            author=users[i % 3],
            **passage(i, words),
        )

    made = Annotation.objects.bulk_create(
        [annotation(i, "claim", 6 + i % 14) for i in range(claims)]
        + [
            annotation(i, "theory" if i % 4 == 0 else "evidence", 3 + i % 20)
            for i in range(sources)
        ]
    )
    the_claims, others = made[:claims], made[claims:]
    relations = ("supports", "supports", "attacks", "cites")
    rows = [
        Link(
            paper=paper,
            source=source,
            target=the_claims[(i * 37) % claims],
            relation=relations[i % 4],
        )
        for i, source in enumerate(others)
    ]
    rows += [  # a claim attacking another, now and then
        Link(
            paper=paper,
            source=the_claims[i],
            target=the_claims[(i * 3 + 1) % claims],
            relation="attacks",
        )
        for i in range(0, 80, 2)
    ]
    Link.objects.bulk_create(rows)


def test_a_big_map_stays_readable(person, live_server, world, member):
    big_paper(world)
    page = person(member)
    started = time.perf_counter()
    open_map(page, live_server, world["paper"])
    drawn = time.perf_counter() - started
    assert page.locator(".map-edge").count() == 302  # and the scene's two
    boxes = boxes_of(page)
    assert overlaps(boxes) == []
    assert drawn < 10
    shot(page, "argument-map-big")
    for _ in range(3):
        page.get_by_role("button", name="Zoom out").click()
    shot(page, "argument-map-big-half")
    page.get_by_role("button", name="Fit").click()
    shot(page, "argument-map-big-fit")
    assert page.errors == []


# Helpers


def width_of(view_box: str) -> float:
    return float(view_box.split()[2])


def boxes_of(page) -> dict[int, dict]:
    """Each node's box in the drawing's coordinates."""
    return {
        int(key): value
        for key, value in page.evaluate(
            """() => Object.fromEntries([...document.querySelectorAll('.map-node')].map((a) => {
                const m = a.transform.baseVal.consolidate().matrix;
                const r = a.querySelector('.map-box');
                return [a.dataset.node, {x: m.e, y: m.f, w: r.width.baseVal.value,
                                         h: r.height.baseVal.value}];
            }))"""
        ).items()
    }


def overlaps(boxes: dict) -> list:
    items = sorted(boxes.items(), key=lambda kv: (kv[1]["x"], kv[1]["y"]))
    found = []
    for i, (a, p) in enumerate(items):
        for b, q in items[i + 1 :]:
            if q["x"] >= p["x"] + p["w"]:
                break
            if p["x"] < q["x"] + q["w"] and q["y"] < p["y"] + p["h"] and p["y"] < q["y"] + q["h"]:
                found.append((a, b))
    return found
