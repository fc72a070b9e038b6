"""annotations.imports: native files (what comes back, how a bad file is refused without a row
left behind) and Hypothesis search results (anchoring exact, by whitespace, fuzzy; replies;
roles from tags; what is not anchored). The round trip is tests/annotations/test_roundtrip.py."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from jsonschema import Draft202012Validator

from annotations.exports import get_format
from annotations.imports import ImportRefused, import_file
from annotations.imports.hypothesis import FUZZY_THRESHOLD, anchor
from annotations.models import Annotation, Comment, Link, Revision, Role
from annotations.services import annotation_update, link_create
from papers.models import Citation, Membership, Paper, Paragraph, Reference, Section
from papers.services import UploadTooLarge
from tests.annotations.conftest import make_annotation, make_comment
from tests.conftest import FIXTURES, join, make_group, make_user
from tests.papers.makers import make_paper

HYPOTHESIS = FIXTURES / "hypothesis" / "search.json"
EXPORT_SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "annotations/exports/export.schema.json").read_text()
)
MODELS = (Paper, Section, Paragraph, Reference, Citation, Annotation, Comment, Link, Revision, Role)


def _counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS} | {
        "users": get_user_model().objects.count()
    }


def _export(paper) -> dict:
    return json.loads("".join(get_format("json").paper(paper, user=None)))


@pytest.fixture
def scene(paper, owner, member, moderator):
    """A paper with a passage, a note in Markdown, a thread, a link and an edited annotation."""
    first = paper.paragraphs.get(text__contains="reader 0")
    claim = make_annotation(member, first, "claim", quote={"exact": "readers disagree"},
                            note="**Bold** <script>x</script>")  # fmt: skip
    annotation_update(annotation=claim, user=member, expected_version=1, note="Edited *once*")
    evidence = make_annotation(moderator, first, "evidence")
    link_create(user=member, source=evidence, target=claim, relation="supports")
    top = make_comment(owner, annotation=claim, body="Why?")
    make_comment(member, parent=top, body="Because.")
    return _export(paper)


@pytest.fixture
def target(db, owner, member, moderator):
    """A second group where the scene's authors are members too (their accounts are theirs)."""
    group = make_group("Target")
    importer = make_user("importer")
    join(group, importer, "member")
    for user in (owner, member, moderator):
        join(group, user, "member")
    return group, importer


# Native: what comes back


def test_it_imports_a_paper_export_with_its_structure_threads_and_links(scene, target):
    group, importer = target
    report = import_file(user=importer, group=group, data=json.dumps(scene))
    paper = Paper.objects.get(pk=report.papers[0])
    assert paper.group == group and paper.created_by == importer
    assert paper.title == scene["paper"]["title"]
    assert [p.text for p in paper.paragraphs.order_by("position")] == [
        p["text"] for p in scene["paragraphs"]
    ]
    assert paper.citations.count() == len(scene["citations"])
    claim = paper.annotations.get(role__slug="claim")
    assert (claim.exact, claim.version, claim.note) == ("readers disagree", 2, "Edited *once*")
    assert claim.note_html.strip() == "<p>Edited <em>once</em></p>"
    reply = Comment.objects.get(paper=paper, parent__isnull=False)
    assert reply.parent.annotation == claim and reply.annotation == claim
    assert Link.objects.get(paper=paper).target == claim
    assert Revision.objects.filter(annotation=claim).count() == 1
    assert (report.annotations, report.comments, report.links) == (2, 2, 1)
    # The authors are in the target group too (the fixture), and still not credited: every
    # post is the importer's, the file's names and dates its attribution.
    assert claim.author == importer
    assert claim.attribution == {
        "author": "amina",
        "created": scene["annotations"][0]["created"],
        "source": "Marginalia export",
        "url": None,
    }
    assert report.attributed == ["amina", "mo", "olive"] and report.as_dict()["placeholders"] == []


