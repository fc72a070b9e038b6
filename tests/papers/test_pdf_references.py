"""Reference lists recognised by their shape, entries cut at their labels or hanging indents, and
line-end hyphens repaired: PDFs typeset at test time (tests/papers/pdfs/references.py), and the
same rules on pasted text."""

import pytest

from papers.importing import parse_document
from papers.importing.cleanup import cleanup
from papers.importing.document import Block
from papers.importing.readers.pdf.words import Vocabulary
from papers.importing.references import assemble_references
from papers.models import Citation, Reference
from papers.services import paper_import
from tests.conftest import make_group
from tests.papers.pdfs.references import APA, CROSSING, NOTE, NUMBERED, apa_paper, numbered_paper


@pytest.fixture(scope="module")
def numbered():
    return parse_document(numbered_paper(), fmt="pdf")


@pytest.fixture(scope="module")
def dotted():
    return parse_document(numbered_paper("dot"), fmt="pdf")


@pytest.fixture(scope="module")
def apa():
    return parse_document(apa_paper(), fmt="pdf")


def _linked(paper, printed: str) -> list[str]:
    """The labels of the entries the citation printed as `printed` links to."""
    return [paper.references[c.reference].label for c in paper.citations if c.text == printed]


# A numbered list without a heading, two columns, link labels, a footnote under it.


def test_a_numbered_list_without_a_heading_is_the_reference_list(numbered):
    assert [r.text for r in numbered.references] == [
        f"[{n}] {text}" for n, text in enumerate(NUMBERED, 1)
    ]
    assert [r.label for r in numbered.references] == [str(n) for n in range(1, 20)]
    body = [p.text for p in numbered.paragraphs if p.kind == "body"]
    assert not any(t.startswith("[") or "Maldacena" in t for t in body)


def test_link_labels_stay_in_their_entry_and_are_never_headings(numbered):
    assert [s.title for s in numbered.sections] == [
        "1 Introduction",
        "2 Related Work",
        "3 Method",
        "4 Conclusion",
    ]
    assert numbered.references[1].text.endswith("253 [arXiv:hep-th/9802150] [SPIRES]")
    assert numbered.references[4].text.endswith("017 [arXiv:0801.1234] [INSPIRE]")
    # "[SPIRES]" alone on the entry's last line, in smaller type than the line above it.
    assert numbered.references[17].text.endswith("181602 [hep-th/0603001] [SPIRES]")


def test_an_entry_crossing_columns_is_one_entry_and_a_url_ends_only_its_own(numbered):
    roberts = numbered.references[8]
    assert f"Shared Task {CROSSING} (TREC 2019)" in roberts.text
    assert numbered.references[2].url == "https://github.com/allenai/scibert"
    assert numbered.references[3].text.startswith("[4] S. S. Gubser")


def test_footnotes_under_the_list_are_footnotes(numbered):
    notes = [(p.label, p.text) for p in numbered.paragraphs if p.kind == "footnote"]
    assert notes == [
        ("1", "The code is at https://example.org/reading."),
        ("*", NOTE[2:]),
    ]
    assert not any("reading." in r.text or "Elsewhere" in r.text for r in numbered.references)


def test_numbered_citations_link_to_the_entry_with_that_label(numbered):
    assert _linked(numbered, "[3]") == ["3"]
    assert _linked(numbered, "5") == ["5"] and _linked(numbered, "6") == ["6"]
    assert _linked(numbered, "[12–14]") == ["12", "13", "14"]


def test_labels_start_entries_in_a_flush_left_list(dotted):
    # "1." labels and no hanging indent: an entry whose last line is full runs into the next
    # label on the page ("(2008). 5. M. Then"); the label in sequence starts the entry.
    assert [r.text for r in dotted.references] == [
        f"{n}. {text}" for n, text in enumerate(NUMBERED, 1)
    ]
    assert _linked(dotted, "[3]") == ["3"]


# An APA list with hanging indents.


def test_a_hanging_indent_list_is_cut_at_the_left_edge(apa):
    assert [r.text for r in apa.references] == APA
    kinney = apa.references[6]
    assert kinney.first_author == "Kinney" and kinney.year == 2023
    roberts = apa.references[9]
    assert f"Shared Task {CROSSING} (TREC 2019). NIST." in roberts.text
    assert [r.url for r in apa.references[1:3]] == [
        "https://github.com/allenai/scibert",
        "https://www.nltk.org/",
    ]


def test_author_year_citations_link_into_the_hanging_list(apa):
    cohan = [c for c in apa.citations if c.text == "(Cohan, 2020)"]
    assert cohan and all(apa.references[c.reference].first_author == "Cohan" for c in cohan)


# Line-end hyphens.


@pytest.mark.parametrize("paper", ["numbered", "apa"])
def test_line_end_hyphens_join_words_and_keep_compounds(paper, request):
    parsed = request.getfixturevalue(paper)
    text = next(p.text for p in parsed.paragraphs if p.text.startswith("Our model"))
    assert "scientific incorporates the passages" in text
    assert "retrieval SciBERT, which is" in text
    assert "state-of-the-art on these collections" in text
    assert "models well-known to transfer" in text


def test_the_vocabulary_joins_a_broken_word_after_a_short_prefix():
    vocabulary = Vocabulary()
    vocabulary.words.update(["in", "context", "information"])
    vocabulary.compounds.update(["in-context", "in-depth"])
    vocabulary.prefixes.update(["in", "in"])
    assert not vocabulary.keeps_hyphen("in", "corporates")  # "in-" compounds: not this one
    assert vocabulary.keeps_hyphen("in", "context")
    assert not vocabulary.keeps_hyphen("in", "formation")  # "information" is printed


