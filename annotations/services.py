"""Writes of annotations, comments, links and a group's roles.

Each function is keyword-only, owns its transaction, validates (`full_clean`) and raises
ValidationError (bad input: a quote that does not match, an unknown role) or PermissionDenied
(the user may not) with a message a person can act on. Who may do what is asked of
annotations.permissions; nothing here decides it.

Changes to an annotation or a comment are one conditional UPDATE that adds 1 to `version`: with
`expected_version` (the API's If-Match) it only applies while the row still has that version, so
of two edits made from the same version one wins and the other gets `Conflict` (HTTP 412): no
lost update. Without it the change applies to whatever version is current.

Deleting is the author's: an annotation becomes status "deleted" with its note blanked (it drops
out of every list; the `since` feed still names it so clients remove it); a comment becomes a
tombstone (body blanked) so its thread keeps its shape; a link is removed.
"""

from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from papers.errors import Conflict
from papers.models import Paper, Paragraph, ReadingGroup
from papers.permissions import membership_for

from . import permissions
from .models import Annotation, Comment, Link, Revision, Role, RoleQuerySet, Status
from .notifications import services as notify
from .notifications.mentions import mentions_in, render_with_mentions
from .premoderation import initial_status
from .quotes import QuoteError, resolve_quote
from .search.index import annotation_index, comment_index

__all__ = [
    "DEFAULT_ROLES",
    "Conflict",
    "TooManyAnnotations",
    "annotation_create",
    "check_annotation_room",
    "annotation_delete",
    "annotation_update",
    "comment_create",
    "comment_delete",
    "comment_update",
    "link_create",
    "link_delete",
    "role_create",
    "role_update",
    "roles_for_group",
]

# A group's vocabulary until its owners change it. Colours read on the page's #fbfaf6 with a
# contrast of at least 5.7:1 and differ in hue and lightness (blue, burnt orange, plum).
DEFAULT_ROLES = (
    {
        "slug": "claim",
        "name": "Claim",
        "key": "c",
        "color": "#0b5cad",
        "description": "A statement the text puts forward and argues for.",
    },
    {
        "slug": "evidence",
        "name": "Evidence",
        "key": "e",
        "color": "#a14a00",
        "description": "Data, observations or sources offered in support of a claim.",
    },
    {
        "slug": "theory",
        "name": "Theory",
        "key": "t",
        "color": "#8b2f7a",
        "description": "The framework or concepts the argument rests on.",
    },
)

MAX_NOTE = 20_000  # characters of a note or a comment's body

NOT_A_MEMBER = "Only active members of this paper's group may annotate, comment or link."
NOT_THE_AUTHOR = "Only its author may change or delete this."
NOT_AN_OWNER = "Only the group's owners may change its roles."


# Roles


def _create_default_roles(group: ReadingGroup) -> None:
    # Two requests may get here at once: the unique (group, slug) constraint keeps one set.
    with transaction.atomic():
        Role.objects.bulk_create(
            [Role(group=group, position=i, **role) for i, role in enumerate(DEFAULT_ROLES, 1)],
            ignore_conflicts=True,
        )


def roles_for_group(group: ReadingGroup) -> RoleQuerySet:
    """The group's roles in order, retired ones included (`.active()` leaves them out). A group
    gets the default claim, evidence and theory the first time anyone asks."""
    roles = Role.objects.filter(group=group).order_by("position", "id")
    if not roles.exists():
        _create_default_roles(group)
    return roles


def _role_by_slug(group: ReadingGroup, slug: str) -> Role:
    role = Role.objects.filter(group=group, slug=slug).first()
    if role is None and not Role.objects.filter(group=group).exists():
        _create_default_roles(group)
        role = Role.objects.filter(group=group, slug=slug).first()
    if role is None or role.retired:
        names = ", ".join(roles_for_group(group).active().values_list("slug", flat=True))
        state = "is retired" if role is not None else "does not exist"
        raise ValidationError(
            {"role": f"The role “{slug}” {state} in this group; choose one of: {names}."}
        )
    return role


def _save_role(role: Role) -> Role:
    role.full_clean()
    try:
        with transaction.atomic():
            role.save()
    except IntegrityError as error:  # a race with another change of the same group's roles
        raise ValidationError(
            "Another role of this group already uses this slug or key; try again."
        ) from error
    return role


