"""The PDF reader (papers/importing/readers/pdf): page layout to blocks, and bad input.

The PDFs are typeset at test time with bench/make_pdf.py (reportlab), so each test knows what the
page shows: two columns, running headers and page numbers, footnotes, a caption floated into a
sentence, words hyphenated at line ends.
"""

import io

import pytest
from PIL import Image
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from bench.make_pdf import Writer, make_pdf
from papers.importing import ImportFailed, parse_document
from papers.importing.cleanup import cleanup
from papers.importing.document import Block
from papers.importing.readers.pdf import read_pdf
from papers.importing.readers.pdf.words import Vocabulary
from papers.importing.references import parse_reference

FILLER = "members of reading groups annotate papers and argue about the evidence".split()
LONG = (
    "Alpha opens the long paragraph that runs over a page. "
    + " ".join(
        f"Sentence {n} tells how groups weigh claims against evidence while they read together."
        for n in range(30)
    )
    + " Omega closes it."
)


def two_column_paper() -> bytes:
    w = Writer(2, header="Secure reading", journal="Journal of Reading Groups 12")
    w.title_block(
        "Secure Reading in Small Groups",
        "Ada Reader and Ben Scholar",
        "Department of Reading, University of Somewhere",
    )
    w.heading("Abstract", 2)
    w.paragraph("We ask how small groups read. " * 6, indent=False)
    w.heading("1 Introduction", 1)
    w.paragraph(
        "The security of shared notes matters to every group (Smith, 2019). A self-centered "
        "member rarely annotates, and the security of a group depends on its quietest member."
    )
    w.paragraph(
        lines=[
            w.line_ending("secu-", FILLER, start="We study the"),
            w.line_ending("self-", FILLER, start="rity of notes and the"),
            w.line_ending("readers[[fn:A note on quiet readers.]]", FILLER, start="centered"),
            "who annotate little.",
        ]
    )
    w.heading("1.1 Scope", 2)
    while w.page == 1 and (w.column == 0 or w.y > 330):
        w.paragraph("Groups read papers together and argue about what the evidence shows. " * 4)
    w.figure("Notes per member.")  # floats to the top of the next column: inside LONG
    w.paragraph(LONG)
    w.heading("2 Methods", 1)
    w.paragraph("We observed twelve groups over a year and counted their notes carefully.")
    w.heading("References", 1)
    w.reference("Smith, J. (2019). Reading in groups. Journal of Reading, 3(1), 1–10.")
    w.reference("Lee, K. (2005). Notes in the margin. Reading Quarterly, 9(2), 20–31.")
    return w.finish()


@pytest.fixture(scope="module")
def paper():
    return parse_document(two_column_paper(), fmt="pdf")


@pytest.fixture(scope="module")
def blocks():
    return read_pdf(two_column_paper())


def test_it_reads_title_and_authors_from_the_first_page(paper):
    assert paper.title == "Secure Reading in Small Groups"
    assert paper.authors == ["Ada Reader", "Ben Scholar"]
    assert paper.abstract.startswith("We ask how small groups read.")
    front = [p.text for p in paper.paragraphs if p.kind == "front_matter"]
    assert front == ["Department of Reading, University of Somewhere"]


def test_headings_get_levels_from_their_type_size(paper):
    assert [(s.title, s.level) for s in paper.sections] == [
        ("1 Introduction", 1),
        ("1.1 Scope", 2),
        ("2 Methods", 1),
    ]


def test_line_end_hyphens_are_repaired_by_the_documents_own_words(paper):
    texts = [p.text for p in paper.paragraphs]
    # "security" is printed elsewhere: the hyphen goes; so is "self-centered": it stays.
    joined = [t for t in texts if "groups security of notes" in t]
    assert len(joined) == 1 and "groups self-centered members" in joined[0]
    assert not any("secu-rity" in t or "selfcentered" in t for t in texts)


def test_running_headers_and_page_numbers_are_removed(paper):
    everything = [p.text for p in paper.paragraphs] + [r.text for r in paper.references]
    assert not any("SECURE READING" in t or "Journal of Reading Groups" in t for t in everything)
    assert not any(t.strip().isdigit() for t in everything)


def test_a_paragraph_runs_on_across_columns_pages_and_a_floated_caption(paper):
    long = [p for p in paper.paragraphs if "Alpha opens" in p.text]
    assert len(long) == 1 and long[0].text.endswith("Omega closes it.")
    assert "Sentence 29 tells" in long[0].text
    captions = [p.text for p in paper.paragraphs if p.kind == "caption"]
    assert captions == ["Figure 1: Notes per member."]


