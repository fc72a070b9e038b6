"""What notifications keep: references, never copies of text. What a notification says is read
from the post it points to when it is shown, so an edit shows, and a post hidden, deleted or
made unseen after the fact takes its notifications with it (shown.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from papers.models import Paper, Paragraph, ReadingGroup


class Kind(models.TextChoices):
    """What happened (API.md: `kind`). THREAD is a new comment in a thread the recipient took
    part in or on a paragraph they follow."""

    REPLY = "reply", "Replies to your comments and annotations"
    MENTION = "mention", "Mentions of you"
    THREAD = "thread", "New comments in threads you take part in or paragraphs you follow"
    MODERATION = "moderation", "Moderators' decisions on your posts"
    PAPER = "paper", "New papers in the group"
    JOINED = "joined", "People joining through your invite links"


# Kinds about a post (one notification per recipient and post, whatever the reasons: a reply
# that also mentions you is one notification, and an edit never tells anyone twice).
POST_KINDS = (Kind.REPLY, Kind.MENTION, Kind.THREAD)


class Mail(models.TextChoices):
    """Where a notification's e-mail is."""

    NONE = "none", "Not to be mailed"
    DUE = "due", "To be mailed on its own"
    DIGEST = "digest", "For the next digest"
    SENT = "sent", "Mailed"
    FAILED = "failed", "Mailing failed for good"


class Notification(models.Model):
    Kind = Kind
    Mail = Mail

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    group = models.ForeignKey(ReadingGroup, on_delete=models.CASCADE, related_name="+")
    paper = models.ForeignKey(
        Paper, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    paragraph = models.ForeignKey(
        Paragraph, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The post: a comment (with its annotation, when it is on one) or an annotation.
    annotation = models.ForeignKey(
        "annotations.Annotation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        "annotations.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A moderation decision: {"action", "reason"}; a join: {"invite": id}.
    detail = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now)
    read = models.DateTimeField(null=True, blank=True)
    mail = models.CharField(max_length=8, choices=Mail.choices, default=Mail.NONE)
    mail_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created", "-id"], name="notification_recent"),
            models.Index(
                fields=["recipient"], condition=Q(read__isnull=True), name="notification_unread"
            ),
            models.Index(
                fields=["mail"], condition=Q(mail__in=["due", "digest"]), name="notification_mail"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "comment"],
                condition=Q(comment__isnull=False, kind__in=["reply", "mention", "thread"]),
                name="notification_once_per_comment",
            ),
            models.UniqueConstraint(
                fields=["recipient", "annotation"],
                condition=Q(
                    comment__isnull=True,
                    annotation__isnull=False,
                    kind__in=["reply", "mention", "thread"],
                ),
                name="notification_once_per_annotation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id} ({self.pk})"

    @property
    def target_type(self) -> str:
        if self.comment_id:
            return "comment"
        if self.annotation_id:
            return "annotation"
        if self.kind == Kind.JOINED:
            return "member"
        return "paper"

    @property
    def target(self) -> int | None:
        if self.comment_id:
            return self.comment_id
        if self.annotation_id:
            return self.annotation_id
        if self.kind == Kind.JOINED:
            return self.actor_id
        return self.paper_id


class Follow(models.Model):
    """A member follows a paragraph: each new comment on it notifies them (kind "thread")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["paragraph", "user"], name="follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.paragraph_id}"


class MailChoice(models.Model):
    """A member's e-mail choices for one group. No row: the defaults (`DEFAULT_MAIL_KINDS`, one
    mail each)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(ReadingGroup, on_delete=models.CASCADE, related_name="+")
    kinds = models.JSONField(default=list, blank=True)  # the Kind values mailed
    digest = models.BooleanField(default=False)  # one mail a day instead of one each
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="mailchoice_once"),
        ]

    def __str__(self) -> str:
        return f"mail for {self.user_id} in {self.group_id}"


DEFAULT_MAIL_KINDS = (Kind.MENTION.value, Kind.REPLY.value)


class PaperVisit(models.Model):
    """When a member last opened a paper's workspace, and the visit before it (`previous`):
    the workspace marks comments newer than `previous`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    seen = models.DateTimeField()
    previous = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "paper"], name="papervisit_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} saw {self.paper_id} at {self.seen}"
