from django.contrib import admin

from .models import (
    Citation,
    Invite,
    Membership,
    Paper,
    Paragraph,
    ReadingGroup,
    Reference,
    Section,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(ReadingGroup)
class ReadingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "visibility", "personal", "created"]
    list_filter = ["visibility", "personal"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "role", "status"]
    list_filter = ["role", "status"]
    list_select_related = ["user", "group"]
    raw_id_fields = ["user", "group"]


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ["group", "role", "uses", "max_uses", "expires", "revoked", "created"]
    list_filter = ["role"]
    list_select_related = ["group"]
    raw_id_fields = ["group", "created_by"]
    readonly_fields = ["token", "uses"]


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "source_format", "status", "created"]
    list_filter = ["status", "source_format"]
    list_select_related = ["group"]
    search_fields = ["title"]
    raw_id_fields = ["group", "created_by"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["title", "paper", "position", "level"]
    raw_id_fields = ["paper"]


@admin.register(Paragraph)
class ParagraphAdmin(admin.ModelAdmin):
    list_display = ["anchor", "paper", "position", "kind"]
    list_filter = ["kind"]
    raw_id_fields = ["paper", "section"]
    search_fields = ["text", "anchor"]


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = ["position", "paper", "year", "text"]
    raw_id_fields = ["paper"]
    search_fields = ["text"]


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["text", "paper", "paragraph", "reference"]
    raw_id_fields = ["paper", "paragraph", "reference", "candidates"]
