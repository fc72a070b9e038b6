"""Serializers for the papers API: input serializers validate, output serializers are shaped for
the reader. None of them writes: the viewsets call the services."""

from rest_framework import serializers

from .importing import FORMATS
from .models import Citation, Paper, Paragraph, ReadingGroup, Reference, Section


class GroupSerializer(serializers.ModelSerializer):
    role = serializers.CharField(read_only=True, allow_null=True, help_text="the caller's role")
    paper_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ReadingGroup
        fields = ["slug", "name", "description", "visibility", "role", "paper_count", "created"]
        read_only_fields = fields


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "position", "level", "title", "anchor"]


class PaperSourceSerializer(serializers.Serializer):
    format = serializers.CharField(source="source_format")
    filename = serializers.CharField(source="source_filename")
    sha256 = serializers.CharField(source="source_sha256")


class PaperSerializer(serializers.ModelSerializer):
    """A paper as lists show it (no sections)."""

    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    source = PaperSourceSerializer(source="*", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    paragraph_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Paper
        fields = [
            "id",
            "group",
            "title",
            "authors",
            "keywords",
            "abstract",
            "source",
            "status",
            "progress",
            "error",
            "paragraph_count",
            "created_by",
            "created",
            "updated",
        ]
        read_only_fields = fields


class PaperDetailSerializer(PaperSerializer):
    """One paper, with its sections."""

    sections = SectionSerializer(many=True, read_only=True)

    class Meta(PaperSerializer.Meta):
        fields = PaperSerializer.Meta.fields + ["sections"]
        read_only_fields = fields


class PaperCreateSerializer(serializers.Serializer):
    """POST papers/: a `file` (multipart) or pasted `text` (JSON), into the group `group`."""

    group = serializers.SlugField()
    file = serializers.FileField(required=False, allow_empty_file=True)
    text = serializers.CharField(required=False, trim_whitespace=False, allow_blank=True)
    format = serializers.ChoiceField(choices=["auto", *FORMATS], required=False, default="auto")
    title = serializers.CharField(required=False, allow_blank=True, max_length=1000)

    def validate(self, attrs):
        has_file = "file" in attrs
        has_text = bool(attrs.get("text", "").strip())
        if has_file and has_text:
            raise serializers.ValidationError("Send a file or text, not both.")
        if not has_file and not has_text:
            if "text" in attrs:
                raise serializers.ValidationError({"text": "The text is empty."})
            raise serializers.ValidationError("Send a file (multipart) or the text of the paper.")
        return attrs

    def import_arguments(self) -> dict:
        """Keyword arguments for `paper_import`, less the group (reads the file)."""
        data = self.validated_data
        fmt = None if data["format"] == "auto" else data["format"]
        if "file" in data:
            payload, filename = data["file"].read(), data["file"].name or ""
        else:
            payload, filename = data["text"].encode("utf-8"), ""
        return {
            "data": payload,
            "filename": filename,
            "fmt": fmt,
            "title": data.get("title") or None,
        }


class PaperUpdateSerializer(serializers.ModelSerializer):
    """PATCH papers/{id}/: only the title may change."""

    class Meta:
        model = Paper
        fields = ["title"]

    def validate(self, attrs):
        others = sorted(set(self.initial_data) - set(self.fields))
        if others:
            raise serializers.ValidationError(
                f"Only the title may be changed, not {', '.join(others)}."
            )
        return attrs

    def validate_title(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError("The title may not be empty.")
        return value


class ParagraphSerializer(serializers.ModelSerializer):
    class Meta:
        model = Paragraph
        fields = ["id", "anchor", "position", "section", "kind", "text", "label"]
        read_only_fields = fields


class CitationSerializer(serializers.ModelSerializer):
    anchor = serializers.CharField(source="paragraph.anchor", read_only=True)

    class Meta:
        model = Citation
        fields = ["id", "paragraph", "anchor", "start", "end", "text"]
        read_only_fields = fields


class BlankAsNullField(serializers.CharField):
    """A text stored blank when unknown, shown as null (the export's shape)."""

    def to_representation(self, value):
        return value or None


class ReferenceSerializer(serializers.ModelSerializer):
    anchor = serializers.CharField(read_only=True)
    url = BlankAsNullField(read_only=True, allow_null=True)
    doi = BlankAsNullField(read_only=True, allow_null=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = Reference
        fields = [
            "id",
            "position",
            "anchor",
            "label",
            "text",
            "authors",
            "year",
            "title",
            "url",
            "doi",
            "citations",
        ]
        read_only_fields = fields
