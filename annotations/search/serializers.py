"""The search API's hit, shaped for the reader: where it is, and its snippet with matches marked
(annotations.search.query.mark: escaped, then marked)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..serializers import AttributionSerializer
from .query import hit_attribution, hit_url, mark


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="paper, paragraph, annotation or comment")
    id = serializers.IntegerField(source="object_id", help_text="the paper, paragraph, …")
    paper = serializers.IntegerField(source="paper_id")
    paper_title = serializers.CharField(source="paper.title")
    paragraph = serializers.IntegerField(source="paragraph_id", allow_null=True)
    anchor = serializers.SerializerMethodField(help_text="the paragraph's anchor; null: a paper")
    snippet = serializers.SerializerMethodField(help_text="HTML: escaped, matches in <mark>")
    url = serializers.SerializerMethodField(help_text="the workspace on the paragraph")
    role = serializers.SerializerMethodField(
        help_text="the role's slug (a comment: its annotation's)"
    )
    author = serializers.SerializerMethodField(help_text="username; null for papers' text")
    created = serializers.DateTimeField()
    status = serializers.SerializerMethodField(
        help_text="a post's moderation status (visible, pending, hidden); null for papers' text"
    )
    rank = serializers.FloatField()
    attribution = serializers.SerializerMethodField(
        help_text="an imported post's origin (as on annotations and comments); else null"
    )

    def get_anchor(self, hit) -> str | None:
        return hit.paragraph.anchor if hit.paragraph_id else None

    def get_snippet(self, hit) -> str:
        return str(mark(hit.raw_snippet, hit.text))

    def get_url(self, hit) -> str:
        return hit_url(hit)

    def get_role(self, hit) -> str | None:
        return hit.role.slug if hit.role_id else None

    def get_author(self, hit) -> str | None:
        if hit.kind in ("paper", "paragraph") or hit.author is None:
            return None
        return hit.author.username

    @extend_schema_field(AttributionSerializer(allow_null=True))
    def get_attribution(self, hit) -> dict | None:
        return hit_attribution(hit)

    def get_status(self, hit) -> str | None:
        return self.context.get("statuses", {}).get((hit.kind, hit.object_id))