@pytest.mark.parametrize("whose", ["owner", "member", "outsider", "nobody-here"])
def test_an_import_never_credits_an_account_but_the_importers(scene, target, whose):
    """Not the group's owner, not a member, not a stranger's account, and no new account: a
    plain member's file saying `"author": "olive"` is published as the member's, attributed."""
    group, importer = target
    make_user("outsider")
    for row in scene["annotations"] + scene["comments"]:
        row["author"] = whose
    users_before = get_user_model().objects.count()
    report = import_file(user=importer, group=group, data=scene)
    paper = Paper.objects.get(pk=report.papers[0])
    for item in [*paper.annotations.all(), *paper.comments.all()]:
        assert item.author == importer and item.source_author == whose
    assert set(Link.objects.filter(paper=paper).values_list("author", flat=True)) == {importer.pk}
    assert get_user_model().objects.count() == users_before
    assert report.attributed == [whose]


def test_the_files_dates_are_the_attributions_and_the_posts_are_the_imports(scene, target):
    group, importer = target
    scene["annotations"][0]["created"] = "2024-05-03T10:00:00Z"
    report = import_file(user=importer, group=group, data=scene)
    claim = Paper.objects.get(pk=report.papers[0]).annotations.get(role__slug="claim")
    assert claim.source_created.isoformat() == "2024-05-03T10:00:00+00:00"
    assert claim.created.year >= 2026 and claim.created > claim.source_created


def test_an_imported_attribution_is_kept_not_the_intermediate_importers_name(scene, target):
    """A post the exporting site had itself imported says who wrote it first: that stays."""
    group, importer = target
    first = {"author": "bob", "created": "2024-05-03T10:00:00Z", "source": "Hypothesis",
             "url": "https://example.org/paper"}  # fmt: skip
    scene["annotations"][0].update(author="amina", attribution=first)
    report = import_file(user=importer, group=group, data=scene)
    claim = Paper.objects.get(pk=report.papers[0]).annotations.get(role__slug="claim")
    assert claim.author == importer and claim.attribution == first
    assert "bob" in report.attributed


def test_the_importers_own_name_is_kept_and_not_reported(scene, target):
    group, importer = target
    for row in scene["annotations"] + scene["comments"]:
        row["author"] = "IMPORTER"  # the same person, as logins compare names
    report = import_file(user=importer, group=group, data=scene)
    claim = Paper.objects.get(pk=report.papers[0]).annotations.get(role__slug="claim")
    assert claim.source_author == "IMPORTER" and report.attributed == []


@pytest.mark.parametrize(
    ("attribution", "message"),
    [
        ([], "annotations[0].attribution: expected an object, found a list"),
        ({"source": ""}, "annotations[0].attribution.source: cannot be empty"),
        ({"source": "H", "author": "two words"}, "attribution.author: 'two words' is not"),
        ({"source": "H", "created": "soon"}, "attribution.created: expected an ISO 8601"),
    ],
)
def test_a_bad_attribution_is_refused_with_its_path(scene, target, attribution, message):
    group, importer = target
    scene["annotations"][0]["attribution"] = attribution
    before = _counts()
    with pytest.raises(ImportRefused, match=re.escape(message)):
        import_file(user=importer, group=group, data=scene)
    assert _counts() == before


def test_it_never_trusts_the_files_html(scene, target):
    group, importer = target
    scene["annotations"][0]["note_html"] = "<script>alert(1)</script>"
    scene["comments"][0]["body"] = "<img src=x onerror=alert(1)> text"
    report = import_file(user=importer, group=group, data=scene)
    paper = Paper.objects.get(pk=report.papers[0])
    assert all("<script" not in a.note_html for a in paper.annotations.all())
    assert all("<img" not in c.body_html for c in paper.comments.all())


