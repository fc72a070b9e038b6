"""The annotation workspace in a real Chromium: keyboard tagging, passages, threads between two
people, links, blind mode, and the one place where UTF-16 and code points meet.

Drives Debian's /usr/bin/chromium through Playwright's sync API (as tests/papers/
test_browser_reading.py does). Each person gets a browser context of their own, signed in with a
session made by Django's test client. Screenshots go to tests/artifacts/ (git-ignored) for a
person to look at.
"""

import json

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation, Comment, Link
from annotations.services import (
    annotation_create,
    annotation_delete,
    annotation_update,
    comment_create,
)
from papers.models import Membership, Paper, Section
from tests.browser import PHONE, shot
from tests.conftest import join, make_group, make_user
from tests.papers.makers import add_paragraphs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Live updates poll every 3 s: anything another person does shows within 5 s.
LIVE = 5_000

INTRO = (
    "Reading groups have long been where scholars test what a paper claims, yet most of their "
    "reasoning vanishes once the meeting ends."
)
CLAIM = (
    "Shared annotation changes the conditions under which a group reasons: arguments written "
    "where the text is can be examined, answered and linked."
)
# Outside the Basic Multilingual Plane (🙂, 𝐀, 📚) and right-to-left text (Arabic, Hebrew):
# the offsets the browser counts (UTF-16) are not the server's (code points).
EVIDENCE = (
    "In our 🙂 survey of 𝐀-level seminars, 42 groups that annotated together 📚 resolved more "
    "disagreements than the 17 that only talked; one group read in Arabic (القراءة معًا) and "
    "one in Hebrew (קריאה משותפת)."
)
THEORY = (
    "On the argumentative theory of reasoning, people reason best when they exchange and "
    "evaluate arguments rather than deliberate alone."
)
METHODS = (
    "We coded every annotation of forty sessions by its role and counted how often a claim was "
    "answered with evidence within the same meeting."
)
CLOSING = "Whether the effect lasts beyond a term is a question we leave open."


def make_workspace_paper(group) -> Paper:
    paper = Paper.objects.create(
        group=group,
        title="Reading Together: Annotation as Collective Reasoning",
        authors=["A. Reader", "B. Scholar"],
        keywords=["annotation", "argumentation"],
        source_format="markdown",
    )
    intro, results = Section.objects.bulk_create(
        [
            Section(paper=paper, position=1, level=1, title="Introduction", anchor="s-1"),
            Section(paper=paper, position=2, level=1, title="Findings", anchor="s-2"),
        ]
    )
    add_paragraphs(
        paper,
        [
            ("abstract", None, INTRO, None, ""),
            ("body", intro, CLAIM, None, ""),
            ("body", intro, THEORY, None, ""),
            ("body", results, EVIDENCE, None, ""),
            ("body", results, METHODS, None, ""),
            ("body", results, CLOSING, None, ""),
        ],
    )
    return paper


@pytest.fixture
def world(db):
    """A private group with two members, amina and bo, and a paper."""
    group = make_group("Seminar")
    amina, bo = make_user("amina"), make_user("bo")
    join(group, amina, Membership.Role.OWNER)
    join(group, bo, Membership.Role.MEMBER)
    paper = make_workspace_paper(group)
    return {"group": group, "amina": amina, "bo": bo, "paper": paper}


def para(paper, text: str):
    return paper.paragraphs.get(text=text)


def open_workspace(page, live_server, paper):
    page.goto(live_server.url + paper.get_absolute_url())
    expect(page.locator("#ws-toolbar")).to_be_visible()
    return page


def focused_paragraph(page) -> int | None:
    return page.evaluate("Number(document.activeElement?.dataset?.paragraph) || null")


