"""`POST /api/v1/imports/`: a native export or a Hypothesis search result, into a group.

Thin: it finds the group (and paper) the caller may see, reads the upload, and calls
annotations.imports.import_file, which checks the file and the caller's membership and writes
everything or nothing. Answers 201 with the import's report; 404 for a group or paper the caller
cannot see, 403 for a group they see but are not an active member of, 400 for a bad file (one
line saying what and where), 413 over MARGINALIA_MAX_UPLOAD_MB.
"""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from papers.api.base import APIv1Settings
from papers.api.parsers import BoundedJSONField, JSONParser
from papers.models import Paper, ReadingGroup
from papers.services import check_upload_size

from . import import_file


class ImportRequestSerializer(serializers.Serializer):
    group = serializers.SlugField(help_text="The target group's slug.")
    file = serializers.FileField(
        required=False, help_text="Multipart: the export (.json) or Hypothesis search result."
    )
    data = BoundedJSONField(
        required=False, help_text="JSON body: the file's content as an object, instead of file."
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
        "placeholders": serializers.ListField(child=serializers.CharField()),
        "roles_created": serializers.ListField(child=serializers.CharField()),
    },
)


class ImportViewSet(APIv1Settings, viewsets.ViewSet):
    """Import a file made by an export, or a Hypothesis search result, into a group."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, JSONParser]

    @extend_schema(
        request={
            "multipart/form-data": ImportRequestSerializer,
            "application/json": ImportRequestSerializer,
        },  # fmt: skip
        responses={201: ImportReportSerializer},
        description="A native export (`format=json`, a paper's or a group's) becomes new papers "
        "of the group; a Hypothesis search result goes onto `paper`. 400 with one line naming "
        "what is wrong in the file and where; nothing is written then. See docs/imports.md.",
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
        report = import_file(
            user=request.user,
            group=group,
            data=upload.read() if upload is not None else given["data"],
            paper=paper,
            default_role=given.get("role"),
        )
        return Response(report.as_dict(), status=status.HTTP_201_CREATED)
