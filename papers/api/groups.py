"""The groups API: reading groups, their members and invite links, and joining through a link.

Which groups a caller sees comes from `ReadingGroup.objects.visible_to`; what they may do from
papers.permissions (asked here to choose 401/403, and again by the services, which raise
PermissionDenied, answered 403). Writes go through papers.groups. A private group the caller
cannot see answers 404 to everything under it; without credentials, every write answers 401.
"""

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import CharField, Count, OuterRef, Subquery, Value
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from .. import permissions
from ..groups import (
    InviteUnusable,
    group_create,
    group_delete,
    group_update,
    invite_accept,
    invite_create,
    invite_revoke,
    member_add,
    member_ban,
    member_leave,
    member_read_blind,
    member_remove,
    member_set_role,
    member_unban,
)
from ..models import Invite, Membership, ReadingGroup
from ..serializers import (
    GroupCreateSerializer,
    GroupSerializer,
    GroupUpdateSerializer,
    InviteCreateSerializer,
    InviteRevokeSerializer,
    InviteSerializer,
    MemberAddSerializer,
    MemberChangeByNameSerializer,
    MemberChangeSerializer,
    MemberNameSerializer,
    MemberSerializer,
    MyMembershipChangeSerializer,
    MyMembershipSerializer,
)
from .base import APIv1Settings

USERNAME = r"[^/]+"
# The longest reason a ban or unban takes (the same as moderation actions').
MAX_REASON = 2_000


