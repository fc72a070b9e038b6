"""Idempotency keys in the database (papers.models.IdempotencyKey).

A POST with a key first claims it: a row with no answer yet, inserted in a transaction of its
own so that the unique (user, key) constraint decides between two requests racing with the same
key, whichever process they run in. The request that inserted the row does the work; then its
answer is kept (`key_finish`) or, when it failed, the key is released (`key_release`) so that a
retry runs again. Rows older than `KEPT_FOR` are deleted whenever a new key is claimed, so the
table holds about a day of keys without a periodic job.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import IdempotencyKey

__all__ = [
    "ABANDONED_AFTER",
    "KEPT_FOR",
    "Claim",
    "KeyInUse",
    "KeyReused",
    "key_claim",
    "key_finish",
    "key_release",
]

# How long a key answers with its first result.
KEPT_FOR = timedelta(hours=24)
# A claim still unanswered after this long belongs to a request that died (its worker was
# killed): no request lives that long (gunicorn's timeout is 60 s), so the key may be used again.
ABANDONED_AFTER = timedelta(minutes=5)


class KeyInUse(Exception):
    """A request with this key is still running (HTTP 409)."""


class KeyReused(Exception):
    """The key was used before with another request (HTTP 422)."""


@dataclass
class Claim:
    record: IdempotencyKey
    # True: the key was answered before and `record` holds that answer; False: the key is the
    # caller's to use, and it must `key_finish` or `key_release` it.
    answered: bool


def _claim_of(record: IdempotencyKey, fingerprint: str) -> Claim:
    if record.fingerprint != fingerprint:
        raise KeyReused
    if record.status is None:
        raise KeyInUse
    return Claim(record=record, answered=True)


def _expired(record: IdempotencyKey, now) -> bool:
    if record.created <= now - KEPT_FOR:
        return True
    return record.status is None and record.created <= now - ABANDONED_AFTER


def key_claim(*, user: AbstractBaseUser, key: str, fingerprint: str) -> Claim:
    """The stored answer for `key` (`answered`), or a new claim on it for this request.

    Raises `KeyReused` when the key came with another request, `KeyInUse` while the request that
    claimed it runs.
    """
    now = timezone.now()
    record = IdempotencyKey.objects.filter(user=user, key=key).first()
    if record is not None:
        if not _expired(record, now):
            return _claim_of(record, fingerprint)
        # Only the row read: a request that has just reclaimed it keeps its own.
        IdempotencyKey.objects.filter(pk=record.pk, created=record.created).delete()
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                user=user, key=key, fingerprint=fingerprint, created=now
            )
    except IntegrityError:
        # Another request inserted it between our read and our insert.
        other = IdempotencyKey.objects.filter(user=user, key=key).first()
        if other is None:  # and it was released meanwhile: still not ours to run
            raise KeyInUse from None
        return _claim_of(other, fingerprint)
    IdempotencyKey.objects.filter(created__lte=now - KEPT_FOR).delete()
    return Claim(record=record, answered=False)


def key_finish(*, record: IdempotencyKey, status: int, body, headers: dict[str, str]) -> None:
    """Keep the answer of the request that claimed the key (`body`: JSON-able, or None)."""
    record.status, record.body, record.headers = status, body, headers
    record.save(update_fields=["status", "body", "headers"])


def key_release(*, record: IdempotencyKey) -> None:
    """Forget a claim whose request failed, so that the same key may be tried again."""
    IdempotencyKey.objects.filter(pk=record.pk, status__isnull=True).delete()
