"""The forms of the moderation pages: they read and normalise what the moderator sent; the pages'
views look the items up (404 outside the groups the moderator moderates) and annotations.moderation
acts."""

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError

from papers.models import AuditEntry

from ..models import Flag
from ..permissions import ACTIONS
from .queue import KINDS, TARGET_TYPES, QueueFilters
from .services import MAX_REASON

ACTION_LABELS = {
    AuditEntry.Action.HIDE: "Hide",
    AuditEntry.Action.UNHIDE: "Unhide",
    AuditEntry.Action.APPROVE: "Approve",
    AuditEntry.Action.REJECT: "Reject",
}
# What the success message says: "Hid 2 items."
ACTION_DONE = {action: AuditEntry.Action(action).label for action in ACTIONS}
BAN = "ban"


class _Filters(forms.Form):
    """A GET form of optional choices; `query()` gives the chosen ones back as a query string."""

    def query(self) -> str:
        data = getattr(self, "cleaned_data", {})
        return urlencode({name: value for name, value in data.items() if value})


class QueueFilterForm(_Filters):
    group = forms.ChoiceField(required=False, label="Group")
    paper = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Paper")
    kind = forms.ChoiceField(
        required=False,
        label="Waiting because",
        choices=[("", "Flagged or pending"), ("flagged", "Flagged"), ("pending", "Pending")],
    )
    reason = forms.ChoiceField(
        required=False, label="Flag reason", choices=[("", "Any")] + Flag.Reason.choices
    )
    type = forms.ChoiceField(
        required=False,
        label="Kind of post",
        choices=[("", "Annotations and comments"), ("annotation", "Annotations")]
        + [("comment", "Comments")],
    )

    def __init__(self, *args, groups, papers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "All my groups")] + [(g.slug, g.name) for g in groups]
        self.fields["paper"].choices = [("", "All papers")] + [(p.pk, p.title) for p in papers]

    def filters(self) -> QueueFilters:
        """The queue's filters from the valid choices (an unknown one is dropped, and said)."""
        data = self.cleaned_data if self.is_bound else {}
        return QueueFilters(
            group=data.get("group") or None,
            paper=data.get("paper") or None,
            kind=data.get("kind") if data.get("kind") in KINDS else None,
            reason=data.get("reason") or None,
            target_type=data.get("type") if data.get("type") in TARGET_TYPES else None,
        )


class ItemsField(forms.Field):
    """Posts named "annotation:12" or "comment:5", one value each: a list of (type, id)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[tuple[str, int]]:
        items = []
        for raw in value or []:
            kind, _, number = str(raw).partition(":")
            if kind not in TARGET_TYPES or not number.isdigit():
                raise ValidationError(f"“{raw}” names no annotation or comment.")
            items.append((kind, int(number)))
        return list(dict.fromkeys(items))

    def validate(self, value) -> None:
        if self.required and not value:
            raise ValidationError("Tick at least one post.")


class ActionForm(forms.Form):
    """One action on one post (its own form) or on the ticked ones (the bulk form)."""

    items = ItemsField()
    action = forms.ChoiceField(choices=[*ACTION_LABELS.items(), (BAN, "Ban the author")])
    reason = forms.CharField(required=False, max_length=MAX_REASON, label="Reason")
    # The queue's filters the page had, as a query string: the answer goes back to them.
    filters = forms.CharField(required=False, widget=forms.HiddenInput)


class NotifyForm(forms.Form):
    group = forms.SlugField()
    notify = forms.BooleanField(required=False, label="E-mail me about new flags")
    filters = forms.CharField(required=False, widget=forms.HiddenInput)


class LogFilterForm(_Filters):
    group = forms.ChoiceField(required=False, label="Group")
    action = forms.ChoiceField(
        required=False, label="Action", choices=[("", "Any")] + AuditEntry.Action.choices
    )
    target_type = forms.ChoiceField(
        required=False, label="About", choices=[("", "Anything")] + AuditEntry.TargetType.choices
    )
    actor = forms.CharField(required=False, max_length=150, label="Moderator")

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "All my groups")] + [(g.slug, g.name) for g in groups]
        self.fields["actor"].widget.attrs["placeholder"] = "Username"

    def narrow(self, entries):
        data = self.cleaned_data if self.is_bound else {}
        if data.get("group"):
            entries = entries.filter(group__slug=data["group"])
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("target_type"):
            entries = entries.filter(target_type=data["target_type"])
        if data.get("actor", "").strip():
            entries = entries.filter(actor_name__iexact=data["actor"].strip())
        return entries
