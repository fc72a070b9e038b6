"""The shapes of annotations, comments, links and roles in the API (shared/API.md).

Output serializers are shaped for the reader and read what the viewsets' querysets already
joined (no query per row). Each annotation, comment and link carries `can`: what the reader may
do with it now, answered by the rules' own functions (annotations.permissions, and
annotations.moderation.services for flags and moderation) from the facts the querysets read with
the item (`with_reader`): a client asks `can`, never repeats a rule.

Input serializers only check and normalise; the viewsets hand their data to
annotations.services. Ids in a request body (paragraph, annotation, parent) resolve only
among what the caller may see: anything else is "There is no … with this id." (400), which tells
nothing about what exists.
"""

from datetime import UTC

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from papers.models import Paper, Paragraph

from .markdown import render_markdown
from .models import Annotation, Comment, Link, Role, Status
from .notifications.mentions import render_with_mentions
from .permissions import (
    ACTIONS,
    can_annotate,
    may_change,
    may_edit,
    may_flag,
    may_read_revisions,
    may_reply,
    moderation_actions,
    reader_membership,
)
from .services import MAX_NOTE

# Output


class QuoteSerializer(serializers.Serializer):
    """A passage: its text with context, and its offsets in code points of the paragraph."""

    exact = serializers.CharField(required=False, trim_whitespace=False)
    prefix = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    suffix = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    start = serializers.IntegerField(required=False, min_value=0)
    end = serializers.IntegerField(required=False, min_value=0)


class AttributionSerializer(serializers.Serializer):
    """Where an imported post came from; its `author` is the member who imported it."""

    author = serializers.CharField(
        allow_null=True, help_text="who wrote it, as the source named them (null: nobody)"
    )
    created = serializers.DateTimeField(allow_null=True, help_text="when, as the source says")
    source = serializers.CharField(help_text="Hypothesis, Marginalia export, Earlier import, …")
    url = serializers.CharField(
        allow_null=True, help_text="the annotated document's address at the source"
    )


class _Attribution:
    """`attribution`: null for a post written here, and for a tombstone (it says nothing)."""

    @extend_schema_field(AttributionSerializer(allow_null=True))
    def get_attribution(self, item) -> dict | None:
        if item.status == Status.DELETED:
            return None
        return item.attribution


class _Edited:
    """`edited`: changed by its author since it was posted (it has revisions), never for a
    deleted item. The viewsets' querysets say it in their own query; an item read without it
    (just created or changed) asks only when it has changed at all."""

    def get_edited(self, item) -> bool:
        if item.status == Status.DELETED:
            return False
        edited = getattr(item, "edited", None)
        if edited is None:
            return item.version > 1 and item.revisions.exists()
        return bool(edited)


class _Tombstones:
    """In the `since` feed, an item the caller no longer sees (`seen` false, annotations.feed)
    is shown as a bare tombstone: where it was and when it changed, nothing it said."""

    tombstone_fields: tuple[str, ...] = ()

    def to_representation(self, item):
        if getattr(item, "seen", True):
            return super().to_representation(item)
        data = {name: getattr(item, f"{name}_id", None) for name in self.tombstone_fields}
        data["id"] = item.pk
        data["status"] = "removed"
        data["updated"] = serializers.DateTimeField().to_representation(item.updated)
        data["version"] = item.version
        return data


class AnnotationCanSerializer(serializers.Serializer):
    """What the reader may do with an annotation now (each a rule's answer; anonymous: none)."""

    edit = serializers.BooleanField(help_text="PATCH would be taken: its author, a member")
    delete = serializers.BooleanField(help_text="DELETE would be taken: as `edit`")
    flag = serializers.BooleanField(
        help_text="POST flags/ would be taken: a member, not the author, a visible post "
        "(once per person: a second flag is refused)"
    )
    history = serializers.BooleanField(
        help_text="GET revisions/ would answer: its author, the group's owners and moderators"
    )
    moderate = serializers.ListField(
        child=serializers.ChoiceField(choices=list(ACTIONS)),
        help_text="the actions moderation/actions/ would take on it now, for its status: "
        "owners and moderators of its group, on a shared post not deleted",
    )


