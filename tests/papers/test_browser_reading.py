"""The reading page in a real Chromium: anchors, citation popovers, the outline.

Drives Debian's /usr/bin/chromium through Playwright's sync API (no pytest-playwright). Leaves
screenshots in tests/artifacts/ (git-ignored) for a person to look at the typography.
"""

import pytest
from playwright.sync_api import expect

from papers.models import Citation, Paper, Reference, Section
from tests.browser import ARTIFACTS
from tests.conftest import make_group
from tests.papers.makers import add_paragraphs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFERENCES = [
    "Kalir, R. H., & Garcia, A. (2021). Annotation. The MIT Press.",
    "Marshall, C. C. (1997). Annotation: From paper books to the digital library. In "
    "Proceedings of the Second ACM International Conference on Digital Libraries (pp. 131–140).",
    "Mercier, H., & Sperber, D. (2011). Why do humans reason? Arguments for an argumentative "
    "theory. Behavioral and Brain Sciences, 34(2), 57–74.",
    "Walton, D. (1996). Argumentation schemes for presumptive reasoning. Lawrence Erlbaum.",
    "Walton, D., Reed, C., & Macagno, F. (2008). Argumentation schemes. Cambridge University "
    "Press.",
]

BODY = [
    (
        "Introduction",
        1,
        [
            "Anyone who has led a reading group knows the moment when a discussion slides from "
            "the paper to the people in the room. Someone says the argument “does not hold”, "
            "someone else says it obviously does, and twenty minutes later nobody can say which "
            "sentence they disagreed about. Kalir and Garcia treat annotation as a social act as "
            "much as a private one (Kalir & Garcia, 2021).",
            "We think this is less a failure of the readers than of the medium. Talk is fast and "
            "fleeting; the page is slow and shared. A note written in the margin of a shared "
            "document is addressed to other readers, attached to an exact place, and durable "
            "enough to be answered tomorrow (Marshall, 1997).",
        ],
    ),
    (
        "Annotation as a public trace of reasoning",
        1,
        [
            "On the argumentative theory of reasoning, human reasoning is at its best not when "
            "individuals deliberate alone but when they exchange and evaluate arguments "
            "(Mercier & Sperber, 2011). A group therefore reasons well only if its members’ "
            "arguments are exposed to one another in a form that can be examined.",
        ],
    ),
    (
        "Roles make disagreement legible",
        2,
        [
            "Each common pattern of presumptive reasoning comes with critical questions that test "
            "whether the inference holds in a given case (Walton, 1996). A group that tags an "
            "annotation as an appeal to expert opinion has been handed the questions to ask of it "
            "(Walton, 2008).",
        ],
    ),
]
LIST = [
    "Which claims in this section have no evidence tagged anywhere near them?",
    "Does the evidence come from the paper’s own data, or from a source it cites?",
]
QUOTE = "Reading groups argue better when their arguments are written down where the text is."
CITATIONS = {
    "(Kalir & Garcia, 2021)": [0],
    "(Marshall, 1997)": [1],
    "(Mercier & Sperber, 2011)": [2],
    "(Walton, 1996)": [3],
    "(Walton, 2008)": None,  # ambiguous: both Walton entries
}


def make_reading_paper(group) -> Paper:
    """A paper with real prose, built with the ORM (not through the parser)."""
    paper = Paper.objects.create(
        group=group,
        title="Why Reading Groups Argue Better: Annotation as Collective Reasoning",
        authors=["A. Reader", "B. Scholar"],
        keywords=["annotation", "argumentation", "reading groups"],
        abstract="",
        source_format="markdown",
    )
    sections = Section.objects.bulk_create(
        [
            Section(paper=paper, position=i, level=level, title=title, anchor=f"s-{i}")
            for i, (title, level, _) in enumerate(BODY, start=1)
        ]
    )
    rows = [
        ("front_matter", None, "Department of Philosophy, University of Somewhere", None, ""),
        (
            "abstract",
            None,
            "Reading groups have long been where scholars test what a paper claims, yet most of "
            "their reasoning vanishes once the meeting ends. This essay argues that shared "
            "annotation changes the conditions under which a group reasons together.",
            None,
            "",
        ),
    ]
    for section, (_, _, texts) in zip(sections, BODY, strict=True):
        rows += [("body", section, text, None, "") for text in texts]
    rows += [("list_item", sections[-1], text, 1, "") for text in LIST]
    rows += [("quote", sections[-1], QUOTE, None, "")]
    rows += [("footnote", None, "We do not claim that annotation removes status.", None, "1")]
    paragraphs = add_paragraphs(paper, rows)
    entries = Reference.objects.bulk_create(
        [
            Reference(paper=paper, position=i, text=text)
            for i, text in enumerate(REFERENCES, start=1)
        ]
    )
    for paragraph in paragraphs:
        for needle, target in CITATIONS.items():
            if needle not in paragraph.text:
                continue
            start = paragraph.text.index(needle)
            citation = Citation.objects.create(
                paper=paper,
                paragraph=paragraph,
                start=start,
                end=start + len(needle),
                text=needle,
                reference=entries[target[0]] if target else None,
            )
            if target is None:
                citation.candidates.set(entries[3:5])
    return paper


