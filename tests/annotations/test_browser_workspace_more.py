"""A paper whose paragraphs hold more annotations than the page draws (MARGINALIA_PAGE_HIGHLIGHTS,
annotations/page_budget.py), in Chromium: the note under such a paragraph, the rest fetched when
it comes into view (static/annotations/more.js), drawn as flat runs and clickable, and a
paragraph holding more than the script fetches saying so."""

import pytest
from playwright.sync_api import expect

from annotations.models import Annotation
from annotations.services import roles_for_group
from papers.models import Membership, Paper
from tests.browser import shot
from tests.conftest import join, make_group, make_user
from tests.papers.makers import add_paragraphs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = [f"word{i:02d}" for i in range(24)]
LISTED = " ".join(WORDS) + "."  # one annotation on each word: a mark each, none overlapping
CLAIM = "Shared annotation changes the conditions under which a group reasons together."
PILED = "A passage that everybody in the seminar wanted to say something about, at once."
FILLER = (
    "We coded every annotation of forty sessions by its role and counted how often a claim was "
    "answered with evidence within the same meeting, and how often it was left standing alone."
)


@pytest.fixture
def world(db, settings):
    """Bound 20: three annotated paragraphs (15, 18 and 30 annotations) get 6 drawn each; the
    script fetches 20 of a paragraph at most, so the 18 come whole and the 30 do not."""
    settings.MARGINALIA_PAGE_HIGHLIGHTS = 20
    group = make_group("Seminar")
    amina, bo = make_user("amina"), make_user("bo")
    join(group, amina, Membership.Role.OWNER)
    join(group, bo, Membership.Role.MEMBER)
    paper = Paper.objects.create(group=group, title="Many Hands", source_format="markdown")
    rows = [("body", None, CLAIM, None, "")]
    rows += [("body", None, f"{FILLER} ({i})", None, "") for i in range(20)]
    rows += [("body", None, LISTED, None, "")]
    rows += [("body", None, f"{FILLER} [{i}]", None, "") for i in range(4)]
    rows += [("body", None, PILED, None, "")]
    add_paragraphs(paper, rows)
    roles = {r.slug: r for r in roles_for_group(group)}
    claim, listed, piled = (paper.paragraphs.get(text=t) for t in (CLAIM, LISTED, PILED))

    def annotation(paragraph, start, end, role="claim", author=bo):
        return Annotation(
            paper=paper, paragraph=paragraph, role=roles[role], author=author,
            exact=paragraph.text[start:end], start=start, end=end,
        )  # fmt: skip

    words = [(LISTED.index(w), LISTED.index(w) + len(w)) for w in WORDS[:18]]
    alternate = ("claim", "evidence")
    three = ("claim", "evidence", "theory")
    Annotation.objects.bulk_create(
        [annotation(claim, 0, 6 + i) for i in range(15)]
        + [annotation(listed, s, e, role=alternate[i % 2]) for i, (s, e) in enumerate(words)]
        + [annotation(piled, 2 + i % 5, 40 - i % 7, role=three[i % 3]) for i in range(30)]
    )
    return {"paper": paper, "amina": amina, "listed": listed, "piled": piled, "claim": claim}


def test_a_paragraph_holding_more_than_is_drawn_gets_the_rest_when_it_comes_into_view(
    person, live_server, world
):
    paper, listed, piled = world["paper"], world["listed"], world["piled"]
    page = person(world["amina"])
    page.goto(live_server.url + paper.get_absolute_url())
    expect(page.locator("#ws-toolbar")).to_be_visible()
    here = page.locator(f'.para[data-paragraph="{listed.pk}"]')
    note = here.locator(".ws-more")
    marks = here.locator("mark.hl")
    # Out of view: six drawn, the note says so, the chips count all eighteen.
    expect(note).to_have_text("Only 6 of 18 annotations on this paragraph are drawn here.")
    expect(marks).to_have_count(6)
    expect(here.locator(".ws-chips")).to_have_text("Claim 9Evidence 9")

    here.scroll_into_view_if_needed()
    expect(marks).to_have_count(18)  # fetched and drawn, one mark a word
    expect(note).to_have_count(0)  # nothing left undrawn: the note goes
    expect(here.locator(".ws-chips")).to_have_text("Claim 9Evidence 9")  # counted once
    oldest = Annotation.objects.filter(paragraph=listed).order_by("id").first()
    mark = here.locator(f'mark.hl[data-annotation="{oldest.pk}"]')
    expect(mark).to_have_text("word00")
    mark.click()  # the oldest was not in the page: clickable now, it opens the panel
    expect(page.locator(f'.ws-annotation[data-annotation="{oldest.pk}"]')).to_be_visible()

    # Thirty on one passage: more than the script fetches (20): drawn flat, and said.
    pile = page.locator(f'.para[data-paragraph="{piled.pk}"]')
    pile.scroll_into_view_if_needed()
    expect(pile.locator(".ws-more")).to_have_text(
        "Only 20 of 30 annotations on this paragraph are drawn here. These are the most recent; "
        "the API and the exports have all of them."
    )
    assert pile.locator("mark.hl mark").count() == 0  # never one mark inside another
    depths = pile.locator("mark.hl").evaluate_all("ms => ms.map(m => Number(m.dataset.depth || 1))")
    assert max(depths) == 20
    expect(pile.locator(".ws-chips")).to_have_text("Claim 10Evidence 10Theory 10")
    shot(page, "workspace-more-many-on-a-passage")
    assert page.errors == []


def test_filters_redraw_flat_runs_and_the_undrawn_count_in_the_chips(person, live_server, world):
    paper, listed = world["paper"], world["listed"]
    page = person(world["amina"])
    page.goto(live_server.url + paper.get_absolute_url())
    expect(page.locator("#ws-toolbar")).to_be_visible()
    here = page.locator(f'.para[data-paragraph="{listed.pk}"]')
    page.keyboard.press("f")
    page.locator("#ws-filters").get_by_label("Evidence").uncheck()
    # Before it is fetched the chips count what the page did not draw too, filtered.
    expect(here.locator(".ws-chips")).to_have_text("Claim 9")
    here.scroll_into_view_if_needed()
    expect(here.locator("mark.hl")).to_have_count(18)
    expect(here.locator("mark.hl.is-off")).to_have_count(9)  # the evidence, drawn off
    expect(here.locator(".ws-chips")).to_have_text("Claim 9")
    assert page.errors == []
