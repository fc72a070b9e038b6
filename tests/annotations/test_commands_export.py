"""`export_paper ID` and `export_group SLUG` ([--format] [--output]): the API's bytes, with
everything (`user=None`: hidden items included and marked), to stdout as bytes or to a file."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from annotations.exports import FORMATS
from papers.models import Paper
from tests.annotations.conftest import make_comment
from tests.annotations.test_export_api import (
    HIDDEN_BODY,
    HIDDEN_NOTE,
    body_of,
    client_as,
    fill,
    group_url,
    paper_url,
    writer,  # noqa: F401 - a fixture
)
from tests.papers.makers import make_paper

ALL_FORMATS = sorted(FORMATS)
EMOJI = "Read it twice 📚 — déjà vu\r\nnext line"


@pytest.fixture
def scene(paper, owner, moderator, writer):  # noqa: F811
    """Hidden posts, and a comment with emoji and a CRLF (bytes that a text stdout would
    re-encode or translate). No private annotation and nothing deleted: there a moderator's
    export and the command's are the same (see test_the_command_has_what_a_moderator_cannot)."""
    fill(paper, moderator=moderator, writer=writer, count=3)
    make_comment(owner, paragraph=paper.paragraphs.first(), body=EMOJI)
    return paper


def bytes_of(*args) -> bytes:
    """The command's stdout as bytes, through a text stream whose own encoding (ASCII) and
    newline translation would spoil them: the command must write to its binary buffer."""
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="ascii", newline="\r\n")
    call_command(*args, stdout=out)
    out.flush()
    return raw.getvalue()


@pytest.mark.parametrize("name", ALL_FORMATS)
def test_export_paper_writes_the_api_s_bytes_for_a_moderator(scene, moderator, name):
    command = bytes_of("export_paper", str(scene.pk), "--format", name)
    api = body_of(client_as(moderator).get(paper_url(scene), {"format": name}))
    assert command == api
    assert HIDDEN_NOTE.encode() in command or name == "aif"


@pytest.mark.parametrize("name", ALL_FORMATS)
def test_export_group_writes_the_api_s_bytes_for_an_owner(scene, owner, name):
    command = bytes_of("export_group", scene.group.slug, "--format", name)
    api = body_of(client_as(owner).get(group_url(scene.group), {"format": name}))
    assert command == api


def test_the_native_export_keeps_emoji_and_line_ends(scene):
    exported = json.loads(bytes_of("export_paper", str(scene.pk)))
    assert EMOJI in {row["body"] for row in exported["comments"]}
    statuses = {row["body"]: row["status"] for row in exported["comments"]}
    assert statuses[HIDDEN_BODY] == "hidden"


@pytest.mark.parametrize("command", ["export_paper", "export_group"])
def test_output_writes_the_same_bytes_to_a_file(scene, tmp_path, command):
    target = str(scene.pk) if command == "export_paper" else scene.group.slug
    path = tmp_path / "out.csv"
    call_command(command, target, "--format", "csv", "--output", str(path))
    assert path.read_bytes() == bytes_of(command, target, "--format", "csv")
    assert "📚".encode() in path.read_bytes()


def test_a_text_only_stdout_gets_the_text(scene):
    out = io.StringIO()
    call_command("export_paper", str(scene.pk), stdout=out)
    assert out.getvalue().encode() == bytes_of("export_paper", str(scene.pk))


def test_the_command_has_what_a_moderator_cannot(scene, member, moderator):
    """Everything means everything: a member's private annotation is in the command's export,
    not in a moderator's (private is private from moderators too)."""
    from tests.annotations.conftest import make_annotation

    paragraph = scene.paragraphs.filter(kind="body").first()
    make_annotation(member, paragraph, "claim", note="PRIVATE-NOTE-0a9", visibility="private")
    assert b"PRIVATE-NOTE-0a9" in bytes_of("export_paper", str(scene.pk))
    api = body_of(client_as(moderator).get(paper_url(scene)))
    assert b"PRIVATE-NOTE-0a9" not in api


def test_unknown_paper_group_and_format_fail_clearly(paper, tmp_path):
    with pytest.raises(CommandError, match="No paper with id 999999"):
        call_command("export_paper", "999999")
    with pytest.raises(CommandError, match="No group with the slug 'nope'"):
        call_command("export_group", "nope")
    with pytest.raises(CommandError, match="invalid choice: 'xml'"):
        call_command("export_paper", str(paper.pk), "--format", "xml")
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("export_paper", str(paper.pk), "--output", str(tmp_path / "no" / "x.json"))


def test_a_paper_not_ready_is_refused_as_by_the_api(group, owner):
    paper = make_paper(group, user=owner, status=Paper.Status.IMPORTING)
    with pytest.raises(CommandError, match="importing, not ready"):
        call_command("export_paper", str(paper.pk))
