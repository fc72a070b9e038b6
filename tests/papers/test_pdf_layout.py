"""PDF page layout and glyphs: side columns and margin stamps kept out of the body, letter-spaced
and small-capital headings read whole, ligatures and "©" without a Unicode mapping spelt out.

The PDFs are typeset at test time (tests/papers/pdfs/layout.py, reportlab) the way journals,
arXiv and older producers lay pages out; see that module for what each page shows.
"""

import pytest

from papers.importing import parse_document
from papers.importing.readers.pdf import read_pdf
from papers.models import Paragraph, Section
from papers.services import paper_import
from tests.conftest import make_group
from tests.papers.pdfs.layout import (
    ACROSS,
    BESIDE,
    CAPS_SECTIONS,
    CAPS_SUBSECTIONS,
    COPYRIGHT,
    INFO_ABSTRACT,
    INFO_SECTIONS,
    INFO_TITLE,
    LICENCE,
    LIGATURE_HEADINGS,
    LIGATURE_WORDS,
    OLD_SECTIONS,
    OLD_TITLE,
    PERMISSION,
    PERMISSION_TAIL,
    SIDE_AUTHORS,
    SIDE_SECTIONS,
    SIDE_TITLE,
    STAMPED_SECTIONS,
    STAMPED_TITLE,
    SUMMARY,
    info_box_paper,
    letterspaced_paper,
    ligature_paper,
    line_numbered_paper,
    permission_paper,
    side_column_paper,
    smallcaps_paper,
    stamped_paper,
)

SIDE_TEXT = ("Review", "Cite this article", "Received", "Published 9 June", "Subject areas",
             "correspondence", "Creative Commons", "creativecommons.org")  # fmt: skip


@pytest.fixture(scope="module")
def side():
    return parse_document(side_column_paper(), fmt="pdf")


@pytest.fixture(scope="module")
def stamped():
    return parse_document(stamped_paper(), fmt="pdf")


def _texts(paper, *kinds):
    return [p.text for p in paper.paragraphs if p.kind in kinds]


# A narrow side column on the first page.


def test_a_side_column_stays_out_of_headings_and_body(side):
    assert side.title == SIDE_TITLE
    assert side.authors == SIDE_AUTHORS
    assert [(s.title, s.level) for s in side.sections] == [
        ("1 Introduction", 1),
        ("2 Methods", 1),
        ("2.1 Groups", 2),
        ("3 Results", 1),
        ("4 Discussion", 1),
    ]
    assert [s.title for s in side.sections] == SIDE_SECTIONS
    running = _texts(side, "body", "abstract") + [s.title for s in side.sections]
    assert not [t for t in running if any(words in t for words in SIDE_TEXT)]


def test_the_side_column_is_front_matter_in_blocks(side):
    front = _texts(side, "front_matter")
    assert "Review" in front
    assert "Received 3 May 2021 Published 9 June 2021" in front
    assert LICENCE in front  # the licence box, whole, its URL joined across the line break
    assert any(t.startswith("Cite this article: Reader A, Scholar B. 2021") for t in front)


def test_text_beside_a_side_column_keeps_its_sentences_and_citations(side):
    assert side.abstract == SUMMARY
    first = _texts(side, "body")[0]
    assert first.startswith(BESIDE)
    cited = {c.text: side.references[c.reference].first_author for c in side.citations}
    assert cited == {
        "(Smith, 2019)": "Smith",
        "(Lee & Park, 2005)": "Lee",
        "(Okafor, 2012)": "Okafor",
    }


def test_side_column_blocks_never_become_headings():
    blocks = read_pdf(side_column_paper())
    headings = [b.text for b in blocks if b.kind == "heading"]
    assert headings == ["Summary", *SIDE_SECTIONS, "References"]
    assert [b.page for b in blocks if b.kind == "front_matter" and b.text == "Review"] == [1]


def test_an_article_info_box_beside_the_abstract_is_front_matter():
    paper = parse_document(info_box_paper(), fmt="pdf")
    assert paper.title == INFO_TITLE
    assert paper.abstract == INFO_ABSTRACT
    assert [(s.title, s.level) for s in paper.sections] == [(t, 1) for t in INFO_SECTIONS]
    running = _texts(paper, "body", "abstract") + [s.title for s in paper.sections]
    assert not [t for t in running if "Received" in t or "history" in t or "©" in t]
    front = _texts(paper, "front_matter")
    assert any(t.startswith("ARTICLE INFO Article history: Received 3 May 2021") for t in front)
    assert "Keywords: Reading groups Annotation Argumentation" in front
    assert "© 2021 The Authors. Published by Elsevier Ltd." in front


