"""The cast every test draws on, each with the rights they have.

- owner: created the group; may do everything in it.
- moderator: keeps the group's discussion healthy.
- member: reads and annotates the group's papers.
- outsider: signed in, but not in the group: private things answer 404.
- banned: was a member, now banned: keeps the Membership row (status banned), counts as an
  outsider everywhere and cannot rejoin through an invite.
- anonymous: not signed in: may read public groups only.

Clients built from them: `member_client` and the like for pages (`page_client(user)` for any
user), `member_api` and the like for the API (`signed_in(user)`). The group's `paper` and one of
its paragraphs (`paragraph`) are here too.
"""

import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test import Client
from django.test.testcases import LiveServerThread
from rest_framework.test import APIClient

from papers.models import Membership, ReadingGroup
from tests.papers.makers import make_paper


class _OneRequestAtATime(ThreadedWSGIServer):
    """The live server (browser tests), answering one request at a time when its threads share
    the test's database connection (SQLite in memory: `connections_override`). Two browsers
    polling at once would otherwise use that one sqlite3 connection from two threads together
    ("bad parameter or other API misuse"). Connections stay threaded (keep-alive works); only
    the application is called under a lock. On PostgreSQL, and on the file-based SQLite test
    database the settings now use, each thread has its own connection and nothing is
    serialised; the lock stays for anyone who points the tests at an in-memory database."""

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)
        lock = threading.Lock()

        def serialised(environ, start_response):
            with lock:
                return application(environ, start_response)

        return super().set_app(serialised)


LiveServerThread.server_class = _OneRequestAtATime

# The `browser` fixture (Debian Chromium through Playwright) for every browser test.
pytest_plugins = ["tests.browser"]

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

requires_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(),
    reason=f"the shared corpus is not beside this clone ({CORPUS}); CI always has it",
)


def make_user(username: str, password: str = "pass-1234-word"):
    return get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org", password=password
    )


def make_group(name: str = "Seminar", *, slug: str | None = None, visibility: str = "private"):
    return ReadingGroup.objects.create(
        name=name, slug=slug or name.lower().replace(" ", "-"), visibility=visibility
    )


def join(group, user, role: str = Membership.Role.MEMBER, status: str = "active"):
    return Membership.objects.create(group=group, user=user, role=role, status=status)


@pytest.fixture
def group(db):
    return make_group("Seminar")


@pytest.fixture
def owner(group):
    user = make_user("olive")
    join(group, user, Membership.Role.OWNER)
    return user


@pytest.fixture
def moderator(group):
    user = make_user("mo")
    join(group, user, Membership.Role.MODERATOR)
    return user


@pytest.fixture
def member(group):
    user = make_user("amina")
    join(group, user, Membership.Role.MEMBER)
    return user


@pytest.fixture
def outsider(db):
    return make_user("otto")


@pytest.fixture
def banned(group):
    user = make_user("bea")
    join(group, user, Membership.Role.MEMBER, status=Membership.Status.BANNED)
    return user


@pytest.fixture
def paper(group, owner):
    """A ready paper in the (private) cast group, uploaded by the owner."""
    return make_paper(group, user=owner)


@pytest.fixture
def paragraph(paper):
    """A body paragraph of the makers' paper: "As reader 0 argued (Smith, 2001), readers
    disagree …"."""
    return paper.paragraphs.get(kind="body", text__contains="reader 0")


def page_client(user) -> Client:
    """A browser's client, logged in as `user` (None: anonymous)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def member_client(client, member):
    return _client_for(client, member)


@pytest.fixture
def owner_client(client, owner):
    return _client_for(client, owner)


@pytest.fixture
def moderator_client(client, moderator):
    return _client_for(client, moderator)


@pytest.fixture
def outsider_client(client, outsider):
    return _client_for(client, outsider)


@pytest.fixture
def banned_client(client, banned):
    return _client_for(client, banned)


def signed_in(user) -> APIClient:
    """An API client that calls as `user` (DRF's force_authenticate: no session, no CSRF); with
    None, one that sends no credentials."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def owner_api(owner):
    return signed_in(owner)


@pytest.fixture
def moderator_api(moderator):
    return signed_in(moderator)


@pytest.fixture
def member_api(member):
    return signed_in(member)


@pytest.fixture
def outsider_api(outsider):
    return signed_in(outsider)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads kept by imports (Paper.source_file) go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _clear_cache() -> None:
    """Empty the cache of this test run. On Redis (REDIS_URL) only the keys under this run's
    prefix (settings: per pytest-xdist worker): `clear()` would empty the whole Redis database,
    the other workers' counts and anything else kept there."""
    default = caches["default"]
    if isinstance(default, RedisCache):
        client = default._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """API throttles count requests in the cache: each test starts from zero."""
    _clear_cache()
    yield
    _clear_cache()
