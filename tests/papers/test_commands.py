"""import_paper and export_paper, as a user runs them."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from annotations.models import Status
from annotations.services import annotation_create, comment_create, link_create
from papers.models import Citation, Membership, Paper, Paragraph, Section
from tests.conftest import join, make_group, make_user

pytestmark = pytest.mark.django_db

PAPER_MD = """# A Paper

Ann Author & Ben Writer

## Abstract

Short abstract.

## Introduction

A claim with a citation (Smith 2020) and an emoji 🧪.

## References

- Smith, J. (2020). A work. Press.
"""


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def paper_file(tmp_path):
    path = tmp_path / "paper.md"
    path.write_text(PAPER_MD, encoding="utf-8")
    return path


def test_import_paper_prints_the_new_id_on_its_last_line(paper_file):
    group = make_group("Seminar")
    out, err = run("import_paper", str(paper_file), "--group", group.slug)
    paper = Paper.objects.get()
    assert out.strip().splitlines()[-1] == str(paper.pk)
    assert paper.group == group and paper.title == "A Paper"
    assert "1 references" in err


def test_import_paper_without_a_group_uses_the_library(paper_file):
    run("import_paper", str(paper_file))
    assert Paper.objects.get().group.slug == "library"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\x00\x01\x02\x03" * 100, "binary"),
        (b"# Only\n\n## Headings\n", "No paragraphs found"),
    ],
    ids=["empty", "binary", "no-paragraphs"],
)
def test_import_paper_refuses_bad_input_with_one_line_and_saves_nothing(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    make_group("Seminar")
    with pytest.raises(CommandError, match=message) as caught:
        run("import_paper", str(path), "--group", "seminar")
    assert "\n" not in str(caught.value)
    assert Paper.objects.count() == 0


def test_import_paper_refuses_a_file_over_the_size_limit(paper_file, settings):
    settings.MARGINALIA_MAX_UPLOAD_BYTES = 100
    with pytest.raises(CommandError, match="the limit is"):
        run("import_paper", str(paper_file))
    assert Paper.objects.count() == 0


def test_import_paper_names_a_missing_group_or_file(paper_file, tmp_path):
    with pytest.raises(CommandError, match="No reading group with slug 'nope'"):
        run("import_paper", str(paper_file), "--group", "nope")
    with pytest.raises(CommandError, match="No such file"):
        run("import_paper", str(tmp_path / "missing.md"))


def test_a_failure_while_saving_leaves_nothing_half_written(paper_file, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Citation.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        run("import_paper", str(paper_file))
    assert (Paper.objects.count(), Section.objects.count(), Paragraph.objects.count()) == (0, 0, 0)


def test_export_paper_writes_the_native_json(paper_file, tmp_path):
    paper_id = run("import_paper", str(paper_file))[0].strip()
    out, _ = run("export_paper", paper_id)
    data = json.loads(out)
    assert data["schema"] == "marginalia-export/1"
    assert data["paper"]["title"] == "A Paper"
    assert [s["title"] for s in data["sections"]] == ["Introduction"]
    body = next(p for p in data["paragraphs"] if p["kind"] == "body")
    assert body["text"].endswith("emoji 🧪.") and body["anchor"].startswith("p-")
    (citation,) = data["citations"]
    assert body["text"][citation["start"] : citation["end"]] == "(Smith 2020)"
    assert citation["reference"] == data["references"][0]["id"] == citation["candidates"][0]
    target = tmp_path / "out.json"
    run("export_paper", paper_id, "--output", str(target))
    assert target.read_text(encoding="utf-8") == out


def test_export_paper_names_a_missing_paper():
    with pytest.raises(CommandError, match="No paper with id 999"):
        run("export_paper", "999")


def test_export_paper_includes_annotations_comments_and_links(paper_file):
    paper_id = int(run("import_paper", str(paper_file))[0].strip())
    paper = Paper.objects.get(pk=paper_id)
    user = make_user("amina")
    join(paper.group, user, Membership.Role.MEMBER)
    body = paper.paragraphs.get(kind="body")
    claim = annotation_create(user=user, paragraph=body, role_slug="claim", note="*Yes*")
    start = body.text.index("🧪")
    evidence = annotation_create(
        user=user,
        paragraph=body,
        role_slug="evidence",
        quote={"exact": "🧪", "start": start, "end": start + 1},
    )
    comment_create(user=user, annotation=claim, body="Why?")
    link_create(user=user, source=evidence, target=claim, relation="supports")
    type(claim).objects.filter(pk=evidence.pk).update(status=Status.HIDDEN)
    data = json.loads(run("export_paper", str(paper_id))[0])
    first, second = data["annotations"]
    assert (first["role"], first["quote"], first["author"]) == ("claim", None, "amina")
    assert first["note_html"] == "<p><em>Yes</em></p>" and first["anchor"] == body.anchor
    assert second["quote"]["exact"] == "🧪" and second["status"] == "hidden"  # marked
    assert [c["body"] for c in data["comments"]] == ["Why?"]
    [link] = data["links"]
    assert {key: link[key] for key in ("source", "target", "relation", "author")} == {
        "source": second["id"], "target": first["id"], "relation": "supports", "author": "amina"
    }  # fmt: skip
