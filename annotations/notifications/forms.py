"""The account page's e-mail choices for one group (choices.mail_choice_set saves them)."""

from django import forms

from .models import Kind


class MailChoiceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        choices=Kind.choices,
        required=False,  # none ticked: no mail from the group
        widget=forms.CheckboxSelectMultiple,
        label="E-mail me about",
    )
    digest = forms.TypedChoiceField(
        choices=[("0", "One mail per notification"), ("1", "A daily digest")],
        coerce=lambda value: value == "1",
        initial="0",
        widget=forms.RadioSelect,
        label="How",
    )
