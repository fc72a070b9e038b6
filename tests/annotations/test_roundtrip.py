"""The acceptance round trip: export a group with several papers and everything members write,
import the file into a fresh database, export again, and compare.

The two exports must be identical except for ids (the normaliser below replaces each id by the
position of its row, so that every reference between rows still compares) and for what an import
deliberately leaves behind: the source group's flags and audit log (docs/imports.md). Timestamps
of annotations, comments and revisions are the file's, so they compare as they are.
"""

import copy
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from annotations.exports import get_format
from annotations.imports import import_file
from annotations.models import Annotation, Comment, Link, Role
from annotations.services import (
    annotation_delete,
    comment_delete,
    link_create,
    role_create,
    role_update,
)
from papers.models import Citation, Membership, Paper, Paragraph, ReadingGroup
from tests.annotations.conftest import make_annotation, make_comment
from tests.annotations.export_scene import build
from tests.conftest import join, make_user
from tests.papers.makers import make_paper

# Astral characters (mathematical bold A, an emoji with a skin tone), right-to-left text.
ASTRAL = "The symbol 𝐀 names the set; 👍🏽 marks agreement, and 𝐀 again."
RTL = "قال الباحث إن القراءة الجماعية أفضل، وهذا ادعاء."
MIXED = "The word «שָׁלוֹם» sits inside English text with 😀 emoji."


def _second_paper(group, *, owner, moderator, member):
    """A paper with astral and right-to-left passages, a custom and a retired role, threads three
    deep, a tombstone with a reply under it, every link relation, and an independent reading."""
    paper = make_paper(group, title="Über das gemeinsame Lesen 📚", user=owner, body=2)
    first, second = paper.paragraphs.filter(kind="body").order_by("position")[:2]
    # New texts: their citations' spans would no longer fit (the import refuses such a file).
    Citation.objects.filter(paragraph__in=[first, second]).delete()
    Paragraph.objects.filter(pk=first.pk).update(text=ASTRAL)
    Paragraph.objects.filter(pk=second.pk).update(text=RTL)
    footnote = paper.paragraphs.get(kind="footnote")
    Paragraph.objects.filter(pk=footnote.pk).update(text=MIXED)
    first.refresh_from_db()
    second.refresh_from_db()
    footnote.refresh_from_db()

    role_create(user=owner, group=group, name="Question", color="#225577", key="q")
    old = role_create(user=owner, group=group, name="Old role", color="#775522", key="o")
    kept = make_annotation(member, first, "old-role", note="under a role retired later")
    role_update(role=old, user=owner, retired=True)

    bold = make_annotation(member, first, "question", quote={"exact": "𝐀", "prefix": "symbol "},
                           note="Which **set**?")  # fmt: skip
    thumbs = make_annotation(moderator, first, "evidence", quote={"exact": "👍🏽 marks"})
    arabic = make_annotation(owner, second, "claim", quote={"exact": "القراءة الجماعية أفضل"},
                             note="ادعاء واضح")  # fmt: skip
    hebrew = make_annotation(member, footnote, "theory", quote={"exact": "«שָׁלוֹם»"})
    # Tagged in blind mode, the owner's first tag on the paragraph: an independent reading.
    Membership.objects.filter(user=owner, group=group).update(blind=True)
    blind = make_annotation(owner, first, "claim", note="read blind")
    Membership.objects.filter(user=owner, group=group).update(blind=False)
    assert blind.independent
    gone = make_annotation(member, second, "question", note="soon deleted")
    make_comment(member, annotation=gone, body="on an annotation deleted later")
    annotation_delete(annotation=gone, user=member)

    link_create(user=member, source=thumbs, target=bold, relation="supports")
    link_create(user=member, source=arabic, target=bold, relation="attacks")
    link_create(user=owner, source=hebrew, target=arabic, relation="cites")
    link_create(user=owner, source=kept, target=hebrew, relation="supports")

    top = make_comment(owner, annotation=bold, body="Top of the thread 𝐀")
    reply = make_comment(member, parent=top, body="A reply")
    deeper = make_comment(moderator, parent=reply, body="A reply to the reply 👍🏽")
    make_comment(owner, parent=deeper, body="Three deep")
    doomed = make_comment(member, paragraph=second, body="Will be deleted")
    make_comment(owner, parent=doomed, body="A reply that outlives its parent")
    comment_delete(comment=doomed, user=member)
    make_comment(member, paragraph=footnote, body="Right to left: " + RTL)
    return paper


def _group_export(group) -> dict:
    return json.loads("".join(get_format("json").group(group, user=None)))


