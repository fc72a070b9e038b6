"""The DOCX reader: small documents written with python-docx at test time, then bad input."""

import io
import zipfile

import docx
import pytest
from django.core.exceptions import ValidationError
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from bench.make_docx import add_note_reference, make_docx, with_notes
from papers.importing import ImportFailed, parse_document
from papers.importing.readers.docx import read_docx
from papers.models import Paper
from papers.services import paper_import
from tests.conftest import make_group


def save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def add_hyperlink(paragraph, text: str, url: str) -> None:
    # python-docx has no API for hyperlinks: a w:hyperlink pointing at an external relationship.
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    run_text = OxmlElement("w:t")
    run_text.text = text
    run.append(run_text)
    link.append(run)
    paragraph._p.append(link)


def paragraph_style(document, name: str):
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    return style


def sample_paper() -> bytes:
    """Every structure the reader knows, once."""
    document = docx.Document()
    paragraph_style(document, "Bibliography")
    document.add_paragraph("On Reading Together", style="Title")
    document.add_paragraph("Ada Reader and Ben Scholar", style="Subtitle")
    document.add_heading("Abstract", level=1)
    document.add_paragraph("We argue that groups read better.")
    document.add_heading("Introduction", level=1)
    intro = document.add_paragraph("Groups ")
    intro.add_run("disagree").italic = True
    intro.add_run(" and ")
    intro.add_run("argue").bold = True
    intro.add_run(" (Smith, 2001); see ")
    add_hyperlink(intro, "the archive", "https://example.org/archive")
    intro.add_run(".")
    add_note_reference(intro, 1)
    document.add_heading("Background", level=2)
    document.add_paragraph("First point.", style="List Bullet")
    document.add_paragraph("Second point.", style="List Bullet")
    document.add_heading("Details", level=3)
    document.add_paragraph("Step one.", style="List Number")
    document.add_paragraph("Step two.", style="List Number")
    document.add_paragraph("Table 1. Scores by group.", style="Caption")
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ["Group", "Score", "A", "3.5"], strict=True):
        cell.text = text
    closing = document.add_paragraph("Readers disagree more than they think (Lee, 2005).")
    add_note_reference(closing, 1, kind="endnote")
    document.add_heading("References", level=1)
    document.add_paragraph(
        "Smith, J. (2001). Reading alone. Journal of Reading.", style="Bibliography"
    )
    document.add_paragraph(
        "Lee, K. (2005). Arguing together. Press."
    )  # no style: after the heading
    return with_notes(
        save(document), footnotes={1: "A note at the foot."}, endnotes={1: "A note at the end."}
    )


@pytest.fixture(scope="module")
def paper():
    return parse_document(sample_paper(), filename="sample.docx")


def test_it_reads_title_authors_and_abstract(paper):
    assert paper.source_format == "docx"
    assert paper.title == "On Reading Together"
    assert paper.authors == ["Ada Reader", "Ben Scholar"]
    assert paper.abstract == "We argue that groups read better."


def test_heading_styles_give_sections_at_three_levels(paper):
    assert [(s.title, s.level) for s in paper.sections] == [
        ("Introduction", 1),
        ("Background", 2),
        ("Details", 3),
    ]


def test_bulleted_and_numbered_lists_are_separate_lists(paper):
    items = [p for p in paper.paragraphs if p.kind == "list_item"]
    assert [(p.text, p.label) for p in items] == [
        ("First point.", ""),
        ("Second point.", ""),
        ("Step one.", "1"),
        ("Step two.", "2"),
    ]
    assert items[0].group_key == items[1].group_key != items[2].group_key == items[3].group_key


def test_a_table_is_one_paragraph_with_visible_cells_and_rows(paper):
    tables = [p.text for p in paper.paragraphs if p.kind == "table"]
    assert tables == ["Group | Score\nA | 3.5"]
    captions = [p.text for p in paper.paragraphs if p.kind == "caption"]
    assert captions == ["Table 1. Scores by group."]


def test_footnotes_and_endnotes_are_notes_with_their_markers(paper):
    notes = [(p.label, p.text) for p in paper.paragraphs if p.kind == "footnote"]
    assert notes == [("1", "A note at the foot."), ("i", "A note at the end.")]
    body = [p for p in paper.paragraphs if p.kind == "body"]
    refs = [(p.text[m["start"] : m["end"]], p.text) for p in body for m in p.marks
            if m["type"] == "footnote_ref"]  # fmt: skip
    assert [label for label, _ in refs] == ["1", "i"]
    assert refs[0][1].endswith("see the archive.1")


