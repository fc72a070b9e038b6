"""Marginalia settings: one module, every value read from the environment.

With nothing set the app runs on SQLite in the project folder with DEBUG off; `make run` sets the
development values (DJANGO_DEBUG=1). See docs/configuration.md for the full list.
"""

import os
from pathlib import Path

import dj_database_url
import django
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str = "0") -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG")
# Set for the test suite only, by pytest itself (pyproject.toml's `env`, through pytest-env,
# before pytest-django loads these settings). The suite runs with DEBUG off, as production does,
# and gets a key that is never real, immediate tasks and a test database file of its own.
TESTING = envbool("MARGINALIA_TESTING")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # full-text search on PostgreSQL (annotations.search)
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    *([] if django.VERSION >= (6, 0) else ["django_tasks"]),  # the backport on Django 5.2
    "django_tasks_db",
    "papers",
    "annotations",
]

MIDDLEWARE = [
    # First: a database error anywhere inside answers 503 with Retry-After (papers/web/outage.py).
    "papers.web.outage.DatabaseOutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A NUL in a query parameter is a 400 before any view (papers/web/nul.py).
    "papers.web.nul.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The moderation badge in the navigation (lazy: no query unless shown).
                "annotations.moderation.context_processors.moderation",
                # The notifications bell in the navigation (lazy: one query, only when shown).
                "annotations.notifications.context_processors.bell",
            ],
        },
    },
]

# No DATABASE_URL: a SQLite file in the project folder, with a busy timeout so that the dev
# server and a management command can write at the same time.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0 if "sqlite" in os.environ.get("DATABASE_URL", "sqlite") else 600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    if TESTING:
        # A file, not SQLite's shared in-memory database: the live server's threads then get
        # connections of their own and wait on the busy timeout, where an in-memory database
        # shared between the test thread and the server's answers "table is locked". Kept
        # between runs (`--reuse-db`). Each pytest-xdist worker gets a file of its own:
        # pytest-django appends the worker's id (`.test-db.sqlite3_gw0`, `_gw1`, …), as it
        # makes `test_<name>_gw0` on PostgreSQL. MARGINALIA_TEST_DB names another file (the
        # workers' ids are appended to it too), so that two runs at once need not share one.
        DATABASES["default"]["TEST"] = {
            "NAME": os.environ.get("MARGINALIA_TEST_DB") or str(BASE_DIR / ".test-db.sqlite3")
        }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a plan to machine code when its estimated cost is high: a search
    # matching thousands of entries spent 1.3 to 1.6 s compiling and a few hundred ms running
    # (docs/search.md). The app's queries are short; off for its connections unless the URL's
    # `options` says otherwise.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the rate limits (allauth's ACCOUNT_RATE_LIMITS, the API's throttles) and
# nothing else the app needs to keep. In each process's memory by default (`make run` needs
# nothing), where N web processes give a client N times its limits and a restart forgets them;
# REDIS_URL (`redis://host:6379/0`) shares one count between every process and host. The key
# prefix lets several sites (or a staging copy) share one Redis; the test suite adds the
# pytest-xdist worker's id so that parallel workers never count each other's requests.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
_cache_prefix = os.environ.get("MARGINALIA_CACHE_PREFIX", "marginalia").strip()
if TESTING:
    _cache_prefix += "-test-" + os.environ.get("PYTEST_XDIST_WORKER", "main")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"REDIS_URL must be a redis:// URL, not {REDIS_URL!r}")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _cache_prefix,
            # A Redis that does not answer fails the request within a second or two instead of
            # holding a web worker (redis-py waits forever by default).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": _cache_prefix,
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "papers:home"
LOGOUT_REDIRECT_URL = "papers:home"

