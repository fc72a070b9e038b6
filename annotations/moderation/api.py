"""The moderation API: flags, the moderation queue, moderation actions and the audit log.

Targets are looked up among what the caller may see (`visible_to`): anything else answers 404.
Who may act is annotations.moderation's and papers.groups' to decide (PermissionDenied: 403);
their ValidationErrors answer 400 (the API's exception handler, papers.api.base). Without
credentials every endpoint answers 401.
Flaggers are named only in the queue, which only moderators get.
"""

from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from papers import permissions as papers_permissions
from papers.api.base import APIv1Settings
from papers.api.schema import OneObjectSchema
from papers.groups import member_ban, member_unban
from papers.models import AuditEntry, Membership, ReadingGroup

from ..api import CursorPages
from ..models import Annotation, Comment, Revision
from ..permissions import NOT_A_MODERATOR
from .bans import author_membership
from .queue import QueueFilters, counts, queue
from .serializers import (
    ActionSerializer,
    AuditEntriesSerializer,
    AuditEntrySerializer,
    AuditFilterSerializer,
    FlagCreateSerializer,
    FlagSerializer,
    QueueFilterSerializer,
    QueueSerializer,
)
from .services import (
    flag_create,
    moderate,
    moderate_many,
)

QUEUE_LIMIT = 200
# The one ban and the one unban (papers.groups), whether named by member or by a post's author.
BANS = {AuditEntry.Action.BAN: member_ban, AuditEntry.Action.UNBAN: member_unban}


def _items(user, target_type: str, ids: list[int]) -> list[Annotation | Comment]:
    """The items among what the user may see, in the order asked, each with what moderation
    reads (the group, the author, the role for the audit summary): one query. Any id the user
    may not see answers 404, naming none of the others."""
    if target_type == "annotation":
        rows = Annotation.objects.visible_to(user).select_related("paper__group", "author", "role")
    else:
        rows = Comment.objects.visible_to(user).select_related("paper__group", "author")
    found = {item.pk: item for item in rows.filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise Http404(f"There is no {target_type} {missing[0]} that you may see.")
    return [found[pk] for pk in ids]


def _remember(user, items) -> None:
    """Ask the caller's membership once per group, whatever the number of items."""
    groups: dict[int, ReadingGroup] = {}
    for item in items:
        group = groups.setdefault(item.paper.group_id, item.paper.group)
        if group is not item.paper.group:
            item.paper.group = group
        papers_permissions.remember_membership(user, group)


@extend_schema_view(
    create=extend_schema(
        request=FlagCreateSerializer,
        responses={201: FlagSerializer},
        description="Flag an annotation or a comment for the group's moderators: active "
        "members, once per item, not their own. 404 for what the caller may not see; 403 for a "
        "public group's non-member or a banned member; 400 for a second flag, one's own item "
        "or a deleted one. The author is never told who flagged.",
    )
)
class FlagViewSet(APIv1Settings, viewsets.GenericViewSet):
    """Flags: a member asks the moderators to look at an annotation or a comment."""

    permission_classes = [IsAuthenticated]
    serializer_class = FlagSerializer
    pagination_class = None

    def create(self, request, *args, **kwargs):
        serializer = FlagCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        [target] = _items(request.user, data["target_type"], [data["target"]])
        flag = flag_create(
            user=request.user, target=target, reason=data["reason"], note=data["note"]
        )
        return Response(FlagSerializer(flag).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(name, str, description=field.help_text or "")
            for name, field in QueueFilterSerializer().fields.items()
        ],
        responses={200: QueueSerializer},
        description="Items waiting in the groups the caller moderates: with open flags, or "
        "pending (pre-moderation); the one waiting longest-unseen first (newest flag or post). "
        f"At most {QUEUE_LIMIT} annotations and {QUEUE_LIMIT} comments are listed (`limit`); "
        "`counts` counts every item the filters keep. Someone who moderates nothing gets an "
        "empty queue. Flags name their flagger here only.",
    )
)
class QueueViewSet(APIv1Settings, viewsets.GenericViewSet):
    """The moderation queue of the groups the caller moderates."""

    permission_classes = [IsAuthenticated]
    serializer_class = QueueSerializer
    pagination_class = None
    schema = OneObjectSchema()  # `list` answers the counts and the items, one object

    def list(self, request, *args, **kwargs):
        serializer = QueueFilterSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        filters = QueueFilters(**serializer.validated_data)
        items = queue(request.user, filters, limit=QUEUE_LIMIT)
        _mark_edited(item.obj for item in items)
        data = {"counts": counts(request.user, filters), "limit": QUEUE_LIMIT, "results": items}
        return Response(self.get_serializer(data).data)