def role_create(
    *,
    user,
    group: ReadingGroup,
    name: str,
    color: str,
    key: str,
    slug: str = "",
    description: str = "",
) -> Role:
    """Add a role to the group's vocabulary (owners). The slug is made from the name unless
    given; it never changes afterwards."""
    if not permissions.can_manage_roles(user, group):
        raise PermissionDenied(NOT_AN_OWNER)
    roles = roles_for_group(group)
    name = " ".join((name or "").split())
    slug = slugify(slug or name)[:40].strip("-")
    if not slug:
        raise ValidationError({"slug": "A role needs a name or a slug made of letters or digits."})
    position = (roles.aggregate(last=Max("position"))["last"] or 0) + 1
    role = Role(
        group=group,
        slug=slug,
        name=name,
        color=(color or "").strip().lower(),
        key=(key or "").strip(),
        description=(description or "").strip(),
        position=position,
    )
    return _save_role(role)


def role_update(
    *,
    role: Role,
    user,
    name: str | None = None,
    color: str | None = None,
    key: str | None = None,
    description: str | None = None,
    retired: bool | None = None,
) -> Role:
    """Rename, recolour, re-key, describe, retire or bring back a role (owners). Retiring keeps
    its annotations (shown with it) but new ones cannot take it; the last active role stays."""
    if not permissions.can_manage_roles(user, role.group):
        raise PermissionDenied(NOT_AN_OWNER)
    if name is not None:
        role.name = " ".join(name.split())
    if color is not None:
        role.color = color.strip().lower()
    if key is not None:
        role.key = key.strip()
    if description is not None:
        role.description = description.strip()
    with transaction.atomic():
        if retired is not None:
            if retired and not role.retired:
                others = Role.objects.active().filter(group_id=role.group_id).exclude(pk=role.pk)
                if not others.select_for_update().exists():
                    raise ValidationError(
                        {"retired": "A group needs at least one active role: add another first."}
                    )
            role.retired = retired
        return _save_role(role)


# Annotations


class Text(NamedTuple):
    """A note or a comment's body as written: the Markdown, its HTML (mentions linked) and the
    members it mentions (by user id)."""

    source: str
    html: str
    mentioned: list[int]


def _text(text: str, group: ReadingGroup, field: str) -> Text:
    """Render the Markdown and link its mentions of the group's members (at most
    MAX_MENTIONS: more is refused, under `field`)."""
    try:
        html, mentioned = render_with_mentions(text, group)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    return Text(text, html, [m.user_id for m in mentioned.values()])


def _note(note: str | None, group: ReadingGroup) -> Text:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": f"A note is at most {MAX_NOTE:,} characters long."})
    return _text(note, group, "note")


def _quote_fields(paragraph: Paragraph, quote: dict | None) -> dict:
    """The model fields for `quote` (None: the whole paragraph)."""
    if quote is None:
        return {"exact": "", "prefix": "", "suffix": "", "start": None, "end": None}
    if not isinstance(quote, dict):
        raise ValidationError(
            {
                "quote": "A quote is an object with exact, prefix, suffix, start "
                "and end, or null for the whole paragraph."
            }
        )
    unknown = set(quote) - {"exact", "prefix", "suffix", "start", "end"}
    if unknown:
        raise ValidationError({"quote": f"Unknown quote fields: {', '.join(sorted(unknown))}."})
    try:
        return resolve_quote(paragraph.text, **quote).as_dict()
    except QuoteError as error:
        raise ValidationError({"quote": str(error)}) from error


def _check_visibility(visibility: str) -> str:
    if visibility not in Annotation.Visibility.values:
        raise ValidationError({"visibility": "Visibility is “group” or “private”."})
    return visibility


class TooManyAnnotations(ValidationError):
    """The paper holds MARGINALIA_MAX_ANNOTATIONS_PER_PAPER annotations already (HTTP 400)."""


