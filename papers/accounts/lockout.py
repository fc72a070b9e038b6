"""Failed logins counted per client address, without locking out everyone behind that address.

allauth counts failed logins per account (`ACCOUNT_RATE_LIMITS["login_failed"]`, `key`): past
that limit the account refuses even the right password, from anywhere, until the window passes.
Its per-address count (`ip`) would do the same for every account at one address, so that a burst
of failures from an office behind one NAT (one person's stale password in a script) locks all of
its people out. That part of the limit is ours instead (`login_failed_address`, counted with
allauth's machinery in the same cache): past it, an attempt from the address is refused unless
the password is right for an account that has signed in from this address before (within
`KNOWN_FOR`). A guesser spraying one password over many accounts from one address still stops
at the limit (the accounts it tries have never signed in from there), the colleagues who sign
in from the office every day do not, and each account keeps its own limit either way.
"""

import hashlib
from datetime import timedelta

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.http import HttpRequest

ADDRESS_ACTION = "login_failed_address"
# How long a successful sign-in vouches for an account at an address.
KNOWN_FOR = timedelta(days=30)


def address_over_limit(request: HttpRequest) -> bool:
    """Whether the client's address has used up its failed logins (nothing is counted)."""
    return not ratelimit.consume(request, action=ADDRESS_ACTION, dry_run=True)


def address_failed(request: HttpRequest) -> None:
    """Count one failed login against the client's address."""
    ratelimit.consume(request, action=ADDRESS_ACTION)


def _known_key(request: HttpRequest, user: AbstractBaseUser) -> str:
    # The address as the rate limits see it (MARGINALIA_TRUSTED_PROXIES), hashed: the cache
    # holds no addresses. An IPv6 client whose address changes within its network is simply
    # not known there yet.
    address = get_adapter(request).get_client_ip(request)
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"login-known:{digest}:{user.pk}"


def address_remember(request: HttpRequest, user: AbstractBaseUser) -> None:
    """Note that `user` signed in from the client's address."""
    cache.set(_known_key(request, user), 1, int(KNOWN_FOR.total_seconds()))


def address_known(request: HttpRequest, user: AbstractBaseUser) -> bool:
    return cache.get(_known_key(request, user)) is not None