def word_box(page, paragraph, needle: str) -> dict:
    return page.evaluate(
        """([id, needle]) => {
            const root = document.querySelector(`.para[data-paragraph="${id}"] .para-text`);
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const at = walker.currentNode.data.indexOf(needle);
                if (at === -1) continue;
                const range = document.createRange();
                range.setStart(walker.currentNode, at);
                range.setEnd(walker.currentNode, at + needle.length);
                const box = range.getBoundingClientRect();
                return {x: box.left + box.width / 2, y: box.top + box.height / 2};
            }
            return null;
        }""",
        [paragraph.pk, needle],
    )


def select_text(page, paragraph, needle: str) -> None:
    """Select `needle` in the paragraph with the mouse: press at its first character, drag to
    just after its last. The paragraph is scrolled to the middle first: a drag near the
    window's edge scrolls the page and selects on."""
    box = page.evaluate(
        """([id, needle]) => {
            const root = document.querySelector(`.para[data-paragraph="${id}"] .para-text`);
            root.scrollIntoView({block: "center"});
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const node = walker.currentNode;
                const at = node.data.indexOf(needle);
                if (at === -1) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + 1);
                const first = range.getBoundingClientRect();
                // The last character, whole: an emoji is two UTF-16 units, and half of one has
                // no box of its own.
                const last_char = [...needle].at(-1);
                range.setStart(node, at + needle.length - last_char.length);
                range.setEnd(node, at + needle.length);
                const last = range.getBoundingClientRect();
                // Right to left, a word starts at its right edge.
                const rtl = last.left < first.left;
                return {x1: rtl ? first.right - 1 : first.left + 1,
                        y1: first.top + first.height / 2,
                        x2: rtl ? last.left + 1 : last.right - 1,
                        y2: last.top + last.height / 2};
            }
            return null;
        }""",
        [paragraph.pk, needle],
    )
    assert box, f"{needle!r} is not in the paragraph"
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, box["y2"], steps=4)
    page.mouse.move(box["x2"], box["y2"], steps=4)
    page.mouse.up()
    assert page.evaluate("String(window.getSelection())") == needle


# The acceptance scenarios


