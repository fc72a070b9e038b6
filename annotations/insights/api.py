"""The insights API (docs/api.md, "Insights"):

- GET /api/v1/papers/{id}/argument/   the annotations and links the caller may see, as a graph;
- GET /api/v1/papers/{id}/agreement/  Krippendorff's alpha of the paragraph roles, per section,
  per member, and the disagreements.

Read-only for whoever may read the paper (anonymous readers of a public group included); a paper
the caller may not see answers 404. What each answer holds is the caller's view: `visible_to`
and blind mode, in readings, argument and agreement. Never cached by a shared cache.
"""

from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control, patch_vary_headers
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from papers.api.base import APIv1Settings
from papers.models import Paper
from papers.permissions import remember_membership

from .agreement import paper_agreement
from .argument import paper_argument

_NOT_FOUND = OpenApiResponse(description="No such paper, or one the caller may not see.")

_NODES = inline_serializer(
    "ArgumentNode",
    {
        "id": serializers.IntegerField(help_text="the annotation"),
        "role": serializers.CharField(help_text="the role's slug"),
        "paragraph": serializers.IntegerField(),
        "quote": serializers.CharField(allow_null=True, help_text="the passage; null: whole"),
        "author": serializers.CharField(allow_null=True, help_text="username"),
        "comments": serializers.IntegerField(help_text="comments on it the caller sees"),
    },
    many=True,
)
_EDGES = inline_serializer(
    "ArgumentEdge",
    {
        "id": serializers.IntegerField(help_text="the link"),
        "source": serializers.IntegerField(),
        "target": serializers.IntegerField(),
        "relation": serializers.CharField(help_text="supports, attacks or cites"),
    },
    many=True,
)
_ALPHA = {"allow_null": True, "help_text": "Krippendorff's alpha (nominal); null: undefined"}
_AGREEMENT = inline_serializer(
    "Agreement",
    {
        "alpha": serializers.FloatField(**_ALPHA),
        "units": serializers.IntegerField(help_text="paragraphs tagged by two members or more"),
        "coders": serializers.IntegerField(help_text="members who tagged those"),
        "alpha_independent": serializers.FloatField(**_ALPHA),
        "units_independent": serializers.IntegerField(),
        "coders_independent": serializers.IntegerField(),
        "reading": serializers.CharField(help_text="alpha in plain words"),
        "sections": serializers.ListField(child=serializers.DictField()),
        "members": serializers.ListField(child=serializers.DictField()),
        "disagreements": serializers.ListField(child=serializers.DictField()),
    },
)


class InsightView(APIv1Settings, APIView):
    """A paper's insight for whoever may read it."""

    permission_classes = [AllowAny]

    def paper(self) -> Paper:
        user = self.request.user
        paper = get_object_or_404(
            Paper.objects.visible_to(user).select_related("group"), pk=self.kwargs["pk"]
        )
        remember_membership(user, paper.group)  # blind mode reads it: no second query
        return paper

    def answer(self, data: dict) -> Response:
        response = Response(data)
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response


class PaperArgumentView(InsightView):
    @extend_schema(
        operation_id="papers_argument",
        tags=["papers"],
        responses={
            200: inline_serializer(
                "Argument",
                {"nodes": _NODES, "edges": _EDGES},
            ),
            404: _NOT_FOUND,
        },
        description="The annotations the caller may see as nodes and the links between them as "
        "edges; in blind mode, the others' annotations on paragraphs the caller has not tagged "
        "are left out.",
    )
    def get(self, request, pk: int):
        return self.answer(paper_argument(request.user, self.paper()))


class PaperAgreementView(InsightView):
    @extend_schema(
        operation_id="papers_agreement",
        tags=["papers"],
        responses={200: _AGREEMENT, 404: _NOT_FOUND},
        description="Krippendorff's alpha (nominal) of the roles members gave whole paragraphs "
        "(a member's several roles on one paragraph are one value, their set), over all tags "
        "and over independent ones (made in blind mode), per section and per member; and the "
        "paragraphs members read differently, most contested first (in blind mode only those "
        "the caller has tagged).",
    )
    def get(self, request, pk: int):
        return self.answer(paper_agreement(request.user, self.paper()))
