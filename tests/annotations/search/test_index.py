"""The index follows every write of text (annotations.search.index)."""

import json

import pytest

from annotations.exports.native import paper_chunks
from annotations.imports.services import import_file
from annotations.models import SearchEntry
from annotations.services import comment_update
from papers.services import paper_delete, paper_import, paper_rename
from tests.conftest import join, make_group

from .conftest import find

pytestmark = pytest.mark.django_db


def test_an_imported_paper_is_found_by_its_title_authors_and_paragraphs(group, owner):
    text = (
        "Quantum Gardening\n\nTomatoes entangle under moonlight. They grow in pairs.\n\n"
        "Gardeners measure them at dawn. The measurement changes nothing at all.\n"
    )
    paper = paper_import(group=group, user=owner, data=text.encode(), filename="")
    assert ("paper", paper.pk) in find(owner, "gardening")
    paragraph = paper.paragraphs.get(text__contains="Tomatoes")
    assert find(owner, "tomatoes entangle") == [("paragraph", paragraph.pk)]


def test_a_renamed_paper_is_found_by_its_new_title(scene, owner):
    paper = scene["paper"]
    paper_rename(actor=owner, paper=paper, title="Statistical Mechanics for Readers")
    assert find(owner, "thermodynamics", kind="paper") == []
    assert find(owner, "mechanics", kind="paper") == [("paper", paper.pk)]


def test_a_deleted_paper_takes_its_entries(scene, owner):
    paper = scene["paper"]
    paper_delete(actor=owner, paper=paper)
    assert not SearchEntry.objects.filter(paper_id=paper.pk).exists()
    assert find(owner, "perception") == []


def test_an_edited_comment_is_found_by_its_new_words(scene, member):
    comment = scene["comment"]
    comment_update(comment=comment, user=member, body="Now convinced")
    assert find(member, "doubt") == []
    assert find(member, "convinced") == [("comment", comment.pk)]


def test_an_import_of_an_export_is_found(scene, owner, outsider):
    data = json.loads("".join(paper_chunks(scene["paper"])))
    elsewhere = make_group("Elsewhere")
    join(elsewhere, outsider, "owner")
    report = import_file(user=outsider, group=elsewhere, data=data)
    (copy,) = report.papers
    hits = find(outsider, "perception", group="elsewhere")
    assert {kind for kind, _ in hits} == {"paragraph", "annotation", "comment"}
    assert all(SearchEntry.objects.get(kind=k, object_id=i).paper_id == copy for k, i in hits)
