"""Accounts: a new user's setup, the API token, and checking a password outside the login page.

Writes own their transaction.
"""

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.utils import has_verified_email
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from rest_framework.authtoken.models import Token

from ..groups import group_create
from ..models import Membership, ReadingGroup

__all__ = [
    "PERSONAL_GROUP_NAME",
    "LoginRefused",
    "LoginThrottled",
    "account_authenticate",
    "account_setup",
    "api_token_get",
    "api_token_regenerate",
    "personal_group_of",
]

PERSONAL_GROUP_NAME = "My papers"


def personal_group_of(user: AbstractBaseUser) -> ReadingGroup | None:
    """The user's personal group ("My papers"), or None when they have none yet."""
    return (
        ReadingGroup.objects.filter(
            personal=True,
            memberships__user=user,
            memberships__role=Membership.Role.OWNER,
        )
        .order_by("pk")
        .first()
    )


def account_setup(*, user: AbstractBaseUser) -> ReadingGroup:
    """What every account starts with: a private "My papers" group the user owns.

    Idempotent: a user who has theirs keeps it (the `demo` command calls this on every run).
    """
    with transaction.atomic():
        group = personal_group_of(user)
        if group is None:
            group = group_create(owner=user, name=PERSONAL_GROUP_NAME, personal=True)
        return group


def api_token_get(*, user: AbstractBaseUser) -> Token:
    """The user's API token, made on first use (the account page, or the token endpoint)."""
    token, _ = Token.objects.get_or_create(user=user)
    return token


def api_token_regenerate(*, user: AbstractBaseUser) -> Token:
    """A new API token for the user; the old one stops working at once."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user)


class LoginRefused(ValidationError):
    """Wrong credentials, or an account that may not log in yet."""


class LoginThrottled(LoginRefused):
    """Too many failed attempts for this client address or this account (HTTP 429)."""


def account_authenticate(*, request: HttpRequest, login: str, password: str) -> AbstractBaseUser:
    """The user with this username or e-mail address and password, for the API's token endpoint.

    Goes through allauth as the login page does, so failed attempts count against the same
    limits (`ACCOUNT_RATE_LIMITS["login_failed"]`: per client address and per account), and an
    account whose e-mail address is unconfirmed is refused when confirmation is mandatory.
    """
    try:
        user = get_adapter(request).authenticate(request, username=login, password=password)
    except ValidationError as exc:  # allauth's only refusal here: the failed-login limit
        raise LoginThrottled(exc.messages) from None
    if user is None:
        raise LoginRefused("Unable to log in with the username or e-mail address and password.")
    mandatory = allauth_settings.EmailVerificationMethod.MANDATORY
    if allauth_settings.EMAIL_VERIFICATION == mandatory and not has_verified_email(user):
        raise LoginRefused("Confirm your e-mail address first (see the mail we sent you).")
    return user
