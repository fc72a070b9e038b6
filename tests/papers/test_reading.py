"""The reading page's pure functions: cutting text at citations, rendering, grouping."""

from types import SimpleNamespace

from django.utils.safestring import SafeString
from lxml import html as lxml_html

from papers.reading import (
    Cite,
    Entry,
    Highlight,
    paper_layout,
    render_paragraph,
    render_reference,
    split_citations,
)

SMITH = Entry(1, "Smith, J. (2001). Reading <together>. Journal & Co.")
LEE = Entry(2, "Lee, K. (2005). Arguing.")
LEA = Entry(3, "Lee, A. (2005). Also arguing.")

TEXT = "As argued (Smith, 2001), readers disagree (Lee, 2005) more than (Nobody, 1999)."


def cites_for(text: str = TEXT) -> list[Cite]:
    def at(needle: str, cid: int, **kwargs) -> Cite:
        start = text.index(needle)
        return Cite(cid, start, start + len(needle), **kwargs)

    return [
        at("(Smith, 2001)", 1, reference=SMITH),
        at("(Lee, 2005)", 2, candidates=(LEE, LEA)),
        at("(Nobody, 1999)", 3),
    ]


def test_it_splits_text_at_citations_covering_it_once():
    pieces = split_citations(TEXT, cites_for())
    assert "".join(p.text for p in pieces) == TEXT
    assert [p.text for p in pieces if p.cite] == ["(Smith, 2001)", "(Lee, 2005)", "(Nobody, 1999)"]
    assert pieces[0].text == "As argued " and pieces[0].cite is None
    assert pieces[-1].text == "."


def test_it_returns_one_piece_without_citations():
    assert [(p.text, p.cite) for p in split_citations("Plain.", [])] == [("Plain.", None)]
    assert [p.text for p in split_citations("", [])] == [""]


def test_it_counts_offsets_in_code_points():
    text = "🙂 é (Smith, 2001) 𝔘."
    start = text.index("(")
    pieces = split_citations(text, [Cite(1, start, start + 13, reference=SMITH)])
    assert [p.text for p in pieces] == ["🙂 é ", "(Smith, 2001)", " 𝔘."]


def test_it_skips_citations_outside_the_text_or_overlapping():
    cites = [
        Cite(1, 3, 8, reference=SMITH),
        Cite(2, 5, 10, reference=LEE),  # overlaps the first
        Cite(3, 20, 99, reference=LEE),  # past the end
        Cite(4, 12, 12, reference=LEE),  # empty
    ]
    pieces = split_citations("0123456789abcdef", cites)
    assert "".join(p.text for p in pieces) == "0123456789abcdef"
    assert [p.cite.id for p in pieces if p.cite] == [1]


def test_it_renders_a_linked_citation_with_its_entry_as_a_popover():
    html = render_paragraph(TEXT, cites_for())
    assert isinstance(html, SafeString)
    assert (
        '<a class="cite" id="cite-1" href="#ref-1" aria-describedby="cite-1-tip">(Smith, 2001)</a>'
        in html
    )
    assert (
        '<span class="cite-tip" role="tooltip" id="cite-1-tip">'
        "Smith, J. (2001). Reading &lt;together&gt;. Journal &amp; Co.</span>" in html
    )


def test_it_renders_an_ambiguous_citation_as_a_focusable_span_listing_candidates():
    html = render_paragraph(TEXT, cites_for())
    assert 'class="cite cite-ambiguous" id="cite-2" tabindex="0"' in html
    assert 'href="#ref-2"' not in html and 'href="#ref-3"' not in html
    assert "Lee, K. (2005). Arguing." in html and "Lee, A. (2005). Also arguing." in html


def test_it_renders_an_unmatched_citation_as_plain_text():
    html = render_paragraph(TEXT, cites_for())
    assert "more than (Nobody, 1999)." in html
    assert 'id="cite-3"' not in html


def test_it_escapes_everything():
    text = '<script>alert("x")</script> & (Smith, 2001)'
    start = text.index("(Smith")
    html = render_paragraph(text, [Cite(1, start, start + 13, reference=SMITH)])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; " in html