# Accounts: django-allauth (sign-up, login by username or e-mail, e-mail confirmation, password
# reset, rate limits). The adapter gives every new user a private "My papers" group. See
# docs/configuration.md and papers/accounts/.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",  # the admin, and `authenticate(username=…)`
    "allauth.account.auth_backends.AuthenticationBackend",  # username or e-mail
]
ACCOUNT_ADAPTER = "papers.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {  # allauth's forms with the project's wording (labels, help)
    "login": "papers.accounts.forms.LoginForm",
    "signup": "papers.accounts.forms.SignupForm",
    "reset_password": "papers.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "papers.accounts.forms.ResetPasswordKeyForm",
    "change_password": "papers.accounts.forms.ChangePasswordForm",
    "set_password": "papers.accounts.forms.SetPasswordForm",
    "add_email": "papers.accounts.forms.AddEmailForm",
}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
_verification_methods = ("none", "optional", "mandatory")
# optional: a confirmation mail is sent and the user may log in at once; mandatory: not before
# the address is confirmed; none: no mail.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("MARGINALIA_EMAIL_VERIFICATION", "optional").strip()
if ACCOUNT_EMAIL_VERIFICATION not in _verification_methods:
    raise ImproperlyConfigured(
        f"MARGINALIA_EMAIL_VERIFICATION must be one of {', '.join(_verification_methods)}, "
        f"not {ACCOUNT_EMAIL_VERIFICATION!r}"
    )
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Marginalia] "
ACCOUNT_LOGOUT_ON_GET = False  # logging out is a POST (a GET shows a confirmation)
# Limits per client address (ip), per account or e-mail address (key) and per signed-in user,
# counted in the cache. allauth's defaults, written out, with fewer reset mails per address.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Failed logins, on the page and on the API's token endpoint alike. Per account (`key`):
    # past the limit even the right password is refused, from anywhere, until the window has
    # passed. No `ip` part here: allauth would then refuse every account at that address.
    "login_failed": "5/5m/key",
    # Ours (papers/accounts/lockout.py): failed logins per address; past the limit the address
    # may still sign in to accounts that have signed in from it before, and to no other.
    "login_failed_address": "10/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,3/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "confirm_email": "1/3m/key",
}
# Behind a load balancer the client address is the last but N of X-Forwarded-For; 0 trusts no
# proxy (REMOTE_ADDR). Used by the rate limits of accounts and of the API alike.
MARGINALIA_TRUSTED_PROXIES = envint("MARGINALIA_TRUSTED_PROXIES", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = MARGINALIA_TRUSTED_PROXIES

# E-mail (confirmations, password resets): printed on the console unless EMAIL_HOST names an
# SMTP server. Django 6.1 configures mailers in MAILERS; 5.2 has the EMAIL_* settings.
_smtp_host = os.environ.get("EMAIL_HOST", "").strip()
if _smtp_host:
    _mail_backend = "django.core.mail.backends.smtp.EmailBackend"
    _mail_options = {
        "host": _smtp_host,
        "port": envint("EMAIL_PORT", 587),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        # STARTTLS on 587 by default; EMAIL_USE_SSL=1 for implicit TLS (port 465) instead.
        "use_ssl": envbool("EMAIL_USE_SSL"),
        "timeout": envint("EMAIL_TIMEOUT", 20),
    }
    _mail_options["use_tls"] = envbool("EMAIL_USE_TLS", "0" if _mail_options["use_ssl"] else "1")
    if _mail_options["use_tls"] and _mail_options["use_ssl"]:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on")
else:
    _mail_backend = "django.core.mail.backends.console.EmailBackend"
    _mail_options = {}
if django.VERSION >= (6, 1):
    MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
else:
    EMAIL_BACKEND = _mail_backend
    if _smtp_host:
        EMAIL_HOST = _smtp_host
        EMAIL_PORT = _mail_options["port"]
        EMAIL_HOST_USER = _mail_options["username"]
        EMAIL_HOST_PASSWORD = _mail_options["password"]
        EMAIL_USE_TLS = _mail_options["use_tls"]
        EMAIL_USE_SSL = _mail_options["use_ssl"]
        EMAIL_TIMEOUT = _mail_options["timeout"]
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Marginalia <marginalia@localhost>")
# The sender of error reports to ADMINS (none are set: errors go to the log).
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # The manifest needs `collectstatic`; development and tests serve the files as they are.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Serve files straight from STATICFILES_DIRS in development and tests (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads: the limit applies to the file field and to pasted text alike (413 over it).
MARGINALIA_MAX_UPLOAD_MB = envint("MARGINALIA_MAX_UPLOAD_MB", 50)
MARGINALIA_MAX_UPLOAD_BYTES = MARGINALIA_MAX_UPLOAD_MB * 1024 * 1024
# Where the site is seen from outside: e-mails sent outside a request (new flags) link to it.
MARGINALIA_SITE_URL = os.environ.get("MARGINALIA_SITE_URL", "http://localhost:8000").rstrip("/")
DATA_UPLOAD_MAX_MEMORY_SIZE = MARGINALIA_MAX_UPLOAD_BYTES + 1024 * 1024
# Quotas (docs/configuration.md): annotations one paper may hold, whatever writes them (400
# past it), and annotations plus comments one import file may bring (413 past it).
MARGINALIA_MAX_ANNOTATIONS_PER_PAPER = envint("MARGINALIA_MAX_ANNOTATIONS_PER_PAPER", 20000)
MARGINALIA_MAX_IMPORT_ITEMS = envint("MARGINALIA_MAX_IMPORT_ITEMS", 10000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Uploaded originals (papers.Paper.source_file), kept for the import worker and for re-imports.
# Never served at a URL: a paper's file is as private as its group. Several hosts need a shared
# storage here (django-storages; see docs/deploy.md).
MEDIA_ROOT = Path(os.environ.get("MARGINALIA_MEDIA_ROOT") or BASE_DIR / "media")

# Imports of files from this size on run as a background task (papers.tasks); smaller ones
# answer at once. Formats read by C libraries (PDF, DOCX, HTML, JATS) are parsed in a child
# process with a wall-clock and a memory limit (papers/importing/isolation.py).
MARGINALIA_ASYNC_IMPORT_BYTES = envint("MARGINALIA_ASYNC_IMPORT_BYTES", 1024 * 1024)
MARGINALIA_IMPORT_TIMEOUT = envint("MARGINALIA_IMPORT_TIMEOUT", 120)
MARGINALIA_IMPORT_MEMORY_MB = envint("MARGINALIA_IMPORT_MEMORY_MB", 2048)
# A running background import touches its heartbeat this often (papers.heartbeat); one silent
# for MARGINALIA_IMPORT_STALE_SECONDS lost its worker and is marked failed (papers.recovery,
# `manage.py recover_imports`). The stale time measures silence, not the import's length: a few
# heartbeats and a margin (docs/configuration.md says why it need not exceed the timeout).
MARGINALIA_IMPORT_HEARTBEAT_SECONDS = envint("MARGINALIA_IMPORT_HEARTBEAT_SECONDS", 5)
MARGINALIA_IMPORT_STALE_SECONDS = envint(
    "MARGINALIA_IMPORT_STALE_SECONDS", 3 * MARGINALIA_IMPORT_HEARTBEAT_SECONDS + 15
)
if MARGINALIA_IMPORT_HEARTBEAT_SECONDS < 1:
    raise ImproperlyConfigured("MARGINALIA_IMPORT_HEARTBEAT_SECONDS must be 1 or more")
if MARGINALIA_IMPORT_STALE_SECONDS < 3 * MARGINALIA_IMPORT_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "MARGINALIA_IMPORT_STALE_SECONDS must be at least 3 heartbeats "
        f"({3 * MARGINALIA_IMPORT_HEARTBEAT_SECONDS} s), or live imports would be marked failed"
    )

# Background tasks (django.tasks): "database" queues them in the database for `manage.py
# db_worker` (django-tasks-db); "immediate" runs them in the process that enqueues them (the
# tests' default, and a way to develop without a worker).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend"
    if django.VERSION >= (6, 0)
    else "django_tasks.backends.immediate.ImmediateBackend",
}
MARGINALIA_TASKS_BACKEND = os.environ.get(
    "MARGINALIA_TASKS_BACKEND", "immediate" if TESTING else "database"
).strip()
if MARGINALIA_TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"MARGINALIA_TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, "
        f"not {MARGINALIA_TASKS_BACKEND!r}"
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[MARGINALIA_TASKS_BACKEND]}}