def test_an_unknown_name_reserves_nothing(scene, target, client):
    """No placeholder account: a later sign-up may take the name a file gave."""
    group, importer = target
    scene["annotations"][0]["author"] = "stranger"
    import_file(user=importer, group=group, data=scene)
    assert not get_user_model().objects.filter(username__iexact="stranger").exists()
    answer = client.post(
        "/accounts/signup/",
        {"username": "stranger", "email": "s@example.org", "password1": "a long pass phrase 9",
         "password2": "a long pass phrase 9"},
    )  # fmt: skip
    assert answer.status_code == 302
    assert get_user_model().objects.filter(username="stranger", is_active=True).exists()


def test_hidden_and_pending_stay_held_and_tombstones_stay_tombstones(scene, target):
    group, importer = target
    scene["annotations"][0]["status"] = "hidden"
    scene["annotations"][1]["status"] = "pending"
    scene["comments"][0].update(status="deleted", body="still here?")
    report = import_file(user=importer, group=group, data=scene)
    paper = Paper.objects.get(pk=report.papers[0])
    assert sorted(paper.annotations.values_list("status", flat=True)) == ["hidden", "pending"]
    tombstone = paper.comments.get(status="deleted")
    assert tombstone.body == "" and tombstone.replies.count() == 1


def test_a_premoderated_member_cannot_make_posts_visible_by_importing_them(scene, target):
    group, importer = target
    group.premoderation = "all"
    group.save()
    report = import_file(user=importer, group=group, data=scene)
    statuses = Annotation.objects.filter(paper_id=report.papers[0]).values_list("status")
    assert set(statuses) == {("pending",)}


def test_missing_roles_are_created_with_a_free_key(scene, target):
    group, importer = target
    scene["annotations"][0]["role"] = "quibble"
    scene["roles"] = [{"slug": "quibble", "name": "Quibble", "color": "#abcdef", "key": "c"}]
    report = import_file(user=importer, group=group, data=scene)
    quibble = Role.objects.get(group=group, slug="quibble")
    assert report.roles_created == ["quibble"]
    # "c" is the group's Claim key: the first free letter of the name is taken instead.
    assert (quibble.name, quibble.color, quibble.key) == ("Quibble", "#abcdef", "q")


def test_a_group_export_brings_every_paper(group, owner, member, target):
    make_paper(group, user=owner, title="One")
    make_paper(group, user=owner, title="Two")
    data = "".join(get_format("json").group(group, user=None))
    target_group, importer = target
    report = import_file(user=importer, group=target_group, data=data.encode())
    assert sorted(Paper.objects.filter(pk__in=report.papers).values_list("title", flat=True)) == [
        "One", "Two"
    ]  # fmt: skip


def test_only_active_members_may_import(scene, target, outsider, banned, group):
    target_group, _ = target
    before = _counts()
    for user in (outsider, banned):
        with pytest.raises(PermissionDenied):
            import_file(user=user, group=group if user is banned else target_group, data=scene)
    assert _counts() == before


def test_it_keeps_many_rows_in_a_few_queries(group, owner, member, target,
                                            django_assert_max_num_queries):  # fmt: skip
    """The import's query count does not grow with the number of rows (bulk inserts)."""
    target_group, importer = target
    for size in (5, 60):
        paper = make_paper(group, user=owner, title=f"Size {size}", body=size)
        for paragraph in paper.paragraphs.filter(kind="body"):
            note = make_annotation(member, paragraph, "claim", note="n")
            make_comment(owner, annotation=note, body="c")
        data = _export(paper)
        # 20, and 6 for the search index of each paper: the paper, its old entries gone, its
        # paragraphs, annotations and comments read, one insert (annotations.search.index)
        with django_assert_max_num_queries(26):
            import_file(user=importer, group=target_group, data=data)


