"""The JATS reader: front matter, sections, footnotes, structured references, exact citations,
and XML that must be refused (entities, malformed files)."""

import pytest

from papers.importing import ImportFailed, parse_document
from papers.importing.readers.jats import read_jats
from papers.models import Paper
from papers.services import paper_import
from tests.conftest import make_group

ARTICLE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE article PUBLIC
  "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.1 20151215//EN"
  "JATS-archivearticle1.dtd">
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article">
<front><journal-meta><journal-title-group><journal-title>J</journal-title></journal-title-group>
</journal-meta><article-meta>
<title-group><article-title>Taxes and <italic>gender</italic></article-title></title-group>
<contrib-group>
 <contrib contrib-type="author">
  <name><surname>Bucheli</surname><given-names>Marisa</given-names></name>
  <xref ref-type="aff" rid="aff1">1</xref></contrib>
 <contrib contrib-type="author"><collab>The Tax Group</collab></contrib>
 <contrib contrib-type="editor">
  <name><surname>Editor</surname><given-names>Ed</given-names></name></contrib>
 <aff id="aff1"><label>1</label><institution>Universidad de la Rep&#x00FA;blica</institution>
  <addr-line><named-content content-type="city">Montevideo</named-content></addr-line>
  <country>Uruguay</country></aff>
</contrib-group>
<author-notes><fn id="cor1"><p>For correspondence: m@example.org</p></fn></author-notes>
<abstract><sec><title>Background</title><p>We study taxes.</p></sec>
 <sec><title>Results</title><p>They differ.</p></sec></abstract>
<kwd-group kwd-group-type="repec"><title>JEL</title><kwd>H22</kwd></kwd-group>
<kwd-group kwd-group-type="author-generated"><kwd>tax</kwd><kwd>gender</kwd></kwd-group>
</article-meta></front>
<body>
<p>A preamble before any section.</p>
<sec id="s1"><title>1. Introduction</title>
 <p><xref ref-type="bibr" rid="bib2">Stotsky (1996)</xref> found bias
  (<xref ref-type="bibr" rid="bib1">Alesina et al., 2011</xref>; see
  <xref ref-type="bibr" rid="bib1 bib2">both</xref>).
  Smith (<xref ref-type="bibr" rid="ec3">2003</xref>)
  agrees.<sup>[<xref ref-type="fn" rid="fn1">1</xref>]</sup></p>
 <p>Items follow:<list list-type="order"><list-item><label>a</label><p>one</p></list-item>
  <list-item><p>two</p></list-item></list> and the paragraph goes on.</p>
 <disp-quote><p>Quoted words.</p></disp-quote>
 <sec id="s1-1"><title>1.1. Detail</title>
  <p>Inline note here<fn id="fnx"><label>*</label><p>An inline note.</p></fn> ends.</p>
  <fig id="f1"><label>Figure 1.</label><caption><title>A figure.</title><p>Its text.</p></caption>
   <graphic xlink:href="f1.tif"/></fig>
  <table-wrap id="t1"><label>Table 1.</label><caption><title>Numbers</title></caption>
   <table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>2<xref
   ref-type="table-fn" rid="T1">*</xref></td></tr></tbody></table>
   <table-wrap-foot><fn id="T1"><p>*p&lt;0.1</p></fn></table-wrap-foot></table-wrap>
 </sec>
</sec>
<sec id="s2"><title>2. Conclusions</title><p>Done &amp; dusted.</p></sec>
</body>
<back>
<ack><p>Thanks.</p></ack>
<ref-list><title>References</title>
 <ref id="bib2"><element-citation publication-type="report">
  <person-group person-group-type="author">
   <name><surname>Stotsky</surname><given-names>Janet</given-names></name></person-group>
  <year>1996</year><chapter-title>Gender bias in tax systems</chapter-title>
  <source>IMF Working Paper</source></element-citation></ref>
 <ref id="bib1"><element-citation publication-type="journal">
  <person-group person-group-type="author">
   <name><surname>Alesina</surname><given-names>A</given-names></name>
   <name><surname>Ichino</surname><given-names>A</given-names></name></person-group>
  <year>2011</year><article-title>Gender-based taxation</article-title>
  <source>AEJ: Policy</source><volume>3</volume><fpage>1</fpage><lpage>40</lpage>
  <pub-id pub-id-type="doi">10.1257/pol.3.2.1</pub-id></element-citation></ref>
 <ref id="bib3"><label>3.</label><mixed-citation id="ec3" publication-type="journal"><string-name>
  <surname>Smith</surname>, <given-names>J.</given-names></string-name> (<year>2003</year>).
  <article-title>Taxes</article-title>. <source>Journal</source>,
  <volume>1</volume>.</mixed-citation></ref>
