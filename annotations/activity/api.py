"""GET /api/v1/groups/{slug}/activity/: the group's recent papers, annotations and comments,
newest first, in the API's page-number pagination (feed.py: what the caller may see, capped
to the newest `MAX_ITEMS`; a page past them answers 404 as any page past the end).

Read-only for whoever may see the group (anonymous readers of a public group included); a
private group answers 404 to outsiders, anonymous callers and the banned, as every endpoint
under it. Never cached by a shared cache: each caller's answer is their own view.
"""

from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control, patch_vary_headers
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from papers.api.base import APIv1Settings
from papers.models import ReadingGroup
from papers.permissions import remember_membership

from .feed import Item, group_activity

_ITEMS = inline_serializer(
    "ActivityItem",
    {
        "kind": serializers.CharField(help_text="paper, annotation or comment"),
        "id": serializers.IntegerField(help_text="the paper, annotation or comment"),
        "created": serializers.DateTimeField(),
        "actor": serializers.CharField(allow_null=True, help_text="username; null: gone"),
        "paper": serializers.IntegerField(),
        "paper_title": serializers.CharField(),
        "paragraph": serializers.IntegerField(allow_null=True),
        "anchor": serializers.CharField(help_text="the paragraph's; empty for a paper"),
        "role": serializers.CharField(
            allow_null=True, help_text="an annotation's role slug; null: a paper, a comment, or "
            "a role blind mode keeps from the caller",
        ),
        "excerpt": serializers.CharField(help_text="the note or comment, plain text, truncated"),
        "url": serializers.CharField(help_text="the paragraph with its panel open, or the paper"),
    },
    many=True,
)  # fmt: skip
_PAGE = inline_serializer(
    "ActivityPage",
    {
        "count": serializers.IntegerField(help_text="items, up to the newest 1,000"),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": _ITEMS,
    },
)


def item_data(item: Item, request) -> dict:
    """One item as the API shows it."""
    return {
        "kind": item.kind,
        "id": item.id,
        "created": serializers.DateTimeField().to_representation(item.created),
        "actor": item.actor,
        "paper": item.paper,
        "paper_title": item.paper_title,
        "paragraph": item.paragraph,
        "anchor": item.anchor,
        "role": item.role,
        "excerpt": item.excerpt,
        "url": request.build_absolute_uri(item.url),
    }


class GroupActivityView(APIv1Settings, APIView):
    """The group's recent activity for whoever may see the group."""

    permission_classes = [AllowAny]

    @extend_schema(
        responses={
            200: _PAGE,
            404: OpenApiResponse(description="No such group, or one the caller may not see."),
        },
    )
    def get(self, request, slug: str):
        user = request.user
        group = get_object_or_404(ReadingGroup.objects.visible_to(user), slug=slug)
        remember_membership(user, group)  # blind mode reads it: no second query
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(group_activity(user, group), request, view=self)
        response = paginator.get_paginated_response([item_data(i, request) for i in page])
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response
