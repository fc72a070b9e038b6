"""allauth's forms with the project's wording: labels in sentence case, help where it helps, no
placeholders repeating the label (ACCOUNT_FORMS in config/settings.py)."""

from allauth.account import forms as allauth_forms


class _Worded:
    """Sets `labels` and `help_texts` on the fields a form has, and drops placeholders."""

    labels: dict[str, str] = {}
    help_texts: dict[str, str] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]
            if name in self.help_texts:
                field.help_text = self.help_texts[name]


NEW_PASSWORD = {"password1": "New password", "password2": "New password again"}


class LoginForm(_Worded, allauth_forms.LoginForm):
    labels = {"login": "Username or e-mail address", "remember": "Keep me logged in"}
    # The page links to the password reset under the form.
    help_texts = {"password": ""}


class SignupForm(_Worded, allauth_forms.SignupForm):
    labels = {"email": "E-mail address", "password2": "Password again"}
    help_texts = {
        "email": "For the confirmation link and password resets; never shown to others.",
        "username": "Shown beside what you write. Letters, digits and @ . + - _ only.",
    }


class ResetPasswordForm(_Worded, allauth_forms.ResetPasswordForm):
    labels = {"email": "E-mail address"}


class ResetPasswordKeyForm(_Worded, allauth_forms.ResetPasswordKeyForm):
    labels = NEW_PASSWORD


class ChangePasswordForm(_Worded, allauth_forms.ChangePasswordForm):
    labels = {"oldpassword": "Current password", **NEW_PASSWORD}
    help_texts = {"oldpassword": ""}


class SetPasswordForm(_Worded, allauth_forms.SetPasswordForm):
    labels = {"password2": "Password again"}


class AddEmailForm(_Worded, allauth_forms.AddEmailForm):
    labels = {"email": "E-mail address"}