def normalise(export: dict) -> dict:
    """The export with each id replaced by its row's position in its list (per paper), every
    reference between rows mapped the same way, and what imports leave out removed."""
    export = json.loads(json.dumps(export))
    export.pop("audit_log", None)
    for paper in export["papers"]:
        paper.pop("flags", None)
        del paper["paper"]["id"]
        maps = {}
        for name in ("sections", "paragraphs", "references", "annotations", "comments", "links"):
            maps[name] = {row["id"]: index for index, row in enumerate(paper[name])}
            for row in paper[name]:
                row["id"] = maps[name][row["id"]]
        section, paragraph = maps["sections"], maps["paragraphs"]
        reference, annotation, comment = maps["references"], maps["annotations"], maps["comments"]
        for row in paper["paragraphs"]:
            row["section"] = section.get(row["section"])
        for row in paper["citations"]:
            row.pop("id", None)
            row["paragraph"] = paragraph[row["paragraph"]]
            row["reference"] = reference.get(row["reference"])
            row["candidates"] = [reference[value] for value in row["candidates"]]
        for row in paper["annotations"]:
            row["paper"] = None
            row["paragraph"] = paragraph[row["paragraph"]]
        for row in paper["comments"]:
            row["paragraph"] = paragraph[row["paragraph"]]
            row["annotation"] = annotation.get(row["annotation"])
            row["parent"] = comment.get(row["parent"])
        for row in paper["links"]:
            row["source"], row["target"] = annotation[row["source"]], annotation[row["target"]]
        for row in paper.get("revisions", []):
            targets = annotation if row["target_type"] == "annotation" else comment
            row["target"] = targets[row["target"]]
    return export


def _posts(export: dict):
    for paper in export["papers"]:
        yield from paper["annotations"]
        yield from paper["comments"]


def without_import_moments(export: dict) -> dict:
    """The export without what an import sets to its own moment: posts' `updated` and links'
    author and `created` (the importer's link, made now)."""
    export = copy.deepcopy(export)
    for row in _posts(export):
        row.pop("updated")
    for paper in export["papers"]:
        for row in paper["links"]:
            row.pop("author"), row.pop("created")
    return export


def as_before_import(export: dict, *, importer: str) -> dict:
    """An imported group's export read back as the source's: each post is `importer`'s and its
    attribution says who wrote it and when; put those back in `author` and `created`."""
    export = without_import_moments(export)
    for row in _posts(export):
        given = row.pop("attribution")
        assert row["author"] == importer and given["source"] == "Marginalia export"
        row["author"], row["created"], row["attribution"] = given["author"], given["created"], None
    return export


@pytest.mark.django_db(transaction=True)
def test_a_group_comes_back_identical_after_export_and_import_into_a_fresh_database(
    group, owner, moderator, member
):
    build(make_paper(group, user=owner), owner=owner, moderator=moderator, member=member)
    _second_paper(group, owner=owner, moderator=moderator, member=member)
    make_paper(group, title="A paper nobody annotated", user=owner, body=1, references=0)
    before = _group_export(group)
    data = json.dumps(before, ensure_ascii=False).encode()
    head = before["group"]
    assert len(before["papers"]) == 3
    assert {row["status"] for p in before["papers"] for row in p["annotations"]} == {
        "visible", "hidden", "pending"
    }  # fmt: skip
    assert any(row["status"] == "deleted" for p in before["papers"] for row in p["comments"])
    assert any(p["revisions"] for p in before["papers"]) and "audit_log" in before
    # Independent readings (blind mode) and the others: `independent` must come back as it was.
    assert {row["independent"] for p in before["papers"] for row in p["annotations"]} == {
        True, False
    }  # fmt: skip

    # A fresh database: every row of every table goes.
    call_command("flush", interactive=False, verbosity=0)
    assert not get_user_model().objects.exists() and not Paper.objects.exists()

    fresh = ReadingGroup.objects.create(
        name=head["name"], slug=head["slug"], description=head["description"],
        visibility=head["visibility"], premoderation=head["premoderation"],
        premoderation_items=head["premoderation_items"],
        hide_banned_posts=head["hide_banned_posts"],
    )  # fmt: skip
    importer = make_user("importer")
    join(fresh, importer, "owner")
    report = import_file(user=importer, group=fresh, data=data)

    after = _group_export(fresh)
    assert normalise(as_before_import(after, importer="importer")) == normalise(
        without_import_moments(before)
    )
    assert report.kind == "native" and len(report.papers) == 3
    assert report.annotations == Annotation.objects.count()
    assert report.comments == Comment.objects.count()
    assert report.links == Link.objects.count()
    assert Annotation.objects.filter(independent=True, note="read blind").count() == 1
    # No account was made: the posts are the importer's, the authors' names their attribution.
    assert sorted(report.attributed) == ["amina", "mo", "olive"]
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["importer"]

    # A second hop: the attribution that came in is the one that goes on, not "importer".
    other = ReadingGroup.objects.create(name="Elsewhere", slug="elsewhere")
    second = make_user("second")
    join(other, second, "owner")
    import_file(user=second, group=other, data=json.dumps(after, ensure_ascii=False))
    again = normalise(as_before_import(_group_export(other), importer="second"))
    expected = normalise(without_import_moments(before))
    for export in (again, expected):  # the group is another one
        export.pop("group")
        for paper in export["papers"]:
            paper["paper"].pop("group")
    assert again == expected
    assert set(Role.objects.filter(group=fresh).values_list("slug", flat=True)) >= {
        "question", "old-role"
    }  # fmt: skip