def test_it_renders_inline_marks_and_only_safe_links():
    text = "bold and italic, a link, a bad link, code"
    marks = [
        {"type": "strong", "start": 0, "end": 4},
        {"type": "em", "start": 9, "end": 15},
        {"type": "link", "start": 17, "end": 23, "href": "https://example.org/?a=1&b=2"},
        {"type": "link", "start": 25, "end": 35, "href": "javascript:alert(1)"},
        {"type": "code", "start": 37, "end": 41},
        {"type": "em", "start": 30, "end": 999},  # clipped
        {"type": "unknown", "start": 0, "end": 3},
        "not a mark",
    ]
    html = render_paragraph(text, marks=marks)
    assert html.startswith("<strong>bold</strong> and <em>italic</em>, ")
    assert '<a href="https://example.org/?a=1&amp;b=2" rel="nofollow noopener">a link</a>' in html
    assert "javascript" not in html
    assert "<em><code>code</code></em>" in html


def test_it_drops_links_inside_a_citation():
    text = "See (Smith, 2001)."
    marks = [{"type": "link", "start": 4, "end": 17, "href": "https://example.org"}]
    html = render_paragraph(text, [Cite(1, 4, 17, reference=SMITH)], marks)
    assert "example.org" not in html
    assert html.count("<a ") == 1


def test_it_links_a_footnote_marker_to_its_note():
    marks = [{"type": "footnote_ref", "start": 9, "end": 10}]
    html = render_paragraph("A remark.1 More.", marks=marks, notes={"1": "p-abc"})
    assert '<sup class="fnref"><a href="#p-abc">1</a></sup>' in html
    assert '<sup class="fnref">1</sup>' in render_paragraph("A remark.1 More.", marks=marks)


def text_of(html: str) -> str:
    """The text a browser shows for rendered paragraph HTML, citation popovers left out."""
    root = lxml_html.fragment_fromstring(str(html), create_parent="div")
    for tip in root.xpath('.//*[contains(@class, "cite-tip")]'):
        tip.drop_tree()
    return root.text_content()


def test_it_marks_highlights_at_code_point_offsets():
    text = "🙂 𝐀 claims: שלום, 42 attacks."
    start = text.index("42")
    html = render_paragraph(
        text, highlights=[Highlight(start, start + 10, "hl role-evidence", (("annotation", "7"),))]
    )
    assert '<mark class="hl role-evidence" data-annotation="7">42 attacks</mark>' in html
    assert text_of(html) == text


def test_it_draws_overlapping_highlights_flat_and_splits_them_at_citations():
    text = "As argued (Smith, 2001), readers disagree."
    a = Highlight(3, 23, "hl a", (("annotation", "1"),))  # "argued (Smith, 2001)"
    b = Highlight(10, 41, "hl b", (("annotation", "2"),))  # "(Smith, 2001), readers disagree"
    html = render_paragraph(text, [Cite(1, 10, 23, reference=SMITH)], highlights=[b, a])
    assert html.startswith('As <mark class="hl a" data-annotation="1">argued </mark>')
    # Inside the citation both cover the text: one mark, the innermost (the later to start),
    # saying how many cover it.
    assert (
        '<a class="cite" id="cite-1" href="#ref-1" aria-describedby="cite-1-tip">'
        '<mark class="hl b" data-annotation="2" data-depth="2">(Smith, 2001)</mark></a>' in html
    )
    assert '<mark class="hl b" data-annotation="2">, readers disagree</mark>.' in html
    assert text_of(html) == text


def test_a_passage_inside_another_is_drawn_on_top_and_the_outer_one_resumes_after_it():
    text = "one two three four five"
    outer = Highlight(0, 23, "hl outer", (("annotation", "1"),))
    inner = Highlight(4, 13, "hl inner", (("annotation", "2"),))  # "two three"
    same = Highlight(4, 13, "hl same", (("annotation", "3"),))  # as long: the later one on top
    html = render_paragraph(text, highlights=[inner, outer, same])
    assert html == (
        '<mark class="hl outer" data-annotation="1">one </mark>'
        '<mark class="hl same" data-annotation="3" data-depth="3">two three</mark>'
        '<mark class="hl outer" data-annotation="1"> four five</mark>'
    )