# What a ban and an unban do beyond the membership: papers.groups.member_ban/member_unban call
# these by dotted path inside their transaction (papers never imports annotations; config wires
# the two together). The annotations app hides a banned member's posts when the group chose so
# and shows them again on unban. Empty (or a missing key): nothing is called.
MARGINALIA_BAN_CONSEQUENCES = {
    "ban": "annotations.moderation.bans.hide_banned_posts",
    "unban": "annotations.moderation.bans.show_unbanned_posts",
}

# The overview of each paper on the group page (tags per role, threads, agreement, last
# activity, the roles along the paper): papers.views calls this dotted path as
# `paper_overviews(user, papers) -> {paper id: overview}` and hands each overview to the template
# annotations/insights/_paper_overview.html (papers never imports annotations; config wires the
# two together). Empty: no overviews, the list of papers alone.
MARGINALIA_PAPER_OVERVIEWS = "annotations.insights.overview.paper_overviews"

# The group's recent activity on its page (papers, annotations, comments, newest first):
# papers.views calls this dotted path as `activity_page(user, group, page) -> page of items`
# (`page`: the `?activity_page=` asked for) and hands it to the template
# annotations/activity/_group_activity.html. Empty: no activity on the group page.
MARGINALIA_GROUP_ACTIVITY = "annotations.activity.page.activity_page"