def groups_for(user, queryset):
    """Groups with the caller's `role` and their `paper_count`, in the same query (no query per
    group)."""
    if user.is_authenticated:
        role = Membership.objects.active().filter(group=OuterRef("pk"), user=user)
        queryset = queryset.annotate(role=Subquery(role.values("role")[:1]))
    else:
        queryset = queryset.annotate(role=Value(None, output_field=CharField()))
    return queryset.annotate(paper_count=Count("papers")).order_by("name", "id")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "public", bool, description="1: add the public groups the caller is not in"
            )
        ]
    ),
    create=extend_schema(request=GroupCreateSerializer, responses={201: GroupSerializer}),
    partial_update=extend_schema(request=GroupUpdateSerializer, responses={200: GroupSerializer}),
)
class GroupViewSet(
    APIv1Settings,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Reading groups the caller belongs to (and public ones with `?public=1`); their members and
    invite links. Owners change and delete a group; the creator becomes its owner."""

    serializer_class = GroupSerializer
    lookup_field = "slug"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        wants_public = self.request.query_params.get("public") in ("1", "true", "yes")
        if self.action == "list" and not wants_public:
            groups = ReadingGroup.objects.member_of(user)
        else:
            groups = ReadingGroup.objects.visible_to(user)
        return groups_for(user, groups)

    def get_object(self):
        group = super().get_object()
        # The caller's membership, asked once for every permission question of this request.
        permissions.remember_membership(self.request.user, group)
        return group

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [AllowAny()]
        return [IsAuthenticated()]

    def _group_data(self, group: ReadingGroup, code: int = status.HTTP_200_OK) -> Response:
        group = self.get_queryset().get(pk=group.pk)
        return Response(GroupSerializer(group, context=self.get_serializer_context()).data, code)

    def _refuse(self, message: str):
        """403 for a signed-in caller who sees the group; 401 for an anonymous one."""
        self.permission_denied(self.request, message=message)

    # The group

    def create(self, request, *args, **kwargs):
        serializer = GroupCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group = group_create(owner=request.user, **serializer.validated_data)
        return self._group_data(group, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        group = self.get_object()
        serializer = GroupUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group_update(actor=request.user, group=group, **serializer.validated_data)
        return self._group_data(group)

    def destroy(self, request, *args, **kwargs):
        group_delete(actor=request.user, group=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    # Members

    def _members(self, group: ReadingGroup):
        # Owners first, each with their username (no query per member).
        memberships = group.memberships.by_role()
        if not permissions.can_see_banned(self.request.user, group):
            memberships = memberships.active()
        return memberships

    def _filtered(self, memberships):
        """`?q=`: usernames starting with it (any case: the editor's @mention suggestions);
        `?status=active` or `banned`."""
        params = self.request.query_params
        if params.get("q"):
            memberships = memberships.filter(user__username__istartswith=params["q"])
        if "status" in params:
            if params["status"] not in Membership.Status.values:
                choices = ", ".join(Membership.Status.values)
                raise ValidationError({"status": [f"Choose one of: {choices}."]})
            memberships = memberships.filter(status=params["status"])
        return memberships

    def _member(self, group: ReadingGroup, username: str) -> Membership:
        """The member (404 when not in the group, or banned and the caller may not see bans)."""
        if not permissions.can_list_members(self.request.user, group):
            self._refuse("Only the group's members may see who is in it.")
        membership = self._members(group).filter(user__username=username).first()
        if membership is None:
            raise Http404("No such member.")
        membership.group = group
        return membership

    def _change_member(self, membership: Membership, data: dict, reason: str = "") -> Response:
        """The status first, then the role; both or neither (one transaction). A ban or unban
        is audited with the request's `reason`; banning the banned or unbanning a member who is
        not banned answers 400, as everywhere (papers.groups.member_ban)."""
        actor = self.request.user
        with transaction.atomic():
            if "status" in data:
                if data["status"] == Membership.Status.BANNED:
                    member_ban(actor=actor, membership=membership, reason=reason)
                else:
                    member_unban(actor=actor, membership=membership, reason=reason)
            if "role" in data:
                member_set_role(actor=actor, membership=membership, role=data["role"])
        return Response(MemberSerializer(membership).data)

    def _without_reason(self) -> tuple[dict, str]:
        """The body without `reason` (the audit log's, for a ban or unban), and the reason."""
        if not isinstance(self.request.data, Mapping):  # a JSON list, string or number
            kind = type(self.request.data).__name__
            raise ValidationError(
                {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]}
            )
        body = {name: value for name, value in self.request.data.items() if name != "reason"}
        reason = self.request.data.get("reason") or ""
        if not isinstance(reason, str) or len(reason) > MAX_REASON or "\x00" in reason:
            message = f"A reason is text (without NUL) of at most {MAX_REASON:,} characters."
            raise ValidationError({"reason": [message]})
        return body, reason.strip()

    def _delete_member(self, group: ReadingGroup, username: str) -> Response:
        if username == self.request.user.get_username():
            member_leave(user=self.request.user, group=group)
        else:
            member_remove(actor=self.request.user, membership=self._member(group, username))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["GET"],
        responses={200: MemberSerializer(many=True)},
        parameters=[
            OpenApiParameter("q", str, description="usernames starting with this (any case)"),
            OpenApiParameter("status", str, enum=list(Membership.Status.values)),
        ],
        description="Active members (owners and moderators also see the banned), owners first. "
        "`?q=am&status=active&page_size=8`: the editor's @mention suggestions.",
    )
    @extend_schema(
        methods=["POST"],
        request=MemberAddSerializer,
        responses={201: MemberSerializer},
        description="Add an existing user by username (invite links are the usual way in).",
    )
    @extend_schema(
        methods=["PATCH"],
        operation_id="groups_members_by_name_partial_update",
        request=MemberChangeByNameSerializer,
        responses={200: MemberSerializer},
        description="The same as PATCH members/{username}/, naming the member as `user` "
        "(and an optional `reason` for a ban or unban).",
    )
    @extend_schema(
        methods=["DELETE"],
        operation_id="groups_members_by_name_destroy",
        request=MemberNameSerializer,
        responses={204: None},
        description="The same as DELETE members/{username}/, naming the member as `user`.",
    )
    @action(detail=True, methods=["get", "post", "patch", "delete"])
    def members(self, request, slug=None):
        group = self.get_object()
        if request.method in ("GET", "HEAD"):  # HEAD is a GET without the body
            if not permissions.can_list_members(request.user, group):
                self._refuse("Only the group's members may see who is in it.")
            page = self.paginate_queryset(self._filtered(self._members(group)))
            return self.get_paginated_response(MemberSerializer(page, many=True).data)
        if request.method == "POST":
            serializer = MemberAddSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            user = (
                get_user_model().objects.filter(username=serializer.validated_data["user"]).first()
            )
            if user is None:
                return Response(
                    {"user": ["There is no user with this username."]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            membership = member_add(
                actor=request.user, group=group, user=user, role=serializer.validated_data["role"]
            )
            return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)
        if request.method == "PATCH":
            body, reason = self._without_reason()
            serializer = MemberChangeByNameSerializer(data=body)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
            return self._change_member(self._member(group, data.pop("user")), data, reason)
        serializer = MemberNameSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._delete_member(group, serializer.validated_data["user"])

    @extend_schema(methods=["GET"], responses={200: MemberSerializer})
    @extend_schema(
        methods=["PATCH"],
        request=MemberChangeSerializer,
        responses={200: MemberSerializer},
        description="`role` (owners only); `status` `banned` bans, `active` unbans (owners "
        "anyone but themselves, moderators plain members), with an optional `reason` for the "
        "audit log; banning someone banned, or unbanning someone who is not, is a 400. A group "
        "keeps an active owner.",
    )
    @extend_schema(
        methods=["DELETE"],
        responses={204: None},
        description="Remove the member; your own username: leave the group (the last owner "
        "is refused).",
    )
    @action(
        detail=True,
        methods=["get", "patch", "delete"],
        url_path=rf"members/(?P<username>{USERNAME})",
        url_name="member",
    )
    def member(self, request, slug=None, username=None):
        group = self.get_object()
        if request.method == "DELETE":
            return self._delete_member(group, username)
        membership = self._member(group, username)
        if request.method in ("GET", "HEAD"):  # HEAD is a GET without the body
            return Response(MemberSerializer(membership).data)
        body, reason = self._without_reason()
        serializer = MemberChangeSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        return self._change_member(membership, serializer.validated_data, reason)

    @extend_schema(methods=["GET"], responses={200: MyMembershipSerializer})
    @extend_schema(
        methods=["PATCH"],
        request=MyMembershipChangeSerializer,
        responses={200: MyMembershipSerializer},
        description="`blind`: read blind in this group (the others' roles on a paragraph stay "
        "hidden until you have tagged it; your first tag on it is then an independent reading).",
    )
    @action(detail=True, methods=["get", "patch"])
    def me(self, request, slug=None):
        """The caller's own membership of the group: 404 when they are not an active member."""
        group = self.get_object()
        membership = permissions.membership_for(request.user, group)
        if membership is None:
            raise Http404("You are not a member of this group.")
        if request.method == "PATCH":
            serializer = MyMembershipChangeSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            membership = member_read_blind(
                user=request.user, group=group, blind=serializer.validated_data["blind"]
            )
        return Response(MyMembershipSerializer(membership).data)

    # Invite links

    def _invites(self, group: ReadingGroup):
        roles = permissions.invite_roles_for(self.request.user, group)
        if not roles:
            self._refuse("Only the group's owners and moderators manage invite links.")
        # The creator's username in the same query (no query per invite).
        return group.invites.filter(role__in=roles).select_related("created_by")

    @extend_schema(
        methods=["GET"],
        responses={200: InviteSerializer(many=True)},
        description="The group's invite links, newest first; moderators see the links for "
        "members only.",
    )
    @extend_schema(
        methods=["POST"], request=InviteCreateSerializer, responses={201: InviteSerializer}
    )
    @extend_schema(
        methods=["DELETE"],
        operation_id="groups_invites_by_token_destroy",
        request=InviteRevokeSerializer,
        responses={204: None},
        description="Revoke the link named by `token` or `id`.",
    )
    @action(detail=True, methods=["get", "post", "delete"])
    def invites(self, request, slug=None):
        group = self.get_object()
        invites = self._invites(group)
        context = self.get_serializer_context()
        if request.method in ("GET", "HEAD"):  # HEAD is a GET without the body
            page = self.paginate_queryset(invites)
            return self.get_paginated_response(
                InviteSerializer(page, many=True, context=context).data
            )
        if request.method == "POST":
            serializer = InviteCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            invite = invite_create(actor=request.user, group=group, **serializer.validated_data)
            return Response(
                InviteSerializer(invite, context=context).data, status=status.HTTP_201_CREATED
            )
        serializer = InviteRevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invite = invites.filter(**serializer.validated_data).first()
        if invite is None:
            raise Http404("No such invite link.")
        invite_revoke(actor=request.user, invite=invite)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["GET"], responses={200: InviteSerializer})
    @extend_schema(methods=["DELETE"], responses={204: None}, description="Revoke the link.")
    @action(
        detail=True,
        methods=["get", "delete"],
        url_path=r"invites/(?P<invite_id>[0-9]+)",
        url_name="invite",
    )
    def invite(self, request, slug=None, invite_id=None):
        group = self.get_object()
        invite = self._invites(group).filter(pk=invite_id).first()
        if invite is None:
            raise Http404("No such invite link.")
        if request.method in ("GET", "HEAD"):  # HEAD is a GET without the body
            return Response(InviteSerializer(invite, context=self.get_serializer_context()).data)
        invite_revoke(actor=request.user, invite=invite)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InviteViewSet(APIv1Settings, viewsets.GenericViewSet):
    """Joining a group through an invite link."""

    queryset = Invite.objects.select_related("group")
    lookup_field = "token"
    lookup_value_regex = r"[A-Za-z0-9_\-]+"
    permission_classes = [IsAuthenticated]
    serializer_class = GroupSerializer

    @extend_schema(
        request=None,
        responses={
            201: OpenApiResponse(GroupSerializer, description="joined: the group"),
            200: OpenApiResponse(GroupSerializer, description="already a member: the group"),
            403: OpenApiResponse(OpenApiTypes.OBJECT, description="banned from the group"),
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="no such invite"),
            410: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="revoked, expired or used up: `detail` says which, `code` is "
                "`revoked`, `expired` or `used_up`",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, token=None):
        """Join the invite's group with the invite's role; already a member: nothing changes."""
        invite = self.get_object()
        try:
            _membership, created = invite_accept(user=request.user, invite=invite)
        except InviteUnusable as exc:
            return Response(
                {"detail": exc.messages[0], "code": exc.state}, status=status.HTTP_410_GONE
            )
        group = groups_for(request.user, ReadingGroup.objects.filter(pk=invite.group_id)).get()
        return Response(
            GroupSerializer(group, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