def test_independent_readings_come_back_independent(paper, member, owner, target):
    """A tag made in blind mode as its author's first on the paragraph (an independent reading)
    stays one through an export and an import into another group; the others stay not."""
    first, second = paper.paragraphs.filter(kind="body").order_by("position")[:2]
    Membership.objects.filter(user=member, group=paper.group).update(blind=True)
    blind = make_annotation(member, first, "claim", note="blind")
    make_annotation(member, first, "evidence", quote={"exact": "readers"}, note="second tag")
    Membership.objects.filter(user=member, group=paper.group).update(blind=False)
    make_annotation(owner, second, "theory", note="not blind")
    data = _export(paper)
    assert {row["note"]: row["independent"] for row in data["annotations"]} == {
        "blind": True, "second tag": False, "not blind": False
    }  # fmt: skip
    group, importer = target
    report = import_file(user=importer, group=group, data=json.dumps(data))
    imported = Annotation.objects.filter(paper_id=report.papers[0])
    assert dict(imported.values_list("note", "independent")) == {
        "blind": True, "second tag": False, "not blind": False
    }  # fmt: skip
    assert blind.independent and imported.get(note="blind").pk != blind.pk


def test_a_file_exported_before_independent_existed_imports_with_false(scene, target):
    group, importer = target
    old = _mutate(scene, lambda d: [row.pop("independent") for row in d["annotations"]])
    assert old["annotations"] and not any("independent" in row for row in old["annotations"])
    Draft202012Validator(EXPORT_SCHEMA).validate(old)  # optional in the schema: still valid
    report = import_file(user=importer, group=group, data=old)
    imported = Annotation.objects.filter(paper_id=report.papers[0])
    assert imported.count() == 2 and not imported.filter(independent=True).exists()


@pytest.mark.parametrize(
    "value, found", [("yes", '"yes"'), (1, "1"), (None, "null"), ({}, "an object")]
)
def test_a_non_boolean_independent_is_refused_naming_its_place(value, found, scene, target):
    group, importer = target
    bad = _mutate(scene, lambda d: d["annotations"][1].update(independent=value))
    assert not Draft202012Validator(EXPORT_SCHEMA).is_valid(bad)  # the schema says so too
    before = _counts()
    with pytest.raises(ImportRefused) as refused:
        import_file(user=importer, group=group, data=bad)
    assert refused.value.messages == [
        f"annotations[1].independent: expected true or false, found {found}"
    ]
    assert _counts() == before


def test_a_non_boolean_independent_in_a_group_export_names_the_paper(group, owner, member, target):
    make_annotation(member, make_paper(group, user=owner).paragraphs.filter(kind="body")[0])
    data = json.loads("".join(get_format("json").group(group, user=None)))
    data["papers"][0]["annotations"][0]["independent"] = "true"
    target_group, importer = target
    with pytest.raises(ImportRefused) as refused:
        import_file(user=importer, group=target_group, data=data)
    assert refused.value.messages == [
        'papers[0].annotations[0].independent: expected true or false, found "true"'
    ]


# Native: a bad file is refused with one message, and leaves nothing


def _mutate(scene, change):
    data = json.loads(json.dumps(scene))
    change(data)
    return data


