"""PDFs with a side column and with a margin stamp, imported and read in a real Chromium.

The journal page's side column ("Review", "Received … Published …", the licence box) and
arXiv's stamp must not show in the reading page's headings or body paragraphs. Leaves full-page
screenshots in tests/artifacts/ (git-ignored) for a person to look at.
"""

import pytest
from playwright.sync_api import expect

from papers.importing import parse_document
from papers.saving import paper_save
from tests.browser import ARTIFACTS
from tests.conftest import make_group
from tests.papers.pdfs.layout import (
    BESIDE,
    SIDE_SECTIONS,
    SIDE_TITLE,
    STAMPED_SECTIONS,
    STAMPED_TITLE,
    side_column_paper,
    stamped_paper,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIDE_TEXT = ("Review", "Cite this article", "Received", "Published 9 June", "Subject areas",
             "correspondence", "Creative Commons", "arXiv", "cs.CL")  # fmt: skip


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    yield page
    context.close()


def _open(page, live_server, data: bytes, name: str):
    # Parsed in this process and saved as `paper_import` saves: forking the isolated parser
    # from a process that runs Playwright's threads could deadlock (test_pdf_layout.py
    # imports these PDFs through `paper_import`).
    parsed = parse_document(data, fmt="pdf")
    paper = paper_save(parsed=parsed, title=None, group=make_group(name, visibility="public"))
    page.goto(live_server.url + paper.get_absolute_url())
    expect(page.locator(".paper-title")).to_be_visible()
    return paper


def _body(page) -> tuple[list[str], list[str]]:
    headings = page.locator(".paper-body .section-heading").all_inner_texts()
    paragraphs = page.locator(".paper-body .para .para-text, .abstract .para .para-text")
    return headings, paragraphs.all_inner_texts()


def test_a_journal_side_column_reads_as_front_matter(page, live_server):
    _open(page, live_server, side_column_paper(), "Journal")
    page.screenshot(path=str(ARTIFACTS / "pdf-side-column.png"), full_page=True)
    expect(page.locator(".paper-title")).to_have_text(SIDE_TITLE)
    headings, paragraphs = _body(page)
    assert headings == SIDE_SECTIONS
    assert not [t for t in headings + paragraphs if any(words in t for words in SIDE_TEXT)]
    body = page.locator(".paper-body .para .para-text").first.inner_text()
    assert body.startswith(BESIDE)
    front = page.locator(".front-matter")
    expect(front).to_contain_text("Received 3 May 2021 Published 9 June 2021")
    expect(front).to_contain_text("Creative Commons Attribution License")


def test_an_arxiv_stamp_is_not_read(page, live_server):
    _open(page, live_server, stamped_paper(), "Preprints")
    page.screenshot(path=str(ARTIFACTS / "pdf-margin-stamp.png"), full_page=True)
    expect(page.locator(".paper-title")).to_have_text(STAMPED_TITLE)
    headings, paragraphs = _body(page)
    assert headings == STAMPED_SECTIONS
    assert not [t for t in headings + paragraphs if "arXiv" in t or "cs.CL" in t]
    expect(page.locator("article.paper")).not_to_contain_text("arXiv:2101.01234v2")
