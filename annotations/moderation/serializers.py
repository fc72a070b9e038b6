"""The shapes of flags, the moderation queue, moderation actions, the audit log and revisions in
the API (docs/api.md, "Moderation").

Input serializers only check and normalise; annotations.moderation.api looks the targets up among
what the caller may see and calls annotations.moderation or papers.groups. Output serializers read
what the views already joined (no query per row). Flaggers are named only in the queue, which is
for moderators.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from papers.models import AuditEntry

from ..models import Flag
from ..serializers import AnnotationSerializer, CommentSerializer, _SinceField
from .queue import KINDS, TARGET_TYPES, QueueItem
from .services import MAX_REASON

ITEM_TYPES = [(name, name) for name in TARGET_TYPES]
MAX_BULK = 200

# Flags


class FlagCreateSerializer(serializers.Serializer):
    target_type = serializers.ChoiceField(choices=ITEM_TYPES)
    target = serializers.IntegerField(min_value=1, help_text="the annotation's or comment's id")
    reason = serializers.ChoiceField(choices=Flag.Reason.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=MAX_REASON
    )


class FlagSerializer(serializers.ModelSerializer):
    """A flag as its flagger sees it (no flagger: it is theirs)."""

    target_type = serializers.CharField(read_only=True)
    target = serializers.IntegerField(source="target_id", read_only=True)

    class Meta:
        model = Flag
        fields = ["id", "target_type", "target", "reason", "note", "created"]
        read_only_fields = fields


class QueueFlagSerializer(serializers.ModelSerializer):
    """An open flag as moderators see it in the queue: with who flagged."""

    flagger = serializers.CharField(source="flagger.username", read_only=True, default=None)

    class Meta:
        model = Flag
        fields = ["id", "reason", "note", "flagger", "created"]
        read_only_fields = fields


# Audit log


class AuditEntrySerializer(serializers.ModelSerializer):
    group = serializers.CharField(source="group.slug", read_only=True)
    actor = serializers.CharField(source="actor_name", read_only=True)
    target = serializers.IntegerField(source="target_id", read_only=True)
    subject = serializers.CharField(
        source="subject_name",
        read_only=True,
        help_text="the item's author, or the member banned or unbanned",
    )
    summary = serializers.CharField(
        read_only=True, help_text="a short text of the item as it was when acted on"
    )

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "group",
            "actor",
            "action",
            "target_type",
            "target",
            "subject",
            "summary",
            "reason",
            "created",
        ]
        read_only_fields = fields


class AuditEntriesSerializer(serializers.Serializer):
    """What POST moderation/actions/ answers: the entries written, one per item or member."""

    entries = AuditEntrySerializer(many=True)


class AuditFilterSerializer(serializers.Serializer):
    group = serializers.SlugField(required=False, help_text="only this group's (slug)")
    action = serializers.ChoiceField(choices=AuditEntry.Action.choices, required=False)
    target_type = serializers.ChoiceField(choices=AuditEntry.TargetType.choices, required=False)
    actor = serializers.CharField(required=False, help_text="only this moderator's (username)")
    target = serializers.IntegerField(
        required=False, min_value=1, help_text="only about this item or member (id)"
    )
    since = _SinceField(required=False, help_text="only entries after this ISO 8601 time")


# Actions


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer"},
            {"type": "string"},
            {"type": "array", "items": {"type": "integer"}},
        ]
    }
)
class _TargetField(serializers.Field):
    """An id; a username for a member; a list of ids for a bulk action on items."""

    default_error_messages = {
        "invalid": "A target is an id, a member's username, or a list of ids.",
        "empty": "Name at least one target.",
        "too_many": f"At most {MAX_BULK} items in one action.",
    }

    def to_internal_value(self, data):
        if isinstance(data, list):
            if not data:
                self.fail("empty")
            if len(data) > MAX_BULK:
                self.fail("too_many")
            if not all(isinstance(value, int) and not isinstance(value, bool) for value in data):
                self.fail("invalid")
            return list(dict.fromkeys(data))
        if isinstance(data, bool) or not isinstance(data, int | str) or data == "":
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


class ActionSerializer(serializers.Serializer):
    target_type = serializers.ChoiceField(choices=AuditEntry.TargetType.choices)
    target = _TargetField(
        help_text="an annotation's or comment's id, or a list of ids (all or nothing); for "
        "`member`, the user's id or username"
    )
    action = serializers.ChoiceField(choices=AuditEntry.Action.choices)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=MAX_REASON
    )
    group = serializers.SlugField(
        required=False, help_text="the group (slug): required with `target_type` `member`"
    )

    def validate(self, data):
        member = data["target_type"] == AuditEntry.TargetType.MEMBER
        bans = data["action"] in (AuditEntry.Action.BAN, AuditEntry.Action.UNBAN)
        if member and not bans:
            raise serializers.ValidationError({"action": "A member is banned or unbanned."})
        if member and not data.get("group"):
            raise serializers.ValidationError(
                {"group": "Name the group (its slug): a ban is from one group."}
            )
        if isinstance(data["target"], list) and bans:
            raise serializers.ValidationError(
                {"target": "Ban or unban one member at a time (name one target)."}
            )
        if not member and isinstance(data["target"], str):
            if not data["target"].isdigit():
                raise serializers.ValidationError(
                    {"target": f"A {data['target_type']} is named by its id (a number)."}
                )
            data["target"] = int(data["target"])
        return data


# The queue


class QueueFilterSerializer(serializers.Serializer):
    group = serializers.SlugField(required=False, help_text="only this group's (slug)")
    paper = serializers.IntegerField(required=False, min_value=1)
    kind = serializers.ChoiceField(choices=[(k, k) for k in KINDS], required=False)
    reason = serializers.ChoiceField(
        choices=Flag.Reason.choices, required=False, help_text="only items with such open flags"
    )
    target_type = serializers.ChoiceField(choices=ITEM_TYPES, required=False)


class QueuePaperSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class QueueParagraphSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    anchor = serializers.CharField()
    text = serializers.CharField()


class QueueParentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.CharField(allow_null=True)
    body = serializers.CharField()


class QueueThreadSerializer(serializers.Serializer):
    annotation = serializers.IntegerField(allow_null=True)
    parent = QueueParentSerializer(allow_null=True)


class QueueItemSerializer(serializers.Serializer):
    target_type = serializers.CharField(source="type")
    target = serializers.IntegerField(source="obj.pk")
    status = serializers.CharField(source="obj.status")
    group = serializers.CharField(source="group.slug")
    paper = serializers.SerializerMethodField()
    paragraph = serializers.SerializerMethodField()
    item = serializers.SerializerMethodField()
    thread = serializers.SerializerMethodField()
    flags = QueueFlagSerializer(many=True)
    waiting_since = serializers.DateTimeField()
    can_ban = serializers.BooleanField(
        help_text="whether the caller may ban the item's author (an active member of the group) "
        "through moderation/actions/: owners anyone but themselves, moderators plain members"
    )

    @extend_schema_field(QueuePaperSerializer)
    def get_paper(self, entry: QueueItem) -> dict:
        return {"id": entry.paper.pk, "title": entry.paper.title}

    @extend_schema_field(QueueParagraphSerializer(allow_null=True))
    def get_paragraph(self, entry: QueueItem) -> dict | None:
        paragraph = entry.obj.paragraph
        if paragraph is None:
            return None
        return {"id": paragraph.pk, "anchor": paragraph.anchor, "text": paragraph.text}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_item(self, entry: QueueItem) -> dict:
        """The annotation or comment as annotations/ or comments/ show it to the moderator, with
        its `can` (the queue read their role in its group and its open flags with it)."""
        serializer = AnnotationSerializer if entry.type == "annotation" else CommentSerializer
        return serializer(entry.obj, context=self.context).data

    @extend_schema_field(QueueThreadSerializer(allow_null=True))
    def get_thread(self, entry: QueueItem) -> dict | None:
        if entry.type != "comment":
            return None
        comment, parent = entry.obj, entry.obj.parent
        shown = None
        if parent is not None:
            gone = parent.status == "deleted" or parent.author is None
            shown = {
                "id": parent.pk,
                "author": None if gone else parent.author.username,
                "body": parent.body,
            }
        return {"annotation": comment.annotation_id, "parent": shown}


class QueueCountsSerializer(serializers.Serializer):
    flagged = serializers.IntegerField()
    pending = serializers.IntegerField()
    total = serializers.IntegerField()


class QueueSerializer(serializers.Serializer):
    counts = QueueCountsSerializer()
    limit = serializers.IntegerField(
        help_text="at most this many items of each type (annotations, comments) are listed; "
        "`counts` counts them all"
    )
    results = QueueItemSerializer(many=True)