def _mark_edited(items) -> None:
    """Set `edited` on items read without it: one query per kind, whatever their number."""
    by_kind: dict[str, dict[int, Annotation | Comment]] = {"annotation": {}, "comment": {}}
    for item in items:
        by_kind["annotation" if isinstance(item, Annotation) else "comment"][item.pk] = item
    for kind, found in by_kind.items():
        if not found:
            continue
        revised = set(
            Revision.objects.filter(**{f"{kind}_id__in": list(found)})
            .order_by()
            .values_list(f"{kind}_id", flat=True)
        )
        for pk, item in found.items():
            item.edited = pk in revised


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(name, str, description=field.help_text or "")
            for name, field in AuditFilterSerializer().fields.items()
        ],
        description="The audit log of the groups the caller moderates, newest first, cursor "
        "pages: every hide, unhide, approve, reject, ban and unban (also those made through "
        "groups/{slug}/members/), with who, when, on what and why. Empty for someone who "
        "moderates nothing.",
    ),
    create=extend_schema(
        request=ActionSerializer,
        responses={201: AuditEntriesSerializer},
        description="Act on annotations, comments or members; answers the audit entries "
        'written, always as `{"entries": [...]}` (one per item; a list of ids acts on all '
        "of them or on none, 400 naming the item refused). `hide`, `unhide`, `approve`, "
        "`reject` on items; `ban`, `unban` on a member (`target`: user id or username, "
        "`group` required) or on an item's author in the item's group. 404 for what the caller "
        "may not see; 403 for what they see but may not moderate.",
    ),
)
class ModerationActionViewSet(APIv1Settings, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Moderation actions (POST) and the audit log they write (GET)."""

    permission_classes = [IsAuthenticated]
    serializer_class = AuditEntrySerializer
    pagination_class = CursorPages
    ordering = ("-created", "-id")

    def get_queryset(self):
        filters = AuditFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        # The group's slug in the same query (no query per entry).
        entries = AuditEntry.objects.filter(
            group__in=ReadingGroup.objects.moderated_by(self.request.user)
        ).select_related("group")
        lookups = {
            "group": "group__slug",
            "action": "action",
            "target_type": "target_type",
            "actor": "actor_name",
            "target": "target_id",
            "since": "created__gt",
        }
        return entries.filter(**{lookups[name]: value for name, value in data.items()})

    def create(self, request, *args, **kwargs):
        serializer = ActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        actor, action, reason = request.user, data["action"], data["reason"]
        if data["target_type"] == AuditEntry.TargetType.MEMBER:
            membership = self._membership(data)
            BANS[action](actor=actor, membership=membership, reason=reason)
            entries = [membership.audit_entry]
        else:
            ids = data["target"] if isinstance(data["target"], list) else [data["target"]]
            items = _items(actor, data["target_type"], ids)
            _remember(actor, items)
            if action in BANS:
                membership = author_membership(actor=actor, target=items[0])
                BANS[action](actor=actor, membership=membership, reason=reason)
                entries = [membership.audit_entry]
            elif len(items) == 1 and not isinstance(data["target"], list):
                entries = [moderate(actor=actor, target=items[0], action=action, reason=reason)]
            else:
                entries = moderate_many(actor=actor, targets=items, action=action, reason=reason)
        body = {"entries": AuditEntrySerializer(entries, many=True).data}
        return Response(body, status=status.HTTP_201_CREATED)

    # Bans

    def _membership(self, data: dict) -> Membership:
        """The member named by id or username in the group named by slug (404 when the caller
        may not see the group; 403 when they do not moderate it; 404 for no such member)."""
        groups = ReadingGroup.objects.visible_to(self.request.user)
        group = groups.filter(slug=data["group"]).first()
        if group is None:
            raise Http404("There is no group with this slug.")
        papers_permissions.remember_membership(self.request.user, group)
        if not papers_permissions.is_moderator_or_owner(self.request.user, group):
            raise PermissionDenied(NOT_A_MODERATOR)
        target = data["target"]
        by_id = isinstance(target, int) or target.isdigit()
        name = Q(user_id=int(target)) if by_id else Q(user__username=target)
        if isinstance(target, str) and by_id:  # a username of digits
            name |= Q(user__username=target)
        membership = group.memberships.select_related("user").filter(name).first()
        if membership is None:
            raise Http404("There is no such member of this group.")
        membership.group = group
        return membership
