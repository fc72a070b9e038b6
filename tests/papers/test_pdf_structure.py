"""Figures, tables, headings and front matter of PDFs: text inside a figure is never a heading,
heading levels come from numbers and from styles that recur, a table is one block, footnotes go
to the notes, a title set over several lines is one title, the authors are not a paragraph, a
numbered list is list items. PDFs typeset at test time (tests/papers/pdfs/figures.py)."""

import pytest

from papers.importing import parse_document
from papers.importing.readers.pdf.blocks import heading_levels, section_depth
from papers.importing.readers.pdf.front import trusted_title
from papers.models import Paragraph, Section
from papers.services import paper_import
from tests.conftest import make_group
from tests.papers.pdfs.figures import (
    AFTER_TABLE,
    AUTHORS,
    CAPTION,
    CROSSING,
    FIGURE_LABELS,
    FOOTER,
    LIST_ITEMS,
    NOTE,
    SECTIONS,
    TABLE,
    TABLE_CAPTION,
    TEASER_LABELS,
    TITLE,
    TITLE_LINES,
    WORD_SECTIONS,
    WORD_TITLE,
    journal_paper,
    teaser_paper,
    word_paper,
)


@pytest.fixture(scope="module")
def journal():
    return parse_document(journal_paper(), fmt="pdf")


@pytest.fixture(scope="module")
def word():
    return parse_document(word_paper(), fmt="pdf")


def _texts(paper) -> list[str]:
    return [p.text for p in paper.paragraphs] + [s.title for s in paper.sections]


# Figures and headings.


def test_text_inside_a_figure_is_never_a_heading_nor_a_paragraph(journal):
    titles = [s.title for s in journal.sections]
    assert not any(label in title for label in [*FIGURE_LABELS, "(a)"] for title in titles)
    body = [p.text for p in journal.paragraphs if p.kind == "body"]
    assert not any(text.startswith(tuple(FIGURE_LABELS)) for text in body)
    assert [p.text for p in journal.paragraphs if p.kind == "caption"] == [CAPTION, TABLE_CAPTION]


def test_numbered_headings_take_their_level_from_the_number(journal):
    # "2. The Buchert scheme" is set in bold at the body size, smaller than "2.1 Data": its
    # number says it is a section. A large panel label shifts nothing.
    assert [(s.title, s.level) for s in journal.sections] == SECTIONS


def test_a_footer_under_the_text_is_neither_heading_nor_body(journal):
    assert not any(FOOTER in text for text in _texts(journal))


def test_one_outlier_size_does_not_shift_every_level():
    # Sizes: a label in 20 pt used once, sections in 13 pt, subsections in 11 pt.
    styles = [(20.0, False, False, True)] + [(13.0, True, False, True)] * 3
    styles += [(11.0, True, False, True)] * 4
    texts = ["(b) Overview", "Introduction", "Method", "Results"] + ["Data", "A", "B", "C"]
    assert heading_levels(list(zip(texts, styles, strict=True))) == [1, 1, 1, 1, 2, 2, 2, 2]


def test_a_figure_under_the_title_block_leaves_the_authors_alone():
    paper = parse_document(teaser_paper(), fmt="pdf")
    assert paper.authors == ["Ada Reader", "Ben Scholar"]
    assert "Department of Reading, University of Somewhere" in [p.text for p in paper.paragraphs]
    assert not any(label in text for label in TEASER_LABELS for text in _texts(paper))
    assert [s.title for s in paper.sections] == ["1 Introduction"]


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1 Introduction", 1),
        ("2. The Buchert scheme", 1),
        ("II. Methods", 1),
        ("2.1 Data", 2),
        ("A.1 Proofs", 2),
        ("3.2.1. Details", 3),
        ("Introduction", 0),
        ("2019 in review", 0),
        ("3D shapes", 0),
    ],
)
def test_a_section_number_gives_the_level(text, depth):
    assert section_depth(text) == depth


