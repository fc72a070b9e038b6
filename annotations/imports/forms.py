"""The import page's form: the file, and for a Hypothesis file the paper and the default role.

It only validates and normalises; what the file holds is `annotations.imports.import_file`'s to
check (the form cannot tell a native export from a Hypothesis file without reading it).
"""

from django import forms

from papers.models import Paper, ReadingGroup
from papers.services import UploadTooLarge, check_upload_size

from ..models import Role
from ..services import roles_for_group


class RoleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Role) -> str:
        return obj.name  # Role.__str__ names the group too


class ImportForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="A Marginalia JSON export (.json) or a Hypothesis search result (.json).",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    paper = forms.ModelChoiceField(
        queryset=Paper.objects.none(),
        required=False,
        label="Paper",
        empty_label="None (a Marginalia export brings its own papers)",
        help_text="For a Hypothesis file: the paper to anchor on.",
    )
    role = RoleChoiceField(
        queryset=Role.objects.none(),
        required=False,
        to_field_name="slug",
        label="Role",
        help_text="For a Hypothesis file: the role of annotations whose tags name none.",
    )

    # Set when the upload is over the size limit, so the page answers 413 rather than 400.
    too_large = False

    def __init__(self, *args, group: ReadingGroup, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the group's own ready papers: a Hypothesis file anchors on a paper's paragraphs.
        self.fields["paper"].queryset = group.papers.filter(status=Paper.Status.READY).order_by(
            "title", "id"
        )
        roles = roles_for_group(group).active()
        self.fields["role"].queryset = roles
        first = roles.first()
        self.fields["role"].empty_label = (
            f"The group's first role ({first.name})" if first else "The group's first role"
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            # Checked on the size Django already knows, before anything reads the file.
            check_upload_size(upload.size)
        except UploadTooLarge:
            self.too_large = True
            raise
        return upload

    def import_arguments(self) -> dict:
        """Keyword arguments for `import_start` (reads the file: call after `is_valid`)."""
        data = self.cleaned_data
        role = data.get("role")
        return {
            "data": data["file"].read(),
            "paper": data.get("paper"),
            "default_role": role.slug if role is not None else None,
        }