def test_footnotes_are_separated_and_their_markers_linked(paper, blocks):
    notes = [p for p in paper.paragraphs if p.kind == "footnote"]
    assert [(n.label, n.text) for n in notes] == [("1", "A note on quiet readers.")]
    marked = [b for b in blocks if any(m["type"] == "footnote_ref" for m in b.marks)]
    assert len(marked) == 1
    mark = next(m for m in marked[0].marks if m["type"] == "footnote_ref")
    assert marked[0].text[mark["start"] : mark["end"]] == "1" and mark["target"] == "1"
    assert "readers1 who annotate little." in marked[0].text


def test_the_reference_list_is_read_and_citations_link(paper):
    assert [r.first_author for r in paper.references] == ["Smith", "Lee"]
    assert paper.references[0].title == "Reading in groups"
    smith = [c for c in paper.citations if "Smith" in c.text]
    assert smith and smith[0].reference == 0


def test_blocks_come_in_reading_order(blocks):
    kinds = [(b.kind, b.text[:14]) for b in blocks if b.kind in ("title", "heading")]
    assert kinds == [
        ("title", "Secure Reading"),
        ("heading", "Abstract"),
        ("heading", "1 Introduction"),
        ("heading", "1.1 Scope"),
        ("heading", "2 Methods"),
        ("heading", "References"),
    ]
    assert all(b.explicit for b in blocks if b.kind == "heading")


@pytest.mark.parametrize("columns", [1, 2])
def test_a_generated_paper_reads_cleanly(columns):
    data = make_pdf(pages=4, columns=columns)
    paper = parse_document(data, fmt="pdf")
    assert paper.title == "Reading Together: How Groups Annotate Scholarly Papers"
    assert paper.authors == ["Ada Reader", "Ben Scholar", "Chen Li"]
    assert paper.sections[0].title == "1 Introduction"
    assert {s.level for s in paper.sections} <= {1, 2}
    assert paper.references and all(r.year for r in paper.references)
    texts = [p.text for p in paper.paragraphs]
    assert not any("READING TOGETHER" in t or t.strip().isdigit() for t in texts)
    notes = [p.label for p in paper.paragraphs if p.kind == "footnote"]
    assert notes == [str(n) for n in range(1, len(notes) + 1)]


def test_a_floated_table_is_one_block_and_the_sentence_goes_on_after_it():
    paper = parse_document(make_pdf(pages=4, columns=2), fmt="pdf")
    tables = [p.text for p in paper.paragraphs if p.kind == "table"]
    assert tables and tables[0].split("\n")[0] == "Group | Papers | Notes | Claims"  # as DOCX
    assert all(len(t.split("\n")) == 5 for t in tables)  # a header row and four rows
    assert not any(p.kind == "body" and p.text[:1].islower() for p in paper.paragraphs)


def test_a_line_that_starts_like_a_caption_or_with_a_dash_stays_in_its_paragraph():
    w = Writer(1)
    w.title_block("Lines That Start Oddly", "Ada Reader", "University of Somewhere")
    w.heading("1 Results", 1)
    w.paragraph(
        lines=[
            w.line_ending("as shown in", FILLER, start="The counts differ,"),
            w.line_ending("for the result", FILLER, start="Table 2. The differences hold"),
            w.line_ending("one", FILLER, start="– which we expected – holds for every"),
            "group we observed.",
        ]
    )
    paper = parse_document(w.finish(), fmt="pdf")
    body = [p for p in paper.paragraphs if p.kind == "body"]
    assert len(body) == 1 and body[0].text.endswith("group we observed.")
    assert "as shown in Table 2. The differences" in body[0].text
    assert not [p for p in paper.paragraphs if p.kind in ("caption", "list_item")]


def test_metadata_fills_in_only_what_the_first_page_does_not_show():
    w = Writer(1)
    w.canvas.setTitle("Notes on Reading")
    w.canvas.setAuthor("Ada Reader; Ben Scholar")
    w.paragraph("Groups read papers together and argue about what the evidence shows. " * 5)
    w.paragraph("They disagree most about method, and least about the claims themselves. " * 5)
    paper = parse_document(w.finish(), fmt="pdf")
    assert (paper.title, paper.authors) == ("Notes on Reading", ["Ada Reader", "Ben Scholar"])

    w = Writer(1)
    w.canvas.setTitle("template.dvi")
    w.title_block("Reading Together", "Chen Li", "University of Somewhere")
    w.paragraph("Groups read papers together and argue about what the evidence shows. " * 5)
    paper = parse_document(w.finish(), fmt="pdf")
    assert (paper.title, paper.authors) == ("Reading Together", ["Chen Li"])


