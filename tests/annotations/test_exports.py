"""The export formats themselves (annotations/exports): for a paper and a group, as a member, a
moderator, an outsider and with no user (the command's everything); streaming before any query;
the native format against its JSON Schema; the CSV's quoting and formula neutralisation; the
AIF graph. The W3C checks of the jsonld format are in test_exports_jsonld.py."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft202012Validator

from annotations.exports import FORMATS, get_format
from annotations.exports.tabular import COLUMNS, neutralise
from papers.models import Membership
from tests.annotations import export_scene
from tests.annotations.conftest import make_annotation, make_comment
from tests.papers.makers import make_paper

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "annotations/exports/export.schema.json").read_text()
)
SECRETS = ("SECRET-HIDDEN-NOTE", "SECRET-PENDING-NOTE", "SECRET-HIDDEN-COMMENT")
MODERATION_ONLY = ("FLAGGER-NOTE", "spam, clearly")


@pytest.fixture
def scene(paper, owner, moderator, member):
    return export_scene.build(paper, owner=owner, moderator=moderator, member=member)


@pytest.fixture
def other(group):
    """A plain member who wrote nothing held: sees no hidden item at all."""
    from tests.conftest import join, make_user

    user = make_user("bo")
    join(group, user)
    return user


def export(name, target, user, *, group=False) -> str:
    fmt = get_format(name)
    return "".join((fmt.group if group else fmt.paper)(target, user=user))


def native(target, user, *, group=False) -> dict:
    data = json.loads(export("json", target, user, group=group))
    Draft202012Validator(SCHEMA).validate(data)
    return data


# The registry


def test_the_registry_names_four_formats_with_their_types():
    assert set(FORMATS) == {"json", "jsonld", "csv", "aif"}
    assert get_format("jsonld").content_type == "application/ld+json"
    assert get_format("csv").content_type == "text/csv; charset=utf-8"
    assert get_format("aif").extension == "aif.json"
    with pytest.raises(ValueError, match="choose one of: json, jsonld, csv, aif"):
        get_format("xml")


def test_the_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(SCHEMA)


# Native


def test_native_for_the_command_has_everything_marked_and_the_moderation_data(scene):
    data = native(scene["paper"], None)
    status = {a["id"]: a["status"] for a in data["annotations"]}
    assert status[scene["hidden"].pk] == "hidden" and status[scene["pending"].pk] == "pending"
    assert scene["deleted"].pk not in status  # deleted annotations never leave
    comments = {c["id"]: c for c in data["comments"]}
    assert comments[scene["gone"].pk]["status"] == "deleted"
    assert comments[scene["gone"].pk]["body"] == ""  # a tombstone
    assert comments[scene["reply"].pk]["parent"] == scene["top"].pk
    assert comments[scene["top"].pk]["version"] == 1
    assert {r["slug"] for r in data["roles"]} == {"claim", "evidence", "theory"}
    flags = {(f["target_type"], f["target"]): f for f in data["flags"]}
    assert flags[("comment", scene["top"].pk)]["note"] == "FLAGGER-NOTE"
    assert flags[("comment", scene["top"].pk)]["resolved"] is None
    assert flags[("annotation", scene["hidden"].pk)]["resolution"] == "hide"
    revisions = [(r["target"], r["version"], r["data"].get("note")) for r in data["revisions"]]
    assert (scene["claim"].pk, 1, "first words") in revisions
    assert all("SECRET-DELETED-NOTE" not in json.dumps(r) for r in data["revisions"])
    actions = {(e["target_type"], e["target"], e["action"]) for e in data["audit_log"]}
    assert ("annotation", scene["hidden"].pk, "hide") in actions
    claim = next(a for a in data["annotations"] if a["id"] == scene["claim"].pk)
    assert claim["version"] == 2 and claim["quote"]["exact"] == "reader 0 argued"
    party = next(a for a in data["annotations"] if a["id"] == scene["party"].pk)
    assert party["quote"]["exact"] == "🎉 party" and party["quote"]["start"] == 6


def test_native_says_which_tags_are_independent_readings(scene, group, moderator, other):
    """`independent` on every annotation: true for a tag made in blind mode as its author's first
    on the paragraph. Optional in the schema (files written before it), a boolean when there."""
    Membership.objects.filter(user=moderator, group=group).update(blind=True)
    blind = make_annotation(moderator, scene["second"], "theory", note="read blind")
    assert blind.independent
    for user in (None, other):
        rows = {a["id"]: a["independent"] for a in native(scene["paper"], user)["annotations"]}
        assert rows[blind.pk] is True
        assert {value for id_, value in rows.items() if id_ != blind.pk} == {False}
    data = native(scene["paper"], None)
    validator = Draft202012Validator(SCHEMA)
    data["annotations"][0].pop("independent")
    assert validator.is_valid(data)
    data["annotations"][0]["independent"] = "true"
    assert not validator.is_valid(data)


def test_native_for_a_plain_member_has_no_held_item_and_no_moderation_data(scene, other):
    body = export("json", scene["paper"], other)
    for secret in (*SECRETS, *MODERATION_ONLY, "SECRET-PRIVATE-NOTE"):
        assert secret not in body
    data = native(scene["paper"], other)
    assert not {"flags", "revisions", "audit_log"} & set(data)
    assert {a["status"] for a in data["annotations"]} == {"visible"}
    assert scene["links"]["to_hidden"].pk not in {link["id"] for link in data["links"]}


def test_native_for_the_author_shows_their_own_held_posts_marked(scene, member):
    data = native(scene["paper"], member)
    status = {a["id"]: a["status"] for a in data["annotations"]}
    assert status[scene["hidden"].pk] == "hidden" and scene["private"].pk in status
    assert "flags" not in data  # an author is no moderator


def test_native_for_a_moderator_has_held_items_marked_and_flags(scene, moderator):
    data = native(scene["paper"], moderator)
    status = {a["id"]: a["status"] for a in data["annotations"]}
    assert status[scene["hidden"].pk] == "hidden"
    assert scene["private"].pk not in status  # another member's private note stays theirs
    assert {f["target"] for f in data["flags"]} >= {scene["top"].pk, scene["hidden"].pk}
    assert data["audit_log"]


def test_native_for_an_outsider_carries_nothing_written(scene, outsider):
    data = native(scene["paper"], outsider)
    assert data["annotations"] == [] and data["comments"] == [] and data["links"] == []
    assert "flags" not in data


def test_native_group_export_streams_every_paper(scene, group, owner, moderator, other):
    second = make_paper(group, title="Second paper", user=owner)
    make_annotation(moderator, second.paragraphs.filter(kind="body").first(), "claim")
    data = native(group, moderator, group=True)
    assert data["group"]["slug"] == group.slug and data["roles"]
    assert [p["paper"]["title"] for p in data["papers"]] == ["On Reading Together",
                                                            "Second paper"]  # fmt: skip
    assert all("schema" not in p and "roles" not in p for p in data["papers"])
    assert "flags" in data["papers"][0] and data["audit_log"]
    member_data = native(group, other, group=True)
    assert "audit_log" not in member_data and "flags" not in member_data["papers"][0]
    assert not any(s in json.dumps(member_data) for s in SECRETS)
    everything = native(group, None, group=True)
    assert len(everything["papers"]) == 2 and everything["audit_log"]


def test_a_group_paper_is_the_paper_export_without_the_group_parts(scene, group, moderator):
    alone = native(scene["paper"], moderator)
    inside = native(group, moderator, group=True)["papers"][0]
    for key in ("schema", "roles", "audit_log"):
        alone.pop(key)
    assert inside == alone


# Streaming and queries


@pytest.mark.parametrize("name", sorted(FORMATS))
@pytest.mark.parametrize("kind", ["paper", "group"])
def test_the_first_chunk_leaves_before_any_query(
    scene, moderator, name, kind, django_assert_num_queries
):
    target = scene["paper"] if kind == "paper" else scene["paper"].group
    # A fresh object, as the API and the command load it: nothing cached on it.
    target = type(target).objects.get(pk=target.pk)
    chunks = getattr(get_format(name), kind)(target, user=moderator)
    with django_assert_num_queries(0):
        first = next(chunks)
    assert first
    rest = "".join(chunks)
    assert rest


def _queries(name, paper, user) -> int:
    with CaptureQueriesContext(connection) as captured:
        export(name, paper, user)
    return len(captured)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_queries_do_not_grow_with_the_rows(scene, moderator, member, name):
    paper = scene["paper"]
    before = _queries(name, paper, moderator)
    for paragraph in paper.paragraphs.filter(kind="body"):
        make_annotation(member, paragraph, "claim", note="more")
        make_comment(member, paragraph=paragraph, body="more")
    assert _queries(name, paper, moderator) == before


# CSV


def _csv_rows(body: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body, newline="")))


def test_csv_header_and_rows_round_trip_through_the_csv_module(scene):
    body = export("csv", scene["paper"], None)
    assert body.splitlines()[0] == ",".join(COLUMNS)
    assert not body.startswith("\ufeff") and body.endswith("\r\n")
    rows = _csv_rows(body)
    by_id = {(r["item_type"], int(r["id"])): r for r in rows}
    claim = by_id[("annotation", scene["claim"].pk)]
    assert claim["note_or_body"] == export_scene.NOTES["claim"]  # quotes, commas, newline, é, 👍
    assert claim["quote"] == "reader 0 argued" and claim["section"] == "Introduction"
    assert claim["paragraph_anchor"] == scene["first"].anchor
    assert int(claim["paragraph_position"]) == scene["first"].position
    assert by_id[("annotation", scene["party"].pk)]["quote"] == "🎉 party"
    assert by_id[("annotation", scene["whole"].pk)]["quote"] == ""
    # Comments: parent_id names the annotation for a top-level comment on one, the parent
    # comment for a reply, nothing for a comment on the paragraph.
    assert by_id[("comment", scene["on_annotation"].pk)]["parent_id"] == str(scene["claim"].pk)
    assert by_id[("reply", scene["reply"].pk)]["parent_id"] == str(scene["top"].pk)
    assert by_id[("comment", scene["top"].pk)]["parent_id"] == ""
    assert by_id[("comment", scene["hidden_comment"].pk)]["status"] == "hidden"
    assert len(rows) == 6 + 5  # annotations but the deleted one; every comment (a tombstone too)


def test_csv_neutralises_formulas_in_text_cells_only(scene):
    rows = {
        (r["item_type"], int(r["id"])): r for r in _csv_rows(export("csv", scene["paper"], None))
    }
    assert rows[("annotation", scene["whole"].pk)]["note_or_body"] == (
        "'" + export_scene.NOTES["formula"]
    )
    assert rows[("annotation", scene["party"].pk)]["note_or_body"] == "'+1 for 🎉"
    assert rows[("comment", scene["top"].pk)]["note_or_body"] == "'-minus first, then text"
    assert rows[("reply", scene["reply"].pk)]["note_or_body"] == "'@at a reply 😀"
    for row in rows.values():
        for name in ("paper_id", "paragraph_position", "id", "parent_id"):
            assert row[name] == "" or row[name].isdigit()
    assert [neutralise(s) for s in ("\tx", "\rx", "a=b", "", "1-2")] == [
        "'\tx", "'\rx", "a=b", "", "1-2"
    ]  # fmt: skip


def test_csv_neutralises_full_width_and_small_formula_characters():
    # Spreadsheets read ＝ (U+FF1D) and its kin as =: "＝1+1" is a formula there too.
    starts = ("＝", "＋", "－", "＠", "﹦", "﹢", "﹣", "﹫")
    assert [neutralise(s + "HYPERLINK()") for s in starts] == [
        "'" + s + "HYPERLINK()" for s in starts
    ]
    assert [neutralise(s) for s in ("a＝b", "Ｘ＝1", "—dash", "1＋2")] == [
        "a＝b", "Ｘ＝1", "—dash", "1＋2"
    ]  # fmt: skip


def test_csv_for_a_member_and_a_group(scene, group, other):
    body = export("csv", scene["paper"], other)
    assert not any(secret in body for secret in SECRETS)
    assert {r["status"] for r in _csv_rows(body)} <= {"visible", "deleted"}
    grouped = export("csv", group, other, group=True)
    assert grouped.count(",".join(COLUMNS)) == 1 and _csv_rows(grouped) == _csv_rows(body)
    with_bom = "".join(get_format("csv").paper(scene["paper"], user=other, bom=True))
    assert with_bom == "\ufeff" + body


# AIF


def _aif(body: str) -> dict:
    graph = json.loads(body)
    assert set(graph) == {"nodes", "edges", "locutions"}
    ids = [n["nodeID"] for n in graph["nodes"]]
    assert len(ids) == len(set(ids)) and all(isinstance(i, str) for i in ids)
    for edge in graph["edges"]:
        assert edge["fromID"] in ids and edge["toID"] in ids
    return graph


def test_aif_supports_and_attacks_become_ra_and_ca_nodes(scene, other):
    graph = _aif(export("aif", scene["paper"], other))
    nodes = {n["nodeID"]: n for n in graph["nodes"]}
    links = scene["links"]
    ra, ca = nodes[f"l{links['supports'].pk}"], nodes[f"l{links['attacks'].pk}"]
    assert ra["type"] == "RA" and ca["type"] == "CA"
    assert f"l{links['cites'].pk}" not in nodes  # cites says nothing of inference or conflict
    edges = {(e["fromID"], e["toID"]) for e in graph["edges"]}
    party, claim, whole = (f"a{scene[k].pk}" for k in ("party", "claim", "whole"))
    assert (party, ra["nodeID"]) in edges and (ra["nodeID"], claim) in edges
    assert (whole, ca["nodeID"]) in edges and (ca["nodeID"], claim) in edges
    assert nodes[party]["text"] == "🎉 party" and nodes[party]["type"] == "I"
    assert nodes[whole]["text"] == scene["second"].text  # a whole paragraph quotes it
    assert {"nodeID": f"al{scene['party'].pk}", "personID": "amina"} in graph["locutions"]
    assert f"a{scene['hidden'].pk}" not in nodes  # and so the link to it is gone too
    assert f"l{links['to_hidden'].pk}" not in nodes


def test_aif_for_a_moderator_marks_held_items_and_a_group_is_one_graph(scene, group, moderator):
    nodes = {n["nodeID"]: n for n in _aif(export("aif", scene["paper"], moderator))["nodes"]}
    assert nodes[f"a{scene['hidden'].pk}"]["status"] == "hidden"
    grouped = _aif(export("aif", group, moderator, group=True))
    assert {n["nodeID"] for n in grouped["nodes"]} == set(nodes)
