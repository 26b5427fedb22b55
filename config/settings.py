"""Settings for AI 뉴스 보드, driven by environment variables.

Development needs nothing set: SQLite in the project folder, the local-memory cache,
DEBUG on. Production sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
DATABASE_URL (PostgreSQL) and REDIS_URL. See docs/deploy.md.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.environment import env_bool, env_float, env_int, env_list, object_storage

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "config.apps.TagsConfig",  # django-taggit, named in Korean
    "config.apps.LoginLockoutConfig",  # django-axes, named in Korean
    "accounts",
    "board",
]

MIDDLEWARE = [
    # The three that set security headers come first, so they wrap every response below
    # them: one a middleware returns early (the 400 of reject_malformed_input, an HTTPS or
    # slash redirect, a static file), an error page and a CSRF refusal all carry the same
    # headers as a page (tests/test_security_headers.py).
    "config.csp.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "board.middleware.reject_malformed_input",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with our Korean page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "board.context_processors.site_chrome",
            ],
        },
    },
    # The rows of every post list (templates/jinja2/board/_post_rows.html, through
    # {% post_rows %}): printed twenty or more times a page, they cost a fifth in Jinja2.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "board.jinja2.environment", "autoescape": True},
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Database ---------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Several gunicorn workers share one file: WAL lets readers run beside the writer,
        # IMMEDIATE takes the write lock at BEGIN (so a transaction never fails half-way
        # upgrading a read lock), and the timeout makes writers queue instead of failing
        # with "database is locked".
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;PRAGMA cache_size=-20000;"
        ),
    }
    # Persistent too: opening the file and running the PRAGMAs above took a quarter of a
    # cached article's time when every request opened its own connection.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 600)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # The same backend, checking a kept connection without a round trip (config/postgresql).
        DATABASES["default"]["ENGINE"] = "config.postgresql"
        # A statement run five times on a connection is prepared: the server plans it once,
        # not on every run (planning was most of its CPU for a comment: 5–6 ms → 2.9 ms).
        # Off (0) behind a pooler in transaction mode that cannot keep prepared statements.
        if env_bool("DATABASE_PREPARED_STATEMENTS", True):
            options = DATABASES["default"].setdefault("OPTIONS", {})
            options.setdefault("server_side_binding", True)
            options.setdefault("prepare_threshold", 5)
    # pg_trgm ignores Hangul in the C locale; template0 takes the cluster's UTF-8 locale.
    DATABASES["default"]["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache ------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# The cache is never the source of truth: when it cannot be reached, pages render from the
# database and writes still land (config/redis_cache.py); it is retried every
# CACHE_RETRY_SECONDS, and a frozen Redis costs a request at most the timeouts below.
CACHE_RETRY_SECONDS = env_float("CACHE_RETRY_SECONDS", 5.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.ReusingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "ainews"),
            "OPTIONS": {
                "socket_connect_timeout": env_float("REDIS_CONNECT_TIMEOUT", 0.5),
                "socket_timeout": env_float("REDIS_SOCKET_TIMEOUT", 1.0),
            },
        }
    }
elif DEBUG:
    # runserver: one process, so its memory is the one cache.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Without Redis, gunicorn's workers must still share one cache, or a page cached by one
    # worker would outlive a change made through another (and rate limits would count per
    # worker): files on this machine, next to the SQLite database they describe.
    _sqlite_file = DATABASES["default"]["NAME"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else ""
    CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.FailSoftFileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR")
            or (f"{_sqlite_file}-cache" if _sqlite_file else BASE_DIR / "var" / "cache"),
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20000)},
        }
    }

# Sessions are rows in the database, read through the cache (Redis, or the file cache without
# it): a member's request reads no session row, and ending a session deletes both.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Passwords --------------------------------------------------------------------------
# Django's own first: members brought over from Gnuboard5 (import_gnuboard) sign in with
# their old hashes once, and Django then stores the password again with the first hasher.
from django.conf import global_settings  # noqa: E402

PASSWORD_HASHERS = [
    *global_settings.PASSWORD_HASHERS,
    "accounts.hashers.GnuboardPBKDF2PasswordHasher",
    "accounts.hashers.MySQLPasswordHasher",
    "accounts.hashers.MySQLOldPasswordHasher",
]
# Django's rules, with the site's own Korean messages (accounts/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "accounts.passwords.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "nickname", "email")},
    },
    {"NAME": "accounts.passwords.MinimumLengthValidator"},
    {"NAME": "accounts.passwords.CommonPasswordValidator"},
    {"NAME": "accounts.passwords.NumericPasswordValidator"},
]

# --- Language and time ------------------------------------------------------------------
LANGUAGE_CODE = "ko-kr"
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# With DEBUG off, uploads are served by the web server in front (docs/deploy.md); `make
# serve` sets this to serve them through Django on a single local machine. Not for a real
# deployment: Django's static view is slow and meant for development.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", False)


STORAGES = {
    # The local folder; a failed write leaves no part of a file (board/storage.py).
    "default": {"BACKEND": "board.storage.MediaStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads in an S3-compatible bucket shared by every app server (docs/deploy.md).
MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    STORAGES["default"], MEDIA_URL = object_storage(
        MEDIA_S3_BUCKET,
        endpoint_url=os.environ.get("MEDIA_S3_ENDPOINT_URL", ""),
        public_url=os.environ.get("MEDIA_S3_PUBLIC_URL", ""),
        region=os.environ.get("MEDIA_S3_REGION", ""),
        addressing_style=os.environ.get("MEDIA_S3_ADDRESSING_STYLE", ""),
    )

CSRF_FAILURE_VIEW = "board.views.system.csrf_failure"
# --- Security -----------------------------------------------------------------------------
# Scripts only from this site's own files: no inline script, no eval, so injected markup
# could not run even if it got past the sanitiser. Member images may come from any https
# host (as markup.py allows); inline style attributes stay allowed for Django admin.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "https:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if MEDIA_URL.startswith("http:"):
    # A bucket over plain http (a local S3 server): "https:" alone would block its pictures.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(MEDIA_URL)
# Production (DJANGO_DEBUG=0) is HTTPS-only by default; `make serve` turns the HTTPS parts
# off to run the production settings over plain HTTP on 127.0.0.1.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    _https = env_bool("DJANGO_HTTPS", True)
    SECURE_SSL_REDIRECT = _https
    SESSION_COOKIE_SECURE = _https
    CSRF_COOKIE_SECURE = _https
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000) if _https else 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
    SECURE_HSTS_PRELOAD = _https
    if env_bool("DJANGO_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logins ---------------------------------------------------------------------------
# django-axes brakes password guessing per (account, address) pair — never per address
# alone, which behind a proxy, a carrier or an office is many members at once — on our
# login and on the admin's. Failures are kept in the database, so the brake holds across
# workers and nodes and does not depend on Redis.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.MemberBackend",
    # Only for sessions made before MemberBackend: no login gets past MemberBackend.
    "django.contrib.auth.backends.ModelBackend",
]
BOARD_LOGIN_FAILURES = env_int("BOARD_LOGIN_FAILURES", 5)  # per account and address …
BOARD_LOGIN_WINDOW = env_int("BOARD_LOGIN_WINDOW", 15 * 60)  # … locked for this many seconds
AXES_FAILURE_LIMIT = BOARD_LOGIN_FAILURES
AXES_COOLOFF_TIME = timedelta(seconds=BOARD_LOGIN_WINDOW)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.proxies.client_address"
AXES_USERNAME_CALLABLE = "accounts.views.login_username"
AXES_LOCKOUT_CALLABLE = "accounts.views.login_locked_out"
AXES_VERBOSE = False
# Proxies whose X-Forwarded-For is believed (config/proxies.py): e.g. "127.0.0.1" for nginx
# on the same machine, or the load balancer's network.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES", [])

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "board:home"
LOGOUT_REDIRECT_URL = "board:home"  # not Django admin's logged-out page

# --- Board options (documented in docs/architecture.md) ---------------------------------
# A member may change their 닉네임 once in this many days (0: any time).
BOARD_NICKNAME_CHANGE_DAYS = env_int("BOARD_NICKNAME_CHANGE_DAYS", 30)
BOARD_NEW_BADGE_HOURS = env_int("BOARD_NEW_BADGE_HOURS", 24)
BOARD_SIDEBAR_CACHE_SECONDS = env_int("BOARD_SIDEBAR_CACHE_SECONDS", 60)
# Anonymous 홈, list and article pages (board/pagecache.py); 0 turns the page cache off.
BOARD_PAGE_CACHE_SECONDS = env_int("BOARD_PAGE_CACHE_SECONDS", 300)
# A cached page whose rows a comment or a 추천 changed is stored again with its new rows
# only once its board has had no such write for this long (board/pagecache.py settled).
BOARD_REFRESH_SETTLE_SECONDS = env_int("BOARD_REFRESH_SETTLE_SECONDS", 2)
# The benchmark's way to measure the first render an anonymous reader gets after a write:
# requests with this header skip the page cache. Empty (no such header) everywhere else.
BOARD_PAGE_CACHE_BYPASS_HEADER = os.environ.get("BOARD_BENCH_BYPASS_HEADER", "")
# Article view counts (board/viewcounts.py): "redis" keeps each post's running total in
# Redis and writes the totals to the database every BOARD_VIEW_FLUSH_SECONDS; "database"
# updates the row on every first view.
BOARD_VIEW_COUNTS = os.environ.get("BOARD_VIEW_COUNTS") or ("redis" if REDIS_URL else "database")
if BOARD_VIEW_COUNTS not in ("redis", "database") or (BOARD_VIEW_COUNTS == "redis" and not REDIS_URL):
    raise ImproperlyConfigured('BOARD_VIEW_COUNTS is "database", or "redis" with REDIS_URL set.')
BOARD_VIEW_FLUSH_SECONDS = env_int("BOARD_VIEW_FLUSH_SECONDS", 5)
BOARD_POPULAR_DAYS = env_int("BOARD_POPULAR_DAYS", 7)
# 인기검색어 shows a term once this many different readers searched it on one day.
BOARD_POPULAR_TERM_MIN_SEARCHERS = env_int("BOARD_POPULAR_TERM_MIN_SEARCHERS", 3)
BOARD_EXCERPT_LENGTH = env_int("BOARD_EXCERPT_LENGTH", 120)
BOARD_MAX_TAGS = env_int("BOARD_MAX_TAGS", 10)
BOARD_AUTO_HIDE_REPORTS = env_int("BOARD_AUTO_HIDE_REPORTS", 5)
BOARD_MAX_IMAGES = env_int("BOARD_MAX_IMAGES", 10)
# Pictures chosen on the post form are kept across 미리보기 for this long, then removed by
# `manage.py clean_pending_images` (and by the member's next upload).
BOARD_PENDING_IMAGE_HOURS = env_int("BOARD_PENDING_IMAGE_HOURS", 24)
BOARD_IMAGE_MAX_BYTES = env_int("BOARD_IMAGE_MAX_BYTES", 10 * 1024 * 1024)
BOARD_IMAGE_MAX_PIXELS = env_int("BOARD_IMAGE_MAX_PIXELS", 40_000_000)
BOARD_POST_MAX_LENGTH = env_int("BOARD_POST_MAX_LENGTH", 50_000)
BOARD_COMMENT_MAX_LENGTH = env_int("BOARD_COMMENT_MAX_LENGTH", 3_000)
# Comments under an article, a page at a time (?cpage=), with a pager above and below.
BOARD_COMMENTS_PER_PAGE = env_int("BOARD_COMMENTS_PER_PAGE", 50)
# 베스트 댓글 above an article's thread: at most this many comments (0 turns it off) …
BOARD_BEST_COMMENTS = env_int("BOARD_BEST_COMMENTS", 3)
# … each with at least this many 추천.
BOARD_BEST_COMMENT_MIN_VOTES = env_int("BOARD_BEST_COMMENT_MIN_VOTES", 3)
# 마이메뉴 → 스크랩: scraps per page.
BOARD_SCRAPS_PER_PAGE = env_int("BOARD_SCRAPS_PER_PAGE", 20)
# 첨부파일 (board/attachments.py): the kinds a post may carry (each is also checked by its
# first bytes), and each board's defaults for how many and how large (Board fields).
BOARD_ATTACHMENT_EXTENSIONS = env_list(
    "BOARD_ATTACHMENT_EXTENSIONS", ["pdf", "zip", "txt", "csv", "docx", "xlsx", "pptx", "hwp"]
)
BOARD_ATTACHMENT_MAX_COUNT = env_int("BOARD_ATTACHMENT_MAX_COUNT", 3)
BOARD_ATTACHMENT_MAX_MB = env_int("BOARD_ATTACHMENT_MAX_MB", 10)
# 포인트 (board/services/points.py): each board's defaults for a post, a comment and a 추천
# received (Board fields), and the first login of a day (site-wide).
BOARD_POINTS_POST = env_int("BOARD_POINTS_POST", 10)
BOARD_POINTS_COMMENT = env_int("BOARD_POINTS_COMMENT", 2)
BOARD_POINTS_VOTE_RECEIVED = env_int("BOARD_POINTS_VOTE_RECEIVED", 5)
BOARD_POINTS_DAILY_LOGIN = env_int("BOARD_POINTS_DAILY_LOGIN", 5)
# 레벨: the points at which levels 2..10 begin (Lv.1 below the first); moderators may set a
# member's level instead (admin).
_LEVELS = ["50", "150", "300", "600", "1000", "2000", "4000", "8000", "15000"]
BOARD_LEVEL_THRESHOLDS = [int(n) for n in env_list("BOARD_LEVEL_THRESHOLDS", _LEVELS)]
if len(BOARD_LEVEL_THRESHOLDS) != 9 or BOARD_LEVEL_THRESHOLDS != sorted(BOARD_LEVEL_THRESHOLDS):
    raise ImproperlyConfigured("BOARD_LEVEL_THRESHOLDS is nine rising numbers: where Lv.2 … Lv.10 begin.")
# Per member: (how many, per how many seconds). Counted in the configured cache, so with
# REDIS_URL set the limits hold across every gunicorn worker and every app server.
BOARD_RATE_LIMITS = {
    "post": (env_int("BOARD_POST_RATE", 5), env_int("BOARD_POST_RATE_WINDOW", 600)),
    "comment": (env_int("BOARD_COMMENT_RATE", 30), env_int("BOARD_COMMENT_RATE_WINDOW", 60)),
    "vote": (env_int("BOARD_VOTE_RATE", 60), env_int("BOARD_VOTE_RATE_WINDOW", 60)),
    "comment_vote": (env_int("BOARD_COMMENT_VOTE_RATE", 60), env_int("BOARD_COMMENT_VOTE_RATE_WINDOW", 60)),
    "scrap": (env_int("BOARD_SCRAP_RATE", 30), env_int("BOARD_SCRAP_RATE_WINDOW", 60)),
    # 쪽지 sent: a spammer's run of messages to many members stops here.
    "message": (env_int("BOARD_MESSAGE_RATE", 10), env_int("BOARD_MESSAGE_RATE_WINDOW", 600)),
    # 아이디 찾기: per e-mail address asked about and per client address, every attempt.
    "find_username_email": (env_int("ACCOUNTS_FIND_USERNAME_RATE", 3), 3600),
    "find_username_ip": (env_int("ACCOUNTS_FIND_USERNAME_IP_RATE", 10), 3600),
    # 인증 메일 다시 보내기, per member.
    "confirmation_mail": (env_int("ACCOUNTS_CONFIRMATION_MAIL_RATE", 3), 3600),
}
BOARD_MESSAGE_MAX_LENGTH = env_int("BOARD_MESSAGE_MAX_LENGTH", 2_000)
BOARD_MESSAGES_PER_PAGE = env_int("BOARD_MESSAGES_PER_PAGE", 20)

# --- Sign-up ------------------------------------------------------------------------------
# A new member confirms their e-mail address (a signed link, valid this many seconds) before
# they may write posts or comments. On by default in production, off in development (and in
# the tests, which turn it on where they need it). Members who joined while it was off, and
# imported ones, count as confirmed.
ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION = env_bool("ACCOUNTS_REQUIRE_EMAIL_CONFIRMATION", not DEBUG)
ACCOUNTS_CONFIRMATION_MAX_AGE = env_int("ACCOUNTS_CONFIRMATION_MAX_AGE", 3 * 24 * 3600)

# --- Email --------------------------------------------------------------------------------
# Console by default (the reset link is printed); SMTP from EMAIL_URL
# (smtp://user:password@host:587?tls=1) or from EMAIL_HOST and friends.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "AI 뉴스 보드 <noreply@localhost>")
# A mail server that stops answering must not hold a request (and its worker) for ever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
_email_url = os.environ.get("EMAIL_URL", "")
if _email_url:
    from urllib.parse import parse_qs, unquote

    _parts = urlsplit(_email_url)
    _query = parse_qs(_parts.query)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _parts.hostname or "localhost"
    EMAIL_PORT = _parts.port or (465 if _parts.scheme == "smtps" else 587)
    EMAIL_HOST_USER = unquote(_parts.username or "")
    EMAIL_HOST_PASSWORD = unquote(_parts.password or "")
    EMAIL_USE_SSL = _parts.scheme == "smtps"
    EMAIL_USE_TLS = not EMAIL_USE_SSL and _query.get("tls", ["1"])[0] == "1"
elif os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Requests refused with a 4xx (a huge body, an unknown Host) are logged in one line:
    # their tracebacks tell nothing, and a traceback in the log should mean a bug.
    "formatters": {"plain": {"()": "config.log.RefusalsInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