def test_progress_is_reported_after_each_page():
    seen: list[float] = []
    read_pdf(make_pdf(pages=3, columns=1), progress=seen.append)
    assert seen == pytest.approx([1 / 3, 2 / 3, 1.0])


# Hyphens, references and cleanup, as the PDF reader needs them.


def test_the_vocabulary_decides_line_end_hyphens():
    vocabulary = Vocabulary()
    vocabulary.words.update(["security", "linear", "chain"])
    vocabulary.compounds.update(["self-centered", "self-aware"])
    vocabulary.prefixes.update(["self", "self"])
    assert not vocabulary.keeps_hyphen("secu", "rity")
    assert vocabulary.keeps_hyphen("self", "centered")
    assert vocabulary.keeps_hyphen("self", "absorbed")  # other "self-" compounds
    assert vocabulary.keeps_hyphen("linear", "chain")  # two words the paper uses
    assert not vocabulary.keeps_hyphen("begin", "ning")
    assert vocabulary.keeps_hyphen("COVID", "Nineteen")  # a capital after the hyphen


@pytest.mark.parametrize(
    ("entry", "italic", "first_author", "title", "venue"),
    [
        ("Bennett, W. L. (1990). Toward a theory of press-state relations. Journal of "
         "Communication, 40(2), 103–127.", "Journal of Communication, 40", "Bennett",
         "Toward a theory of press-state relations", "Journal of Communication, 40"),
        ("Luca Weihs and Oren Etzioni. 2017. Learning to predict citation-based impact "
         "measures. In JCDL.", "JCDL", "Luca Weihs",
         "Learning to predict citation-based impact measures", "JCDL"),
        ("Matthew E. Peters, Waleed Ammar, and Russell Power. 2017. Semi-supervised sequence "
         "tagging. In ACL.", "ACL", "Matthew E. Peters", "Semi-supervised sequence tagging",
         "ACL"),
    ],
)  # fmt: skip
def test_italics_after_the_year_are_the_venue_not_the_title(
    entry, italic, first_author, title, venue
):
    start = entry.rindex(italic)
    ref = parse_reference(entry, [{"type": "em", "start": start, "end": start + len(italic)}])
    assert (ref.first_author, ref.title, ref.venue) == (first_author, title, venue)


def test_cleanup_joins_a_sentence_across_a_caption():
    start = "A sentence long enough to be half of a paragraph, one which runs on and on past the"
    blocks = [
        Block("1 Introduction", kind="heading", level=1, explicit=True),
        Block(start),
        Block("Figure 1: A caption set where the figure floated.", kind="caption"),
        Block("figure to its end."),
    ]
    assert [(b.kind, b.text) for b in cleanup(blocks)] == [
        ("heading", "1 Introduction"),
        ("paragraph", start + " figure to its end."),
        ("caption", "Figure 1: A caption set where the figure floated."),
    ]


# Bad input: one line each, nothing read.


def _message(data: bytes, **kwargs) -> str:
    with pytest.raises(ImportFailed) as caught:
        parse_document(data, **kwargs)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_file_that_is_not_a_pdf_is_refused():
    assert "not PDF" in _message(b"Just some notes, not a PDF at all.\n", fmt="pdf")
    assert "binary" in _message(bytes(range(256)) * 8, filename="paper.pdf")
    with pytest.raises(ImportFailed, match="not a PDF"):
        read_pdf(b"Just some notes, not a PDF at all.\n")


def test_an_encrypted_pdf_is_refused():
    buffer = io.BytesIO()
    canvas = Canvas(buffer, encrypt=StandardEncryption("reader", "owner"))
    canvas.drawString(72, 720, "A secret paper about reading groups.")
    canvas.save()
    assert "encrypted" in _message(buffer.getvalue(), filename="secret.pdf")


def test_a_scanned_pdf_without_text_is_refused():
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    scan = Image.new("L", (200, 260), 255)
    scan.paste(0, (20, 20, 180, 30))  # a dark "line of text", as pixels
    canvas.drawImage(ImageReader(scan), 72, 300, width=400, height=520)
    canvas.showPage()
    canvas.save()
    assert _message(buffer.getvalue(), filename="scan.pdf") == (
        "This PDF has no text layer; OCR is not supported."
    )


def test_a_truncated_pdf_is_refused():
    data = make_pdf(pages=2, columns=1)
    assert "truncated" in _message(data[: len(data) // 2], filename="cut.pdf")
