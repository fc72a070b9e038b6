"""What members write about papers: argument roles, annotations, comments and links.

Who sees what is decided here, once, by the `visible_to(user)` QuerySet methods; who may change
what by annotations.permissions; the writes live in annotations.services.

Seeing, for every kind of item:
- only on papers the user may see (`Paper.objects.visible_to`);
- status "visible": everyone who sees the paper (a private annotation: its author only);
- status "pending" or "hidden": the author (marked), and the group's owners and moderators
  (`ReadingGroup.objects.moderated_by(user)`, the one answer to "who moderates where");
- status "deleted": annotations and links never (the `since` feed excepted: it carries deleted
  annotations as tombstones so clients drop them); comments stay as tombstones, body blanked,
  so a thread keeps its shape.
A comment on an annotation is seen only with its annotation; a link only with both its ends.

What the reader may *do* with each item is not decided here (annotations.permissions,
annotations.moderation.services); `with_reader(user)` only reads, in the list's own query, the
facts those rules take: the reader's role in the item's group and whether it has open flags.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery

from papers.models import Membership, Paper, Paragraph, ReadingGroup

from .attribution import attribution_text


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated


class Status(models.TextChoices):
    """The life of an annotation or comment (moderation moves between the first three)."""

    VISIBLE = "visible", "Visible"
    HIDDEN = "hidden", "Hidden by a moderator"
    PENDING = "pending", "Waiting for a moderator"
    DELETED = "deleted", "Deleted by its author"


def _moderated_papers(user) -> models.QuerySet:
    # A subquery, not a join to the paper: the planner keeps walking the annotations' own
    # (paper, created) index for a page.
    return Paper.objects.filter(group__in=ReadingGroup.objects.moderated_by(user)).values("id")


def _visible_papers(user) -> models.QuerySet:
    return Paper.objects.visible_to(user).values("id")


def role_in_group(user) -> Subquery:
    """The role of `user` (a user, an id, or an OuterRef to one) as an active member of the
    group of the item's paper; None when they are not one (outsiders, the banned). A subquery
    on the item's `paper_id`, for `annotate()`."""
    members = Membership.objects.active().filter(group__papers=OuterRef("paper_id"), user=user)
    return Subquery(members.values("role")[:1])


def _has_open_flags(kind: str) -> Exists:
    return Exists(Flag.objects.open().filter(**{kind: OuterRef("pk")}))


def _annotation_q(user, prefix: str = "", *, with_deleted: bool = False) -> Q:
    """The condition for an annotation (reached through `prefix`, e.g. "annotation__") that the
    user may see, given that they may see its paper."""
    f = lambda name: prefix + name  # noqa: E731 (a one-line field namer)
    everyone = Q(**{f("status"): Status.VISIBLE})
    if with_deleted:
        everyone |= Q(**{f("status"): Status.DELETED})
    if not _signed_in(user):
        return everyone & Q(**{f("visibility"): Annotation.Visibility.GROUP})
    mine = Q(**{f("author"): user})
    shared = Q(**{f("visibility"): Annotation.Visibility.GROUP})
    held = Q(**{f("status") + "__in": [Status.PENDING, Status.HIDDEN]})
    moderated = held & shared & Q(**{f("paper_id__in"): _moderated_papers(user)})
    return (everyone & (shared | mine)) | (held & mine) | moderated


class RoleQuerySet(models.QuerySet):
    def active(self) -> "RoleQuerySet":
        """Roles that new annotations may take (retired ones keep their old annotations)."""
        return self.filter(retired=False)