def check_annotation_room(paper: Paper | None, *, adding: int = 1) -> None:
    """The one place of the per-paper quota: raise TooManyAnnotations when `adding` more
    annotations would take `paper` (None: a paper an import is about to create) past
    MARGINALIA_MAX_ANNOTATIONS_PER_PAPER. Annotations deleted by their authors do not count.

    Why a quota: every reader of a paper pays for what it holds (the reading page, exports,
    insights), so one member's import of 150,000 rows must not make it unreadable for all.
    One query that stops at the limit (an OFFSET probe, not a COUNT of every row). Two writers
    racing at the very limit may both pass: the bound is on the paper's size, not exact to one.
    """
    limit = settings.MARGINALIA_MAX_ANNOTATIONS_PER_PAPER
    room = limit - adding
    if room >= 0 and paper is not None:
        rows = Annotation.objects.filter(paper=paper).exclude(status=Status.DELETED)
        full = rows.order_by().values("pk")[room : room + 1].exists()
    else:
        full = room < 0
    if full:
        raise TooManyAnnotations(
            f"A paper holds at most {limit:,} annotations (MARGINALIA_MAX_ANNOTATIONS_PER_PAPER)"
            + (
                f"; this would add {adding:,}."
                if adding > 1
                else "; this one is full. Delete some, or annotate another paper."
            )
        )


def annotation_create(
    *,
    user,
    paragraph: Paragraph,
    role_slug: str,
    quote: dict | None = None,
    note: str = "",
    visibility: str = Annotation.Visibility.GROUP,
) -> Annotation:
    """Tag the paragraph (quote None) or a passage of it with one of the group's active roles.

    `quote` is `{"exact", "prefix", "suffix", "start", "end"}`, any of them missing: checked and
    completed by annotations.quotes.resolve_quote. The note is Markdown.
    """
    paper = paragraph.paper
    # The membership once: the rule (`may_annotate`) and blind mode both read it.
    membership = membership_for(user, paper.group)
    if not permissions.may_annotate(membership):
        raise PermissionDenied(NOT_A_MEMBER)
    note = _note(note, paper.group)
    check_annotation_room(paper)
    annotation = Annotation(
        paper=paper,
        paragraph=paragraph,
        role=_role_by_slug(paper.group, role_slug),
        note=note.source,
        note_html=note.html,
        author=user,
        visibility=_check_visibility(visibility),
        status=initial_status(user, paper.group, shared=visibility == Annotation.Visibility.GROUP),
        **_quote_fields(paragraph, quote),
    )
    # The foreign keys are the objects just loaded: no query to check they exist. The span and
    # version constraints hold by construction (resolve_quote, version 1) and the database
    # checks them again: no query each to check them here.
    annotation.full_clean(
        exclude=["paper", "paragraph", "role", "author"], validate_constraints=False
    )
    with transaction.atomic():
        annotation.independent = membership.blind and _first_tag(user, paragraph)
        annotation.save()
        annotation_index(annotation, new=True)
        notify.post_written(annotation, mentioned=note.mentioned, new=True)
    return annotation


def _first_tag(user, paragraph: Paragraph) -> bool:
    """Has the user never tagged this paragraph (deleted tags count: blind mode showed them the
    others' roles once they had tagged it)? Asked only in blind mode."""
    return not Annotation.objects.filter(paragraph=paragraph, author=user).exists()


_ANNOTATION_FIELDS = frozenset({"role_slug", "quote", "note", "visibility"})


# What a revision keeps of each kind of item (the fields its author can change).
_REVISED = {
    Annotation: ("role__slug", "exact", "prefix", "suffix", "start", "end", "note", "visibility"),
    Comment: ("body",),
}


def _keep_revision(model, item) -> None:
    """Keep the row as it is now (the text this change replaces) as a Revision. Read with a
    row lock on PostgreSQL, so the text kept is the one the UPDATE below replaces."""
    fields = _REVISED[model]
    current = (
        model.objects.select_for_update(of=("self",))
        .filter(pk=item.pk)
        .values("version", *fields)
        .first()
    )
    if current is None:
        return  # gone: the UPDATE finds nothing and says so
    version = current.pop("version")
    if "role__slug" in current:
        current["role"] = current.pop("role__slug")
    kind = "annotation" if model is Annotation else "comment"
    Revision.objects.create(version=version, data=current, **{kind + "_id": item.pk})


