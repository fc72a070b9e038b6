"""Notifications in the API (API.md: `notifications/`): read from the rows `with_related`
joined, no query per notification."""

from rest_framework import serializers

from . import describe
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField(help_text="whether it was marked read")
    read_at = serializers.DateTimeField(source="read", read_only=True, allow_null=True)
    actor = serializers.SerializerMethodField(
        help_text="who did it (username); null for a moderator's decision or a gone account"
    )
    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    target_type = serializers.CharField(
        read_only=True, help_text="comment, annotation, paper or member"
    )
    target = serializers.IntegerField(
        read_only=True,
        help_text="the comment's, annotation's or paper's id; for a join, the new member's user id",
    )
    sentence = serializers.SerializerMethodField(help_text="what happened, in words")
    text = serializers.SerializerMethodField(
        help_text="the post's words, plain text, truncated; empty for a paper or a join"
    )
    reason = serializers.SerializerMethodField(help_text="a moderation decision's reason")
    action = serializers.SerializerMethodField(
        help_text="a moderation decision: hide, unhide, approve or reject"
    )
    url = serializers.SerializerMethodField(
        help_text="the paragraph with its panel open, the paper, or the group"
    )

    class Meta:
        model = Notification
        fields = [
            "id", "kind", "created", "read", "read_at", "actor", "group", "paper", "paragraph",
            "target_type", "target", "sentence", "text", "action", "reason", "url",
        ]  # fmt: skip
        read_only_fields = fields

    def get_read(self, n: Notification) -> bool:
        return n.read is not None

    def get_actor(self, n: Notification) -> str | None:
        return n.actor.get_username() if n.actor_id else None

    def get_sentence(self, n: Notification) -> str:
        return describe.sentence(n)

    def get_text(self, n: Notification) -> str:
        return describe.text(n)

    def get_reason(self, n: Notification) -> str:
        return describe.reason(n)

    def get_action(self, n: Notification) -> str | None:
        return n.detail.get("action") if n.kind == Notification.Kind.MODERATION else None

    def get_url(self, n: Notification) -> str:
        return describe.url(n)


class FollowSerializer(serializers.Serializer):
    paragraph = serializers.IntegerField(min_value=1)
    follow = serializers.BooleanField(default=True)