# Tables.


def test_a_table_is_one_block_with_its_rows_and_cells(journal):
    tables = [p.text for p in journal.paragraphs if p.kind == "table"]
    assert tables == ["\n".join(" | ".join(cell for cell in row if cell) for row in TABLE)]
    soup = [p.text for p in journal.paragraphs if p.kind == "body" and "4.8" in p.text]
    assert not soup and not any(s.title in ("SciFact", "TREC-COVID") for s in journal.sections)


def test_the_paragraph_broken_by_a_table_goes_on_after_it(journal):
    body = [p.text for p in journal.paragraphs if p.kind == "body"]
    assert AFTER_TABLE in body
    assert not any(text[:1].islower() for text in body)


# Footnotes, front matter, lists.


def test_a_footnote_in_the_first_column_goes_to_the_notes(journal):
    notes = [(p.label, p.text) for p in journal.paragraphs if p.kind == "footnote"]
    assert notes == [("\u2217", NOTE)]
    body = [p.text for p in journal.paragraphs if p.kind == "body"]
    assert CROSSING in body  # whole, with nothing spliced into it
    assert not any(NOTE in text for text in body)


def test_a_title_set_over_several_lines_is_one_title(journal):
    assert journal.title == TITLE
    assert not any(line in text for line in TITLE_LINES[1:] for text in _texts(journal))


def test_authors_set_side_by_side_with_marks_are_the_authors_not_a_paragraph(journal):
    assert journal.authors == AUTHORS
    assert not any("Jane Doe" in text for text in _texts(journal))
    front = [p.text for p in journal.paragraphs if p.kind == "front_matter"]
    assert "Department of Reading, University of Somewhere" in front


def test_a_numbered_list_is_list_items(journal):
    items = [(p.label, p.text) for p in journal.paragraphs if p.kind == "list_item"]
    assert items == [(str(n), text) for n, text in enumerate(LIST_ITEMS, 1)]
    assert len({p.group_key for p in journal.paragraphs if p.kind == "list_item"}) == 1


# A Word manuscript: title at the body size, metadata naming the file.


def test_metadata_naming_a_program_or_file_is_never_the_title(word):
    assert word.title == WORD_TITLE
    assert word.authors == ["Jane Doe", "John Roe"]
    assert word.abstract.startswith("Mark each claim and its proof")


def test_headings_of_one_style_get_levels_from_their_numbers(word):
    assert [(s.title, s.level) for s in word.sections] == WORD_SECTIONS


@pytest.mark.parametrize(
    "value",
    [
        "Microsoft Word - paper3.doc",
        "untitled",
        "Untitled-1",
        "main.dvi",
        "LaTeX with hyperref",
        "C:\\Users\\ada\\Desktop\\final.docx",
        "Slide 1",
        "",
    ],
)
def test_metadata_that_names_a_program_or_a_file_is_not_trusted(value):
    assert trusted_title(value) == ""


def test_a_real_metadata_title_is_trusted():
    assert trusted_title(" Notes on Reading ") == "Notes on Reading"
    assert trusted_title("Word embeddings for PDF documents") == "Word embeddings for PDF documents"


# Through the service: what the database keeps.


@pytest.mark.django_db
def test_an_imported_pdf_keeps_one_table_its_notes_and_its_sections():
    paper = paper_import(group=make_group("Readers"), data=journal_paper(), filename="p.pdf")
    assert paper.title == TITLE and paper.authors == AUTHORS
    sections = Section.objects.filter(paper=paper).order_by("position")
    assert [(s.title, s.level) for s in sections] == SECTIONS
    kinds = Paragraph.objects.filter(paper=paper)
    assert kinds.filter(kind="table").count() == 1
    assert list(kinds.filter(kind="footnote").values_list("text", flat=True)) == [NOTE]
    assert kinds.filter(kind="list_item").count() == len(LIST_ITEMS)