BAD = {
    "not JSON": (lambda s: b"{not json", "The file is not JSON"),
    "not an object": (lambda s: b"[1, 2]", "not an object"),
    "empty": (lambda s: b"  ", "The file is empty."),
    "wrong schema": (
        lambda s: _mutate(s, lambda d: d.update(schema="marginalia-export/9")),
        "schema: 'marginalia-export/9' is not a schema this version reads",
    ),
    "unknown kind": (lambda s: {"hello": 1}, "neither a Marginalia export"),
    "missing paragraphs": (
        lambda s: _mutate(s, lambda d: d.pop("paragraphs")),
        "paragraphs: is missing",
    ),
    "dangling paragraph": (
        lambda s: _mutate(s, lambda d: d["annotations"][1].update(paragraph=99999, anchor=None)),
        "annotations[1].paragraph: 99999 is not a paragraph of this paper",
    ),
    "dangling parent": (
        lambda s: _mutate(s, lambda d: d["comments"][1].update(parent=424242)),
        "comments[1].parent: 424242 is not a comment of this paper",
    ),
    "dangling link end": (
        lambda s: _mutate(s, lambda d: d["links"][0].update(target=777)),
        "links[0].target: 777 is not an annotation of this paper",
    ),
    "offsets outside": (
        lambda s: _mutate(s, lambda d: d["annotations"][0]["quote"].update(start=3, end=5000)),
        "annotations[0].quote: The quote's offsets 3\u20135000 are outside the paragraph",
    ),
    "quote not matching": (
        lambda s: _mutate(s, lambda d: d["annotations"][0]["quote"].update(exact="nope")),
        "annotations[0].quote: The quote does not match the paragraph",
    ),
    "citation outside": (
        lambda s: _mutate(s, lambda d: d["citations"][0].update(end=9999)),
        "citations[0]: the span",
    ),
    "wrong type": (
        lambda s: _mutate(s, lambda d: d["paragraphs"][2].update(position="three")),
        "paragraphs[2].position: expected a whole number, found text",
    ),
    "duplicate id": (
        lambda s: _mutate(s, lambda d: d["annotations"][1].update(id=d["annotations"][0]["id"])),
        "appears twice in annotations",
    ),
    "bad date": (
        lambda s: _mutate(s, lambda d: d["comments"][0].update(created="yesterday")),
        "comments[0].created: expected an ISO 8601 date and time",
    ),
    "bad username": (
        lambda s: _mutate(s, lambda d: d["comments"][0].update(author="two words")),
        "comments[0].author: 'two words' is not a username",
    ),
    "independent not a boolean": (
        lambda s: _mutate(s, lambda d: d["annotations"][0].update(independent="no")),
        'annotations[0].independent: expected true or false, found "no"',
    ),
    "reply loop": (
        lambda s: _mutate(s, lambda d: d["comments"][0].update(parent=d["comments"][1]["id"])),
        "the replies form a loop",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_file_is_refused_with_one_clear_message_and_leaves_nothing(case, scene, target):
    group, importer = target
    make, message = BAD[case]
    before = _counts()
    with pytest.raises(ImportRefused) as refused:
        import_file(user=importer, group=group, data=make(scene))
    assert len(refused.value.messages) == 1
    assert message in refused.value.messages[0]
    assert _counts() == before


def test_a_file_over_the_limit_is_refused_before_it_is_read(scene, target, settings):
    group, importer = target
    settings.MARGINALIA_MAX_UPLOAD_BYTES = 1024
    before = _counts()
    with pytest.raises(UploadTooLarge):
        import_file(user=importer, group=group, data=json.dumps(scene).encode())
    assert _counts() == before


def test_a_failure_while_writing_leaves_nothing(scene, target, monkeypatch):
    """The one transaction: a file that passes the checks but fails half-way keeps no row."""
    from annotations.imports import native

    group, importer = target
    before = _counts()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(native, "create_keeping_times", broken)
    with pytest.raises(RuntimeError):
        import_file(user=importer, group=group, data=scene)
    assert _counts() == before


# Hypothesis


@pytest.fixture
def hypothesis_paper(paper, owner, member):
    return paper


def _hypothesis(paper, user, **kw):
    return import_file(user=user, group=paper.group, data=HYPOTHESIS.read_bytes(),
                       paper=paper.pk, **kw)  # fmt: skip


def test_it_anchors_hypothesis_annotations_exactly_by_whitespace_and_fuzzily(
    hypothesis_paper, member
):
    report = _hypothesis(hypothesis_paper, member)
    assert (report.kind, report.annotations, report.comments, report.fuzzy) == (
        "hypothesis", 4, 2, 1
    )  # fmt: skip
    by_note = {a.note.split("\n")[0]: a for a in hypothesis_paper.annotations.all()}
    claim = by_note["The central *claim* of the paper."]
    assert (claim.exact, claim.paragraph.kind, claim.role.slug) == (
        "groups read better", "abstract", "claim"
    )  # fmt: skip
    assert claim.note.endswith("Tags: #main-point")
    assert (
        claim.author == member and claim.source_created.isoformat() == "2026-10-01T09:00:00+00:00"
    )
    # Three paragraphs hold "readers disagree": the selector's prefix picks reader 1's.
    chosen = by_note["Which readers? Only the second paragraph says so."]
    assert "reader 1" in chosen.paragraph.text and chosen.role.slug == "evidence"
    fuzzy = by_note["A quotation, copied with a typo."]
    assert fuzzy.exact == "To read is to argue" and fuzzy.role.slug == "claim"  # the default
    spaces = by_note["Only for me."]
    assert (spaces.exact, spaces.role.slug, spaces.visibility) == (
        "A closing thought", "theory", "private"
    )  # fmt: skip


def test_hypothesis_replies_are_threaded_and_unplaced_rows_reported(hypothesis_paper, member):
    report = _hypothesis(hypothesis_paper, member)
    first = Comment.objects.get(body="I agree, but see section 2.")
    second = Comment.objects.get(body="Section 2 says the opposite 😀")
    assert first.annotation.exact == "groups read better" and first.parent is None
    assert second.parent == first and second.annotation == first.annotation
    reasons = {row["id"]: row["reason"] for row in report.not_anchored}
    assert set(reasons) == {"Qx5missingE", "Qx6pagenote", "Qx9orphanHH"}
    assert reasons["Qx5missingE"].startswith("not found in the paper")
    assert "page note" in reasons["Qx6pagenote"]
    assert reasons["Qx9orphanHH"] == "a reply to Qx5missingE, which was not anchored"
    # Every row is the importer's; the Hypothesis accounts' names are the attribution.
    assert report.attributed == ["newcomer", "olive"]
    assert report.as_dict()["placeholders"] == []
    assert {first.author, second.author} == {member}
    assert first.attribution["source"] == "Hypothesis" and first.attribution["url"]
    assert report.as_dict()["created"] == 4 and report.as_dict()["replies"] == 2


def test_hypothesis_default_role_option(hypothesis_paper, member):
    _hypothesis(hypothesis_paper, member, default_role="theory")
    fuzzy = Annotation.objects.get(exact="To read is to argue")
    assert fuzzy.role.slug == "theory"
    before = _counts()
    with pytest.raises(ImportRefused, match="'nope' is not an active role"):
        _hypothesis(hypothesis_paper, member, default_role="nope")
    assert _counts() == before


def test_hypothesis_needs_a_paper_of_the_group(hypothesis_paper, member, public_paper):
    with pytest.raises(ImportRefused, match="give its id"):
        import_file(user=member, group=hypothesis_paper.group, data=HYPOTHESIS.read_bytes())
    with pytest.raises(ImportRefused, match="no paper"):
        import_file(user=member, group=hypothesis_paper.group, data=HYPOTHESIS.read_bytes(),
                    paper=public_paper.pk)  # fmt: skip


TEXTS = ["Alpha beta gamma.", "The same words here.", "The same words there, at the end."]


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ({"exact": "beta", "prefix": "", "suffix": ""}, (0, 6, 10, False)),
        ({"exact": "The same words", "prefix": "", "suffix": " there"}, (2, 0, 14, False)),
        ({"exact": "same\n  words here", "prefix": "", "suffix": ""}, (1, 4, 19, False)),
        ({"exact": "same wrods there", "prefix": "", "suffix": ""}, (2, 4, 20, True)),
    ],
)
def test_anchor(quote, expected):
    place = anchor(TEXTS, quote)
    assert (place.paragraph, place.start, place.end, place.fuzzy) == expected


def test_anchor_refuses_below_the_threshold():
    reason = anchor(TEXTS, {"exact": "Completely different", "prefix": "", "suffix": ""})
    assert isinstance(reason, str) and f"{FUZZY_THRESHOLD} is needed" in reason
