"""The HTML reader: the article and not the page, metadata, references and exact citations."""

import pytest

from papers.importing import ImportFailed, parse_document
from papers.importing.readers.html import decode_html, read_html

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<title>Site name | A study of things</title>
<meta charset="utf-8">
<meta name="citation_title" content="A Study of Things">
<meta name="citation_author" content="Ada Lovelace">
<meta name="citation_author" content="Alan Turing">
<meta name="citation_keywords" content="things; study">
<meta name="description" content="We study things carefully.">
<style>p { color: red }</style>
<script>var secret = "SCRIPT-TEXT";</script>
</head>
<body>
<header><a href="/">Home</a> <nav>Menu NAV-TEXT</nav></header>
<div class="sidebar">SIDEBAR-TEXT is outside the article.</div>
<article>
  <header><h1>A Study of Things</h1><p class="byline">HEADER-TEXT</p></header>
  <section class="abstract"><h2>Abstract</h2><p>We study things carefully.</p></section>
  <p>An opening paragraph before any heading, with a note<a href="#fn1" class="footnote-ref"
     role="doc-noteref"><sup>1</sup></a>.</p>
  <h2>Introduction</h2>
  <p>Things matter <cite><a href="#b1">Lovelace, 1843</a></cite>, as do
     <a href="#b2">Turing (1950)</a>; see also <span><cite><a href="#b1">Lovelace,
     1843</a></cite><cite><a href="#b2">Turing, 1950</a></cite></span> and
     <a href="#fig1">Figure 1</a> and <a href="https://example.org/x">a site</a>.
     <em>Emphasis</em> and <strong>strength</strong>.</p>
  <!-- <script>alert("COMMENT-TEXT")</script> -->
  <h3>A sub-section</h3>
  <ul><li>First item</li><li>Second item<ol><li>Nested item</li></ol></li></ul>
  <blockquote><p>A quotation.</p></blockquote>
  <figure id="fig1"><img src="x.png" alt=""><figcaption><b>Figure 1.</b> A picture.</figcaption>
  </figure>
  <table><caption>Table 1. Numbers.</caption>
    <tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>
  <form><input value="FORM-TEXT"><button>BUTTON-TEXT</button></form>
  <aside>ASIDE-TEXT</aside>
  <h2>References</h2>
  <ol>
    <li id="b1">Lovelace A (1843). Notes on the analytical engine. Taylor.</li>
    <li id="b2">Turing AM (1950). Computing machinery and intelligence. Mind 59:433–460.</li>
  </ol>
  <section class="footnotes" role="doc-endnotes"><hr><ol>
    <li id="fn1"><p>The footnote's text. <a href="#fnref1" class="footnote-back"
        role="doc-backlink">↩︎</a></p></li></ol></section>
