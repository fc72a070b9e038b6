"""`/api/v1/imports/`: a native export or a Hypothesis search result, into a group.

POST is thin: it finds the group (and paper) the caller may see and checks their membership
and the size (404 for a group or paper the caller cannot see, 403 for a group they see but are
not an active member of, 413 over MARGINALIA_MAX_UPLOAD_MB), then hands the file to
`import_start`: a file under MARGINALIA_ASYNC_IMPORT_BYTES is imported at once (201 with the
report, 400 with one line for a bad file), a larger one is stored and queued as a background job
(202 with the job, `Location` naming `imports/{id}/` to poll). Both run the same `import_file`,
checked in a child process within the import limits.

`imports/` lists the caller's own jobs, `imports/{id}/` is one of them (anyone else's is 404),
DELETE dismisses a finished one.
"""

import json

from django.urls import reverse
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from papers.api.base import APIv1Settings
from papers.api.parsers import BoundedJSONField, JSONParser
from papers.models import Paper, ReadingGroup
from papers.permissions import can_add_paper
from papers.services import check_upload_size

from ..models import AnnotationImport
from . import ImportReport
from .jobs import (
    import_job_dismiss,
    import_job_recover_if_stale,
    import_start,
)
from .services import NOT_A_MEMBER


class ImportRequestSerializer(serializers.Serializer):
    group = serializers.SlugField(help_text="The target group's slug.")
    file = serializers.FileField(
        required=False, help_text="Multipart: the export (.json) or Hypothesis search result."
    )
    data = BoundedJSONField(
        required=False,
        help_text="JSON body: the file's content as an object, instead of file.",
    )
    paper = serializers.IntegerField(
        required=False, help_text="Hypothesis only: the existing paper the annotations go onto."
    )
    role = serializers.SlugField(
        required=False,
        help_text="Hypothesis only: the role of annotations whose tags name none of the "
        "group's roles (default: the group's first active role).",
    )

    def validate_data(self, value):
        # The file's content: an object (or its text); a list, a number or null is no file.
        if not isinstance(value, dict | str):
            raise serializers.ValidationError(
                "The file's content as a JSON object: a Marginalia export or a Hypothesis "
                "search result."
            )
        return value

    def validate(self, attrs):
        if ("file" in attrs) == ("data" in attrs):
            raise serializers.ValidationError("Send the file (multipart `file`) or `data`.")
        return attrs


ImportReportSerializer = inline_serializer(
    "ImportReport",
    {
        "kind": serializers.ChoiceField(choices=["native", "hypothesis"]),
        "papers": serializers.ListField(child=serializers.IntegerField()),
        "annotations": serializers.IntegerField(),
        "comments": serializers.IntegerField(),
        "links": serializers.IntegerField(),
        "not_anchored": serializers.ListField(child=serializers.DictField()),
        "attributed": serializers.ListField(child=serializers.CharField()),
        # Always empty (imports make no accounts any more); kept for one release.
        "placeholders": serializers.ListField(child=serializers.CharField()),
        "roles_created": serializers.ListField(child=serializers.CharField()),
    },
)


@extend_schema_field(ImportReportSerializer)
class ReportField(serializers.JSONField):
    """The import's report (as 201 answers it), null until it is done."""


class ImportJobSerializer(serializers.ModelSerializer):
    """A background import as its importer polls it."""

    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    report = ReportField(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = AnnotationImport
        fields = [
            "id",
            "url",
            "status",
            "progress",
            "group",
            "paper",
            "default_role",
            "source_filename",
            "size",
            "report",
            "error",
            "created",
            "started",
            "finished",
            "heartbeat",
        ]
        read_only_fields = fields

    def get_url(self, job) -> str:
        return reverse("import-detail", args=[job.pk])


@extend_schema_view(
    list=extend_schema(description="The caller's own background imports, newest first."),
    retrieve=extend_schema(
        description="One of the caller's background imports (anyone else's: 404): `status` "
        "queued, running, done (with `report`) or failed (with `error`); `progress` 0-100. "
        "One whose worker stopped is answered, and marked, failed: "
        '"The import stopped unexpectedly; try again."'
    ),
    destroy=extend_schema(
        description="Dismiss a finished (done or failed) import: its record goes, what it "
        "imported stays. 400 while it is queued or running."
    ),
)
class ImportViewSet(
    APIv1Settings,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Import a file made by an export, or a Hypothesis search result, into a group."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, JSONParser]
    serializer_class = ImportJobSerializer

    def get_queryset(self):
        # The importer's own jobs only: anyone else's answers 404. The group's slug in the
        # same query (no query per job).
        return AnnotationImport.objects.visible_to(self.request.user).select_related("group")

    def retrieve(self, request, *args, **kwargs):
        job = import_job_recover_if_stale(self.get_object())
        return Response(self.get_serializer(job).data)

    def perform_destroy(self, instance):
        import_job_dismiss(actor=self.request.user, job=instance)

    @extend_schema(
        request={
            "multipart/form-data": ImportRequestSerializer,
            "application/json": ImportRequestSerializer,
        },  # fmt: skip
        responses={201: ImportReportSerializer, 202: ImportJobSerializer},
        description="A native export (`format=json`, a paper's or a group's) becomes new papers "
        "of the group; a Hypothesis search result goes onto `paper`. A file under "
        "MARGINALIA_ASYNC_IMPORT_BYTES is imported at once: 201 with the report, or 400 with "
        "one line naming what is wrong in the file and where (nothing is written then). A "
        "larger one answers 202 at once with the job, and `Location` (`imports/{id}/`) to poll "
        "until it is done (with the report) or failed (with that line). See docs/imports.md.",
    )
    def create(self, request):
        upload = request.FILES.get("file")
        if upload is not None:
            # Refused on the size Django already knows, before anything reads the file.
            check_upload_size(upload.size)
        serializer = ImportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        given = serializer.validated_data
        group = ReadingGroup.objects.visible_to(request.user).filter(slug=given["group"]).first()
        if group is None:
            raise NotFound("There is no group with this slug.")
        paper = None
        if "paper" in given:
            paper = Paper.objects.visible_to(request.user).filter(pk=given["paper"]).first()
            if paper is None or paper.group_id != group.pk:
                raise NotFound("There is no paper with this id in this group.")
        if not can_add_paper(request.user, group):
            raise PermissionDenied(NOT_A_MEMBER)  # before the file is read
        data = upload.read() if upload is not None else given["data"]
        if isinstance(data, dict):
            data = json.dumps(data).encode()
        elif isinstance(data, str):
            data = data.encode("utf-8")
        filename = upload.name if upload is not None else ""
        started = import_start(user=request.user, group=group, data=data, filename=filename,
                               paper=paper, default_role=given.get("role"))  # fmt: skip
        if isinstance(started, ImportReport):
            return Response(started.as_dict(), status=status.HTTP_201_CREATED)
        job = self.get_queryset().get(pk=started.pk)  # as a worker may have left it (immediate)
        location = request.build_absolute_uri(reverse("import-detail", args=[job.pk]))
        return Response(
            self.get_serializer(job).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": location},
        )