class Role(models.Model):
    """An argument role of a group's vocabulary: claim, evidence, theory, and those a group adds.

    The slug never changes (annotations and the API name the role by it); the name, colour, key
    and description may. Retired roles keep their annotations but take no new ones.
    """

    group = models.ForeignKey(ReadingGroup, on_delete=models.CASCADE, related_name="roles")
    slug = models.SlugField(max_length=40)
    name = models.CharField(max_length=60)
    color = models.CharField(
        max_length=7,
        validators=[RegexValidator(r"^#[0-9a-f]{6}$", "A colour is written #rrggbb (lowercase).")],
    )
    # The keyboard shortcut on the reading page: one character, unique among the group's
    # active roles.
    key = models.CharField(max_length=1)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    retired = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "slug"],
                name="role_unique_slug",
                violation_error_message="This group already has a role with this slug.",
            ),
            models.UniqueConstraint(
                fields=["group", "key"],
                condition=Q(retired=False),
                name="role_unique_key",
                violation_error_message="Another role of this group already uses this key.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.group})"


class Attributed(models.Model):
    """Where an imported post came from: the source's author name, its date, and the source.

    An import never speaks for anyone else: the post is the importer's (`author`), and what the
    file said about who wrote it and when is kept here, shown beside the post ("imported by amina
    · from bob, Hypothesis, 3 May 2024"). `source_name` empty: not imported (no attribution).
    The one field set of annotations and comments (docs/imports.md, "Attribution").
    """

    # As the source spelled it (a Hypothesis account's NAME, an export's username); blank when
    # the source named nobody (an account deleted there). Never looked up as an account here.
    source_author = models.CharField(max_length=150, blank=True)
    # When the source says it was written (null: the source did not say).
    source_created = models.DateTimeField(null=True, blank=True)
    # "Hypothesis", "Marginalia export", …: blank for posts written here.
    source_name = models.CharField(max_length=100, blank=True)
    # The annotated document's address at the source, when it gives one (Hypothesis's `uri`).
    source_url = models.CharField(max_length=2000, blank=True)

    class Meta:
        abstract = True

    @property
    def attribution(self) -> dict | None:
        """The API's and exports' `attribution`: null for a post written here."""
        if not self.source_name:
            return None
        return attribution_dict(
            self.source_author, self.source_created, self.source_name, self.source_url
        )

    @property
    def attribution_line(self) -> str:
        """The pages' words for it ("imported · from bob, Hypothesis, 3 May 2024"), or ""
        (reads the author: select it with the row)."""
        return attribution_text(
            author=self.author.get_username() if self.author_id else None,
            source_author=self.source_author,
            source_name=self.source_name,
            source_created=self.source_created,
        )


def attribution_dict(author: str, created, source: str, url: str) -> dict | None:
    """`{"author", "created", "source", "url"}` from the stored fields (values_list readers
    call it too); None when there is no source."""
    if not source:
        return None
    return {
        "author": author or None,
        "created": None if created is None else created.isoformat().replace("+00:00", "Z"),
        "source": source,
        "url": url or None,
    }


ATTRIBUTION_FIELDS = ("source_author", "source_created", "source_name", "source_url")


class AnnotationQuerySet(models.QuerySet):
    def visible_to(self, user, *, with_deleted: bool = False) -> "AnnotationQuerySet":
        """Annotations the user may see (module docstring). `with_deleted` adds deleted ones
        the user could once see, as tombstones: the `since` feed, so that clients drop them."""
        return self.filter(
            _annotation_q(user, with_deleted=with_deleted), paper_id__in=_visible_papers(user)
        )

    def with_reader(self, user) -> "AnnotationQuerySet":
        """Each annotation with `reader_role` (the user's role in its group, None when not an
        active member) and `flagged` (has open flags), in the same query: what the rules on
        what the reader may do take (annotations.permissions.reader_membership). Nothing for
        an anonymous visitor, who may do nothing."""
        if not _signed_in(user):
            return self
        return self.annotate(reader_role=role_in_group(user), flagged=_has_open_flags("annotation"))


class Annotation(Attributed):
    """A paragraph, or a passage of it, tagged with a role and an optional Markdown note.

    A passage is addressed twice, like the W3C selectors: `exact` with `prefix`/`suffix`
    (TextQuoteSelector) and `start`/`end` in code points of `Paragraph.text`
    (TextPositionSelector). `start`/`end` empty: the whole paragraph. `version` counts changes
    (the API's ETag); a change names the version it starts from (If-Match).
    """

    class Visibility(models.TextChoices):
        GROUP = "group", "The group"
        PRIVATE = "private", "Only me"

    Status = Status

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="annotations")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="annotations")
    # RESTRICT, not PROTECT: a role in use cannot be deleted on its own (roles are retired),
    # but deleting its group deletes the group's annotations with it (PROTECT refused that).
    role = models.ForeignKey(Role, on_delete=models.RESTRICT, related_name="annotations")
    exact = models.TextField(blank=True)
    prefix = models.TextField(blank=True)
    suffix = models.TextField(blank=True)
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    # The note rendered and sanitised (annotations.markdown), kept so reads never render.
    note_html = models.TextField(blank=True)
    # Kept when the account goes (the group's discussion keeps its shape): author null.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="annotations",
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.GROUP
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VISIBLE)
    # An independent reading: made in blind mode, as the author's first tag on the paragraph,
    # so before they could see the others' roles on it (annotations.services.annotation_create).
    # Agreement is measured over these alone as well as over all tags (annotations.insights).
    independent = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["paper", "updated"], name="annotation_paper_updated"),
            models.Index(fields=["paper", "created"], name="annotation_paper_created"),
            models.Index(fields=["paragraph"], name="annotation_paragraph"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(start__isnull=True) & Q(end__isnull=True))
                | (Q(start__isnull=False) & Q(end__gt=models.F("start"))),
                name="annotation_span",
                violation_error_message="A passage has both start and end, and end > start.",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="annotation_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.role_id} on {self.paragraph_id}: {self.exact[:40] or '(paragraph)'}"

    @property
    def is_deleted(self) -> bool:
        """Deleted by its author (a tombstone): changed, flagged and moderated no more."""
        return self.status == Status.DELETED

    @property
    def is_passage(self) -> bool:
        return self.start is not None

    @property
    def quote(self) -> dict | None:
        """The API's `quote`: null for the whole paragraph."""
        if self.start is None:
            return None
        return {
            "exact": self.exact,
            "prefix": self.prefix,
            "suffix": self.suffix,
            "start": self.start,
            "end": self.end,
        }


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CommentQuerySet":
        """Comments the user may see, deleted ones as tombstones (module docstring)."""
        everyone = Q(status__in=[Status.VISIBLE, Status.DELETED])
        if _signed_in(user):
            held = Q(status__in=[Status.PENDING, Status.HIDDEN])
            moderated = ReadingGroup.objects.moderated_by(user)
            everyone |= held & (Q(author=user) | Q(paper__group__in=moderated))
        on_visible_annotation = Q(annotation__isnull=True) | _annotation_q(user, "annotation__")
        return self.filter(everyone, on_visible_annotation, paper_id__in=_visible_papers(user))

    def with_reader(self, user) -> "CommentQuerySet":
        """As `AnnotationQuerySet.with_reader`: `reader_role` and `flagged` in the same query."""
        if not _signed_in(user):
            return self
        return self.annotate(reader_role=role_in_group(user), flagged=_has_open_flags("comment"))


