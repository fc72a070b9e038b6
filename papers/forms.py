from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from .groups import PREMODERATION_ITEMS
from .importing import FORMATS
from .importing.detect import NAMES
from .models import AuditEntry, Invite, Membership, ReadingGroup
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


# Groups, members, invites: the forms normalise input; papers.groups does the writing.

INVITE_EXPIRY = {
    "1d": ("1 day", timedelta(days=1)),
    "7d": ("7 days", timedelta(days=7)),
    "30d": ("30 days", timedelta(days=30)),
    "never": ("Never", None),
}


class GroupForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name")
    description = forms.CharField(
        required=False,
        label="Description",
        help_text="What the group reads, and when it meets.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    visibility = forms.ChoiceField(
        choices=ReadingGroup.Visibility.choices,
        initial=ReadingGroup.Visibility.PRIVATE,
        label="Who can read it",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, group: ReadingGroup | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if group is not None and group.personal:
            # A personal group is always private: nothing to choose.
            del self.fields["visibility"]

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("A group needs a name.")
        return name


class GroupSettingsForm(GroupForm):
    premoderation = forms.ChoiceField(
        choices=ReadingGroup.Premoderation.choices,
        initial=ReadingGroup.Premoderation.OFF,
        label="Posts waiting for a moderator",
        help_text="Waiting posts are seen only by their author and the moderators until "
        "approved. Owners' and moderators' own posts never wait.",
    )
    premoderation_items = forms.IntegerField(
        required=False,  # empty: unchanged
        min_value=PREMODERATION_ITEMS[0],
        max_value=PREMODERATION_ITEMS[1],
        initial=3,
        label="How many of a new member's first posts wait",
        help_text="With “New members' posts”: once this many of their posts are visible, "
        "the rest appear at once.",
    )
    hide_banned_posts = forms.BooleanField(
        required=False,
        label="Hide a member's posts when they are banned",
        help_text="They are shown again if the ban is lifted. Unticked: their posts stay.",
    )

    FIELDS = ("name", "description", "visibility", "premoderation", "premoderation_items")
    FIELDS += ("hide_banned_posts",)

    def __init__(self, *args, group: ReadingGroup | None = None, **kwargs):
        super().__init__(*args, group=group, **kwargs)
        if group is not None and group.personal:
            # Nobody else posts in a personal group: nothing to moderate.
            for name in ("premoderation", "premoderation_items", "hide_banned_posts"):
                del self.fields[name]


class GroupDeleteForm(forms.Form):
    """Deleting needs the group's name typed out, so that no stray click deletes a group."""

    confirm = forms.CharField(label="Type the group's name to confirm", max_length=200)

    def __init__(self, *args, group: ReadingGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["confirm"].widget.attrs["autocomplete"] = "off"

    def clean_confirm(self) -> str:
        typed = " ".join(self.cleaned_data["confirm"].split())
        if typed != self.group.name:
            raise ValidationError(f"Type the name exactly as shown: {self.group.name}")
        return typed


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices, label="Role")


class MemberReasonForm(forms.Form):
    """Ban and unban: an optional reason, kept in the group's audit log."""

    reason = forms.CharField(required=False, max_length=AuditEntry.MAX_REASON, label="Reason")


class InviteForm(forms.Form):
    role = forms.ChoiceField(choices=Invite.Role.choices, initial="member", label="Joins as")
    expires_in = forms.ChoiceField(
        choices=[(key, label) for key, (label, _delta) in INVITE_EXPIRY.items()],
        initial="7d",
        label="Expires after",
    )
    max_uses = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10000,
        label="Uses",
        help_text="Empty: no limit.",
        widget=forms.NumberInput(attrs={"placeholder": "No limit"}),
    )

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        # Member first: the usual link.
        self.fields["role"].choices = sorted(
            (c for c in Invite.Role.choices if c[0] in roles), key=lambda c: c[0] != "member"
        )
        if len(roles) == 1:
            self.fields["role"].widget = forms.HiddenInput()
            self.fields["role"].initial = roles[0]

    def invite_arguments(self) -> dict:
        """Keyword arguments for `invite_create`, less the actor and group."""
        delta = INVITE_EXPIRY[self.cleaned_data["expires_in"]][1]
        return {
            "role": self.cleaned_data["role"],
            "expires": timezone.now() + delta if delta is not None else None,
            "max_uses": self.cleaned_data["max_uses"],
        }