</ref-list>
<fn-group><fn id="fn1"><label>1.</label><p>A back note.</p></fn></fn-group>
</back>
</article>"""


def test_front_matter_is_read_from_its_elements():
    blocks = read_jats(ARTICLE.encode())
    kinds = {}
    for block in blocks:
        kinds.setdefault(block.kind, []).append(block)
    assert kinds["title"][0].text == "Taxes and gender"
    assert kinds["authors"][0].data["names"] == ["Marisa Bucheli", "The Tax Group"]
    assert [b.text for b in kinds["front_matter"]] == [
        "Universidad de la República, Montevideo, Uruguay",
        "For correspondence: m@example.org",
    ]
    assert [b.text for b in kinds["abstract"]] == [
        "Background: We study taxes.",
        "Results: They differ.",
    ]
    assert kinds["keywords"][0].data["keywords"] == ["tax", "gender"]  # the authors', not JEL


def test_sections_paragraphs_lists_quotes_figures_and_tables():
    blocks = read_jats(ARTICLE.encode())
    assert [(b.text, b.level) for b in blocks if b.kind == "heading"] == [
        ("1. Introduction", 1),
        ("1.1. Detail", 2),
        ("2. Conclusions", 1),
        ("Acknowledgements", 1),
        ("References", 1),
    ]
    body = [b.text for b in blocks if b.kind == "body"]
    assert body[0] == "A preamble before any section."
    assert "Items follow:" in body and "and the paragraph goes on." in body
    items = [(b.text, b.label, b.ordered) for b in blocks if b.kind == "list_item"]
    assert items == [("one", "a", True), ("two", "", True)]
    assert [b.text for b in blocks if b.kind == "quote"] == ["Quoted words."]
    assert [b.text for b in blocks if b.kind == "caption"] == [
        "Figure 1. A figure. Its text.",
        "Table 1. Numbers",
    ]
    assert [b.text for b in blocks if b.kind == "table"] == ["a | b\n1 | 2*"]
    assert "Done & dusted." in body


def test_footnotes_inline_in_tables_and_at_the_back():
    blocks = read_jats(ARTICLE.encode())
    notes = [(b.text, b.label, b.ref_id) for b in blocks if b.kind == "footnote"]
    assert notes == [
        ("An inline note.", "*", "fnx"),
        ("*p<0.1", "", "T1"),
        ("A back note.", "1", "fn1"),
    ]
    inline = next(b for b in blocks if b.text.startswith("Inline note here"))
    assert inline.text == "Inline note here* ends."
    assert [(m["type"], m["target"]) for m in inline.marks] == [("footnote_ref", "fnx")]
    first = next(b for b in blocks if b.text.startswith("Stotsky (1996)"))
    note = next(m for m in first.marks if m["type"] == "footnote_ref")
    assert first.text[note["start"] : note["end"]] == "1" and note["target"] == "fn1"


def test_element_citations_are_printed_surname_first_and_keep_their_fields():
    blocks = read_jats(ARTICLE.encode())
    refs = {b.ref_id: b for b in blocks if b.kind == "reference"}
    assert list(refs) == ["bib2", "bib1", "bib3"]  # document order, not alphabetical
    assert refs["bib2"].text == "Stotsky J (1996). Gender bias in tax systems. IMF Working Paper."
    assert refs["bib1"].text == (
        "Alesina A, Ichino A (2011). Gender-based taxation. AEJ: Policy 3:1–40. "
        "https://doi.org/10.1257/pol.3.2.1"
    )
    assert refs["bib1"].data == {
        "authors": ["Alesina, A", "Ichino, A"],
        "first_author": "Alesina",
        "year": "2011",
        "title": "Gender-based taxation",
        "venue": "AEJ: Policy",
        "doi": "10.1257/pol.3.2.1",
    }
    # A mixed citation is printed as the publisher formatted it.
    assert refs["bib3"].text == "Smith, J. (2003). Taxes. Journal, 1."
    assert refs["bib3"].data["label"] == "3"


def test_citations_link_exactly_through_the_pipeline():
    paper = parse_document(ARTICLE.encode(), filename="a.xml")
    assert paper.source_format == "jats"
    assert paper.abstract == "Background: We study taxes.\n\nResults: They differ."
    by_text = {}
    for citation in paper.citations:
        ref = paper.references[citation.reference]
        by_text.setdefault(citation.text, []).append(ref.text.split(" (")[0])
    assert by_text == {
        "Stotsky (1996)": ["Stotsky J"],
        "Alesina et al., 2011": ["Alesina A, Ichino A"],
        "both": ["Alesina A, Ichino A", "Stotsky J"],  # one citation per target
        # Marked over its year only, pointing at the citation element's id: widened, linked.
        "Smith (2003)": ["Smith, J."],
    }
    body = [p for p in paper.paragraphs if p.kind == "body"]
    assert body[0].text == "A preamble before any section."  # body, not front matter
    assert [s.title for s in paper.sections if s.level == 1] == [
        "1. Introduction", "2. Conclusions", "Acknowledgements",
    ]  # fmt: skip


def test_it_reports_its_progress():
    seen: list[float] = []
    read_jats(ARTICLE.encode(), progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 3


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE article [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<article><body><p>&lol4;</p></body></article>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE article [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<article><body><p>&secret;</p></body></article>"""
# Declared after a long comment, past the quick look at the prolog: caught after parsing.
HIDDEN = (
    b'<?xml version="1.0"?><!-- <article> -->\n<!DOCTYPE article [<!ENTITY x "y">]>'
    b"<article><body><p>&x;</p></body></article>"
)


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL, HIDDEN], ids=["laughs", "xxe", "late"])
def test_documents_that_declare_entities_are_refused(data):
    with pytest.raises(ImportFailed, match="declares entities; they are refused for safety"):
        parse_document(data, filename="bad.xml")