class Comment(Attributed):
    """A comment on a paragraph or on an annotation; `parent` makes it a reply (a reply keeps its
    parent's paragraph and annotation). A comment on an annotation also names its paragraph.
    Deleting blanks the body and leaves the row, status "deleted": a tombstone."""

    Status = Status

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="comments")
    paragraph = models.ForeignKey(
        Paragraph, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    annotation = models.ForeignKey(
        Annotation, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VISIBLE)
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]
        indexes = [
            models.Index(fields=["paper", "updated"], name="comment_paper_updated"),
            models.Index(fields=["paper", "created"], name="comment_paper_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(paragraph__isnull=False) | Q(annotation__isnull=False),
                name="comment_has_target",
                violation_error_message="A comment is on a paragraph or on an annotation.",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="comment_version_positive"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author_id}"

    @property
    def is_deleted(self) -> bool:
        """Deleted by its author (a tombstone): changed, replied to, flagged and moderated no
        more."""
        return self.status == Status.DELETED


class LinkQuerySet(models.QuerySet):
    def visible_to(self, user) -> "LinkQuerySet":
        """Links whose both ends the user may see."""
        return self.filter(
            _annotation_q(user, "source__"),
            _annotation_q(user, "target__"),
            paper_id__in=_visible_papers(user),
        )

    def among(self, annotation_ids) -> list[tuple[int, int, int, str]]:
        """(id, source, target, relation) of the links whose both ends are among these
        annotations: `visible_to`'s rule (a link only with both its ends) for a caller that has
        read the annotations the user may see already, on a paper they may see (the argument
        map). One plain query, the ends checked against the ids in Python rather than each
        end's visibility again in SQL (3,000 links: 3 ms instead of 19 on PostgreSQL)."""
        ids = set(annotation_ids)
        rows = self.values_list("id", "source_id", "target_id", "relation")
        return [row for row in rows if row[1] in ids and row[2] in ids]

    def with_reader(self, user) -> "LinkQuerySet":
        """Each link with `reader_role` (the user's role in its group), in the same query."""
        if not _signed_in(user):
            return self
        return self.annotate(reader_role=role_in_group(user))


class Link(models.Model):
    """An argument relation between two annotations of one paper: this evidence supports that
    claim, this claim attacks that one, this passage cites that one."""

    class Relation(models.TextChoices):
        SUPPORTS = "supports", "supports"
        ATTACKS = "attacks", "attacks"
        CITES = "cites", "cites"

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="links_in")
    relation = models.CharField(max_length=10, choices=Relation.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="links"
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "relation"],
                name="link_unique",
                violation_error_message="These annotations are already linked this way.",
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")),
                name="link_not_to_itself",
                violation_error_message="An annotation cannot be linked to itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.relation} {self.target_id}"