</article>
<footer>FOOTER-TEXT</footer>
</body></html>
"""


def blocks_of(html: str):
    return read_html(html.encode("utf-8"))


def text_of(blocks) -> str:
    return "\n".join(b.text for b in blocks)


def test_page_furniture_scripts_styles_and_comments_never_reach_the_text():
    text = text_of(blocks_of(PAGE))
    hidden = "SCRIPT NAV SIDEBAR HEADER COMMENT FORM BUTTON ASIDE FOOTER color:".split()
    assert [word for word in hidden if word in text] == []


def test_metadata_comes_from_the_citation_metas():
    blocks = blocks_of(PAGE)
    kinds = {b.kind: b for b in blocks}
    assert kinds["title"].text == "A Study of Things"
    assert kinds["authors"].data["names"] == ["Ada Lovelace", "Alan Turing"]
    assert kinds["keywords"].data["keywords"] == ["things", "study"]
    # The title is not repeated as a heading; the abstract is read once (not from the meta).
    assert [b.text for b in blocks if b.kind == "heading"] == [
        "Introduction", "A sub-section", "References",
    ]  # fmt: skip
    assert [b.text for b in blocks if b.kind == "abstract"] == ["We study things carefully."]


def test_headings_lists_quotes_figures_and_tables():
    blocks = blocks_of(PAGE)
    headings = [(b.text, b.level) for b in blocks if b.kind == "heading"]
    assert headings[:2] == [("Introduction", 1), ("A sub-section", 2)]
    items = [(b.text, b.list_id, b.ordered, b.label) for b in blocks if b.kind == "list_item"]
    assert items[0][:1] == ("First item",) and items[1][0] == "Second item"
    assert items[0][1] == items[1][1] and not items[0][2]
    assert items[2][0] == "Nested item" and items[2][1] != items[0][1] and items[2][3] == "1"
    assert [b.text for b in blocks if b.kind == "quote"] == ["A quotation."]
    captions = [b.text for b in blocks if b.kind == "caption"]
    assert captions == ["Table 1. Numbers.", "Figure 1. A picture."] or captions == [
        "Figure 1. A picture.", "Table 1. Numbers.",
    ]  # fmt: skip
    assert [b.text for b in blocks if b.kind == "table"] == ["a | b\n1 | 2"]


def test_links_to_entries_are_citations_and_other_marks_are_kept():
    blocks = blocks_of(PAGE)
    paragraph = next(b for b in blocks if b.text.startswith("Things matter"))
    cites = [(paragraph.text[m["start"] : m["end"]], m["targets"]) for m in paragraph.marks
             if m["type"] == "cite"]  # fmt: skip
    assert cites == [
        ("Lovelace, 1843", ["b1"]),
        ("Turing (1950)", ["b2"]),
        ("Lovelace, 1843", ["b1"]),
        ("Turing, 1950", ["b2"]),
    ]
    # Adjacent citations of a group get a separator; a link to a figure is no citation.
    assert "Lovelace, 1843; Turing, 1950 and Figure 1" in paragraph.text
    kinds = {(m["type"], paragraph.text[m["start"] : m["end"]]) for m in paragraph.marks}
    assert {("em", "Emphasis"), ("strong", "strength"), ("link", "a site")} <= kinds
    assert not any(
        m["type"] == "link" and m.get("href", "").startswith("#") for m in paragraph.marks
    )


def test_the_reference_list_and_footnotes():
    blocks = blocks_of(PAGE)
    references = [b for b in blocks if b.kind == "reference"]
    assert [(b.ref_id, b.data.get("label")) for b in references] == [("b1", "1"), ("b2", "2")]
    assert references[1].text.startswith("Turing AM (1950).")
    notes = [b for b in blocks if b.kind == "footnote"]
    assert [(b.text, b.label, b.ref_id) for b in notes] == [("The footnote's text.", "1", "fn1")]
    opening = next(b for b in blocks if b.text.startswith("An opening paragraph"))
    assert opening.kind == "body"
    assert [(m["type"], m["target"]) for m in opening.marks] == [("footnote_ref", "fn1")]


def test_through_the_pipeline_citations_link_exactly():
    paper = parse_document(PAGE.encode("utf-8"), filename="page.html")
    assert paper.source_format == "html"
    assert paper.title == "A Study of Things"
    assert paper.abstract == "We study things carefully."
    assert [s.title for s in paper.sections if s.level == 1] == ["Introduction"]
    body = [p for p in paper.paragraphs if p.kind == "body"]
    assert body[0].text.startswith("An opening paragraph")  # before any heading: still body
    assert [p.text for p in paper.paragraphs if p.kind == "footnote"] == ["The footnote's text."]
    linked = [(c.text, paper.references[c.reference].text[:8]) for c in paper.citations]
    assert linked == [
        ("Lovelace, 1843", "Lovelace"),
        ("Turing (1950)", "Turing A"),
        ("Lovelace, 1843", "Lovelace"),
        ("Turing, 1950", "Turing A"),
    ]


def test_microdata_people_and_references_are_rebuilt_from_their_properties():
    html = """<html><body><article itemscope itemtype="http://schema.org/Article">
    <h1 itemprop="headline">Microdata</h1>
    <ol data-itemprop="authors"><li itemscope itemtype="http://schema.org/Person"
      itemprop="author"><span itemprop="givenName">Grace</span><span
      itemprop="familyName">Hopper</span></li></ol>
    <time itemprop="datePublished" datetime="2020-01-01">2020-01-01</time>
    <h2>Introduction</h2><p>As shown <cite><a href="#bib1">Errington et al., 2014</a></cite>.</p>
    <section data-itemprop="references"><h2>References</h2><ol>
      <li itemscope itemtype="http://schema.org/Article" itemprop="citation" id="bib1">
        <ol data-itemprop="authors"><li itemscope itemtype="http://schema.org/Person"
          itemprop="author"><span itemprop="givenName">TM</span><span
          itemprop="familyName">Errington</span></li></ol><time itemprop="datePublished"
          datetime="2014">2014</time><span itemprop="headline">An open investigation</span>
        <span itemscope itemprop="isPartOf"><span itemprop="volumeNumber">3</span><span
          itemscope itemprop="isPartOf"><span itemprop="name">eLife</span></span></span>
      </li></ol></section></article></body></html>"""
    blocks = blocks_of(html)
    assert next(b for b in blocks if b.kind == "authors").data["names"] == ["Grace Hopper"]
    assert "2020-01-01" not in text_of(blocks)
    entry = next(b for b in blocks if b.kind == "reference")
    assert entry.text == "TM Errington (2014). An open investigation. eLife 3."
    assert entry.data["authors"] == ["Errington, TM"] and entry.data["year"] == "2014"


@pytest.mark.parametrize(
    "data",
    [
        # <meta charset> after <title>, beyond where lxml's own detection looks.
        ("<html><head><title>t</title>" + " " * 2000 + '<meta charset="windows-1252">'
         "</head><body><p>caf\u00e9 \u201cquoted\u201d</p></body></html>").encode("cp1252"),
        b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
        b"</head><body><p>caf\xe9 \x93quoted\x94</p></body></html>",
        "\ufeff<html><body><p>café “quoted”</p></body></html>".encode(),
        "<html><body><p>café “quoted”</p></body></html>".encode("utf-16"),
        "<html><body><p>café “quoted”</p></body></html>".encode("cp1252"),  # undeclared
    ],
    ids=["meta-after-title", "http-equiv-latin1", "utf8-bom", "utf16-bom", "cp1252-fallback"],
)  # fmt: skip
def test_it_decodes_what_the_page_declares(data):
    expected = "café “quoted”"
    assert expected in decode_html(data)
    assert any(b.text == expected for b in read_html(data))


def test_the_largest_article_is_read_and_paragraphs_before_a_heading_are_body():
    html = """<html><body><article><p>Teaser.</p></article>
    <article><p>The real article starts here, with no heading at all.</p><p>Second.</p></article>
    </body></html>"""
    paper = parse_document(html.encode(), filename="x.html")
    assert [p.text for p in paper.paragraphs if p.kind == "body"] == [
        "The real article starts here, with no heading at all.",
        "Second.",
    ]


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("<html><body>" + "<div>" * 300 + "deep" + "</div>" * 300 + "</body></html>", "deeply"),
        ("<html><body><p>" + "word " * 2_200_000 + "</p></body></html>", "too large"),
    ],
    ids=["deep", "huge-text"],
)
def test_libxml2_limits_are_refused_with_a_clear_message(html, message):
    """libxml2 stops at them silently; the rest of the page would be lost without a word."""
    with pytest.raises(ImportFailed, match=message):
        read_html(html.encode())


def test_it_reports_its_progress():
    seen: list[float] = []
    read_html(PAGE.encode(), progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 3


def test_a_page_without_text_has_no_paragraphs():
    with pytest.raises(ImportFailed, match="No paragraphs found"):
        parse_document(b"<html><body><nav>Only a menu</nav><script>x()</script></body></html>")


def test_a_50_mb_page_is_read_in_linear_time():
    """Built here, not stored. Completing at all is the point: the reader is one pass, and the
    pipeline after it is linear too (timed in bench/)."""
    paragraph = (
        "<p>Lorem ipsum <em>dolor</em> sit amet <cite><a href='#r1'>Doe, 2020</a></cite>, "
        + "consectetur adipiscing elit sed do eiusmod tempor. " * 40
        + "</p>\n"
    )
    count = 50 * 1024 * 1024 // len(paragraph)
    html = (
        "<html><body><article><h1>Big</h1><h2>Body</h2>"
        + paragraph * count
        + "<h2>References</h2><ol><li id='r1'>Doe J (2020). A title.</li></ol>"
        + "</article></body></html>"
    ).encode()
    assert len(html) > 50_000_000
    blocks = read_html(html)
    assert sum(1 for b in blocks if b.kind == "body") == count
    assert blocks[-1].kind == "reference"
