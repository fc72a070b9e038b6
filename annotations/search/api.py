"""GET /api/v1/search/?q=… (docs/api.md, docs/search.md): ranked hits over what the caller may
see, page by page. Filters: group (slug), paper (id), kind, role (slug), author (username),
since (YYYY-MM-DD). An empty, over-long or malformed query answers 400 naming the parameter."""

from django.utils.cache import patch_cache_control, patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from papers.api.base import APIv1Settings

from .query import Filters, search, statuses
from .serializers import SearchHitSerializer

_PARAMETERS = [
    OpenApiParameter(
        "q", OpenApiTypes.STR, required=True, description='words, "phrases", -excluded'
    ),
    OpenApiParameter("group", OpenApiTypes.STR, description="a group's slug"),
    OpenApiParameter("paper", OpenApiTypes.INT),
    OpenApiParameter(
        "kind", OpenApiTypes.STR, enum=["paper", "paragraph", "annotation", "comment"]
    ),
    OpenApiParameter("role", OpenApiTypes.STR, description="a role's slug"),
    OpenApiParameter("author", OpenApiTypes.STR, description="a username"),
    OpenApiParameter("since", OpenApiTypes.DATE),
]


class SearchView(APIv1Settings, APIView):
    """Read-only for everyone: what an anonymous visitor finds is public groups' content."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=_PARAMETERS, responses=SearchHitSerializer(many=True))
    def get(self, request):
        hits = search(
            request.user, request.query_params.get("q"), Filters.from_params(request.query_params)
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(hits, request, view=self)
        context = {"request": request, "statuses": statuses(page)}
        response = paginator.get_paginated_response(
            SearchHitSerializer(page, many=True, context=context).data
        )
        # `count` stops at Hits.COUNT_CAP (counting every match of a common word costs more
        # than the page): `count_capped` says there are more.
        response.data["count_capped"] = hits.capped
        # The caller's own view of the groups: never shared by a cache.
        patch_cache_control(response, private=True)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response
