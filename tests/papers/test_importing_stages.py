"""The pure import stages, tested directly: no database."""

import pytest

from papers.importing import ImportFailed, parse_document
from papers.importing.cleanup import cleanup
from papers.importing.decode import decode_text
from papers.importing.document import Block
from papers.importing.inline import markdown_inline
from papers.importing.readers import read_markdown, read_text
from papers.importing.references import parse_reference

SAMPLE = "Título: café ☕ — “quotes” and 𝐁old"


@pytest.mark.parametrize(
    "data",
    [
        SAMPLE.encode("utf-8"),
        b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"),
        SAMPLE.encode("utf-16"),  # with a BOM
        SAMPLE.encode("utf-16-le"),  # without one
        SAMPLE.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "utf-16-le", "utf-16-be"],
)
def test_it_decodes_unicode_encodings(data):
    assert decode_text(data) == SAMPLE


def test_it_decodes_latin_1_and_windows_1252():
    assert decode_text("Título: café, naïve".encode("latin-1")) == "Título: café, naïve"
    assert decode_text("“Quoted” – text".encode("cp1252")) == "“Quoted” – text"


def test_it_normalises_to_nfc_and_unix_newlines():
    assert decode_text("cafe\u0301\r\nnext".encode()) == "café\nnext"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"   \n\n  ", "The file is empty."),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"PK\x03\x04\x14\x00", "ZIP archive"),
        (bytes(range(256)) * 4, "looks binary"),
    ],
    ids=["empty", "blank", "pdf", "zip", "binary"],
)
def test_it_refuses_what_is_not_text(data, message):
    with pytest.raises(ImportFailed, match=message):
        parse_document(data)


def test_it_refuses_text_without_paragraphs():
    with pytest.raises(ImportFailed, match="No paragraphs found"):
        parse_document(b"# Just a heading\n\n## And another\n")


def test_markdown_inline_becomes_plain_text_with_marks():
    text, marks = markdown_inline(
        r"A *word*, **strong**, `code`, \$2, [a link](https://x.org/a_(b)) and <https://y.org>."
    )
    assert text == "A word, strong, code, $2, a link and https://y.org."
    kinds = {(m["type"], text[m["start"] : m["end"]]) for m in marks}
    assert kinds == {
        ("em", "word"),
        ("strong", "strong"),
        ("code", "code"),
        ("link", "a link"),
        ("link", "https://y.org"),
    }
    assert next(m for m in marks if m["type"] == "link")["href"] == "https://x.org/a_(b)"


def test_underscores_inside_words_are_not_emphasis():
    text, marks = markdown_inline("see BCAS2017_Paper_Wang_Shida.pdf now")
    assert text == "see BCAS2017_Paper_Wang_Shida.pdf now"
    assert [m for m in marks if m["type"] == "em"] == []


def test_script_in_markdown_or_a_comment_never_reaches_the_text():
    blocks = read_markdown(
        "Before <!-- <script>alert(1)</script> --> after.\n\n"
        "<script>alert(2)</script>\n\nText <b onclick='x()'>bold</b>.\n"
    )
    texts = " ".join(b.text for b in blocks)
    assert "alert" not in texts and "<" not in texts
    assert "Text bold." in texts


def test_markdown_blocks_carry_hints():
    blocks = read_markdown(
        "# Title\n\nSome text\nover two lines.\n\n- one\n- two\n\n1. first\n2. second\n\n"
        "> quoted\n\n[^1]: A note.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert [(b.kind, b.text) for b in blocks] == [
        ("heading", "Title"),
        ("paragraph", "Some text over two lines."),
        ("list_item", "one"),
        ("list_item", "two"),
        ("list_item", "first"),
        ("list_item", "second"),
        ("quote", "quoted"),
        ("footnote", "A note."),
        ("table", "a | b 1 | 2"),
    ]
    assert blocks[2].list_id == blocks[3].list_id != blocks[4].list_id
    assert blocks[4].ordered and blocks[4].label == "1"


def test_plain_text_lists_and_page_breaks():
    blocks = read_text("Para one.\fPara two.\n\n• item a\n• item b\n")
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "Para one."),
        ("paragraph", "Para two."),
        ("list_item", "item a"),
        ("list_item", "item b"),
    ]


def _para(text: str) -> Block:
    return Block(text=text)


LONG = "This sentence is long enough to be a body paragraph of a paper and it runs on "


def test_a_paragraph_broken_by_a_page_break_is_joined_across_a_running_header():
    blocks = [
        _para(LONG + "until the"),
        _para("Journal of Examples 12"),
        _para("Next Page Starts With Capitals and ends."),
        _para("A closed paragraph " + LONG + "ends."),
        _para("Journal of Examples 13"),
        _para("Another closed paragraph. " + LONG + "ends."),
        _para("Journal of Examples 14"),
        _para("7"),
    ]
    texts = [b.text for b in cleanup(blocks)]
    assert texts == [
        LONG + "until the Next Page Starts With Capitals and ends.",
        "A closed paragraph " + LONG + "ends.",
        "Another closed paragraph. " + LONG + "ends.",
    ]


