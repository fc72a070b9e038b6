"""The papers API: papers with their structure (the settings every viewset shares:
papers.api.base; groups, members and invites: papers.api.groups).

What a caller may see comes from `Paper.objects.visible_to` and `ReadingGroup.objects.visible_to`;
what they may change from papers.permissions. Writes go through papers.services.
"""

from django.db.models import Count, Prefetch
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from ..models import Citation, Paper, ReadingGroup
from ..permissions import (
    CanChangePaper,
    CanDeletePaper,
    CanRetryImport,
    can_add_paper,
    remember_membership,
)
from ..recovery import paper_recover_if_stale
from ..serializers import (
    PaperCreateSerializer,
    PaperDetailSerializer,
    PaperSerializer,
    PaperUpdateSerializer,
    ParagraphSerializer,
    ReferenceSerializer,
)
from ..services import (
    check_upload_size,
    paper_delete,
    paper_import_retry,
    paper_import_start,
    paper_rename,
)
from .base import APIv1Settings
from .parsers import JSONParser


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("group", str, description="only this group's papers (slug)")]
    ),
    create=extend_schema(
        request=PaperCreateSerializer,
        responses={201: PaperDetailSerializer, 202: PaperDetailSerializer},
        description="201 with the imported paper; 202 when a large file is imported in the "
        "background: the paper has status `importing` and `progress`, and `Location` names "
        "`papers/{id}/` to poll until the status is `ready` or `failed` (with `error`).",
    ),
    partial_update=extend_schema(
        request=PaperUpdateSerializer, responses={200: PaperDetailSerializer}
    ),
    retrieve=extend_schema(
        description="The paper. An import whose worker stopped (no heartbeat for "
        "MARGINALIA_IMPORT_STALE_SECONDS) is answered, and marked, `failed` with `error` "
        '"The import stopped unexpectedly; try again."'
    ),
    destroy=extend_schema(
        description="Delete the paper (a failed import too: dismissing it). The group's owners "
        "and moderators, and the member who added it."
    ),
    retry=extend_schema(
        request=None,
        responses={202: PaperDetailSerializer},
        description="Queue a failed import again from its stored file: 202 with the paper, "
        "`importing` at 0%, and `Location` to poll. Who may delete the paper may retry it (403 "
        "for other members); 400 when it is not failed or has no stored file.",
    ),
    paragraphs=extend_schema(responses={200: ParagraphSerializer(many=True)}),
    references=extend_schema(responses={200: ReferenceSerializer(many=True)}),
)
class PaperViewSet(
    APIv1Settings,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Papers the caller may see; members add them, rename them, and delete their own."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        # The group's slug and the uploader's name in every row (no query per paper).
        papers = Paper.objects.visible_to(self.request.user).select_related("group", "created_by")
        if self.action in ("paragraphs", "references", "destroy", "retry"):
            return papers
        # The paragraph count in the same query (no query per paper).
        papers = papers.annotate(paragraph_count=Count("paragraphs")).order_by("-created", "-id")
        if self.action == "list":
            if slug := self.request.query_params.get("group"):
                papers = papers.filter(group__slug=slug)
            return papers
        # The sections of the paper in one query.
        return papers.prefetch_related("sections")

    def get_serializer_class(self):
        if self.action == "list":
            return PaperSerializer
        if self.action == "paragraphs":
            return ParagraphSerializer
        if self.action == "references":
            return ReferenceSerializer
        return PaperDetailSerializer

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated()]
        if self.action == "partial_update":
            return [(IsAuthenticated & CanChangePaper)()]
        if self.action == "destroy":
            return [(IsAuthenticated & CanDeletePaper)()]
        if self.action == "retry":
            return [(IsAuthenticated & CanRetryImport)()]
        return [AllowAny()]

    def check_object_permissions(self, request, obj):
        if self.action in ("partial_update", "destroy", "retry"):
            # The caller's membership, asked once for the permission class and the service.
            remember_membership(request.user, obj.group)
        super().check_object_permissions(request, obj)

    def create(self, request, *args, **kwargs):
        upload = request.FILES.get("file")
        if upload is not None:
            # Refused on the size Django already knows, before anything reads the file.
            check_upload_size(upload.size)
        serializer = PaperCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        group = (
            ReadingGroup.objects.visible_to(request.user)
            .filter(slug=serializer.validated_data["group"])
            .first()
        )
        if group is None:
            raise serializers.ValidationError({"group": ["There is no group with this slug."]})
        if not can_add_paper(request.user, group):
            raise PermissionDenied("Only members of this group may add papers.")
        paper = paper_import_start(group=group, user=request.user, **serializer.import_arguments())
        paper = self.get_queryset().get(pk=paper.pk)
        data = PaperDetailSerializer(paper, context=self.get_serializer_context()).data
        # 202 while the import goes on in the background: poll Location until it is done.
        done = paper.status == Paper.Status.READY
        location = request.build_absolute_uri(reverse("paper-detail", args=[paper.pk]))
        return Response(
            data,
            status=status.HTTP_201_CREATED if done else status.HTTP_202_ACCEPTED,
            headers={"Location": location},
        )

    def retrieve(self, request, *args, **kwargs):
        paper = paper_recover_if_stale(self.get_object())
        return Response(PaperDetailSerializer(paper, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        paper = paper_import_retry(actor=request.user, paper=self.get_object())
        # Read again as the detail shows it (the immediate backend may have run it already).
        paper = (
            Paper.objects.select_related("group", "created_by")
            .annotate(paragraph_count=Count("paragraphs"))
            .prefetch_related("sections")
            .get(pk=paper.pk)
        )
        location = request.build_absolute_uri(reverse("paper-detail", args=[paper.pk]))
        return Response(
            PaperDetailSerializer(paper, context=self.get_serializer_context()).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": location},
        )

    def partial_update(self, request, *args, **kwargs):
        paper = self.get_object()
        serializer = PaperUpdateSerializer(paper, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "title" in serializer.validated_data:
            paper_rename(actor=request.user, paper=paper, title=serializer.validated_data["title"])
        return Response(PaperDetailSerializer(paper, context=self.get_serializer_context()).data)

    def perform_destroy(self, instance):
        paper_delete(actor=self.request.user, paper=instance)

    @action(detail=True)
    def paragraphs(self, request, pk=None):
        """The paper's paragraphs in reading order."""
        paper = self.get_object()
        page = self.paginate_queryset(paper.paragraphs.order_by("position"))
        return self.get_paginated_response(ParagraphSerializer(page, many=True).data)

    @action(detail=True)
    def references(self, request, pk=None):
        """The reference list, each entry with the in-text citations that point to it."""
        paper = self.get_object()
        # Every entry's citations, with their paragraph's anchor, in one query.
        citations = (
            Citation.objects.select_related("paragraph")
            .only("id", "start", "end", "text", "reference", "paragraph", "paragraph__anchor")
            .order_by("paragraph__position", "start")
        )
        entries = paper.references.order_by("position").prefetch_related(
            Prefetch("citations", queryset=citations)
        )
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(ReferenceSerializer(page, many=True).data)
