"""POST /api/v1/imports/ (annotations.imports.api) and `manage.py import_export`.

Who may import, for every role of the cast in a private and a public group: anonymous 401, an
outsider 404 on a private group and 403 on a public one (they see it), banned the same as an
outsider, members, moderators and owners 201. Then the answers for bad input (400 with one
line, 413) and the command's output and exit status.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from annotations.exports import get_format
from annotations.models import Annotation
from papers.models import Paper
from tests.annotations.conftest import make_annotation
from tests.annotations.test_imports import HYPOTHESIS
from tests.papers.makers import make_paper

URL = "/api/v1/imports/"
ROLES = ["anonymous", "outsider", "banned", "member", "moderator", "owner"]
EXPECTED = {
    "private": {"anonymous": 401, "outsider": 404, "banned": 404, "member": 201,
                "moderator": 201, "owner": 201},
    "public": {"anonymous": 401, "outsider": 403, "banned": 403, "member": 201,
               "moderator": 201, "owner": 201},
}  # fmt: skip


@pytest.fixture
def export_file(group, owner, member):
    source = make_paper(group, user=owner, title="Exported")
    make_annotation(member, source.paragraphs.filter(kind="body").first(), "claim", note="n")
    return "".join(get_format("json").paper(source, user=None)).encode()


def _upload(data: bytes, name: str = "export.json"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/json")


@pytest.mark.parametrize("visibility", ["private", "public"])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_import(role, visibility, client, export_file, group, public_group, owner,
                        moderator, member, outsider, banned):  # fmt: skip
    target = group if visibility == "private" else public_group
    if visibility == "public":
        from papers.models import Membership
        from tests.conftest import join

        for user, as_role in ((owner, "owner"), (moderator, "moderator"), (member, "member")):
            join(public_group, user, as_role)
        join(public_group, banned, "member", status=Membership.Status.BANNED)
    cast = {"outsider": outsider, "banned": banned, "member": member,
            "moderator": moderator, "owner": owner}  # fmt: skip
    if role != "anonymous":
        client.force_login(cast[role])
    papers = Paper.objects.count()
    answer = client.post(URL, {"group": target.slug, "file": _upload(export_file)})
    assert answer.status_code == EXPECTED[visibility][role], answer.content
    if answer.status_code == 201:
        body = answer.json()
        assert body["kind"] == "native" and body["annotations"] == 1
        assert Paper.objects.get(pk=body["papers"][0]).group == target
    else:
        assert Paper.objects.count() == papers


def test_an_unknown_group_is_404(member_client, export_file):
    answer = member_client.post(URL, {"group": "nowhere", "file": _upload(export_file)})
    assert answer.status_code == 404


def test_a_json_body_works_too(member_client, export_file, group):
    answer = member_client.post(
        URL, {"group": group.slug, "data": json.loads(export_file)}, content_type="application/json"
    )
    assert answer.status_code == 201 and len(answer.json()["papers"]) == 1


def test_a_bad_file_is_400_with_one_line_and_leaves_nothing(member_client, group):
    papers = Paper.objects.count()
    answer = member_client.post(URL, {"group": group.slug, "file": _upload(b"{oops")})
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("The file is not JSON")
    bad = {"schema": "marginalia-export/1", "paper": {"title": "x"}, "sections": [],
           "paragraphs": [{"id": 1, "anchor": "p-1", "position": 1, "text": "Hi"}],
           "annotations": [{"id": 1, "paragraph": 2, "role": "claim"}]}  # fmt: skip
    answer = member_client.post(
        URL, {"group": group.slug, "file": _upload(json.dumps(bad).encode())}
    )
    assert answer.json() == {
        "detail": "annotations[0].paragraph: 2 is not a paragraph of this paper"
    }
    assert Paper.objects.count() == papers


def test_a_non_boolean_independent_is_400_naming_its_place(member_client, group, export_file):
    papers = Paper.objects.count()
    data = json.loads(export_file)
    data["annotations"][0]["independent"] = "yes"
    answer = member_client.post(
        URL, {"group": group.slug, "file": _upload(json.dumps(data).encode())}
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "detail": 'annotations[0].independent: expected true or false, found "yes"'
    }
    assert Paper.objects.count() == papers


def test_neither_file_nor_data_is_400(member_client, group):
    assert member_client.post(URL, {"group": group.slug}).status_code == 400


def test_over_the_limit_is_413(member_client, group, export_file, settings):
    settings.MARGINALIA_MAX_UPLOAD_BYTES = 100
    answer = member_client.post(URL, {"group": group.slug, "file": _upload(export_file)})
    assert answer.status_code == 413


def test_a_hypothesis_file_onto_a_paper(member_client, group, paper):
    answer = member_client.post(
        URL,
        {
            "group": group.slug,
            "paper": paper.pk,
            "role": "evidence",
            "file": _upload(HYPOTHESIS.read_bytes()),
        },  # fmt: skip
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["kind"], body["papers"], body["created"], body["replies"]) == (
        "hypothesis", [paper.pk], 4, 2
    )  # fmt: skip
    assert {row["id"] for row in body["not_anchored"]} == {"Qx5missingE", "Qx6pagenote",
                                                             "Qx9orphanHH"}  # fmt: skip
    assert Annotation.objects.get(exact="To read is to argue").role.slug == "evidence"


def test_a_paper_the_caller_cannot_see_is_404(member_client, group, db):
    from tests.conftest import make_group

    hidden = make_paper(make_group("Elsewhere"))
    answer = member_client.post(
        URL, {"group": group.slug, "paper": hidden.pk, "file": _upload(HYPOTHESIS.read_bytes())}
    )
    assert answer.status_code == 404


def test_wrong_method(member_client):
    # GET lists the caller's background imports (tests/annotations/test_import_jobs.py).
    assert member_client.put(URL, {}, content_type="application/json").status_code == 405


# The command


def test_the_command_prints_the_new_paper_ids_last(tmp_path, export_file, group, owner):
    path = tmp_path / "export.json"
    path.write_bytes(export_file)
    out, err = StringIO(), StringIO()
    call_command("import_export", str(path), "--group", group.slug, stdout=out, stderr=err)
    ids = [int(value) for value in out.getvalue().strip().splitlines()[-1].split()]
    assert Paper.objects.get(pk=ids[0]).created_by == owner  # the first owner by default
    assert "1 paper," in err.getvalue() and "1 annotation," in err.getvalue()


def test_the_command_imports_hypothesis_onto_a_paper(paper, group, member):
    out, err = StringIO(), StringIO()
    call_command("import_export", str(HYPOTHESIS), "--group", group.slug, "--paper",
                 str(paper.pk), "--user", member.username, stdout=out, stderr=err)  # fmt: skip
    assert out.getvalue().strip() == str(paper.pk)
    assert "Not anchored: Qx6pagenote" in err.getvalue()


@pytest.mark.parametrize(
    ("content", "arguments", "message"),
    [
        (b"{oops", [], "The file is not JSON"),
        (b'{"schema": "marginalia-export/2"}', [], "schema: 'marginalia-export/2'"),
        (b"{}", ["--user", "nobody"], "No user named 'nobody'."),
        (b"{}", ["--user", "otto"], "Only active members of this group may import into it."),
    ],
)
def test_the_command_refuses_bad_input_with_one_line(tmp_path, group, owner, outsider, content,
                                                     arguments, message):  # fmt: skip
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    papers = Paper.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command("import_export", str(path), "--group", group.slug, *arguments)
    assert message in str(refused.value) and "\n" not in str(refused.value)
    assert Paper.objects.count() == papers


def test_the_command_exits_non_zero_with_the_reason(tmp_path, group, owner, capsys):
    path = tmp_path / "bad.json"
    path.write_bytes(b"[]")
    with pytest.raises(SystemExit) as stopped:
        execute_from_command_line(["manage.py", "import_export", str(path), "--group", group.slug])
    assert stopped.value.code == 1
    assert capsys.readouterr().err.strip() == (
        "CommandError: The file holds JSON, but not an object: expected a Marginalia export or "
        "a Hypothesis search result."
    )