class CommentCanSerializer(AnnotationCanSerializer):
    reply = serializers.BooleanField(
        help_text="a reply (POST comments/ with `parent`) would be taken: a member, on a "
        "comment not deleted"
    )


class LinkCanSerializer(serializers.Serializer):
    delete = serializers.BooleanField(help_text="DELETE would be taken: its author, a member")


class _Can:
    """`can`, for the request's user (none without a request: as for an anonymous visitor)."""

    def reader(self):
        return getattr(self.context.get("request"), "user", None)

    def item_can(self, item, *, replies: bool = False) -> dict:
        user = self.reader()
        membership = reader_membership(user, item)
        change = may_change(user, membership, item)
        can = {
            "edit": change,
            "delete": change,
            "flag": may_flag(user, membership, item),
            "history": may_read_revisions(user, membership, item),
            "moderate": moderation_actions(membership, item),
        }
        if replies:
            can["reply"] = may_reply(membership, item)
        return can


class AnnotationSerializer(_Tombstones, _Edited, _Attribution, _Can, serializers.ModelSerializer):
    anchor = serializers.CharField(source="paragraph.anchor", read_only=True)
    role = serializers.CharField(source="role.slug", read_only=True)
    role_name = serializers.CharField(source="role.name", read_only=True)
    role_color = serializers.CharField(source="role.color", read_only=True)
    quote = QuoteSerializer(read_only=True, allow_null=True)
    author = serializers.CharField(source="author.username", read_only=True, default=None)
    attribution = serializers.SerializerMethodField()
    edited = serializers.SerializerMethodField()
    can = serializers.SerializerMethodField()

    tombstone_fields = ("paper", "paragraph")

    class Meta:
        model = Annotation
        fields = [
            "id",
            "paper",
            "paragraph",
            "anchor",
            "role",
            "role_name",
            "role_color",
            "quote",
            "note",
            "note_html",
            "author",
            "visibility",
            "status",
            "created",
            "updated",
            "version",
            "edited",
            "can",
            "attribution",
        ]
        read_only_fields = fields

    @extend_schema_field(AnnotationCanSerializer)
    def get_can(self, annotation: Annotation) -> dict:
        return self.item_can(annotation)


class CommentSerializer(_Tombstones, _Edited, _Attribution, _Can, serializers.ModelSerializer):
    anchor = serializers.CharField(source="paragraph.anchor", read_only=True, default=None)
    author = serializers.SerializerMethodField()
    attribution = serializers.SerializerMethodField()
    edited = serializers.SerializerMethodField()
    can = serializers.SerializerMethodField()

    tombstone_fields = ("paper", "paragraph", "annotation", "parent")

    class Meta:
        model = Comment
        fields = [
            "id",
            "paper",
            "paragraph",
            "anchor",
            "annotation",
            "parent",
            "body",
            "body_html",
            "author",
            "status",
            "created",
            "updated",
            "version",
            "edited",
            "can",
            "attribution",
        ]
        read_only_fields = fields

    @extend_schema_field(CommentCanSerializer)
    def get_can(self, comment: Comment) -> dict:
        return self.item_can(comment, replies=True)

    def get_author(self, comment: Comment) -> str | None:
        """The username; a tombstone (deleted) names no one."""
        if comment.status == Status.DELETED or comment.author is None:
            return None
        return comment.author.username


class LinkSerializer(_Can, serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, default=None)
    can = serializers.SerializerMethodField()

    class Meta:
        model = Link
        fields = ["id", "paper", "source", "target", "relation", "author", "created", "can"]
        read_only_fields = fields

    @extend_schema_field(LinkCanSerializer)
    def get_can(self, link: Link) -> dict:
        user = self.reader()
        return {"delete": may_edit(user, reader_membership(user, link), link)}


class RoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Role
        fields = ["slug", "name", "color", "key", "description", "position", "retired"]
        read_only_fields = fields


# Input