def test_a_permission_block_at_a_columns_foot_is_front_matter_and_the_text_runs_past_it():
    paper = parse_document(permission_paper(), fmt="pdf")
    assert [s.title for s in paper.sections] == ["1 Introduction", "2 Findings"]
    tail = PERMISSION_TAIL
    block = f"{PERMISSION} {tail[0]} © {COPYRIGHT} {tail[1]} {tail[2]}"
    assert block in _texts(paper, "front_matter")  # the TeX-drawn "©" included
    assert ACROSS in _texts(paper, "body")  # one paragraph, across the block and the columns
    assert not [t for t in _texts(paper, "body") if "ACM" in t or "Permission" in t]


def test_line_numbers_in_the_margin_are_dropped():
    paper = parse_document(line_numbered_paper(), fmt="pdf")
    assert [s.title for s in paper.sections] == STAMPED_SECTIONS
    assert paper.abstract.startswith("We ask how members")
    body = _texts(paper, "body")
    assert len(body) == 12 and all(t.startswith("Each group chose") for t in body)
    assert not [t for t in _texts(paper, "body", "abstract", "front_matter") if t[:1].isdigit()]


# arXiv's stamp in the margin.


def test_a_rotated_margin_stamp_is_dropped(stamped):
    assert stamped.title == STAMPED_TITLE
    assert [(s.title, s.level) for s in stamped.sections] == [(t, 1) for t in STAMPED_SECTIONS]
    everything = [p.text for p in stamped.paragraphs] + [stamped.title]
    assert not [t for t in everything if "arXiv" in t or "cs.CL" in t]
    body = _texts(stamped, "body")
    assert len(body) == 7 and all(t.startswith("Each group chose") for t in body)


# Older PDFs: scaled fonts, words placed one by one, letter-spaced and small-capital headings.


def test_letter_spaced_headings_in_a_scaled_font_are_read_whole():
    paper = parse_document(letterspaced_paper(), fmt="pdf")
    assert paper.title == OLD_TITLE
    assert paper.authors == ["Ada Reader", "Ben Scholar"]
    assert [(s.title, s.level) for s in paper.sections] == [(t, 1) for t in OLD_SECTIONS]
    assert paper.abstract.startswith("The Tolman model describes a spherically symmetric")
    body = _texts(paper, "body")
    assert len(body) == 8 and all("Tolman model describes" in t for t in body)
    assert not [t for t in body if "mo del" in t or "T olman" in t]
    assert len(paper.references) == 1


def test_small_capitals_in_two_sizes_are_one_word_and_the_higher_level():
    paper = parse_document(smallcaps_paper(), fmt="pdf")
    expected = []
    for n, section in enumerate(CAPS_SECTIONS):
        expected.append((section, 1))
        if n in CAPS_SUBSECTIONS:
            expected.append((CAPS_SUBSECTIONS[n], 2))
    assert [(s.title, s.level) for s in paper.sections] == expected


# Ligatures and © without a Unicode mapping.


@pytest.mark.parametrize("mapped", [False, True])
def test_ligatures_are_spelt_out_with_or_without_a_mapping(mapped):
    paper = parse_document(ligature_paper(mapped=mapped), fmt="pdf")
    body = _texts(paper, "body")
    text = " ".join(body)
    for printed, word in LIGATURE_WORDS.items():
        assert word in text, printed
    assert "\ufffd" not in text
    for broken in ("Con ict", "work ows", " a ect", "e cacy", " rst", "o ce", "sta "):
        assert broken not in text
    # The "c" inside a circle is "©"; the note, in small type, is front matter.
    assert _texts(paper, "front_matter") == [f"© {COPYRIGHT}"]
    assert [s.title for s in paper.sections] == LIGATURE_HEADINGS


def test_an_unmapped_glyph_outside_a_word_is_dropped_as_a_space():
    paper = parse_document(ligature_paper(), fmt="pdf")
    assert not [p.text for p in paper.paragraphs if "\ufffd" in p.text or "  " in p.text]


# Through the database.


@pytest.mark.django_db
def test_an_imported_journal_pdf_keeps_its_side_column_in_the_front_matter():
    paper = paper_import(group=make_group("Journal"), data=side_column_paper(), filename="r.pdf")
    assert paper.title == SIDE_TITLE
    titles = list(
        Section.objects.filter(paper=paper).order_by("position").values_list("title", flat=True)
    )
    assert titles == SIDE_SECTIONS
    body = Paragraph.objects.filter(paper=paper, kind="body")
    assert not [p.text for p in body if any(words in p.text for words in SIDE_TEXT)]
    assert body.order_by("position").first().text.startswith(BESIDE)
    front = Paragraph.objects.filter(paper=paper, kind="front_matter")
    assert front.filter(text="Received 3 May 2021 Published 9 June 2021").exists()