def test_a_heading_after_an_open_paragraph_is_not_swallowed():
    blocks = [_para(LONG + "with a URL https://example.org/x"), _para("Methods and Data")]
    assert [b.text for b in cleanup(blocks)] == [b.text for b in blocks]


@pytest.mark.parametrize(
    ("entry", "first_author", "year", "title"),
    [
        ("Ikram, H. “Pak-Afghan drug trafficking”, Asian Survey 36 (October 1996): 945-963.",
         "Ikram", 1996, "Pak-Afghan drug trafficking"),
        ("Akhtar.N. “India’s regional strategic outlook via Afghanistan” UNISCI, 2019.",
         "Akhtar", 2019, "India’s regional strategic outlook via Afghanistan"),
        ("S. Khan, “why Swat local are angry”, Dawn, October 14, 2022.", "Khan", 2022,
         "why Swat local are angry"),
        ("Toulmin, S. (1958). The uses of argument. Cambridge University Press.", "Toulmin",
         1958, "The uses of argument"),
        ("“Full text of Bajwa’s speech”, Dawn. March 2021. https://www.dawn.com/news/1613207",
         "", 2021, "Full text of Bajwa’s speech"),
    ],
)  # fmt: skip
def test_reference_entries_are_parsed(entry, first_author, year, title):
    ref = parse_reference(entry)
    assert (ref.first_author, ref.year, ref.title) == (first_author, year, title)


def test_reference_urls_and_dois_are_separated():
    ref = parse_reference(
        "Holland, K. “Title”, Journal 11 (2021). DOI: https://doi.org/10.57169/jssa.007.02.043 "
        "and https://example.org/page."
    )
    assert ref.doi == "10.57169/jssa.007.02.043"
    assert ref.url == "https://example.org/page"


PAPER = """A Small Paper About Citations

Ann Author & Ben Writer

Abstract

We test citations (Smith 2020) here.

Introduction

Work by Smith (2020) and (Jones & Lee, 2019a; Brown et al. 2018, 2021) and (Doe 2020) and
(Unknown 1999) and in (March 2021) nothing; (Smith 2020, p. 4) too.

References

Smith, J. (2020). First work. Press.

Jones, A. and Lee, B. (2019a). Second work. Press.

Brown, C. (2018). Third. Press.

Brown, C. (2021). Fourth. Press.

Doe, J. (2020). Fifth. Press.

Doe, K. (2020). Sixth. Press.
"""


def test_citations_link_by_first_author_and_year_and_never_guess():
    paper = parse_document(PAPER.encode(), fmt="text")
    refs = paper.references
    found = {c.text: (c.reference, c.candidates) for c in paper.citations}
    first = lambda name, year: next(  # noqa: E731
        i for i, r in enumerate(refs) if r.first_author == name and r.year == year
    )
    assert found["(Smith 2020)"] == (first("Smith", 2020), [])
    assert found["Smith (2020)"] == (first("Smith", 2020), [])
    assert found["Jones & Lee, 2019a"] == (first("Jones", 2019), [])
    assert found["Brown et al. 2018, 2021"][0] in (first("Brown", 2018), first("Brown", 2021))
    reference, candidates = found["(Doe 2020)"]
    assert reference is None and len(candidates) == 2  # two Doe 2020: ambiguous, no link
    assert found["(Unknown 1999)"] == (None, [])
    assert "(March 2021)" not in found
    assert found["(Smith 2020, p. 4)"][0] == first("Smith", 2020)


def test_it_reads_front_matter_of_plain_text():
    paper = parse_document(PAPER.encode(), fmt="text")
    assert paper.title == "A Small Paper About Citations"
    assert paper.authors == ["Ann Author", "Ben Writer"]
    assert paper.abstract == "We test citations (Smith 2020) here."
    assert [s.title for s in paper.sections] == ["Introduction"]
    assert len(paper.references) == 6


def test_front_matter_lines_are_never_joined_to_each_other():
    names = ", ".join(f"Author{chr(65 + i)} Surname{chr(65 + i)}" for i in range(12))
    source = (
        f"# A Title\n\n{names}\n\nDepartment of Examples, University of Tests, Testland\n\n"
        "## Abstract\n\nThe abstract.\n\n## Introduction\n\nThe body.\n"
    )
    paper = parse_document(source.encode(), fmt="markdown")
    assert len(paper.authors) == 12
    assert [p.text for p in paper.paragraphs if p.kind == "front_matter"] == [
        "Department of Examples, University of Tests, Testland"
    ]