def test_a_marker_whose_note_is_missing_is_left_out():
    document = docx.Document()
    document.add_paragraph("Reading Together", style="Title")
    paragraph = document.add_paragraph("A claim with a lost note.")
    add_note_reference(paragraph, 7)
    blocks = read_docx(with_notes(save(document), footnotes={1: "Unreferenced."}))
    # The language leads (python-docx's template marks its text en-US).
    assert [(b.kind, b.text, b.marks) for b in blocks] == [
        ("language", "en-US", []),
        ("title", "Reading Together", []),
        ("paragraph", "A claim with a lost note.", []),
    ]


def test_emphasis_and_links_are_marks(paper):
    intro = next(p for p in paper.paragraphs if p.text.startswith("Groups"))
    found = {(m["type"], intro.text[m["start"] : m["end"]]) for m in intro.marks}
    assert {("em", "disagree"), ("strong", "argue"), ("link", "the archive")} <= found
    link = next(m for m in intro.marks if m["type"] == "link")
    assert link["href"] == "https://example.org/archive"


def test_references_come_from_the_bibliography_style_and_after_the_heading(paper):
    assert [r.first_author for r in paper.references] == ["Smith", "Lee"]
    linked = {c.text: c.reference for c in paper.citations}
    assert linked == {"(Smith, 2001)": 0, "(Lee, 2005)": 1}


def test_word_paragraphs_are_never_joined_or_dropped():
    """A Word paragraph that ends without punctuation is whole; so is a short repeated line."""
    document = docx.Document()
    document.add_paragraph("Reading Together", style="Title")
    document.add_heading("Results", level=1)
    document.add_paragraph(
        "The groups that met weekly read more closely, as found earlier by (Smith 2001)"
    )
    document.add_paragraph("The next paragraph starts here and is a separate paragraph of its own.")
    for _ in range(3):
        document.add_paragraph("Note")
    document.add_paragraph("12")
    paper = parse_document(save(document), filename="p.docx")
    assert [p.text[:20] for p in paper.paragraphs] == [
        "The groups that met ",
        "The next paragraph s",
        "Note",
        "Note",
        "Note",
        "12",
    ]


def test_custom_styles_with_an_outline_level_are_headings_and_progress_is_reported():
    document = docx.Document()
    chapter = paragraph_style(document, "Chapter Title")
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "1")
    chapter.element.get_or_add_pPr().append(outline)
    document.add_paragraph("Methods", style="Chapter Title")
    document.add_paragraph("We read.")
    seen = []
    blocks = read_docx(save(document), progress=seen.append)
    assert [(b.kind, b.level, b.text) for b in blocks] == [
        ("language", None, "en-US"),
        ("heading", 2, "Methods"),
        ("paragraph", None, "We read."),
    ]
    assert seen and all(0 <= value <= 1 for value in seen) and seen[-1] == 1.0


def test_a_subtitle_that_is_not_names_is_front_matter():
    document = docx.Document()
    document.add_paragraph("Reading Together", style="Title")
    document.add_paragraph("Evidence from twelve seminars", style="Subtitle")
    document.add_heading("Introduction", level=1)
    document.add_paragraph("We read.")
    paper = parse_document(save(document), filename="p.docx")
    assert paper.authors == []
    assert [(p.kind, p.text) for p in paper.paragraphs][0] == (
        "front_matter",
        "Evidence from twelve seminars",
    )


def test_the_benchmark_paper_reads_whole():
    paper = parse_document(make_docx(5), filename="bench.docx")
    kinds = {p.kind for p in paper.paragraphs}
    assert {"body", "list_item", "table", "caption", "footnote", "abstract"} <= kinds
    assert paper.references and any(c.reference is not None for c in paper.citations)