def _apply(model, item, *, user, expected_version: int | None, values: dict) -> None:
    """The one conditional UPDATE: bumps the version (and `updated`) only while the row is not
    deleted and, with `expected_version`, still has that version; else Conflict. The text it
    replaces is kept as a Revision (in the caller's transaction: both or neither)."""
    _keep_revision(model, item)
    rows = model.objects.filter(pk=item.pk).exclude(status=Status.DELETED)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    values["updated"] = timezone.now()
    if not rows.update(**values, version=F("version") + 1):
        current = model.objects.filter(pk=item.pk).values_list("version", "status").first()
        if current is None or current[1] == Status.DELETED:
            raise Conflict("This was deleted in the meantime.", current_version=None)
        raise Conflict(
            f"This changed since version {expected_version} (it is at version {current[0]} "
            f"now): reload it and make your change again.",
            current_version=current[0],
        )
    for name, value in values.items():
        setattr(item, name, value)
    if expected_version is not None:
        item.version = expected_version + 1
    else:
        item.refresh_from_db(fields=["version"])


def annotation_update(
    *, annotation: Annotation, user, expected_version: int | None = None, **fields
) -> Annotation:
    """Change the role (`role_slug`), `quote` (None: the whole paragraph), `note` or
    `visibility` of the user's own annotation; Conflict when `expected_version` is stale."""
    if unknown := set(fields) - _ANNOTATION_FIELDS:
        raise ValidationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    if not permissions.can_edit(user, annotation):
        raise PermissionDenied(NOT_THE_AUTHOR)
    values: dict = {}
    group = annotation.paper.group
    if "role_slug" in fields:
        role = _role_by_slug(annotation.paper.group, fields["role_slug"])
        values["role"] = role
        if role.pk != annotation.role_id:
            # Changed after tagging, when blind mode shows the others' roles: no longer a
            # reading made without them.
            values["independent"] = False
    if "quote" in fields:
        values.update(_quote_fields(annotation.paragraph, fields["quote"]))
    if "note" in fields:
        note = _note(fields["note"], group)
        values["note"], values["note_html"] = note.source, note.html
    if "visibility" in fields:
        values["visibility"] = _check_visibility(fields["visibility"])
        sharing = (
            values["visibility"] == Annotation.Visibility.GROUP
            and annotation.visibility == Annotation.Visibility.PRIVATE
            and annotation.status == Status.VISIBLE
        )
        if sharing:  # made shared: held like a new post would be
            values["status"] = initial_status(user, annotation.paper.group)
    with transaction.atomic():
        _apply(Annotation, annotation, user=user, expected_version=expected_version, values=values)
        annotation_index(annotation)
        if "note" in fields or "visibility" in fields:
            # Who the note mentions now and was not told yet (made shared: all of them).
            mentioned = mentions_in(annotation.note, group)
            notify.post_written(
                annotation, mentioned=[m.user_id for m in mentioned.values()], new=False
            )
    return annotation


def annotation_delete(
    *, annotation: Annotation, user, expected_version: int | None = None
) -> Annotation:
    """The author deletes their annotation: status "deleted", note blanked (module docstring).

    Its discussion is not the author's to take away: the comments on it move to its paragraph's
    discussion, threads as they were (a change of each, so live updates carry them there)."""
    if not permissions.can_edit(user, annotation):
        raise PermissionDenied(NOT_THE_AUTHOR)
    values = {"status": Status.DELETED, "note": "", "note_html": ""}
    with transaction.atomic():
        _apply(Annotation, annotation, user=user, expected_version=expected_version, values=values)
        annotation_index(annotation)  # before its comments move: they lose its role
        Comment.objects.filter(annotation=annotation).update(
            annotation=None, updated=timezone.now(), version=F("version") + 1
        )
    return annotation


# Comments


def _body(body: str | None, group: ReadingGroup) -> Text:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "A comment needs some text."})
    if len(body) > MAX_NOTE:
        raise ValidationError({"body": f"A comment is at most {MAX_NOTE:,} characters long."})
    return _text(body, group, "body")