@pytest.mark.django_db
def test_a_refused_document_saves_nothing():
    with pytest.raises(Exception, match="refused for safety"):
        paper_import(group=make_group("Safety"), data=EXTERNAL, filename="xxe.xml")
    assert not Paper.objects.exists()


def test_named_entities_of_the_unloaded_dtd_are_kept_as_text():
    data = ARTICLE.replace("Done &amp; dusted.", "Done&nbsp;&mdash;&#160;dusted.").encode()
    texts = [b.text for b in read_jats(data)]
    assert "Done\u00a0—\u00a0dusted." in texts


@pytest.mark.parametrize(
    "data",
    [ARTICLE.encode()[: len(ARTICLE) // 2], b"<?xml version='1.0'?><article><body><p>x</body>"],
    ids=["truncated", "mismatched"],
)
def test_malformed_xml_gets_a_clear_message(data):
    with pytest.raises(ImportFailed, match=r"This XML is not well-formed \(line \d+\)"):
        parse_document(data, filename="broken.xml")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<article><body>" + b"<sec>" * 300 + b"</sec>" * 300 + b"</body></article>", "deeply"),
        (b"<article><body><p>" + b"word " * 2_200_000 + b"</p></body></article>", "too large"),
    ],
    ids=["deep", "huge-text"],
)
def test_libxml2_limits_answer_with_a_message(data, message):
    with pytest.raises(ImportFailed, match=message):
        read_jats(data)


def test_xml_that_is_not_jats_is_refused():
    with pytest.raises(ImportFailed, match="XML that is not JATS"):
        parse_document(b'<?xml version="1.0"?><rss><channel/></rss>', filename="feed.xml")


def test_utf16_jats_is_recognised_by_its_root_element():
    source = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<article><front><article-meta><title-group>'
        "<article-title>Über Zeichen</article-title></title-group></article-meta></front>"
        "<body><sec><title>Intro</title><p>Ein Absatz mit genug Text für einen Körper.</p>"
        "</sec></body></article>"
    )
    paper = parse_document(source.encode("utf-16"))
    assert (paper.source_format, paper.title) == ("jats", "Über Zeichen")
