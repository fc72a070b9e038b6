"""Serializers for the papers API: input serializers validate, output serializers are shaped for
the reader. None of them writes: the viewsets call the services."""

from django.urls import reverse
from rest_framework import serializers

from .groups import PREMODERATION_ITEMS
from .importing import FORMATS
from .models import (
    Citation,
    Invite,
    Membership,
    Paper,
    Paragraph,
    ReadingGroup,
    Reference,
    Section,
)


class OnlyTheseFields:
    """An input serializer that refuses fields it does not know, naming them (400)."""

    def validate(self, attrs):
        others = sorted(set(self.initial_data) - set(self.fields))
        if others:
            raise serializers.ValidationError(
                f"Unknown field{'s' if len(others) > 1 else ''}: {', '.join(others)}."
            )
        return super().validate(attrs)


class GroupSerializer(serializers.ModelSerializer):
    role = serializers.CharField(
        read_only=True, allow_null=True, help_text="the caller's role (null: not a member)"
    )
    paper_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ReadingGroup
        fields = [
            "slug",
            "name",
            "description",
            "visibility",
            "premoderation",
            "premoderation_items",
            "hide_banned_posts",
            "personal",
            "role",
            "paper_count",
            "created",
        ]
        read_only_fields = fields


class GroupCreateSerializer(OnlyTheseFields, serializers.Serializer):
    """POST groups/: the caller becomes the owner; the slug is made from the name."""

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    visibility = serializers.ChoiceField(
        choices=ReadingGroup.Visibility.choices, default=ReadingGroup.Visibility.PRIVATE
    )


class GroupUpdateSerializer(OnlyTheseFields, serializers.Serializer):
    """PATCH groups/{slug}/: any of these; the slug never changes."""

    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=ReadingGroup.Visibility.choices, required=False)
    premoderation = serializers.ChoiceField(
        choices=ReadingGroup.Premoderation.choices, required=False
    )
    premoderation_items = serializers.IntegerField(
        min_value=PREMODERATION_ITEMS[0],
        max_value=PREMODERATION_ITEMS[1],
        required=False,
        help_text="with premoderation new_members: how many of a member's first posts wait",
    )
    hide_banned_posts = serializers.BooleanField(
        required=False, help_text="hide a member's posts when they are banned (shown on unban)"
    )


class MemberSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.get_username", read_only=True)
    joined = serializers.DateTimeField(source="created", read_only=True)

    class Meta:
        model = Membership
        fields = ["user", "role", "status", "joined"]
        read_only_fields = fields


class MyMembershipSerializer(serializers.ModelSerializer):
    """GET groups/{slug}/me/: the caller's own membership, with their reading choices."""

    user = serializers.CharField(source="user.get_username", read_only=True)
    joined = serializers.DateTimeField(source="created", read_only=True)

    class Meta:
        model = Membership
        fields = ["user", "role", "status", "joined", "blind"]
        read_only_fields = fields


class MyMembershipChangeSerializer(OnlyTheseFields, serializers.Serializer):
    """PATCH groups/{slug}/me/: `blind`, the member's own choice (Membership.blind)."""

    blind = serializers.BooleanField()


class MemberAddSerializer(OnlyTheseFields, serializers.Serializer):
    """POST groups/{slug}/members/: add an existing user by username."""

    user = serializers.CharField(help_text="username")
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.MEMBER)


class MemberChangeSerializer(OnlyTheseFields, serializers.Serializer):
    """PATCH groups/{slug}/members/{username}/: a new `role`, a new `status` (ban, unban), or
    both (the status first)."""

    role = serializers.ChoiceField(choices=Membership.Role.choices, required=False)
    status = serializers.ChoiceField(choices=Membership.Status.choices, required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not attrs:
            raise serializers.ValidationError("Send a role, a status or both.")
        return attrs


class MemberNameSerializer(OnlyTheseFields, serializers.Serializer):
    """DELETE groups/{slug}/members/ names the member in the body."""

    user = serializers.CharField(help_text="username")


class MemberChangeByNameSerializer(MemberChangeSerializer):
    """PATCH groups/{slug}/members/ names the member in the body, beside the change."""

    user = serializers.CharField(help_text="username")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not set(attrs) - {"user"}:
            raise serializers.ValidationError("Send a role, a status or both.")
        return attrs


class InviteSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="the invite page to share")
    state = serializers.CharField(read_only=True, help_text="usable, revoked, expired, used_up")
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Invite
        fields = [
            "id",
            "token",
            "url",
            "role",
            "expires",
            "max_uses",
            "uses",
            "revoked",
            "state",
            "created_by",
            "created",
        ]
        read_only_fields = fields

    def get_url(self, invite) -> str:
        path = reverse("papers:invite", kwargs={"token": invite.token})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class InviteCreateSerializer(OnlyTheseFields, serializers.Serializer):
    """POST groups/{slug}/invites/: `expires` null: never; `max_uses` null: unlimited."""

    role = serializers.ChoiceField(choices=Invite.Role.choices, default=Invite.Role.MEMBER)
    expires = serializers.DateTimeField(required=False, allow_null=True, default=None)
    max_uses = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class InviteRevokeSerializer(OnlyTheseFields, serializers.Serializer):
    """DELETE groups/{slug}/invites/ names the invite by `token` or `id`."""

    token = serializers.CharField(required=False)
    id = serializers.IntegerField(required=False)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not attrs:
            raise serializers.ValidationError("Name the invite by its token or its id.")
        return attrs


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "position", "level", "title", "anchor"]


