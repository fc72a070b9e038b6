"""The language a source states, read by each structured reader (JATS, HTML, DOCX) and kept on
the paper (`Paper.language`), for search to stem its words in (docs/search.md)."""

import io

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from papers.importing import parse_document
from papers.importing.structure import language_code
from papers.services import paper_import
from tests.conftest import make_group


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("de", "de"),
        ("de-DE", "de"),
        ("EN_us", "en"),
        ("fra", "fr"),
        ("ger", "de"),
        ("und", ""),
        ("x-none", ""),
        ("", ""),
        ("  pt-BR ", "pt"),
    ],
)
def test_a_language_tag_gives_its_code(tag, code):
    assert language_code(tag) == code


def test_jats_states_its_language_on_the_article():
    xml = (
        '<article xml:lang="fr"><front><article-meta><title-group><article-title>Les maisons'
        "</article-title></title-group></article-meta></front><body><p>Elles sont vides.</p>"
        "</body></article>"
    )
    paper = parse_document(xml.encode(), filename="a.xml")
    assert paper.language == "fr" and paper.title == "Les maisons"
    assert all(p.kind != "front_matter" for p in paper.paragraphs)


@pytest.mark.parametrize(
    ("head", "code"),
    [
        ('<html lang="es-MX"><head>', "es"),
        ('<html><head><meta name="citation_language" content="it">', "it"),
        ("<html><head>", ""),
    ],
)
def test_html_states_its_language_on_the_page_or_in_a_meta(head, code):
    page = f"{head}<title>T</title></head><body><h1>Casas</h1><p>Vacías desde hace años.</p>"
    paper = parse_document(f"{page}</body></html>".encode(), filename="page.html")
    assert paper.language == code


def _lang(run_or_style_rpr, value: str) -> None:
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), value)
    run_or_style_rpr.append(lang)


def test_docx_takes_the_language_most_of_its_text_is_marked_in():
    """A German Word's default (de-DE) does not make a paper written in English German."""
    document = docx.Document()
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    _lang(rpr, "de-DE")
    document.add_paragraph("Leere Häuser", style="Title")  # in the default language
    english = document.add_paragraph().add_run(
        "A much longer paragraph, written in English by a reader whose Word speaks German. "
        "It says so twice, in two sentences of prose."
    )
    _lang(english._r.get_or_add_rPr(), "en-GB")
    data = io.BytesIO()
    document.save(data)
    assert parse_document(data.getvalue(), filename="a.docx").language == "en"


TEXT = (
    b"Quantum Gardening\n\nTomatoes entangle under moonlight. They grow in pairs.\n\n"
    b"Gardeners measure them at dawn. The measurement changes nothing at all.\n"
)


@pytest.mark.django_db
def test_an_import_keeps_the_language_and_a_text_has_none():
    group = make_group("Languages")
    xml = '<article xml:lang="nl"><body><p>Lege huizen staan al jaren leeg.</p></body></article>'
    assert paper_import(group=group, data=xml.encode(), filename="a.xml").language == "nl"
    text = paper_import(group=group, data=TEXT, filename="")
    assert text.language == ""