@pytest.fixture
def reading_url(live_server):
    paper = make_reading_paper(make_group("Agora", visibility="public"))
    return live_server.url + paper.get_absolute_url(), paper


@pytest.fixture
def page(browser):
    # Reduced motion: anchors jump instead of scrolling smoothly, so positions are settled.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    yield page
    context.close()


def target_id(page) -> str | None:
    return page.evaluate("document.querySelector(':target')?.id ?? null")


def in_viewport(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and 0 <= box["y"] < page.viewport_size["height"]


def assert_opened_at(page, anchor: str) -> None:
    """The page's target is `anchor`, scrolled into the window."""
    assert target_id(page) == anchor
    page.wait_for_function(
        f"document.getElementById('{anchor}').getBoundingClientRect().top < innerHeight"
    )
    assert in_viewport(page, f"#{anchor}")


def test_the_pilcrow_link_targets_its_paragraph(page, reading_url):
    url, paper = reading_url
    quote = paper.paragraphs.get(kind="quote")
    page.goto(url)
    page.locator(f'a.pilcrow[href="#{quote.anchor}"]').click()
    expect(page).to_have_url(f"{url}#{quote.anchor}")
    assert_opened_at(page, quote.anchor)


def test_a_paragraph_link_opens_at_the_paragraph(page, reading_url):
    url, paper = reading_url
    last = paper.paragraphs.get(kind="quote")
    page.goto(f"{url}#{last.anchor}")
    assert_opened_at(page, last.anchor)


def test_hovering_or_focusing_a_citation_shows_its_entry(page, reading_url):
    url, paper = reading_url
    page.goto(url)
    citation = paper.citations.get(text="(Marshall, 1997)")
    cite = page.locator(f"#cite-{citation.pk}")
    tip = page.locator(f"#cite-{citation.pk}-tip")
    expect(tip).to_be_hidden()
    cite.hover()
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("Marshall, C. C. (1997). Annotation: From paper books")
    assert cite.get_attribute("href") == "#ref-2"
    assert cite.get_attribute("aria-describedby") == f"cite-{citation.pk}-tip"

    page.mouse.move(0, 0)
    expect(tip).to_be_hidden()
    other = paper.citations.get(text="(Kalir & Garcia, 2021)")
    page.locator(f"#cite-{other.pk}").focus()
    expect(page.locator(f"#cite-{other.pk}-tip")).to_be_visible()
    expect(page.locator(f"#cite-{other.pk}-tip")).to_contain_text("Kalir, R. H., & Garcia, A.")
    page.screenshot(path=str(ARTIFACTS / "reading-citation.png"))

    cite.click()
    assert target_id(page) == "ref-2"


def test_an_ambiguous_citation_lists_its_candidates_on_focus(page, reading_url):
    url, paper = reading_url
    page.goto(url)
    citation = paper.citations.get(text="(Walton, 2008)")
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.locator(".skip-link")).to_be_focused()
    span = page.locator(f"#cite-{citation.pk}")
    assert span.get_attribute("href") is None
    span.focus()
    tip = page.locator(f"#cite-{citation.pk}-tip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("Walton, D. (1996)")
    expect(tip).to_contain_text("Walton, D., Reed, C., & Macagno, F. (2008)")


def test_the_outline_goes_to_its_section(page, reading_url):
    url, _ = reading_url
    page.goto(url)
    outline = page.locator("nav.outline")
    expect(outline.get_by_role("link", name="Roles make disagreement legible")).to_be_visible()
    outline.get_by_role("link", name="Roles make disagreement legible").click()
    assert target_id(page) == "s-3"
    page.wait_for_function("document.getElementById('s-3').getBoundingClientRect().top < 200")
    # The sidebar stays in view while the page scrolls.
    assert in_viewport(page, "nav.outline")
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
    page.screenshot(path=str(ARTIFACTS / "reading.png"))
    page.screenshot(path=str(ARTIFACTS / "reading-full.png"), full_page=True)


def test_on_a_phone_the_outline_collapses(browser, reading_url):
    url, _ = reading_url
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, reduced_motion="reduce"
    )
    page = context.new_page()
    try:
        page.goto(url)
        toc = page.locator("nav.outline details")
        link = page.locator("nav.outline").get_by_role("link", name="Introduction")
        expect(link).to_be_hidden()
        toc.locator("summary").click()
        expect(link).to_be_visible()
        link.click()
        assert target_id(page) == "s-1"
        ARTIFACTS.mkdir(exist_ok=True)
        page.evaluate("window.scrollTo({top: 0, behavior: 'instant'})")
        page.screenshot(path=str(ARTIFACTS / "reading-phone.png"))
    finally:
        context.close()


def test_nothing_is_loaded_from_another_host(page, reading_url, live_server):
    url, _ = reading_url
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url)
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .title").first).to_contain_text("Marginalia API")
    assert requested
    assert [u for u in requested if not u.startswith(live_server.url)] == []