class PaperSourceSerializer(serializers.Serializer):
    format = serializers.CharField(source="source_format")
    filename = serializers.CharField(source="source_filename")
    sha256 = serializers.CharField(source="source_sha256")


class PaperSerializer(serializers.ModelSerializer):
    """A paper as lists show it (no sections)."""

    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    source = PaperSourceSerializer(source="*", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    paragraph_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Paper
        fields = [
            "id",
            "group",
            "title",
            "authors",
            "keywords",
            "abstract",
            "source",
            "status",
            "progress",
            "error",
            "paragraph_count",
            "created_by",
            "created",
            "updated",
        ]
        read_only_fields = fields


class PaperDetailSerializer(PaperSerializer):
    """One paper, with its sections."""

    sections = SectionSerializer(many=True, read_only=True)

    class Meta(PaperSerializer.Meta):
        fields = PaperSerializer.Meta.fields + ["sections"]
        read_only_fields = fields


class PaperCreateSerializer(serializers.Serializer):
    """POST papers/: a `file` (multipart) or pasted `text` (JSON), into the group `group`."""

    group = serializers.SlugField()
    file = serializers.FileField(required=False, allow_empty_file=True)
    text = serializers.CharField(required=False, trim_whitespace=False, allow_blank=True)
    format = serializers.ChoiceField(choices=["auto", *FORMATS], required=False, default="auto")
    title = serializers.CharField(required=False, allow_blank=True, max_length=1000)

    def validate(self, attrs):
        has_file = "file" in attrs
        has_text = bool(attrs.get("text", "").strip())
        if has_file and has_text:
            raise serializers.ValidationError("Send a file or text, not both.")
        if not has_file and not has_text:
            if "text" in attrs:
                raise serializers.ValidationError({"text": "The text is empty."})
            raise serializers.ValidationError("Send a file (multipart) or the text of the paper.")
        return attrs

    def import_arguments(self) -> dict:
        """Keyword arguments for `paper_import`, less the group (reads the file)."""
        data = self.validated_data
        fmt = None if data["format"] == "auto" else data["format"]
        if "file" in data:
            payload, filename = data["file"].read(), data["file"].name or ""
        else:
            payload, filename = data["text"].encode("utf-8"), ""
        return {
            "data": payload,
            "filename": filename,
            "fmt": fmt,
            "title": data.get("title") or None,
        }


class PaperUpdateSerializer(serializers.ModelSerializer):
    """PATCH papers/{id}/: only the title may change."""

    class Meta:
        model = Paper
        fields = ["title"]

    def validate(self, attrs):
        others = sorted(set(self.initial_data) - set(self.fields))
        if others:
            raise serializers.ValidationError(
                f"Only the title may be changed, not {', '.join(others)}."
            )
        return attrs

    def validate_title(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError("The title may not be empty.")
        return value


class ParagraphSerializer(serializers.ModelSerializer):
    class Meta:
        model = Paragraph
        fields = ["id", "anchor", "position", "section", "kind", "text", "label"]
        read_only_fields = fields


class CitationSerializer(serializers.ModelSerializer):
    anchor = serializers.CharField(source="paragraph.anchor", read_only=True)

    class Meta:
        model = Citation
        fields = ["id", "paragraph", "anchor", "start", "end", "text"]
        read_only_fields = fields


class BlankAsNullField(serializers.CharField):
    """A text stored blank when unknown, shown as null (the export's shape)."""

    def to_representation(self, value):
        return value or None


class ReferenceSerializer(serializers.ModelSerializer):
    anchor = serializers.CharField(read_only=True)
    url = BlankAsNullField(read_only=True, allow_null=True)
    doi = BlankAsNullField(read_only=True, allow_null=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = Reference
        fields = [
            "id",
            "position",
            "anchor",
            "label",
            "text",
            "authors",
            "year",
            "title",
            "url",
            "doi",
            "citations",
        ]
        read_only_fields = fields