def _one_target() -> Q:
    return Q(annotation__isnull=False, comment__isnull=True) | Q(
        annotation__isnull=True, comment__isnull=False
    )


class FlagQuerySet(models.QuerySet):
    def open(self) -> "FlagQuerySet":
        return self.filter(resolved__isnull=True)

    def moderated_by(self, user) -> "FlagQuerySet":
        """Flags in the groups where the user is an active owner or moderator."""
        if not _signed_in(user):
            return self.none()
        return self.filter(group__in=ReadingGroup.objects.moderated_by(user))


class Flag(models.Model):
    """A member's report that an annotation or a comment needs a moderator's eye.

    One per person and item. The flagger is never shown to the item's author (only moderators see
    who flagged). A flag is open until a moderator acts on its item (hide, unhide, approve,
    reject): then `resolved` is set with the action that closed it.
    """

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam"
        ABUSE = "abuse", "Abuse"
        OFF_TOPIC = "off_topic", "Off topic"
        OTHER = "other", "Other"

    # The group and paper are the item's, kept here so the queue filters without joins.
    group = models.ForeignKey(ReadingGroup, on_delete=models.CASCADE, related_name="flags")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="flags")
    annotation = models.ForeignKey(
        Annotation, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    note = models.TextField(blank=True)
    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="flags"
    )
    created = models.DateTimeField(auto_now_add=True)
    resolved = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The moderation action that closed the flag (papers.models.AuditEntry.Action).
    resolution = models.CharField(max_length=10, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["group", "resolved"], name="flag_group_resolved")]
        constraints = [
            models.CheckConstraint(
                condition=_one_target(),
                name="flag_one_target",
                violation_error_message="A flag is on an annotation or on a comment.",
            ),
            models.UniqueConstraint(
                fields=["annotation", "flagger"],
                condition=Q(annotation__isnull=False),
                name="flag_once_per_annotation",
                violation_error_message="You have already flagged this.",
            ),
            models.UniqueConstraint(
                fields=["comment", "flagger"],
                condition=Q(comment__isnull=False),
                name="flag_once_per_comment",
                violation_error_message="You have already flagged this.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} flag on {self.target_type} {self.target_id}"

    @property
    def target_type(self) -> str:
        return "annotation" if self.annotation_id else "comment"

    @property
    def target_id(self) -> int:
        return self.annotation_id or self.comment_id


class Revision(models.Model):
    """What an annotation or a comment said before a change by its author (or its deletion):
    `version` is the version this text had, so version 1 is what was first posted. Moderators
    read them; nobody changes them."""

    annotation = models.ForeignKey(
        Annotation, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    version = models.PositiveIntegerField()
    # The fields as they were: {"note"} or {"body"}, and for annotations also role, quote and
    # visibility.
    data = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "id"]
        constraints = [
            models.CheckConstraint(condition=_one_target(), name="revision_one_target"),
        ]

    def __str__(self) -> str:
        return f"Revision {self.version} of {'annotation' if self.annotation_id else 'comment'}"


class SearchEntry(models.Model):
    """One searchable text: a paper (title, authors, abstract), a paragraph, an annotation (note
    and quoted passage) or a comment. Written only by annotations.search.index; read only by
    annotations.search.query, which joins each kind to its `visible_to` queryset, so visibility
    and moderation status are never copied here (a post hidden later drops out at once).

    The full-text index lives beside the row: on PostgreSQL `vector`, set by a trigger from
    `config` and `text`, under a GIN index; on SQLite an FTS5 table kept by triggers (migration
    0004). `config` is the text search configuration of the paper's language (English default).
    """

    class Kind(models.TextChoices):
        PAPER = "paper", "Paper"
        PARAGRAPH = "paragraph", "Paragraph"
        ANNOTATION = "annotation", "Annotation"
        COMMENT = "comment", "Comment"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveIntegerField()
    group = models.ForeignKey(ReadingGroup, on_delete=models.CASCADE, related_name="+")
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="+")
    paragraph = models.ForeignKey(
        Paragraph, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The annotation's role (a comment's: its annotation's), for the `role` filter.
    role = models.ForeignKey(
        Role, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField()
    text = models.TextField()
    config = models.CharField(max_length=40, default="english")
    # PostgreSQL only (a trigger fills it); an unused column on SQLite.
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchentry_unique"),
        ]
        indexes = [models.Index(fields=["paper", "kind"], name="searchentry_paper_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class AnnotationImportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AnnotationImportQuerySet":
        """The one rule of who sees a job: its importer, nobody else (the API and the page)."""
        return self.filter(importer_id=user.pk) if user.is_authenticated else self.none()


class AnnotationImport(models.Model):
    """An import of annotations run in the background (annotations.imports.jobs): the stored
    file, what it goes into, how far it has got, and its report or its error. Seen by its
    importer only (`visible_to`); a finished one can be dismissed (deleted)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    importer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotation_imports"
    )
    group = models.ForeignKey(
        ReadingGroup, on_delete=models.CASCADE, related_name="annotation_imports"
    )
    # A Hypothesis file's paper (None for a native export, which brings its own papers).
    paper = models.ForeignKey(
        Paper, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    default_role = models.CharField(max_length=40, blank=True)
    # The uploaded file until the import ends (then deleted); never served at a URL.
    source_file = models.FileField(upload_to="imports/", max_length=255, blank=True)
    source_filename = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    report = models.JSONField(null=True, blank=True)  # ImportReport.as_dict(), once done
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    # Touched by the worker while it runs (papers.heartbeat); None while queued.
    heartbeat = models.DateTimeField(null=True, blank=True)

    objects = AnnotationImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="annotation_import_progress_range",
            ),
        ]
        indexes = [
            # The importer's own list, newest first.
            models.Index(fields=["importer", "-created"], name="annotation_import_importer"),
            # The recovery's question: running imports by heartbeat.
            models.Index(
                fields=["heartbeat"],
                condition=Q(status="running"),
                name="annotation_import_heartbeat",
            ),
        ]

    def __str__(self) -> str:
        return f"Import {self.pk} into {self.group_id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


# Notifications' models live in their package; imported here so that Django finds them.
from .notifications.models import Follow, MailChoice, Notification, PaperVisit  # noqa: E402, F401
