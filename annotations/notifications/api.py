"""The notifications API (API.md): the caller's notifications, marking them read, and following
a paragraph.

GET  /api/v1/notifications/                  newest first; ?unread=1 for the unread only
POST /api/v1/notifications/{id}/read/        mark one read (404: not the caller's, or not shown)
POST /api/v1/notifications/read-all/         mark all read: {"marked": n}
GET  /api/v1/follows/?paper=ID               the paragraphs of the paper the caller follows
POST /api/v1/follows/ {"paragraph", "follow"}  follow a paragraph (or stop, follow=false)

Only what `shown_to` lets through, on every one of them: a notification whose post the caller
may no longer see is not listed, counted or markable.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from papers.api.base import APIv1Settings
from papers.models import Paper, Paragraph

from . import services
from .describe import with_related
from .models import Notification
from .serializers import FollowSerializer, NotificationSerializer
from .shown import shown_to

_UNREAD = OpenApiParameter(
    "unread", bool, description="1: only the notifications not yet marked read"
)


class NotificationViewSet(APIv1Settings, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's notifications, newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = NotificationSerializer

    def get_queryset(self):
        rows = shown_to(self.request.user)
        if self.request.query_params.get("unread") in {"1", "true", "yes"}:
            rows = rows.filter(read__isnull=True)
        return with_related(rows).order_by("-created", "-id")

    @extend_schema(parameters=[_UNREAD])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        try:
            notification = services.mark_read(user=request.user, notification_id=int(pk))
        except (Notification.DoesNotExist, ValueError):
            return Response({"detail": "No such notification."}, status=status.HTTP_404_NOT_FOUND)
        row = with_related(Notification.objects.filter(pk=notification.pk)).get()
        return Response(NotificationSerializer(row).data)

    @extend_schema(
        request=None,
        responses={200: inline_serializer("ReadAll", {"marked": serializers.IntegerField()})},
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.mark_all_read(user=request.user)})


class FollowView(APIv1Settings, APIView):
    """Paragraphs the caller follows: each new comment on one is a notification."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("paper", int, required=True)],
        responses={200: inline_serializer("Follows", {"paragraphs": serializers.ListField()})},
    )
    def get(self, request):
        try:
            paper_id = int(request.query_params.get("paper", ""))
        except ValueError:
            return Response({"paper": ["Give the paper's id: ?paper=ID."]}, status=400)
        paper = get_object_or_404(Paper.objects.visible_to(request.user), pk=paper_id)
        followed = services.followed_paragraphs(request.user, paper)
        return Response({"paragraphs": sorted(followed)})

    @extend_schema(request=FollowSerializer, responses={200: FollowSerializer})
    def post(self, request):
        data = FollowSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        paragraph = get_object_or_404(
            Paragraph.objects.select_related("paper__group").filter(
                paper__in=Paper.objects.visible_to(request.user)
            ),
            pk=data.validated_data["paragraph"],
        )
        following = services.follow_set(
            user=request.user, paragraph=paragraph, follow=data.validated_data["follow"]
        )
        return Response({"paragraph": paragraph.pk, "follow": following})
