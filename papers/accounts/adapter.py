"""allauth's account adapter: sign-up also sets the new account up (`account_setup`), and failed
logins per address lock out only who is not known there (`lockout.py`)."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.db import transaction

from . import lockout
from .services import account_setup


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """Save the new user and give them their "My papers" group, both or neither."""
        with transaction.atomic():
            user = super().save_user(request, user, form, commit=commit)
            if commit:
                account_setup(user=user)
        return user

    def authenticate(self, request, **credentials):
        """allauth's check (with the account's own failed-login limit), then the address's.

        The login page and the API's token endpoint both come here.
        """
        over = lockout.address_over_limit(request)
        try:
            user = super().authenticate(request, **credentials)
        except ValidationError:  # the account's own limit: still a failure from the address
            lockout.address_failed(request)
            raise
        if user is None:
            lockout.address_failed(request)
            if over:
                raise self.validation_error("too_many_login_attempts")
            return None
        if over and not lockout.address_known(request, user):
            raise self.validation_error("too_many_login_attempts")
        lockout.address_remember(request, user)
        return user

    def login(self, request, user):
        """Any sign-in (after sign-up, a confirmation or a reset too) vouches for the address."""
        super().login(request, user)
        lockout.address_remember(request, user)