# --- bad input ---------------------------------------------------------------------------------


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def with_part(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = {info.filename: source.read(info.filename) for info in source.infolist()}
    entries[name] = content
    return zip_of(entries)


def zeros_docx(megabytes: int, level: int) -> bytes:
    """A DOCX-looking zip whose document part inflates to `megabytes` of zeros, written in
    chunks so the test never holds the inflated part."""
    buffer = io.BytesIO()
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(megabytes):
                part.write(chunk)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_by_its_declared_size():
    data = zeros_docx(260, level=1)
    assert len(data) < 2 * 1024 * 1024
    with pytest.raises(ImportFailed, match=r"would unpack to 260 MB .* zip bomb"):
        parse_document(data, filename="bomb.docx")


def test_a_part_with_an_absurd_compression_ratio_is_refused():
    with pytest.raises(ImportFailed, match=r"word/document.xml\) that expands \d+ times"):
        parse_document(zeros_docx(20, level=9), filename="bomb.docx")


def test_a_zip_with_too_many_entries_is_refused():
    entries = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
    entries |= {f"word/media/{i}.bin": b"" for i in range(5001)}
    with pytest.raises(ImportFailed, match="holds 5003 files"):
        parse_document(zip_of(entries), filename="many.docx")


def test_a_truncated_docx_is_damaged():
    data = sample_paper()
    with pytest.raises(ImportFailed, match=r"^This DOCX is damaged or truncated\.$"):
        parse_document(data[: len(data) // 2], filename="cut.docx")


def test_a_zip_that_is_not_a_docx_is_refused():
    with pytest.raises(ImportFailed, match="ZIP archive that is not a DOCX"):
        parse_document(zip_of({"notes.txt": b"hello"}), filename="notes.docx")


def test_a_text_file_named_docx_is_refused():
    with pytest.raises(ImportFailed, match=r"named \.docx but is not a Word document: .* text"):
        parse_document(b"Title\n\nSome paragraph of text.\n", filename="paper.docx")


def test_an_encrypted_word_file_is_named_as_such():
    with pytest.raises(ImportFailed, match="password-protected"):
        parse_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), filename="secret.docx")


def test_xml_with_external_entities_is_refused_before_parsing():
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
    )
    data = with_part(sample_paper(), "word/document.xml", evil)
    with pytest.raises(ImportFailed, match="declares a DTD"):
        parse_document(data, filename="evil.docx")


def test_malformed_xml_is_damaged():
    data = with_part(sample_paper(), "word/document.xml", b"<w:document><w:body>")
    with pytest.raises(ImportFailed, match="not well formed"):
        parse_document(data, filename="broken.docx")


def test_a_docx_whose_main_part_has_no_body_is_damaged():
    empty = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'
    with pytest.raises(ImportFailed, match="no document body"):
        parse_document(with_part(sample_paper(), "word/document.xml", empty), filename="x.docx")


def test_a_docx_without_text_has_no_paragraphs():
    with pytest.raises(ImportFailed, match="No paragraphs found"):
        parse_document(save(docx.Document()), filename="empty.docx")


@pytest.mark.django_db
def test_import_saves_a_docx_and_saves_nothing_for_a_bomb():
    group = make_group("Docx")
    paper = paper_import(group=group, data=sample_paper(), filename="sample.docx")
    assert paper.title == "On Reading Together"
    assert paper.paragraphs.filter(kind="footnote").count() == 2
    with pytest.raises(ValidationError, match="zip bomb"):
        paper_import(group=group, data=zeros_docx(20, level=9), filename="bomb.docx")
    assert Paper.objects.filter(group=group).count() == 1


def test_metadata_styles_author_abstract_and_keywords():
    document = docx.Document()
    for name in ("Author", "Abstract", "Keywords"):
        paragraph_style(document, name)
    document.add_paragraph("On Reading Together", style="Title")
    document.add_paragraph("Ada Reader, Ben Scholar", style="Author")
    document.add_paragraph("We argue that groups read better.", style="Abstract")
    document.add_paragraph("Keywords: reading; argument", style="Keywords")
    document.add_heading("Introduction", level=1)
    document.add_paragraph("We read.")
    paper = parse_document(save(document), filename="meta.docx")
    assert paper.authors == ["Ada Reader", "Ben Scholar"]
    assert paper.abstract == "We argue that groups read better."
    assert paper.keywords == ["reading", "argument"]
    assert [s.title for s in paper.sections] == ["Introduction"]


def test_superscript_digits_stay_superscripts():
    document = docx.Document()
    document.add_paragraph("Reading Together", style="Title")
    paragraph = document.add_paragraph("Groups read more closely")
    paragraph.add_run("12,14").font.superscript = True
    paragraph.add_run(".")
    blocks = read_docx(save(document))
    assert blocks[-1].text == "Groups read more closely¹²,¹⁴."