# Called with a paper whose title, authors, abstract or paragraphs were just written
# (papers.saving.paper_save, papers.services.paper_rename), inside their transaction: the search
# index follows (papers never imports annotations; config wires the two together). Empty:
# nothing is called.
MARGINALIA_PAPER_TEXT_SAVED = "annotations.search.index.paper_index"
# A paper ready to read in a group (papers.saving.paper_save) and a member joined through an
# invite link (papers.groups.invite_accept): the notifications tell the people concerned.
MARGINALIA_PAPER_ADDED = "annotations.notifications.services.paper_added"
MARGINALIA_MEMBER_JOINED = "annotations.notifications.services.member_joined"
# The account page's "E-mail from your groups" (papers.accounts.views): called with the request,
# returns the section's HTML, forms that post to the notifications' own view.
MARGINALIA_ACCOUNT_MAIL = "annotations.notifications.mail_views.account_mail_section"
# How often the navigation's bell asks for the unread count (static/notifications/bell.js), in
# milliseconds; it waits while the tab is hidden and longer after an error.
MARGINALIA_BELL_POLL_MS = envint("MARGINALIA_BELL_POLL_MS", 30000)
# The reading page draws this many annotations at most (shared fairly between paragraphs; the
# others are counted beside their paragraph and fetched when it comes into view), and the script
# fetches this many at most for one paragraph: the page's cost stays bounded (docs/workspace.md).
MARGINALIA_PAGE_HIGHLIGHTS = envint("MARGINALIA_PAGE_HIGHLIGHTS", 2000)