def test_keyboard_only_tags_three_paragraphs_with_three_roles(person, live_server, world):
    paper, amina = world["paper"], world["amina"]
    page = open_workspace(person(amina), live_server, paper)
    expected = [para(paper, text) for text in (INTRO, CLAIM, THEORY)]

    page.keyboard.press("j")  # the first paragraph in view: the abstract
    assert focused_paragraph(page) == expected[0].pk
    expect(page.locator(f'.para[data-paragraph="{expected[0].pk}"]')).to_have_attribute(
        "aria-current", "true"
    )
    page.keyboard.press("t")  # theory
    page.keyboard.press("j")
    page.keyboard.press("c")  # claim
    page.keyboard.press("ArrowDown")
    page.keyboard.press("2")  # the second role by number: evidence
    chips = page.locator(f'.para[data-paragraph="{expected[2].pk}"] .ws-chip.role-evidence')
    expect(chips).to_contain_text("Evidence 1")
    page.keyboard.press("k")  # back up: the claim's paragraph keeps its chip
    assert focused_paragraph(page) == expected[1].pk
    shot(page, "workspace-1-keyboard-tags")

    rows = Annotation.objects.filter(author=amina).order_by("paragraph__position")
    assert [(a.paragraph_id, a.role.slug, a.start) for a in rows] == [
        (expected[0].pk, "theory", None),
        (expected[1].pk, "claim", None),
        (expected[2].pk, "evidence", None),
    ]
    # After a reload the server draws the same chips; the minimap has a tick per paragraph.
    page.reload()
    for paragraph, role in zip(expected, ("theory", "claim", "evidence"), strict=True):
        expect(
            page.locator(f'.para[data-paragraph="{paragraph.pk}"] .ws-chip.role-{role}')
        ).to_be_visible()
    expect(page.locator(".ws-tick")).to_have_count(3)
    # The minimap is one tab stop: m goes to it, ↓ moves, Enter goes to the paragraph.
    page.keyboard.press("m")
    expect(page.locator(".ws-tick").first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator(".ws-tick").nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    assert focused_paragraph(page) == expected[1].pk
    assert page.errors == []


def test_a_passage_selected_with_the_mouse_is_highlighted_after_a_reload(
    person, live_server, world
):
    paper, amina = world["paper"], world["amina"]
    evidence = para(paper, EVIDENCE)
    page = open_workspace(person(amina), live_server, paper)
    # After an emoji and a mathematical letter: UTF-16 offsets run ahead of code points.
    select_text(page, evidence, "42 groups that annotated together 📚")
    page.get_by_role("button", name="Evidence").click()
    mark = page.locator(f'.para[data-paragraph="{evidence.pk}"] mark.hl.role-evidence')
    expect(mark).to_have_text("42 groups that annotated together 📚")

    annotation = Annotation.objects.get(author=amina)
    start = EVIDENCE.index("42 groups")
    assert (annotation.start, annotation.end) == (start, start + 35)
    assert annotation.exact == "42 groups that annotated together 📚"
    assert EVIDENCE[annotation.start : annotation.end] == annotation.exact

    # A right-to-left word, selected by a double click, tagged with its key.
    box = word_box(page, evidence, "القراءة")
    page.mouse.dblclick(box["x"], box["y"])
    assert page.evaluate("String(window.getSelection())") == "القراءة"
    page.keyboard.press("c")
    expect(page.locator(f'.para[data-paragraph="{evidence.pk}"] mark.hl.role-claim')).to_have_text(
        "القراءة"
    )

    page.reload()
    mark = page.locator(f'.para[data-paragraph="{evidence.pk}"] mark.hl.role-evidence')
    expect(mark).to_have_text("42 groups that annotated together 📚")
    mark.hover()  # the title (role and author) comes when the pointer rests on it
    expect(mark).to_have_attribute("title", "Evidence · amina")
    rtl = Annotation.objects.get(role__slug="claim")
    assert rtl.exact == "القراءة" and EVIDENCE[rtl.start : rtl.end] == "القراءة"
    page.locator(f'.para[data-paragraph="{evidence.pk}"]').scroll_into_view_if_needed()
    shot(page, "workspace-2-passages")
    assert page.errors == []


def test_a_passage_selected_from_the_keyboard(person, live_server, world):
    paper, amina = world["paper"], world["amina"]
    evidence = para(paper, EVIDENCE)
    page = open_workspace(person(amina), live_server, paper)
    for _ in range(4):  # abstract, claim, theory, evidence
        page.keyboard.press("j")
    assert focused_paragraph(page) == evidence.pk
    page.keyboard.press("s")  # the first word: "In"
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # the end moves by words: our, survey, of (🙂 is no word)
    page.keyboard.press("Shift+ArrowRight")  # the start moves past "In"
    assert page.evaluate("String(window.getSelection())") == "our 🙂 survey of"
    page.keyboard.press("t")
    mark = page.locator(f'.para[data-paragraph="{evidence.pk}"] mark.hl.role-theory')
    expect(mark).to_have_text("our 🙂 survey of")
    annotation = Annotation.objects.get(author=amina)
    assert annotation.exact == "our 🙂 survey of"
    assert EVIDENCE[annotation.start : annotation.end] == "our 🙂 survey of"
    assert page.errors == []


def test_two_people_reply_to_each_other_and_see_it_without_reloading(person, live_server, world):
    paper, amina, bo = world["paper"], world["amina"], world["bo"]
    claim = para(paper, CLAIM)
    pages = {}
    for user in (amina, bo):
        page = open_workspace(person(user), live_server, paper)
        page.locator(f'.para[data-paragraph="{claim.pk}"]').click()
        page.keyboard.press("Enter")
        expect(page.locator("#ws-panel")).to_be_visible()
        expect(page.locator("#ws-panel-title")).to_have_text("Paragraph 2")
        pages[user.username] = page
    a, b = pages["amina"], pages["bo"]

    a.get_by_label("Start a thread on this paragraph").fill("Is *this* the paper's main claim?")
    a.get_by_role("button", name="Preview").click()
    expect(a.locator(".ws-preview")).to_contain_text("Is this the paper's main claim?")
    expect(a.locator(".ws-preview em")).to_have_text("this")
    a.get_by_role("button", name="Preview").click()  # back to the text box
    a.get_by_role("button", name="Post").click()
    expect(a.locator(".ws-comment")).to_contain_text("Is this the paper's main claim?")

    # Bo sees it appear in the open panel, and a quiet notice, without reloading.
    thread_b = b.locator(".ws-discussion .ws-comment").first
    expect(thread_b).to_contain_text("Is this the paper's main claim?", timeout=LIVE)
    expect(b.locator("#ws-notice")).to_have_text("1 new comment.")
    thread_b.get_by_role("button", name="Reply").click()
    b.get_by_label("Reply to amina").fill("Yes: the abstract says so in as many words.")
    b.get_by_role("button", name="Reply", exact=True).last.click()
    expect(b.locator(".ws-replies")).to_contain_text("the abstract says so")

    # Amina sees the reply under her comment, and answers it in turn.
    reply_a = a.locator(".ws-replies .ws-comment")
    expect(reply_a).to_contain_text("Yes: the abstract says so", timeout=LIVE)
    reply_a.get_by_role("button", name="Reply").click()
    a.get_by_label("Reply to bo").fill("Then the evidence should point at it.")
    a.locator(".ws-replies .ws-composer button[type=submit]").first.click()
    expect(b.locator(".ws-replies .ws-replies")).to_contain_text(
        "Then the evidence should point at it.", timeout=LIVE
    )
    expect(b.locator(f'.para[data-paragraph="{claim.pk}"] .ws-chip-comments')).to_have_text(
        "3 comments"
    )
    shot(b, "workspace-3-thread")

    rows = list(Comment.objects.order_by("id").values_list("author__username", "parent_id"))
    first = Comment.objects.order_by("id").first().pk
    assert rows == [("amina", None), ("bo", first), ("amina", first + 1)]
    assert a.errors == [] and b.errors == []


def test_an_evidence_passage_is_linked_to_the_claim_it_supports(person, live_server, world):
    paper, amina, bo = world["paper"], world["amina"], world["bo"]
    claim_para, evidence_para = para(paper, CLAIM), para(paper, EVIDENCE)
    claim = annotation_create(
        user=bo, paragraph=claim_para, role_slug="claim", quote={"exact": "Shared annotation"}
    )
    start = EVIDENCE.index("42 groups")
    evidence = annotation_create(
        user=amina,
        paragraph=evidence_para,
        role_slug="evidence",
        quote={"start": start, "end": start + 9},
        note="Counts from **our own** survey.",
    )
    page = open_workspace(person(amina), live_server, paper)
    page.locator(f'mark.hl[data-annotation="{evidence.pk}"]').click()  # opens the panel
    item = page.locator(f'.ws-annotation[data-annotation="{evidence.pk}"]')
    expect(item).to_contain_text("42 groups")
    expect(item.locator(".ws-note strong")).to_have_text("our own")
    item.locator(".ws-annotation-choose").click()
    expect(item.locator(".ws-annotation-choose")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("l")

    bar = page.get_by_role("region", name="Link mode")
    expect(bar).to_be_visible()
    expect(bar.get_by_label("supports")).to_be_focused()
    target = bar.get_by_role("button", name="Shared annotation")
    expect(target).to_have_count(1)
    shot(page, "workspace-4-link-mode")
    bar.get_by_label("supports").press("Tab")
    expect(target).to_be_focused()
    page.keyboard.press("Enter")
    expect(bar).to_be_hidden()
    expect(page.locator("#ws-notice")).to_contain_text("Linked: it supports the claim")

    link = Link.objects.get()
    assert (link.source_id, link.target_id, link.relation) == (evidence.pk, claim.pk, "supports")
    expect(item.locator(".ws-links")).to_contain_text("supports Claim (¶ 2): “Shared annotation”")
    shot(page, "workspace-5-linked")
    assert page.errors == []


def test_blind_mode_hides_the_others_roles_until_you_tag_the_paragraph(person, live_server, world):
    paper, amina, bo = world["paper"], world["amina"], world["bo"]
    claim_para, theory_para = para(paper, CLAIM), para(paper, THEORY)
    annotation_create(user=bo, paragraph=claim_para, role_slug="claim", quote={"exact": "Shared"})
    annotation_create(user=bo, paragraph=theory_para, role_slug="theory")
    page = open_workspace(person(amina), live_server, paper)
    claim_chips = page.locator(f'.para[data-paragraph="{claim_para.pk}"] .ws-chips')
    theory_chips = page.locator(f'.para[data-paragraph="{theory_para.pk}"] .ws-chips')
    bo_mark = page.locator(f'.para[data-paragraph="{claim_para.pk}"] mark.hl')
    expect(claim_chips).to_contain_text("Claim 1")
    expect(page.locator(".ws-tick")).to_have_count(2)

    page.keyboard.press("b")
    expect(page.get_by_role("button", name="Blind")).to_have_attribute("aria-pressed", "true")
    expect(claim_chips).to_be_hidden()
    expect(theory_chips).to_be_hidden()
    expect(page.locator(".ws-tick")).to_have_count(0)
    # The choice is the reader's own and stays: after a reload it is still on, from the first
    # paint (the others' roles never flash).
    page.reload()
    expect(page.get_by_role("button", name="Blind")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.documentElement.hasAttribute('data-blind')")
    expect(claim_chips).to_be_hidden()
    background = "el => getComputedStyle(el).backgroundColor"
    assert bo_mark.evaluate(background) == "rgba(0, 0, 0, 0)"  # no wash of colour

    # The panel says why it shows nothing of the group.
    page.locator(f'.para[data-paragraph="{claim_para.pk}"]').click()
    page.keyboard.press("Enter")
    expect(page.locator(".ws-blind-note")).to_be_visible()
    shot(page, "workspace-6-blind")
    # Amina tags the paragraph herself: Bo's claim appears, beside hers.
    page.keyboard.press("e")
    expect(claim_chips).to_be_visible()
    expect(claim_chips).to_contain_text("Claim 1")
    expect(claim_chips).to_contain_text("Evidence 1")
    assert bo_mark.evaluate(background) != "rgba(0, 0, 0, 0)"
    expect(page.locator(".ws-blind-note")).to_have_count(0)
    expect(page.locator(".ws-annotation")).to_have_count(2)
    expect(theory_chips).to_be_hidden()  # still hidden where she has not tagged

    page.keyboard.press("Escape")
    page.keyboard.press("b")  # off: everything shows
    expect(theory_chips).to_contain_text("Theory 1")
    assert page.errors == []


# The one place where offsets are converted


ROUND_TRIPS = [
    "plain ASCII",
    "🙂 emoji first, then 😀😃 two more",
    "𝐀𝐁𝐂 mathematical bold, 𝔘 fraktur",
    "Arabic القراءة معًا and Hebrew קריאה משותפת, mixed with 📚",
    "e\u0301 combining accent, ﬁ ligature, 한국어",
    "",
]


def test_the_offsets_module_converts_utf16_and_code_points_both_ways(person, live_server, world):
    page = open_workspace(person(world["amina"]), live_server, world["paper"])
    result = page.evaluate(
        """async (texts) => {
            const m = await import("/static/annotations/offsets.js");
            return texts.map((text) => {
                const points = [...text];
                const toUtf16 = [];
                const back = [];
                for (let cp = 0; cp <= points.length; cp++) {
                    const u = m.toUtf16(text, cp);
                    toUtf16.push(u);
                    back.push(m.toCodePoints(text, u));
                }
                const half = [];
                for (let u = 0; u < text.length; u++) half.push(m.toCodePoints(text, u));
                return {length: m.codePointLength(text), toUtf16, back, half,
                        slice: m.sliceCodePoints(text, 1, 4),
                        quote: m.quoteFromUtf16(text, 2, Math.max(2, text.length - 1), 3)};
            });
        }""",
        ROUND_TRIPS,
    )
    for text, got in zip(ROUND_TRIPS, result, strict=True):
        n = len(text)
        assert got["length"] == n
        utf16 = [len(text[:cp].encode("utf-16-le")) // 2 for cp in range(n + 1)]
        assert got["toUtf16"] == utf16, text
        assert got["back"] == list(range(n + 1)), text
        # A UTF-16 offset inside a surrogate pair rounds down to its character.
        for u, cp in enumerate(got["half"]):
            assert utf16[cp] <= u < (utf16[cp + 1] if cp < n else u + 1), (text, u)
        assert got["slice"] == text[1:4]
        quote = got["quote"]
        assert text[quote["start"] : quote["end"]] == quote["exact"]
        assert quote["prefix"] == text[max(0, quote["start"] - 3) : quote["start"]]
        assert quote["suffix"] == text[quote["end"] : quote["end"] + 3]
    # Out of range: clamped.
    clamped = page.evaluate(
        """async () => {
            const m = await import("/static/annotations/offsets.js");
            return [m.toUtf16("a🙂", 99), m.toCodePoints("a🙂", 99), m.toCodePoints("a🙂", -4)];
        }"""
    )
    assert clamped == [3, 2, 0]


def test_the_page_text_is_the_paragraph_text(person, live_server, world):
    """What the script counts offsets in (textmap.js) is Paragraph.text, citation popovers
    left out: the server's offsets land on the same characters."""
    paper = world["paper"]
    page = open_workspace(person(world["amina"]), live_server, paper)
    texts = page.evaluate(
        """async () => {
            const t = await import("/static/annotations/textmap.js");
            return Object.fromEntries([...document.querySelectorAll(".para[data-paragraph]")].map(
                (el) => [el.dataset.paragraph, t.textOf(el.querySelector(".para-text"))]));
        }"""
    )
    assert {int(k): v for k, v in texts.items()} == dict(paper.paragraphs.values_list("id", "text"))


# Around the scenarios


def test_the_workspace_on_a_phone_opens_the_panel_as_a_drawer(person, live_server, world):
    paper, amina, bo = world["paper"], world["amina"], world["bo"]
    claim_para = para(paper, CLAIM)
    annotation_create(
        user=bo,
        paragraph=claim_para,
        role_slug="claim",
        quote={"exact": "Shared annotation changes the conditions"},
        note="The *thesis*, stated early.",
    )
    page = open_workspace(person(amina, viewport=PHONE), live_server, paper)
    page.locator(f'.para[data-paragraph="{claim_para.pk}"] .ws-chips').click()
    panel = page.locator("#ws-panel")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("The thesis, stated early.")
    box = panel.bounding_box()
    assert box["x"] == 0 and box["width"] == 390  # the full width, from the bottom
    assert box["y"] + box["height"] == pytest.approx(844, abs=1)
    shot(page, "workspace-7-phone-drawer")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    shot(page, "workspace-8-phone")
    assert page.errors == []


def test_the_keys_are_listed_and_every_control_has_a_name(person, live_server, world):
    page = open_workspace(person(world["amina"]), live_server, world["paper"])
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Tag the paragraph, or the selected passage, as claim")
    shot(page, "workspace-9-keys")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.keyboard.press("f")
    filters = page.locator("#ws-filters")
    expect(filters).to_be_visible()
    expect(filters.get_by_label("Claim")).to_be_focused()
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll("button, input, select, textarea, a[href]")]
            .filter((el) => el.offsetParent !== null)
            .filter((el) => !(el.labels?.length || el.getAttribute("aria-label")
                              || el.textContent.trim() || el.title))
            .map((el) => el.outerHTML)"""
    )
    assert unnamed == []


def test_a_reader_of_a_public_group_reads_the_annotations_but_cannot_tag(
    person, live_server, world
):
    paper, bo = world["paper"], world["bo"]
    world["group"].visibility = "public"
    world["group"].save()
    annotation_create(user=bo, paragraph=para(paper, CLAIM), role_slug="claim")
    outsider = make_user("otto")
    page = open_workspace(person(outsider), live_server, paper)
    expect(page.locator("#ws-toolbar")).to_contain_text("Only members of Seminar can annotate.")
    expect(page.locator(".ws-role-button")).to_have_count(0)
    expect(page.locator(".ws-chip.role-claim")).to_contain_text("Claim 1")
    page.keyboard.press("j")
    page.keyboard.press("c")
    page.wait_for_timeout(300)
    assert Annotation.objects.count() == 1
    assert page.errors == []


def test_others_annotations_appear_and_go_without_a_reload(person, live_server, world):
    paper, amina, bo = world["paper"], world["amina"], world["bo"]
    page = open_workspace(person(amina), live_server, paper)
    top = page.evaluate("window.scrollY")
    theory_para = para(paper, THEORY)
    made = annotation_create(
        user=bo, paragraph=theory_para, role_slug="theory", quote={"exact": "argumentative theory"}
    )
    mark = page.locator(f'mark.hl[data-annotation="{made.pk}"]')
    expect(mark).to_have_text("argumentative theory", timeout=LIVE)
    expect(page.locator("#ws-notice")).to_have_text("1 new annotation.")
    assert page.evaluate("window.scrollY") == top  # nothing moved
    annotation_delete(annotation=made, user=bo)
    expect(mark).to_have_count(0, timeout=LIVE)
    expect(page.locator(f'.para[data-paragraph="{theory_para.pk}"] .ws-chips')).to_have_count(0)
    assert json.loads(page.locator("#workspace-data").text_content())["paper"] == paper.pk
    assert page.errors == []


def test_you_edit_and_delete_your_own_and_a_stale_edit_is_refused(person, live_server, world):
    paper, amina, bo = world["paper"], world["amina"], world["bo"]
    evidence_para = para(paper, EVIDENCE)
    mine = annotation_create(
        user=amina,
        paragraph=evidence_para,
        role_slug="evidence",
        quote={"exact": "42 groups"},
        note="First note.",
    )
    annotation_create(user=bo, paragraph=evidence_para, role_slug="claim")
    page = open_workspace(person(amina), live_server, paper)
    page.locator(f'mark.hl[data-annotation="{mine.pk}"]').click()
    item = page.locator(f'.ws-annotation[data-annotation="{mine.pk}"]')
    others = page.locator(".ws-annotation.role-claim")
    expect(others).to_contain_text("bo")
    expect(others.get_by_role("button", name="Edit")).to_have_count(0)

    item.get_by_role("button", name="Edit").click()
    note = item.get_by_label("Note")
    expect(note).to_have_value("First note.")
    expect(note).to_be_focused()
    note.fill("Second, *with* emphasis.")
    item.get_by_role("button", name="Preview").click()
    expect(item.locator(".ws-preview em")).to_have_text("with")
    item.get_by_role("button", name="Save").click()
    expect(item.locator(".ws-note")).to_have_text("Second, with emphasis.")
    mine.refresh_from_db()
    assert (mine.note, mine.version) == ("Second, *with* emphasis.", 2)

    # Meanwhile the same note changes elsewhere (another tab): this page's version is stale.
    annotation_update(annotation=mine, user=amina, note="Changed elsewhere.")
    item.get_by_role("button", name="Edit").click()
    item.get_by_label("Note").fill("Third.")
    item.get_by_role("button", name="Save").click()
    alert = item.get_by_role("alert")
    expect(alert).to_contain_text("Someone changed this; reload to see their version.")
    shot(page, "workspace-11-stale-edit")
    alert.get_by_role("button", name="Reload").click()
    expect(item.locator(".ws-note")).to_have_text("Changed elsewhere.")

    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name="Delete").click()
    expect(item).to_have_count(0)
    expect(page.locator(f'mark.hl[data-annotation="{mine.pk}"]')).to_have_count(0)
    mine.refresh_from_db()
    assert mine.status == "deleted"
    assert page.errors == [f"412 {live_server.url}/api/v1/annotations/{mine.pk}/"]


def test_filters_by_role_member_and_only_mine(person, live_server, world):
    paper, amina, bo = world["paper"], world["amina"], world["bo"]
    claim_para, theory_para = para(paper, CLAIM), para(paper, THEORY)
    annotation_create(user=amina, paragraph=claim_para, role_slug="claim")
    annotation_create(user=bo, paragraph=claim_para, role_slug="evidence")
    theory = annotation_create(
        user=bo, paragraph=theory_para, role_slug="theory", quote={"exact": "argumentative"}
    )
    page = open_workspace(person(amina), live_server, paper)
    claim_chips = page.locator(f'.para[data-paragraph="{claim_para.pk}"] .ws-chips')
    theory_chips = page.locator(f'.para[data-paragraph="{theory_para.pk}"] .ws-chips')
    mark = page.locator(f'mark.hl[data-annotation="{theory.pk}"]')
    background = "el => getComputedStyle(el).backgroundColor"
    assert mark.evaluate(background) != "rgba(0, 0, 0, 0)"

    page.keyboard.press("f")
    filters = page.locator("#ws-filters")
    filters.get_by_label("Theory").uncheck()
    expect(theory_chips).to_have_count(0)
    expect(mark).to_have_class("hl role-theory is-off")
    assert mark.evaluate(background) == "rgba(0, 0, 0, 0)"
    expect(page.locator("#ws-announce")).to_have_text("2 annotations shown.")

    filters.get_by_label("Theory").check()
    filters.get_by_label("Member").select_option("bo")
    expect(claim_chips).to_have_text("Evidence 1")
    expect(theory_chips).to_have_text("Theory 1")
    shot(page, "workspace-12-filters")
    filters.get_by_label("Member").select_option("")
    filters.get_by_label("Only mine").check()
    expect(claim_chips).to_have_text("Claim 1")
    expect(theory_chips).to_have_count(0)
    expect(page.locator(".ws-tick")).to_have_count(1)
    page.keyboard.press("Escape")  # from inside the filters: they close, focus on their button
    expect(filters).to_be_hidden()
    expect(page.get_by_role("button", name="Filters")).to_be_focused()
    assert page.errors == []


def test_a_deleted_annotations_discussion_stays_on_its_paragraph(person, live_server, world):
    """The author takes their annotation away, not bo's question on it: the thread moves to the
    paragraph's discussion, on the author's page at once and on bo's at the next update."""
    paper, amina, bo = world["paper"], world["amina"], world["bo"]
    evidence_para = para(paper, EVIDENCE)
    mine = annotation_create(
        user=amina, paragraph=evidence_para, role_slug="evidence", quote={"exact": "42 groups"}
    )
    comment_create(user=bo, annotation=mine, body="Which 42 groups?")
    watcher = open_workspace(person(bo), live_server, paper)
    watcher.locator(f'mark.hl[data-annotation="{mine.pk}"]').click()
    expect(watcher.locator(".ws-annotation")).to_contain_text("Which 42 groups?")

    page = open_workspace(person(amina), live_server, paper)
    page.locator(f'mark.hl[data-annotation="{mine.pk}"]').click()
    item = page.locator(f'.ws-annotation[data-annotation="{mine.pk}"]')
    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name="Delete").click()
    expect(item).to_have_count(0)
    expect(page.locator(".ws-discussion")).to_contain_text("Which 42 groups?")
    expect(watcher.locator(".ws-discussion")).to_contain_text("Which 42 groups?", timeout=LIVE)
    expect(watcher.locator(f'.ws-annotation[data-annotation="{mine.pk}"]')).to_have_count(0)
    assert page.errors == [] and watcher.errors == []
