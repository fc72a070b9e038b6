"""The shared corpus: real papers and the facts a correct import gives (../shared/corpus)."""

import json

import pytest

from papers.services import paper_import
from tests.conftest import CORPUS, make_group, requires_corpus
from tests.corpus import check, export_of

pytestmark = [requires_corpus, pytest.mark.django_db]


def corpus_documents() -> list[str]:
    """Every document the corpus states facts for: the "file" of each *.expected.json, so a new
    document is tested the day it arrives and none can be left out by forgetting a list."""
    return [
        json.loads(path.read_text("utf-8"))["file"]
        for path in sorted(CORPUS.glob("*.expected.json"))
    ]


def expected_for(name: str) -> dict:
    """The facts of a corpus document: the *.expected.json whose "file" names it."""
    for path in CORPUS.glob("*.expected.json"):
        facts = json.loads(path.read_text("utf-8"))
        if facts.get("file") == name:
            return facts
    raise FileNotFoundError(f"no *.expected.json in {CORPUS} names the file {name}")


def test_every_expected_file_names_a_document_of_the_corpus():
    names = corpus_documents()
    assert names, f"no *.expected.json in {CORPUS}"
    assert len(set(names)) == len(names), "two *.expected.json name the same document"
    assert [n for n in names if not (CORPUS / n).is_file()] == []


@pytest.mark.parametrize("name", corpus_documents() if CORPUS.is_dir() else [])
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