def test_the_vocabulary_reads_compounds_and_capital_humps():
    vocabulary = Vocabulary()
    vocabulary.words.update(["state", "of", "the", "data", "task"])
    assert vocabulary.keeps_hyphen("state-of-the", "art")  # a compound going on
    assert not vocabulary.keeps_hyphen("self-organi", "zation")  # a word broken inside one
    assert not vocabulary.keeps_hyphen("SciB", "ERT")  # no word ends in a capital hump
    assert vocabulary.keeps_hyphen("COVID", "Nineteen") and vocabulary.keeps_hyphen(
        "non", "English"
    )
    assert vocabulary.keeps_hyphen("data", "driven") and vocabulary.keeps_hyphen("task", "specific")
    assert not vocabulary.keeps_hyphen("un", "like")
    vocabulary.words.update(["scibert"])
    assert not vocabulary.keeps_hyphen("Sci", "BERT")  # "SciBERT" is printed


def test_cleanup_repairs_a_hyphen_across_a_page_by_the_documents_words():
    blocks = [
        Block("1 Introduction", kind="heading", level=1, explicit=True),
        Block("Security matters to groups, and a self-centered member rarely annotates. " * 2),
        Block(
            "The notes that a reading group writes in the margins of every paper and their secu-"
        ),
        Block("rity depend on its quietest member, who is often the most self-"),
        Block("centered one of them all, as we show in this paper about groups."),
    ]
    texts = [b.text for b in cleanup(blocks)]
    assert texts[2] == (
        "The notes that a reading group writes in the margins of every paper and their security "
        "depend on its quietest member, who is often "
        "the most self-centered one of them all, as we show in this paper about groups."
    )


# The same rules on text that is not a PDF.


PASTED_ENTRIES = [
    "1. J. M. Maldacena, The large N limit of superconformal field theories, Adv. Theor. Math. "
    "Phys. 2 (1998) 231.",
    "2. S. S. Gubser, I. R. Klebanov and A. M. Polyakov, Gauge theory correlators, Phys. Lett. "
    "B 428 (1998) 105 (2008). 3. M. Then, Reading the bulk, JHEP 04 (2008) 017 "
    "https://example.org/then",
    "4. E. Witten, Anti-de Sitter space and holography (1998).",
]


@pytest.mark.parametrize("separator", ["\n", "\n\n"])  # list lines, or blocks
def test_a_pasted_numbered_list_at_the_end_is_the_reference_list(separator):
    text = (
        "Reading Scientific Papers\n\n"
        "Retrieval models read papers [1], and groups argue about them [2]. "
        + "This paragraph is long enough to be the body of a paper. " * 5
        + "It cites a third work as well [3].\n\n"
        + separator.join(PASTED_ENTRIES)
        + "\n\n[SPIRES]\n\n"
        + "A closing remark that is no entry of the list, long enough to be a paragraph. " * 2
    )
    paper = parse_document(text.encode(), fmt="text")
    assert [r.text[:14] for r in paper.references] == [
        "1. J. M. Malda",
        "2. S. S. Gubse",
        "3. M. Then, Re",
        "4. E. Witten, ",
    ]
    assert paper.references[3].text.endswith("(1998). [SPIRES]")
    assert [paper.references[c.reference].label for c in paper.citations] == ["1", "2", "3"]
    assert paper.paragraphs[-1].text.startswith("A closing remark")


def test_a_numbered_list_that_is_not_references_stays_in_the_body():
    text = (
        "Reading Together\n\n"
        + "Groups read papers together, and this paragraph is long enough to be body text. " * 4
        + "It ends with a list of what we recommend to reading groups (Smith, 2019).\n\n"
        "1. Read the paper before the meeting.\n"
        "2. Write down one question for the group.\n"
        "3. Bring the figure you found hardest.\n"
    )
    paper = parse_document(text.encode(), fmt="text")
    assert paper.references == []
    assert [p.kind for p in paper.paragraphs if p.text.startswith("Read the")] == ["list_item"]


@pytest.mark.parametrize(
    ("texts", "starts"),
    [
        # A wrapped line that starts like an author ("Challenge.") continues the entry.
        (["Roberts, K., & Lazar, A. J. (2019). Overview of the Shared Task",
          "Challenge. In Proceedings of TREC 2019. NIST.",
          "Smith, J. (2020). Reading. https://example.org/smith",
          "Lee, K. (2005). Notes in the margin."],
         ["Roberts", "Smith", "Lee"]),
        # An entry broken in its author list (ending with a comma) goes on in the next block.
        (["Kinney, R., Anastasiades, C., Authur, R., Beltagy, I.,",
          "Bragg, J., Cohan, A., et al. (2023). The Semantic Scholar open data platform.",
          "Lo, K. (2020). S2ORC."],
         ["Kinney", "Lo"]),
    ],
)  # fmt: skip
def test_blocks_of_an_unlabelled_list_are_assembled_by_how_entries_start(texts, starts):
    references = assemble_references([Block(t) for t in texts])
    assert [r.first_author for r in references] == starts


# Through the database.


@pytest.mark.django_db
def test_an_imported_pdf_keeps_its_headingless_reference_list():
    paper = paper_import(group=make_group("Physics"), data=numbered_paper(), filename="p.pdf")
    assert Reference.objects.filter(paper=paper).count() == 19
    three = Reference.objects.get(paper=paper, label="3")
    assert three.text.startswith("[3] I. Beltagy")
    cited = Citation.objects.filter(paper=paper, text="[3]")
    assert cited.exists() and all(c.reference_id == three.id for c in cited)