def test_many_highlights_on_one_passage_never_nest_and_grow_the_html_linearly():
    text = "As argued (Smith, 2001), readers disagree (Lee, 2005) more than (Nobody, 1999)."

    def drawn(n):
        highlights = [
            Highlight(i % 20, len(text) - i % 30, "hl", (("annotation", str(i)),)) for i in range(n)
        ]
        return render_paragraph(text, cites_for(text), highlights=highlights)

    small, large = drawn(100), drawn(10_000)
    root = lxml_html.fragment_fromstring(f"<p>{large}</p>")
    assert root.xpath("//mark//mark") == []  # flat: no mark inside another
    # Cut at 50 places at most, whatever the number of highlights: the same size give or take
    # the digits of the depths (nested marks took 100 times more at 10,000).
    assert len(large) < len(small) * 1.2
    assert ' data-depth="10000"' in large
    assert text_of(large) == text


def test_it_leaves_out_highlights_outside_the_text_and_escapes_their_attributes():
    text = "Short <text>."
    html = render_paragraph(
        text,
        highlights=[
            Highlight(0, 99, "hl"),  # past the end: stale offsets
            Highlight(4, 4, "hl"),  # empty
            Highlight(6, 12, 'hl" onclick="x', (("author", '<b a="1">'),), title='Claim · "<i>'),
        ],
    )
    assert html.count("<mark") == 1
    assert 'class="hl&quot; onclick=&quot;x"' in html
    assert (
        'data-author="&lt;b a=&quot;1&quot;&gt;" title="Claim · &quot;&lt;i&gt;">'
        "&lt;text&gt;</mark>" in html
    )


def para(pid, kind, text, section=None, key=None, label=""):
    return SimpleNamespace(
        id=pid,
        kind=kind,
        text=text,
        section_id=section,
        anchor=f"p-{pid}",
        marks=[],
        group_key=key,
        label=label,
    )


def section(sid, position, level, title):
    return SimpleNamespace(id=sid, position=position, level=level, title=title, anchor=f"s-{sid}")


def test_it_lays_out_headings_lists_quotes_front_matter_and_notes():
    sections = [section(1, 1, 1, "One"), section(2, 2, 1, "Two"), section(3, 3, 2, "Two.a")]
    paragraphs = [
        para(1, "front_matter", "University"),
        para(2, "abstract", "Abstract text."),
        para(3, "body", "Intro.", section=1),
        para(4, "list_item", "a", section=1, key=7),
        para(5, "list_item", "b", section=1, key=7),
        para(6, "list_item", "c", section=1, key=8, label="1"),
        para(7, "quote", "Quoted.", section=3),
        para(8, "footnote", "A note.", label="1"),
    ]
    layout = paper_layout(sections, paragraphs, {})
    assert [p.anchor for p in layout.front_matter] == ["p-1"]
    assert [p.anchor for p in layout.abstract] == ["p-2"]
    assert [p.anchor for p in layout.notes] == ["p-8"]
    shape = [
        (
            b.type,
            b.tag,
            b.section.title if b.section else [i.anchor for i in b.items] or b.para.kind,
        )
        for b in layout.body
    ]
    assert shape == [
        ("heading", "h2", "One"),
        ("paragraph", "", "body"),
        ("list", "ul", ["p-4", "p-5"]),
        ("list", "ol", ["p-6"]),
        ("heading", "h2", "Two"),  # no paragraphs of its own, still in place
        ("heading", "h3", "Two.a"),
        ("paragraph", "", "quote"),
    ]


def test_it_keeps_headings_of_trailing_empty_sections():
    layout = paper_layout([section(1, 1, 1, "Only")], [], {})
    assert [(b.type, b.section.title) for b in layout.body] == [("heading", "Only")]


def test_it_links_a_references_url_or_doi_where_the_text_has_it():
    text = "Smith (2001). <Title>. https://example.org/a?b=1&c=2 doi:10.1/xy"
    html = render_reference(text, "https://example.org/a?b=1&c=2", "10.1/xy")
    assert html == (
        "Smith (2001). &lt;Title&gt;. "
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener">'
        "https://example.org/a?b=1&amp;c=2</a> doi:10.1/xy"
    )
    html = render_reference(text, "", "10.1/xy")
    assert '<a href="https://doi.org/10.1/xy" rel="nofollow noopener">10.1/xy</a>' in html
    assert render_reference("x javascript:alert(1)", "javascript:alert(1)") == (
        "x javascript:alert(1)"
    )
    assert render_reference("<b>", None, None) == "&lt;b&gt;"