PANDOC = b"""---
title: "A Pandoc Paper"
author:
  - name: Ada Lovelace
  - given: Alan
    family: Turing
keywords: [computing, engines]
abstract: |
  We study engines.
references:
  - id: bib22
    author: [{family: Babbage, given: Charles}]
    issued: {date-parts: [[1864]]}
    title: Passages from the Life of a Philosopher
  - id: bib38
    author: [{family: Menabrea, given: Luigi}]
    issued: {date-parts: [[1842]]}
    title: Sketch of the Analytical Engine
---

# Introduction

Engines compute [@bib22; @bib38] and more [see @bib22, p. 4] or [@nobody]. Mail a@b.org.
"""


def test_pandoc_keys_link_to_references_in_the_yaml_front_matter():
    paper = parse_document(PANDOC, filename="paper.md")
    assert (paper.title, paper.authors) == ("A Pandoc Paper", ["Ada Lovelace", "Alan Turing"])
    assert paper.keywords == ["computing", "engines"] and paper.abstract == "We study engines."
    assert [r.text for r in paper.references] == [
        "Babbage C (1864). Passages from the Life of a Philosopher.",
        "Menabrea L (1842). Sketch of the Analytical Engine.",
    ]
    found = [(c.text, c.reference) for c in paper.citations]
    assert found == [("@bib22", 0), ("@bib38", 1), ("[see @bib22, p. 4]", 0), ("[@nobody]", None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("as shown [7].", [("[7]", 6)]),
        ("ranges [6–8] work", [("[6–8]", 5), ("[6–8]", 6), ("[6–8]", 7)]),
        ("lists [2,4–5]", [("2", 1), ("4–5", 3), ("4–5", 4)]),
        ("out of range [99]", [("[99]", None)]),
    ],
)
def test_numeric_citations_point_into_an_unnumbered_list_by_position(text, expected):
    refs = "\n".join(f"- Author{i}, A. ({2000 + i}). Work {i}. Press." for i in range(1, 11))
    source = f"# T\n\n## Intro\n\nBody text {text}\n\n## References\n\n{refs}\n"
    paper = parse_document(source.encode(), fmt="markdown")
    assert [(c.text, c.reference) for c in paper.citations] == expected


def test_superscript_citations_need_a_numbered_reference_list():
    numbered = "\n\n".join(f"[{i}] Author{i}, A. Work {i}. Press, {2000 + i}." for i in (1, 2, 3))
    body = "This result was shown before¹ and it was confirmed again by others².³"
    source = f"Title Here\n\nIntroduction\n\n{body}\n\nReferences\n\n{numbered}\n"
    paper = parse_document(source.encode(), fmt="text")
    assert [(c.text, c.reference) for c in paper.citations] == [("¹", 0), ("²", 1), ("³", 2)]
    assert [r.label for r in paper.references] == ["1", "2", "3"]
    unnumbered = source.replace("[1] ", "").replace("[2] ", "").replace("[3] ", "")
    assert parse_document(unnumbered.encode(), fmt="text").citations == []


def test_figure_and_table_captions_are_captions():
    source = (
        "# T\n\n## Results\n\nThe body says something long enough to be a paragraph.\n\n"
        "Figure 2. Attacks by year.\n\nTable 1: Counts per province.\n\n"
        "Figure 3 shows a trend that the text discusses at some length.\n"
    )
    paper = parse_document(source.encode(), fmt="markdown")
    assert [p.kind for p in paper.paragraphs] == ["body", "caption", "caption", "body"]


def test_two_authors_are_not_read_as_given_name_and_surname():
    refs = "Chen, L. (2014). Other work. Press.\n\nWang, X., & Chen, L. (2014). Joint work. Press."
    source = f"# T\n\n## Intro\n\nAs found (Wang & Chen, 2014).\n\n## References\n\n{refs}\n"
    paper = parse_document(source.encode(), fmt="markdown")
    (citation,) = paper.citations
    assert paper.references[citation.reference].text.startswith("Wang, X.")


@pytest.mark.parametrize(
    ("cited", "span"),
    [
        ("(e.g.,Bennett, 1990)", "Bennett, 1990"),
        ("(e.g., Bennett, 1990)", "Bennett, 1990"),
        ("(LSTM, Bennett and Smith, 1990)", "(LSTM, Bennett and Smith, 1990)"),
        ("(Bennett, 1990)", "(Bennett, 1990)"),
    ],
)  # fmt: skip
def test_leads_and_descriptions_before_the_authors(cited, span):
    refs = "Bennett, W. L. (1990). Toward a theory. Journal.\n\nSmith, A. (1990). Other. Press."
    source = f"# T\n\n## Intro\n\nAs argued {cited} here.\n\n## References\n\n{refs}\n"
    paper = parse_document(source.encode(), fmt="markdown")
    (citation,) = paper.citations
    assert (citation.text, citation.reference) == (span, 0)