REST_FRAMEWORK = {
    # Token first: its `WWW-Authenticate` header turns "no credentials" into 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # DRF's parsers, the JSON one with a limit on nesting (deep JSON is a 400, not a 500).
    "DEFAULT_PARSER_CLASSES": [
        "papers.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "papers.api.base.exception_handler",
    # DRF's browsable API with a Content-Security-Policy of its own (papers/web/csp.py).
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "papers.web.csp.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("MARGINALIA_THROTTLE_ANON", "300/minute"),
        "user": os.environ.get("MARGINALIA_THROTTLE_USER", "1200/minute"),
        # POST /api/v1/auth/token/, per client address (failed attempts also count against the
        # account, as on the login page: ACCOUNT_RATE_LIMITS["login_failed"]).
        "auth-token": os.environ.get("MARGINALIA_THROTTLE_AUTH_TOKEN", "10/minute"),
        # POST /api/v1/preview/ (the note editor's Markdown preview), per user.
        "preview": os.environ.get("MARGINALIA_THROTTLE_PREVIEW", "120/minute"),
    },
    # 0: the client is REMOTE_ADDR; a client's own X-Forwarded-For never picks its throttle.
    "NUM_PROXIES": MARGINALIA_TRUSTED_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Marginalia API",
    "DESCRIPTION": "Reading groups, papers and their structure, annotations.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # No CDN: Swagger UI and Redoc are served from the drf-spectacular-sidecar package.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # drf-spectacular's own hook, then the error answers every operation may give (JSON).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "papers.api.schema.document_errors",
    ],
    # Two choice sets share a field name: a member's role and the role an invite grants, a
    # member's status and a paper's. Named here so the schema's enums read well.
    "ENUM_NAME_OVERRIDES": {
        "MemberRoleEnum": "papers.models.Membership.Role",
        "InviteRoleEnum": "papers.models.Invite.Role",
        "MemberStatusEnum": "papers.models.Membership.Status",
        "PaperStatusEnum": "papers.models.Paper.Status",
        "GroupVisibilityEnum": "papers.models.ReadingGroup.Visibility",
        "AnnotationVisibilityEnum": "annotations.models.Annotation.Visibility",
        "AnnotationStatusEnum": "annotations.models.Status",
        "ItemTypeEnum": "annotations.moderation.serializers.ITEM_TYPES",
        "AuditTargetTypeEnum": "papers.models.AuditEntry.TargetType",
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SESSION_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", "1")
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Links in mails (e-mail confirmation, password reset) are https whenever the cookies are.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG and SESSION_COOKIE_SECURE else "http"
# HTTPS, switched on from the environment (docs/deploy.md): off by default so that `make run` and
# a plain-HTTP staging set-up work. Start HSTS with a short max-age: a browser remembers it.
SECURE_HSTS_SECONDS = envint("DJANGO_SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = envbool("DJANGO_SECURE_HSTS_PRELOAD")
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT")
# The load balancer's health check may come over plain HTTP: never redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# "HTTP_X_FORWARDED_PROTO,https": the request is secure when the balancer, which must always
# overwrite that header, says so. Unset: only the connection itself counts.
_proxy_ssl_header = envlist("DJANGO_SECURE_PROXY_SSL_HEADER", "")
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise ImproperlyConfigured(
        "DJANGO_SECURE_PROXY_SSL_HEADER must be a header and a value, "
        f"like HTTP_X_FORWARDED_PROTO,https; not {os.environ['DJANGO_SECURE_PROXY_SSL_HEADER']!r}"
    )
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) or None

# While the database cannot be reached, pages and the API answer 503 with this Retry-After
# (seconds); papers/web/outage.py.
MARGINALIA_RETRY_AFTER = envint("MARGINALIA_RETRY_AFTER", 5)

# Content-Security-Policy (Django's own, 6.0+; docs/configuration.md). Scripts only from the
# app's own files: no inline script, no eval. Styles from its files, plus <style> blocks that
# carry the request's nonce (the role colours a group chose, papers/web/csp.py says why); no
# style="" attributes. Pages that cannot live with it (Swagger UI, DRF's browsable API) relax
# it for themselves only (papers.web.csp). MARGINALIA_CSP_REPORT_ONLY=1 sends the same policy
# as report-only instead, to try it on a running site.
if django.VERSION >= (6, 0):
    from django.utils.csp import CSP

    MARGINALIA_CSP = {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF],
        "style-src": [CSP.SELF, CSP.NONCE],
        "object-src": [CSP.NONE],
        "base-uri": [CSP.SELF],
        "form-action": [CSP.SELF],
        "frame-ancestors": [CSP.NONE],
    }
    if _csp_report_uri := os.environ.get("MARGINALIA_CSP_REPORT_URI", "").strip():
        MARGINALIA_CSP["report-uri"] = [_csp_report_uri]
    if envbool("MARGINALIA_CSP_REPORT_ONLY"):
        SECURE_CSP, SECURE_CSP_REPORT_ONLY = {}, MARGINALIA_CSP
    else:
        SECURE_CSP, SECURE_CSP_REPORT_ONLY = MARGINALIA_CSP, {}
    MIDDLEWARE.insert(
        MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
        "django.middleware.csp.ContentSecurityPolicyMiddleware",
    )
    # `csp_nonce` in templates: <style nonce="{{ csp_nonce }}">.
    TEMPLATES[0]["OPTIONS"]["context_processors"].append("django.template.context_processors.csp")
else:  # Django 5.2 (Python 3.11) has no CSP support: no header at all (docs/configuration.md).
    MARGINALIA_CSP = {}

LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "WARNING")
# The task loggers get the console handler of their own, so that `db_worker`, which raises their
# level to INFO, uses it instead of adding a second one (every line twice).
TASK_LOGGER = {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.tasks": {**TASK_LOGGER}, "django_tasks_db": {**TASK_LOGGER}},
}
