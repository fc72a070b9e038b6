from django import forms
from django.core.exceptions import ValidationError

from .importing import FORMATS
from .importing.detect import NAMES
from .services import UploadTooLarge, check_upload_size


class PaperUploadForm(forms.Form):
    """A file or pasted text, exactly one of them; the import itself is `paper_import`'s job."""

    file = forms.FileField(
        required=False,
        label="File",
        help_text="PDF, DOCX, HTML, JATS XML, Markdown or plain text.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.html,.htm,.xml,.nxml,.md,.markdown,.txt,text/*"}
        ),
    )
    text = forms.CharField(
        required=False,
        strip=False,
        label="Or paste the text",
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
    )
    title = forms.CharField(
        required=False,
        max_length=1000,
        label="Title",
        help_text="Leave empty to use the title found in the document.",
    )
    format = forms.ChoiceField(
        choices=[("auto", "Detect")] + [(f, NAMES[f]) for f in FORMATS],
        initial="auto",
        label="Format",
    )

    # Set when the upload is over the size limit, so the page answers 413 rather than 400.
    too_large = False

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            # Checked on the size Django already knows, before anything reads the file.
            self._check_size(upload.size)
        return upload

    def clean_text(self):
        text = self.cleaned_data.get("text", "")
        if text.strip():
            self._check_size(len(text.encode("utf-8")))
        return text

    def _check_size(self, size: int) -> None:
        try:
            check_upload_size(size)
        except UploadTooLarge:
            self.too_large = True
            raise

    def clean(self):
        data = super().clean()
        has_file = bool(data.get("file"))
        has_text = bool(data.get("text", "").strip())
        if not self.errors:
            if has_file and has_text:
                raise ValidationError("Choose a file or paste the text, not both.")
            if not has_file and not has_text:
                raise ValidationError("Choose a file or paste the text of the paper.")
        return data

    def import_arguments(self) -> dict:
        """Keyword arguments for `paper_import` (reads the file: call after `is_valid`)."""
        data = self.cleaned_data
        fmt = None if data["format"] == "auto" else data["format"]
        if data.get("file"):
            upload = data["file"]
            payload, filename = upload.read(), upload.name or ""
        else:
            payload, filename = data["text"].encode("utf-8"), ""
        return {"data": payload, "filename": filename, "fmt": fmt, "title": data["title"] or None}
