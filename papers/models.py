"""Reading groups, membership, and papers with their structure.

A paper is stored as the import pipeline left it: ordered sections, ordered paragraphs (plain NFC
text with a stable anchor), the reference list, and the in-text citations that point into it.
Nothing here knows about annotations: that app depends on this one, never the reverse.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import dateformat, timezone


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


class ReadingGroupQuerySet(models.QuerySet):
    def member_of(self, user) -> "ReadingGroupQuerySet":
        """Groups where the user is an active member."""
        if not _signed_in(user):
            return self.none()
        return self.filter(id__in=Membership.objects.active().filter(user=user).values("group_id"))

    def moderated_by(self, user) -> "ReadingGroupQuerySet":
        """Groups the user moderates: an active membership with a moderating role
        (`Membership.MODERATING_ROLES`). There they see held posts, work the queue, read the
        audit log."""
        if not _signed_in(user):
            return self.none()
        return self.filter(
            id__in=Membership.objects.moderating().filter(user=user).values("group_id")
        )

    def visible_to(self, user) -> "ReadingGroupQuerySet":
        """Public groups, and private ones where the user is an active member.

        The one place that decides which groups, and so which papers, a user may see.
        """
        public = Q(visibility=ReadingGroup.Visibility.PUBLIC)
        if not _signed_in(user):
            return self.filter(public)
        member_of = Membership.objects.active().filter(user=user).values("group_id")
        return self.filter(public | Q(id__in=member_of))


class ReadingGroup(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private (members only)"
        PUBLIC = "public", "Public (anyone reads, members annotate)"

    class Premoderation(models.TextChoices):
        OFF = "off", "Off"
        NEW_MEMBERS = "new_members", "New members' posts"
        ALL = "all", "All posts"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    # Whose posts wait for a moderator's approval (annotations.moderation.initial_status): nobody,
    # a member's first `premoderation_items` posts in the group, or everyone's.
    premoderation = models.CharField(
        max_length=12, choices=Premoderation.choices, default=Premoderation.OFF
    )
    premoderation_items = models.PositiveSmallIntegerField(
        default=3, help_text="With “new members”: how many of a member's first posts wait."
    )
    # What becomes of a member's posts when they are banned: they stay as they are, or they are
    # hidden with the ban (and shown again when it is lifted).
    hide_banned_posts = models.BooleanField(default=False)
    # The "My papers" group every new user gets: always private, never shared, never deleted
    # (papers/README.md).
    personal = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    objects = ReadingGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet):
    def active(self) -> "MembershipQuerySet":
        return self.filter(status=Membership.Status.ACTIVE)

    def moderating(self) -> "MembershipQuerySet":
        """Active memberships with a moderating role (`Membership.can_moderate`, in SQL)."""
        return self.active().filter(role__in=Membership.MODERATING_ROLES)

    def by_role(self) -> "MembershipQuerySet":
        """Owners first, then moderators, then members; by username within a role; each with
        its user (no query per member)."""
        rank = models.Case(
            models.When(role=Membership.Role.OWNER, then=models.Value(0)),
            models.When(role=Membership.Role.MODERATOR, then=models.Value(1)),
            default=models.Value(2),
            output_field=models.IntegerField(),
        )
        return (
            self.select_related("user")
            .annotate(role_rank=rank)
            .order_by("role_rank", "user__username")
        )


class Membership(models.Model):
    """A user in a group, with a role and a status (a ban keeps the row).

    What a role allows is said here, once: owners and moderators moderate
    (`MODERATING_ROLES`, read by `can_moderate` and by the QuerySets `moderating()` and
    `ReadingGroup.objects.moderated_by(user)`); who may remove, ban or unban whom is
    `can_change` (asked through `papers.permissions.can_change_member`).
    """

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MODERATOR = "moderator", "Moderator"
        MEMBER = "member", "Member"

    # The roles that moderate: hide, unhide, approve, reject, ban; see held posts and the queue.
    MODERATING_ROLES = (Role.OWNER, Role.MODERATOR)

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        BANNED = "banned", "Banned"

    group = models.ForeignKey(ReadingGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # A moderator's choice: an e-mail for each new flag in this group (the badge is always on).
    notify_flags = models.BooleanField(default=False)
    # The member's choice to read blind: the others' roles on a paragraph stay hidden from them
    # until they have tagged it themselves (the workspace, the argument map, the disagreements),
    # so that their tags are independent readings (annotations record it: `independent`).
    blind = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group} ({self.role})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def can_moderate(self) -> bool:
        return self.is_active and self.role in self.MODERATING_ROLES

    def can_change(self, other: "Membership") -> bool:
        """May this member remove, ban or unban `other` (a membership of the same group, banned
        or not)? Owners anyone but themselves; moderators plain members; nobody else."""
        if not self.can_moderate or other.group_id != self.group_id:
            return False
        if other.user_id == self.user_id:
            return False
        return self.role == self.Role.OWNER or other.role == self.Role.MEMBER


class InviteQuerySet(models.QuerySet):
    def usable(self, now: datetime | None = None) -> "InviteQuerySet":
        """Invites that may still be accepted: not revoked, not expired, not used up."""
        now = now or timezone.now()
        return self.filter(
            Q(revoked__isnull=True),
            Q(expires__isnull=True) | Q(expires__gt=now),
            Q(max_uses__isnull=True) | Q(uses__lt=F("max_uses")),
        )


class Invite(models.Model):
    """An invite link to a group: `/invites/<token>/`.

    It may expire (`expires`, none: never), be limited in uses (`max_uses`, none: unlimited) and
    be revoked; whoever accepts it joins with `role`. Who may create which is
    `papers.permissions.can_invite`'s answer.
    """

    class Role(models.TextChoices):
        MODERATOR = Membership.Role.MODERATOR.value, Membership.Role.MODERATOR.label
        MEMBER = Membership.Role.MEMBER.value, Membership.Role.MEMBER.label

    class State(models.TextChoices):
        USABLE = "usable", "Usable"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"
        USED_UP = "used_up", "Used up"

    group = models.ForeignKey(ReadingGroup, on_delete=models.CASCADE, related_name="invites")
    token = models.CharField(max_length=64, unique=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    revoked = models.DateTimeField(null=True, blank=True)

    objects = InviteQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(max_uses__gte=1), name="invite_max_uses"
            ),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=F("max_uses")),
                name="invite_uses_within_max",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["member", "moderator"]), name="invite_role"
            ),
        ]

    def __str__(self) -> str:
        return f"Invite to {self.group} ({self.role})"

    def state(self, now: datetime | None = None) -> str:
        """Why the invite can or cannot be accepted (an `Invite.State`); revoked comes first."""
        now = now or timezone.now()
        if self.revoked is not None:
            return self.State.REVOKED
        if self.expires is not None and self.expires <= now:
            return self.State.EXPIRED
        if self.max_uses is not None and self.uses >= self.max_uses:
            return self.State.USED_UP
        return self.State.USABLE

    def unusable_reason(self, now: datetime | None = None) -> str | None:
        """A sentence saying why the invite cannot be accepted, or None when it can."""
        state = self.state(now)
        if state == self.State.REVOKED:
            return "This invite link was revoked. Ask the group for a new one."
        if state == self.State.EXPIRED:
            when = dateformat.format(timezone.localtime(self.expires), "j F Y, H:i T")
            return f"This invite link expired on {when}. Ask the group for a new one."
        if state == self.State.USED_UP:
            return (
                "This invite link has been used as many times as it allows. "
                "Ask the group for a new one."
            )
        return None

    @property
    def is_usable(self) -> bool:
        return self.state() == self.State.USABLE


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit log is append-only: entries are never changed.")

    def delete(self):
        raise TypeError("The audit log is append-only: entries are never deleted.")


class AuditEntry(models.Model):
    """One moderation action, kept for good: who did what to which item or member, when, why.

    Append-only: an entry is written once (`save` refuses to change one, `delete` and the
    QuerySet's `update`/`delete` refuse) and goes only with its group. Targets are named by type
    and id, not by foreign key, so that an entry outlives what it names and this app need not know
    the annotations app; `summary` keeps a short text of the target as it was.
    """

    class Action(models.TextChoices):
        HIDE = "hide", "Hid"
        UNHIDE = "unhide", "Unhid"
        APPROVE = "approve", "Approved"
        REJECT = "reject", "Rejected"
        BAN = "ban", "Banned"
        UNBAN = "unban", "Unbanned"

    class TargetType(models.TextChoices):
        ANNOTATION = "annotation", "Annotation"
        COMMENT = "comment", "Comment"
        MEMBER = "member", "Member"

    group = models.ForeignKey(ReadingGroup, on_delete=models.CASCADE, related_name="audit_log")
    # The actor's name is kept as well: the entry stays readable if the account goes.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    action = models.CharField(max_length=10, choices=Action.choices)
    target_type = models.CharField(max_length=10, choices=TargetType.choices)
    target_id = models.BigIntegerField()
    # The author of the item, or the member banned: the person the action was about.
    subject_name = models.CharField(max_length=150, blank=True)
    summary = models.CharField(max_length=200, blank=True)
    # The longest reason an action keeps (moderation and bans alike: `papers.groups.clean_reason`).
    MAX_REASON = 2_000
    reason = models.TextField(blank=True)
    # Facts the action needs later (a ban that hid posts lists them, so the unban shows them).
    detail = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["group", "-created"], name="audit_group_created")]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.actor_name} {self.action} {self.target_type} {self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The audit log is append-only: entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit log is append-only: entries are never deleted.")


class PaperQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PaperQuerySet":
        """Papers of the groups the user may see (`ReadingGroup.objects.visible_to`)."""
        public = Q(group__visibility=ReadingGroup.Visibility.PUBLIC)
        if not _signed_in(user):
            return self.filter(public)
        return self.filter(public | Q(group__in=ReadingGroup.objects.member_of(user)))


def source_file_path(paper: "Paper", filename: str) -> str:
    """Where an upload is stored: named by its SHA-256, so the same bytes are stored once."""
    sha = paper.source_sha256
    return f"sources/{sha[:2]}/{sha}"


class Paper(models.Model):
    class Status(models.TextChoices):
        IMPORTING = "importing", "Importing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    group = models.ForeignKey(ReadingGroup, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=1000)
    authors = models.JSONField(default=list, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    abstract = models.TextField(blank=True)
    source_format = models.CharField(max_length=20)
    # The language the source states, as its primary subtag ("en", "de"; papers.importing
    # structure.language_code), "" when it states none: search stems the paper's words in it.
    language = models.CharField(max_length=8, blank=True, default="")
    source_filename = models.CharField(max_length=255, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    # The uploaded bytes (default storage), kept for the import worker and for re-imports.
    source_file = models.FileField(upload_to=source_file_path, max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.READY)
    # Percent of the import done: 0 when queued, 100 once ready; the reading page shows it.
    progress = models.PositiveSmallIntegerField(default=100)
    error = models.TextField(blank=True)
    # Touched every few seconds by the worker while a background import runs (papers.heartbeat);
    # None while queued. An importing paper whose heartbeat is older than
    # MARGINALIA_IMPORT_STALE_SECONDS lost its worker (papers.recovery).
    heartbeat = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = PaperQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100), name="paper_progress_range"
            ),
        ]
        indexes = [
            # The recovery's question (papers.recovery): importing papers by heartbeat.
            models.Index(
                fields=["heartbeat"],
                condition=Q(status="importing"),
                name="paper_importing_heartbeat",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # The reading page is the annotation workspace, served by the annotations app: papers
        # names it here, once, by its URL name (no import; docs/architecture.md).
        return reverse("annotations:paper_workspace", kwargs={"paper_id": self.pk})


class Section(models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    level = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=1000)
    anchor = models.CharField(max_length=40)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "position"], name="section_unique_position"),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=6), name="section_level_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Paragraph(models.Model):
    class Kind(models.TextChoices):
        ABSTRACT = "abstract", "Abstract"
        BODY = "body", "Body"
        LIST_ITEM = "list_item", "List item"
        QUOTE = "quote", "Quotation"
        FOOTNOTE = "footnote", "Footnote"
        CAPTION = "caption", "Caption"
        TABLE = "table", "Table"
        FRONT_MATTER = "front_matter", "Front matter"

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="paragraphs")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="paragraphs"
    )
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.BODY)
    anchor = models.CharField(max_length=40)
    text = models.TextField()
    # Inline marks kept for display: [{"type": "em"|"strong"|"link"|"code", "start", "end",
    # "href"?}], offsets in code points of `text`. List items carry {"type": "list", ...}.
    marks = models.JSONField(default=list, blank=True)
    # For list items: which list they belong to (items of one list share it) and whether it is
    # numbered; for footnotes: their label.
    group_key = models.PositiveIntegerField(null=True, blank=True)
    label = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "position"], name="paragraph_unique_position"),
            models.UniqueConstraint(fields=["paper", "anchor"], name="paragraph_unique_anchor"),
        ]

    def __str__(self) -> str:
        return f"{self.anchor}: {self.text[:60]}"


class Reference(models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveIntegerField()
    label = models.CharField(max_length=40, blank=True)
    text = models.TextField()
    authors = models.JSONField(default=list, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.TextField(blank=True)
    url = models.URLField(max_length=2000, blank=True)
    doi = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "position"], name="reference_unique_position")
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def anchor(self) -> str:
        return f"ref-{self.position}"


class Citation(models.Model):
    """An in-text citation: a span of a paragraph, linked to its entry when exactly one matches.

    `reference` stays empty when nothing matches or several entries could (never a guess);
    `candidates` then lists every entry that could be meant.
    """

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="citations")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="citations")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=500)
    reference = models.ForeignKey(
        Reference, null=True, blank=True, on_delete=models.SET_NULL, related_name="citations"
    )
    candidates = models.ManyToManyField(Reference, blank=True, related_name="candidate_citations")

    class Meta:
        ordering = ["paragraph_id", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="citation_span"),
        ]

    def __str__(self) -> str:
        return self.text


class IdempotencyKey(models.Model):
    """One `Idempotency-Key` a user sent with a POST to the API, and what the first request with
    it answered (papers/idempotency/). In the database, not the cache, so that the unique
    constraint holds across processes: of two requests racing with one key, one inserts the row
    and does the work, the other is told the key is in use. `status` is null while the first
    request is still running."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # sha256 of the method, the path and the request's data: the same key with another request
    # is refused rather than answered with the first one's result.
    fingerprint = models.CharField(max_length=64)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.JSONField(null=True, blank=True)
    # The answer's headers that name what was made (`Location`, `ETag`).
    headers = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.user_id})"
