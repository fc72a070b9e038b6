"""The shared corpus: real papers and the facts a correct import gives (../shared/corpus)."""

import json

import pytest

from papers.services import paper_import
from tests.conftest import CORPUS, make_group, requires_corpus
from tests.corpus import check, export_of

pytestmark = [requires_corpus, pytest.mark.django_db]

# The formats this importer reads so far; the others arrive with the PDF/DOCX/HTML/JATS readers.
SUPPORTED = [
    "us-withdrawal-afghanistan.md",
    "docling-pntd.0008301-lymphatic-filariasis-pretas.md",
    "stencila-plosone-0229075-mirna-renal-carcinoma.docx",
    "stencila-elife-30274-replication-c-myc.html",
    "ijm-00202-gendered-income-tax-uruguay.jats.xml",
    "acl-N18-3011-literature-graph-semantic-scholar.pdf",
    "ccr2023-kathirgamalingam-automated-voice-detection.pdf",
]


def expected_for(name: str) -> dict:
    """The facts of a corpus document: the *.expected.json whose "file" names it."""
    for path in CORPUS.glob("*.expected.json"):
        facts = json.loads(path.read_text("utf-8"))
        if facts.get("file") == name:
            return facts
    raise FileNotFoundError(f"no *.expected.json in {CORPUS} names the file {name}")


@pytest.mark.parametrize("name", SUPPORTED)
def test_it_imports_the_corpus_document_as_expected(name):
    expected = expected_for(name)
    source = CORPUS / name
    paper = paper_import(group=make_group("Corpus"), data=source.read_bytes(), filename=source.name)
    problems = check(export_of(paper), expected)
    assert problems == []


def test_the_checker_catches_a_wrong_import():
    """The corpus check must be able to fail: a broken export reports its faults."""
    name = "us-withdrawal-afghanistan"
    expected = json.loads((CORPUS / f"{name}.expected.json").read_text("utf-8"))
    export = {
        "paper": {"title": "Wrong", "authors": [], "keywords": [], "abstract": ""},
        "sections": [], "paragraphs": [{"id": 1, "kind": "body", "section": None,
                                        "text": "US Withdrawal from Afghanistan ..."}],
        "references": [], "citations": [],
    }  # fmt: skip
    problems = check(export, expected)
    assert any(p.startswith("title") for p in problems)
    assert any("citation not found" in p for p in problems)
    assert any("a paragraph equals" in p for p in problems)