@extend_schema_field(OpenApiTypes.INT)
class _VisibleIdField(serializers.PrimaryKeyRelatedField):
    """An id among the rows the caller may see (`visible` builds them from the request's user)."""

    def __init__(self, *, visible, noun: str, **kwargs):
        self.visible = visible
        kwargs.setdefault(
            "error_messages",
            {
                "does_not_exist": f"There is no {noun} with this id.",
                "incorrect_type": f"A {noun} is named by its id (a number).",
            },
        )
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.visible(self.context["request"].user)


def _paragraphs(user):
    # The paper and its group come with the paragraph: the services ask about both.
    return Paragraph.objects.filter(paper__in=Paper.objects.visible_to(user)).select_related(
        "paper__group"
    )


def _annotations(user):
    return Annotation.objects.visible_to(user).select_related("paper__group", "paragraph")


def _comments(user):
    return Comment.objects.visible_to(user).select_related(
        "paper__group", "paragraph", "annotation"
    )


def _quote_data(value: dict | None) -> dict | None:
    return None if value is None else dict(value)


class AnnotationCreateSerializer(serializers.Serializer):
    paragraph = _VisibleIdField(visible=_paragraphs, noun="paragraph")
    role = serializers.SlugField(help_text="the slug of one of the group's active roles")
    quote = QuoteSerializer(
        required=False,
        allow_null=True,
        default=None,
        help_text="null or left out: the whole paragraph; else `start`/`end` (code points), "
        "`exact`, or both; `prefix`/`suffix` to say which occurrence of `exact`",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=MAX_NOTE, trim_whitespace=False
    )
    visibility = serializers.ChoiceField(
        choices=Annotation.Visibility.choices, default=Annotation.Visibility.GROUP
    )
    paper = serializers.IntegerField(
        required=False, help_text="optional; when given, the paragraph must be of this paper"
    )

    def validate(self, data):
        paper = data.pop("paper", None)
        if paper is not None and data["paragraph"].paper_id != paper:
            raise serializers.ValidationError({"paragraph": "This paragraph is of another paper."})
        return data

    def service_arguments(self) -> dict:
        data = self.validated_data
        return {
            "paragraph": data["paragraph"],
            "role_slug": data["role"],
            "quote": _quote_data(data["quote"]),
            "note": data["note"],
            "visibility": data["visibility"],
        }


class AnnotationUpdateSerializer(serializers.Serializer):
    role = serializers.SlugField(required=False)
    quote = QuoteSerializer(required=False, allow_null=True)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_NOTE, trim_whitespace=False
    )
    visibility = serializers.ChoiceField(choices=Annotation.Visibility.choices, required=False)

    def service_arguments(self) -> dict:
        fields = dict(self.validated_data)
        if "role" in fields:
            fields["role_slug"] = fields.pop("role")
        if "quote" in fields:
            fields["quote"] = _quote_data(fields["quote"])
        return fields


class CommentCreateSerializer(serializers.Serializer):
    paragraph = _VisibleIdField(visible=_paragraphs, noun="paragraph", required=False)
    annotation = _VisibleIdField(visible=_annotations, noun="annotation", required=False)
    parent = _VisibleIdField(visible=_comments, noun="comment", required=False)
    body = serializers.CharField(max_length=MAX_NOTE, trim_whitespace=False)

    def validate(self, data):
        if not any(data.get(name) for name in ("paragraph", "annotation", "parent")):
            raise serializers.ValidationError(
                "Name the `paragraph` or `annotation` the comment is on, or its `parent`."
            )
        return data


class CommentUpdateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_NOTE, trim_whitespace=False)


class LinkCreateSerializer(serializers.Serializer):
    source = _VisibleIdField(visible=_annotations, noun="annotation")
    target = _VisibleIdField(visible=_annotations, noun="annotation")
    relation = serializers.ChoiceField(choices=Link.Relation.choices)


class RoleCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    slug = serializers.SlugField(max_length=40, required=False, default="")
    color = serializers.RegexField(
        r"^#[0-9a-fA-F]{6}$", error_messages={"invalid": "A colour is written #rrggbb."}
    )
    key = serializers.CharField(max_length=1, min_length=1, trim_whitespace=False)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class RoleUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60, required=False)
    color = serializers.RegexField(
        r"^#[0-9a-fA-F]{6}$",
        required=False,
        error_messages={"invalid": "A colour is written #rrggbb."},
    )
    key = serializers.CharField(max_length=1, min_length=1, required=False, trim_whitespace=False)
    description = serializers.CharField(required=False, allow_blank=True)
    retired = serializers.BooleanField(required=False)


class RoleUpdateBySlugSerializer(RoleUpdateSerializer):
    slug = serializers.SlugField(help_text="the role to change")


class PreviewSerializer(serializers.Serializer):
    """The editor's preview. With `paper` (one the caller may see), mentions of its group's
    members are linked as the saved post would link them, for a caller who may post there;
    anyone else gets the plain rendering (the preview is no way to find out who is a member)."""

    markdown = serializers.CharField(allow_blank=True, max_length=MAX_NOTE, trim_whitespace=False)
    paper = serializers.PrimaryKeyRelatedField(
        queryset=Paper.objects.none(),
        required=False,
        error_messages={"does_not_exist": "No such paper, or not one you may see."},
        help_text="the paper the text is written on: its group's members' mentions are linked",
    )

    def get_fields(self):
        fields = super().get_fields()
        # Only papers the caller may see: any other id is "does not exist", like a missing one.
        user = getattr(self.context.get("request"), "user", None)
        fields["paper"].queryset = Paper.objects.visible_to(user).select_related("group")
        return fields

    def html(self) -> str:
        text = self.validated_data["markdown"]
        paper = self.validated_data.get("paper")
        if paper is None or not can_annotate(self.context["request"].user, paper):
            return render_markdown(text)
        try:
            html, _ = render_with_mentions(text, paper.group)
        except DjangoValidationError as error:  # too many mentions: as posting would say
            raise serializers.ValidationError({"markdown": error.messages}) from error
        return html


class PreviewResultSerializer(serializers.Serializer):
    html = serializers.CharField()


# Filters


class _SinceField(serializers.CharField):
    """An ISO 8601 date and time; without a zone, UTC. A "+" sent unencoded in a query string
    arrives as a space, which is read back as "+"."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        value = parse_datetime(text) or parse_datetime(text.replace(" ", "+"))
        if value is None:
            raise serializers.ValidationError(
                "Give an ISO 8601 date and time, e.g. 2026-11-28T10:00:00Z."
            )
        if timezone.is_naive(value):
            value = timezone.make_aware(value, UTC)
        return value


class _Filters(serializers.Serializer):
    paper = serializers.IntegerField(required=False, min_value=1)
    paragraph = serializers.IntegerField(required=False, min_value=1)
    author = serializers.CharField(required=False)
    group = serializers.SlugField(required=False)
    since = _SinceField(required=False)


class AnnotationFilterSerializer(_Filters):
    role = serializers.SlugField(required=False)
    status = serializers.ChoiceField(choices=Status.choices, required=False)


class CommentFilterSerializer(_Filters):
    annotation = serializers.IntegerField(required=False, min_value=1)
    parent = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=Status.choices, required=False)


class LinkFilterSerializer(serializers.Serializer):
    paper = serializers.IntegerField(required=False, min_value=1)
    annotation = serializers.IntegerField(required=False, min_value=1, help_text="either end")
    source = serializers.IntegerField(required=False, min_value=1)
    target = serializers.IntegerField(required=False, min_value=1)
    relation = serializers.ChoiceField(choices=Link.Relation.choices, required=False)
    group = serializers.SlugField(required=False)


# Revisions


class RevisionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    data = serializers.DictField(
        help_text="comments: `body`; annotations: `role`, `exact`, `prefix`, `suffix`, "
        "`start`, `end`, `note`, `visibility`"
    )
    created = serializers.DateTimeField(
        help_text="when this text was replaced (the current one: when it was last changed)"
    )
    current = serializers.BooleanField(help_text="true for the last: the item as it is now")
