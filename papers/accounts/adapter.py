"""allauth's account adapter: sign-up also sets the new account up (`account_setup`)."""

from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction

from .services import account_setup


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """Save the new user and give them their "My papers" group, both or neither."""
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                account_setup(user=user)
        return user