def comment_create(
    *,
    user,
    paragraph: Paragraph | None = None,
    annotation: Annotation | None = None,
    parent: Comment | None = None,
    body: str,
) -> Comment:
    """Comment on a paragraph or an annotation, or reply to a comment (`parent`; the reply is on
    the parent's paragraph and annotation). A comment on an annotation also names its paragraph.
    """
    named = parent or annotation or paragraph  # what the caller loaded, with its paper and group
    if parent is not None:
        if not permissions.takes_replies(parent):
            raise ValidationError({"parent": "That comment was deleted; reply to its thread."})
        if (annotation is not None and annotation.pk != parent.annotation_id) or (
            paragraph is not None and paragraph.pk != parent.paragraph_id
        ):
            raise ValidationError({"parent": "A reply is on its parent's paragraph or annotation."})
        annotation, paragraph = parent.annotation, parent.paragraph
    if annotation is not None:
        if paragraph is not None and paragraph.pk != annotation.paragraph_id:
            raise ValidationError(
                {"paragraph": "The annotation is on another paragraph: give one or the other."}
            )
        paragraph = paragraph or annotation.paragraph  # the same one (checked): as loaded
    if paragraph is None:
        raise ValidationError("A comment is on a paragraph or on an annotation.")
    paper = named.paper  # the paragraph's (checked above), as loaded: no query for it
    if not permissions.can_comment(user, paper):
        raise PermissionDenied(NOT_A_MEMBER)
    if annotation is not None and not (
        Annotation.objects.visible_to(user).filter(pk=annotation.pk).exists()
    ):
        raise ValidationError({"annotation": "There is no annotation with this id."})
    body = _body(body, paper.group)
    comment = Comment(
        paper=paper,
        paragraph=paragraph,
        annotation=annotation,
        parent=parent,
        body=body.source,
        body_html=body.html,
        author=user,
        status=initial_status(user, paper.group),
    )
    # As for annotations: the foreign keys were just loaded, the target is set above.
    comment.full_clean(
        exclude=["paper", "paragraph", "annotation", "parent", "author"],
        validate_constraints=False,
    )
    with transaction.atomic():
        comment.save()
        comment_index(comment, new=True)
        notify.post_written(comment, mentioned=body.mentioned, new=True)
    return comment


def comment_update(
    *, comment: Comment, user, expected_version: int | None = None, body: str
) -> Comment:
    """Change the body of the user's own comment; Conflict when `expected_version` is stale."""
    if not permissions.can_edit(user, comment):
        raise PermissionDenied(NOT_THE_AUTHOR)
    body = _body(body, comment.paper.group)
    with transaction.atomic():
        _apply(
            Comment,
            comment,
            user=user,
            expected_version=expected_version,
            values={"body": body.source, "body_html": body.html},
        )
        comment_index(comment)
        notify.post_written(comment, mentioned=body.mentioned, new=False)
    return comment


def comment_delete(*, comment: Comment, user, expected_version: int | None = None) -> Comment:
    """The author deletes their comment: a tombstone (status "deleted", body blanked) that keeps
    the replies in their thread."""
    if not permissions.can_edit(user, comment):
        raise PermissionDenied(NOT_THE_AUTHOR)
    values = {"status": Status.DELETED, "body": "", "body_html": ""}
    with transaction.atomic():
        _apply(Comment, comment, user=user, expected_version=expected_version, values=values)
        comment_index(comment)
    return comment


# Links


def link_create(*, user, source: Annotation, target: Annotation, relation: str) -> Link:
    """Link two annotations of one paper: `source` supports, attacks or cites `target`."""
    if source.pk == target.pk:
        raise ValidationError({"target": "An annotation cannot be linked to itself."})
    if source.paper_id != target.paper_id:
        raise ValidationError({"target": "Both annotations must be on the same paper."})
    if not permissions.can_link(user, source.paper):
        raise PermissionDenied(NOT_A_MEMBER)
    seen = set(
        Annotation.objects.visible_to(user)
        .filter(pk__in=[source.pk, target.pk])
        .values_list("pk", flat=True)
    )
    for name, annotation in (("source", source), ("target", target)):
        if annotation.pk not in seen:
            raise ValidationError({name: "There is no annotation with this id."})
    link = Link(paper=source.paper, source=source, target=target, relation=relation, author=user)
    # source and target stay in: the uniqueness and "not itself" constraints name them.
    link.full_clean(exclude=["paper", "author"])
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError as error:  # the same link made at the same moment
        raise ValidationError("These annotations are already linked this way.") from error
    return link


def link_delete(*, link: Link, user) -> None:
    """The link's author removes it."""
    if not permissions.can_edit(user, link):
        raise PermissionDenied(NOT_THE_AUTHOR)
    link.delete()
