"""The writes: roles, annotations, comments and links through annotations.services."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from annotations.models import Annotation, Comment, Link, Role, Status
from annotations.services import (
    Conflict,
    annotation_delete,
    annotation_update,
    comment_delete,
    comment_update,
    link_create,
    link_delete,
    role_create,
    role_update,
    roles_for_group,
)

from .conftest import make_annotation, make_comment


def test_a_group_gets_the_default_roles_once(group):
    roles = list(roles_for_group(group))
    assert [(r.slug, r.key) for r in roles] == [("claim", "c"), ("evidence", "e"), ("theory", "t")]
    assert len({r.color for r in roles}) == 3
    roles_for_group(group)
    assert Role.objects.filter(group=group).count() == 3


def test_it_annotates_a_passage_and_fills_the_quote(member, paragraph):
    annotation = make_annotation(
        member, paragraph, "evidence", quote={"exact": "readers disagree"}, note="*So* it says."
    )
    assert paragraph.text[annotation.start : annotation.end] == "readers disagree"
    assert annotation.prefix and paragraph.text[: annotation.start].endswith(annotation.prefix)
    assert annotation.note_html == "<p><em>So</em> it says.</p>"
    assert (annotation.version, annotation.status, annotation.role.slug) == (
        1,
        "visible",
        "evidence",
    )


def test_it_annotates_the_whole_paragraph(member, paragraph):
    annotation = make_annotation(member, paragraph)
    assert annotation.quote is None
    assert annotation.start is None and annotation.end is None


@pytest.mark.parametrize("who", ["outsider", "banned"])
def test_only_active_members_annotate(request, who, paragraph):
    with pytest.raises(PermissionDenied):
        make_annotation(request.getfixturevalue(who), paragraph)


def test_a_bad_quote_or_role_is_a_validation_error(member, paragraph):
    with pytest.raises(ValidationError, match="does not match the paragraph at 3–9"):
        make_annotation(member, paragraph, quote={"exact": "nothing", "start": 3, "end": 9})
    with pytest.raises(ValidationError, match="choose one of: claim, evidence, theory"):
        make_annotation(member, paragraph, "opinion")
    assert not Annotation.objects.exists()


def test_a_retired_role_keeps_its_annotations_but_takes_no_new_ones(owner, member, paragraph):
    annotation = make_annotation(member, paragraph, "theory")
    role_update(role=annotation.role, user=owner, retired=True)
    annotation.refresh_from_db()
    assert annotation.role.slug == "theory"
    with pytest.raises(ValidationError, match="retired"):
        make_annotation(member, paragraph, "theory")


def test_owners_add_and_change_roles(owner, moderator, group):
    role = role_create(user=owner, group=group, name="Counter claim", color="#336699", key="x")
    assert (role.slug, role.position) == ("counter-claim", 4)
    role_update(role=role, user=owner, name="Rebuttal", color="#AA3300")
    role.refresh_from_db()
    assert (role.name, role.color, role.slug) == ("Rebuttal", "#aa3300", "counter-claim")
    with pytest.raises(PermissionDenied):
        role_create(user=moderator, group=group, name="Nope", color="#000000", key="n")
    with pytest.raises(ValidationError, match="already uses this key"):
        role_create(user=owner, group=group, name="Cause", color="#000000", key="c")
    with pytest.raises(ValidationError, match="already has a role with this slug"):
        role_create(user=owner, group=group, name="Claim", color="#000000", key="k")
    with pytest.raises(ValidationError, match="#rrggbb"):
        role_update(role=role, user=owner, color="red")


def test_the_last_active_role_stays(owner, group):
    claim, evidence, theory = roles_for_group(group)
    role_update(role=claim, user=owner, retired=True)
    role_update(role=evidence, user=owner, retired=True)
    with pytest.raises(ValidationError, match="at least one active role"):
        role_update(role=theory, user=owner, retired=True)


def test_a_retired_key_is_free_again(owner, group):
    claim = roles_for_group(group).get(slug="claim")
    role_update(role=claim, user=owner, retired=True)
    role_create(user=owner, group=group, name="Conclusion", color="#123456", key="c")
    with pytest.raises(ValidationError, match="already uses this key"):
        role_update(role=claim, user=owner, retired=False)


def test_an_edit_from_a_stale_version_conflicts_and_keeps_the_first(member, paragraph):
    annotation = make_annotation(member, paragraph, note="one")
    first = Annotation.objects.get(pk=annotation.pk)
    second = Annotation.objects.get(pk=annotation.pk)
    annotation_update(annotation=first, user=member, expected_version=1, note="two")
    with pytest.raises(Conflict) as conflict:
        annotation_update(annotation=second, user=member, expected_version=1, note="three")
    assert conflict.value.current_version == 2
    annotation.refresh_from_db()
    assert (annotation.note, annotation.version) == ("two", 2)


def test_an_edit_without_a_version_applies_and_counts(member, paragraph):
    annotation = make_annotation(member, paragraph)
    annotation_update(
        annotation=annotation, user=member, role_slug="theory", quote={"exact": "readers disagree"}
    )
    annotation.refresh_from_db()
    assert (annotation.role.slug, annotation.exact, annotation.version) == (
        "theory",
        "readers disagree",
        2,
    )
    annotation_update(annotation=annotation, user=member, quote=None)
    annotation.refresh_from_db()
    assert (annotation.start, annotation.exact, annotation.version) == (None, "", 3)


def test_only_the_author_edits(member, moderator, owner, paragraph):
    annotation = make_annotation(member, paragraph)
    for user in (moderator, owner):
        with pytest.raises(PermissionDenied):
            annotation_update(annotation=annotation, user=user, note="mine now")
        with pytest.raises(PermissionDenied):
            annotation_delete(annotation=annotation, user=user)


def test_a_deleted_annotation_is_blanked_and_cannot_change(member, paragraph):
    annotation = make_annotation(member, paragraph, note="gone soon")
    annotation_delete(annotation=annotation, user=member)
    annotation.refresh_from_db()
    assert (annotation.status, annotation.note, annotation.version) == ("deleted", "", 2)
    with pytest.raises(Conflict, match="deleted"):
        annotation_update(annotation=annotation, user=member, note="back")


def test_comments_replies_and_tombstones(member, moderator, paragraph):
    annotation = make_annotation(member, paragraph)
    top = make_comment(moderator, annotation=annotation, body="Why?")
    assert top.paragraph == paragraph
    reply = make_comment(member, parent=top, body="Because.")
    assert (reply.annotation, reply.paragraph) == (annotation, paragraph)
    comment_update(comment=reply, user=member, expected_version=1, body="Because **so**.")
    reply.refresh_from_db()
    assert (reply.body_html, reply.version) == ("<p>Because <strong>so</strong>.</p>", 2)
    comment_delete(comment=top, user=moderator)
    top.refresh_from_db()
    assert (top.status, top.body, top.body_html) == ("deleted", "", "")
    assert Comment.objects.filter(parent=top).count() == 1
    with pytest.raises(ValidationError, match="deleted"):
        make_comment(member, parent=top)
    with pytest.raises(ValidationError, match="needs some text"):
        make_comment(member, paragraph=paragraph, body="  ")
    with pytest.raises(ValidationError, match="paragraph or on an annotation"):
        make_comment(member)


def test_a_comment_on_someone_elses_private_annotation_is_refused(member, moderator, paragraph):
    private = make_annotation(member, paragraph, visibility="private")
    with pytest.raises(ValidationError, match="no annotation"):
        make_comment(moderator, annotation=private)


def test_links(member, moderator, paragraph, paper):
    claim = make_annotation(member, paragraph, "claim")
    evidence = make_annotation(
        member, paper.paragraphs.exclude(pk=paragraph.pk).first(), "evidence"
    )
    link = link_create(user=moderator, source=evidence, target=claim, relation="supports")
    assert link.paper == paper
    with pytest.raises(ValidationError, match="already linked"):
        link_create(user=member, source=evidence, target=claim, relation="supports")
    with pytest.raises(ValidationError, match="itself"):
        link_create(user=member, source=claim, target=claim, relation="attacks")
    with pytest.raises(ValidationError, match="relation"):
        link_create(user=member, source=claim, target=evidence, relation="loves")
    with pytest.raises(PermissionDenied):
        link_delete(link=link, user=member)
    link_delete(link=link, user=moderator)
    assert not Link.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_from_one_version_give_one_conflict(group, member, paragraph):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs writers one at a time; the PostgreSQL run races them")
    annotation = make_annotation(member, paragraph, note="start")
    barrier = threading.Barrier(2)
    outcomes = []

    def edit(note):
        try:
            row = Annotation.objects.get(pk=annotation.pk)
            barrier.wait()
            annotation_update(annotation=row, user=member, expected_version=1, note=note)
            outcomes.append(("ok", note))
        except Conflict:
            outcomes.append(("conflict", note))
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(n,)) for n in ("left", "right")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(kind for kind, _ in outcomes) == ["conflict", "ok"]
    winner = next(note for kind, note in outcomes if kind == "ok")
    annotation.refresh_from_db()
    assert (annotation.note, annotation.version, annotation.status) == (winner, 2, Status.VISIBLE)
