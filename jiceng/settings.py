"""Jiceng settings. Every deployment knob is an environment variable (12-factor).

JICENG_ENV: ``local`` (default: the embedded SQLite under var/, plain HTTP on loopback),
``test`` (the test suite) or ``production`` (secrets from the environment, HTTPS only).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from jiceng.localsecrets import ensure_local_secrets

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("JICENG_VAR_DIR", BASE_DIR / "var"))
ENV = os.environ.get("JICENG_ENV", "local")
PRODUCTION = ENV == "production"


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


if PRODUCTION:
    _secrets = {}
elif ENV == "test":
    _secrets = {"JICENG_SECRET_KEY": "test-only-secret-key-" + "x" * 40, "JICENG_PD_KEY": "00" * 32}
else:
    _secrets = ensure_local_secrets(VAR_DIR / "secrets.env")


def secret(name: str) -> str:
    value = os.environ.get(name) or _secrets.get(name)
    if not value:
        raise RuntimeError(f"{name} must be set in the environment (JICENG_ENV={ENV}).")
    return value


SECRET_KEY = secret("JICENG_SECRET_KEY")
PERSONAL_DATA_KEY = secret("JICENG_PD_KEY")
DEBUG = env_bool("JICENG_DEBUG", False)
ALLOWED_HOSTS = env_list("JICENG_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver")
if env("HOST") and not PRODUCTION:
    ALLOWED_HOSTS.append(env("HOST"))
CSRF_TRUSTED_ORIGINS = env_list("JICENG_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "jiceng.core",
    "jiceng.members",
    "jiceng.orglife",
    "jiceng.dues",
    "jiceng.centers",
    "jiceng.appeals",
    "jiceng.whistles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jiceng.core.middleware.SecurityHeadersMiddleware",
    "jiceng.core.middleware.ApiErrorMiddleware",
]

ROOT_URLCONF = "jiceng.urls"
WSGI_APPLICATION = "jiceng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jiceng" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jiceng.core.context_processors.shell",
            ],
        },
    },
]

# --- Database: SQLite under var/ by default, PostgreSQL through DATABASE_URL -------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jiceng.sqlite3'}"),
        conn_max_age=int(env("JICENG_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;",
    }
    DATABASES["default"]["TEST"] = {"NAME": env("JICENG_TEST_SQLITE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions: local memory / database by default, Redis through REDIS_URL ----------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Tasks: rows in the database by default; RQ on Redis when JICENG_TASKS=rq ----------------
if env("JICENG_TASKS") == "rq":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif ENV == "test":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Users and security baseline (等保 2.0 level 3, application part) -------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["jiceng.core.auth.UsernameOrMobileBackend"]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:workbench"
LOGOUT_REDIRECT_URL = "core:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "jiceng.core.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "jiceng.core.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_FAILURE_LIMIT = int(env("JICENG_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW = timedelta(minutes=int(env("JICENG_LOGIN_FAILURE_WINDOW_MINUTES", "15")))
LOGIN_LOCKOUT = timedelta(minutes=int(env("JICENG_LOGIN_LOCKOUT_MINUTES", "30")))
SESSION_COOKIE_AGE = int(env("JICENG_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the age is an idle timeout: each request extends it
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("JICENG_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("JICENG_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("JICENG_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading commits the whole domain to HTTPS in browsers' built-in lists: a decision for
        # each deployment's domain owner (JICENG_HSTS_PRELOAD=1), not a default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if env_bool("JICENG_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
API_TOKEN_DAYS = int(env("JICENG_API_TOKEN_DAYS", "180"))

# --- Language, time -------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "jiceng" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "jiceng" / "static"]
STATIC_ROOT = Path(env("JICENG_STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("JICENG_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if ENV != "test"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = ENV == "test"

# --- Maps: no tiles from the internet unless a deployment provides its own tile server --------
MAP_TILE_URL = env("JICENG_MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env("JICENG_MAP_TILE_ATTRIBUTION")

# --- Working days (RULES §8): whether the start day is day 1 of a working-day period ------------
WORKDAY_COUNT_START = env_bool("JICENG_WORKDAY_COUNT_START", False)

# --- Members (RULES §4, §5): development and transfers -------------------------------------
PUBLICITY_WORKDAYS = int(env("JICENG_PUBLICITY_WORKDAYS", "5"))  # 公示 before steps 7 and 12
ACTIVIST_ANNIVERSARY_QUALIFIES = env_bool("JICENG_ACTIVIST_ANNIVERSARY_QUALIFIES", True)  # 满一年 on the day
DEVELOPMENT_DUE_DAYS = int(env("JICENG_DEVELOPMENT_DUE_DAYS", "30"))  # horizon of the "due" list
DEVELOPMENT_UPLOAD_MAX_MB = int(env("JICENG_DEVELOPMENT_UPLOAD_MAX_MB", "10"))
TRANSFER_LETTER_MONTHS = int(env("JICENG_TRANSFER_LETTER_MONTHS", "3"))  # 介绍信 validity

# --- Worker health ------------------------------------------------------------------------
WORKER_HEARTBEAT_SECONDS = int(env("JICENG_WORKER_HEARTBEAT_SECONDS", "15"))
WORKER_STALE_SECONDS = int(env("JICENG_WORKER_STALE_SECONDS", "120"))

# --- Orglife compliance (RULES §2): the period in which a branch is set up ("exempt" or "due" pro
# rata); how many days before a period's end an unmet rule shows as due soon; the study goal ----
COMPLIANCE_FIRST_PERIOD = env("JICENG_COMPLIANCE_FIRST_PERIOD", "exempt")
COMPLIANCE_DUE_SOON_DAYS = int(env("JICENG_COMPLIANCE_DUE_SOON_DAYS", "10"))
STUDY_GOAL_PERCENT = int(env("JICENG_STUDY_GOAL_PERCENT", "80"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("JICENG_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Dues (RULES §3, 中组发〔2008〕3号) ---------------------------------------------------------
DUES_BACKPAY_MONTHS = int(env("JICENG_DUES_BACKPAY_MONTHS", "6"))  # 补交 normally ≤ 6 months
DUES_PREPAY_MONTHS = int(env("JICENG_DUES_PREPAY_MONTHS", "3"))  # 预交, default ≤ 3 months
DUES_DEDUCT_CONTRIBUTIONS = env_bool("JICENG_DUES_DEDUCT_CONTRIBUTIONS", True)  # social insurance, housing fund
DUES_PAYMENT_ADAPTER = env("JICENG_DUES_PAYMENT_ADAPTER", "jiceng.dues.payments.ManualConfirmation")

# --- Centers: photos and room reservations --------------------------------------------------
CENTER_PHOTO_MAX_KB = int(env("JICENG_CENTER_PHOTO_MAX_KB", "2048"))
ROOM_RESERVATION_DAYS_AHEAD = int(env("JICENG_ROOM_RESERVATION_DAYS_AHEAD", "60"))

# --- Centers: activities and bookings (issue 7) -----------------------------------------------
NOTIFIER = env("JICENG_NOTIFIER", "jiceng.core.notify.LogNotifier")  # class with send(phone, text, kind=)
OTP_TTL_SECONDS = int(env("JICENG_OTP_TTL_SECONDS", "300"))
OTP_MAX_ATTEMPTS = int(env("JICENG_OTP_MAX_ATTEMPTS", "5"))
OTP_INTERVAL_SECONDS = int(env("JICENG_OTP_INTERVAL_SECONDS", "60"))  # between two codes to one number
OTP_PER_PHONE_HOUR = int(env("JICENG_OTP_PER_PHONE_HOUR", "5"))
OTP_PER_IP_HOUR = int(env("JICENG_OTP_PER_IP_HOUR", "30"))
OTP_SHOW_CODES = env_bool("JICENG_OTP_SHOW_CODES", ENV in ("local", "test"))  # demo mode: code on the page
RESIDENT_TOKEN_DAYS = int(env("JICENG_RESIDENT_TOKEN_DAYS", "30"))
NO_SHOW_LIMIT = int(env("JICENG_NO_SHOW_LIMIT", "3"))  # no-shows within the window that pause booking
NO_SHOW_WINDOW_DAYS = int(env("JICENG_NO_SHOW_WINDOW_DAYS", "90"))
NO_SHOW_PAUSE_DAYS = int(env("JICENG_NO_SHOW_PAUSE_DAYS", "30"))
CHECKIN_EARLY_MINUTES = int(env("JICENG_CHECKIN_EARLY_MINUTES", "60"))  # the door opens this early

# --- Orglife: meetings (RULES §2) -----------------------------------------------------------
ORGLIFE_SIGNIN_EARLY_MINUTES = int(env("JICENG_ORGLIFE_SIGNIN_EARLY_MINUTES", "60"))  # sign-in opens this early
ORGLIFE_UPLOAD_MAX_MB = int(env("JICENG_ORGLIFE_UPLOAD_MAX_MB", "10"))  # photos and attachments of a meeting

# Appeals (接诉即办, RULES §7). Default deadlines per urgency when the dispatch catalogue names none:
# feedback within 2 hours for emergencies, ordinary cases 24 hours to respond and 7 days to complete.
APPEAL_DEADLINES = {
    "urgent": {"response_hours": int(env("JICENG_APPEAL_URGENT_RESPONSE_HOURS", "2")),
               "complete_amount": int(env("JICENG_APPEAL_URGENT_COMPLETE_HOURS", "24")), "complete_unit": "hours"},
    "normal": {"response_hours": int(env("JICENG_APPEAL_RESPONSE_HOURS", "24")),
               "complete_amount": int(env("JICENG_APPEAL_COMPLETE_DAYS", "7")), "complete_unit": "days"},
}
APPEAL_ROUTING_RECHECK_SECONDS = int(env("JICENG_APPEAL_ROUTING_RECHECK_SECONDS", "60"))

# --- Appeals: workflow (issue 6; docs/appeals.md) ----------------------------------------------
APPEAL_REMIND_HOURS = int(env("JICENG_APPEAL_REMIND_HOURS", "4"))  # remind this many hours before a deadline
APPEAL_ESCALATE_INTERVAL_HOURS = int(env("JICENG_APPEAL_ESCALATE_INTERVAL_HOURS", "24"))  # between two levels
APPEAL_EXTENSION_MAX_DAYS = int(env("JICENG_APPEAL_EXTENSION_MAX_DAYS", "30"))  # the longest one request asks

# --- Appeals: intake (public form, REST, photos, Open311; issue 6) --------------------------
# Anonymous filers are rate-limited per client address and per mobile number (cache counters,
# per hour); staff callers (a token or a session holding appeals.add_appeal) are not.
APPEAL_RATE_PER_HOUR = int(env("JICENG_APPEAL_RATE_PER_HOUR", "20"))  # per client address
APPEAL_RATE_PER_PHONE_HOUR = int(env("JICENG_APPEAL_RATE_PER_PHONE_HOUR", "5"))  # per mobile number
APPEAL_PHOTO_MAX_KB = int(env("JICENG_APPEAL_PHOTO_MAX_KB", "5120"))
APPEAL_PHOTO_MAX_COUNT = int(env("JICENG_APPEAL_PHOTO_MAX_COUNT", "9"))  # photos per appeal and stage
# Tracking page: wrong "last 4 digits" guesses before a lockout, per ticket and per client address
APPEAL_TRACK_MAX_FAILURES = int(env("JICENG_APPEAL_TRACK_MAX_FAILURES", "5"))
APPEAL_TRACK_LOCK_MINUTES = int(env("JICENG_APPEAL_TRACK_LOCK_MINUTES", "30"))
OPEN311_CONTACT = env("JICENG_OPEN311_CONTACT", "")  # discovery: who to ask for an api_key

# --- Appeals: three rates, rankings and hot spots (issue 6, stats part; docs/appeals-stats.md) -------
# 满意率 = (满意 + 基本满意 × weight) / rated. 0.8 is the weight of 基本满意 in Beijing's monthly 12345
# assessment (a "basically satisfied" filer is most of the way there, not all of it).
APPEAL_BASIC_SATISFIED_WEIGHT = env("JICENG_APPEAL_BASIC_SATISFIED_WEIGHT", "0.8")
# Composite score weights 响应率,解决率,满意率[,按时办结率] (default 10/45/45, on-time completion not scored).
APPEAL_SCORE_WEIGHTS = env("JICENG_APPEAL_SCORE_WEIGHTS", "10,45,45")
APPEAL_CLASS_ADVANCED = env("JICENG_APPEAL_CLASS_ADVANCED", "90")  # 先进类: score ≥ this
APPEAL_CLASS_RECTIFY = env("JICENG_APPEAL_CLASS_RECTIFY", "75")  # 整改类: score < this
APPEAL_CLASS_GOVERN = env("JICENG_APPEAL_CLASS_GOVERN", "60")  # 治理类: score < this
APPEAL_PROGRESS_PLACES = int(env("JICENG_APPEAL_PROGRESS_PLACES", "3"))  # 进步类: up ≥ this many places …
APPEAL_PROGRESS_POINTS = env("JICENG_APPEAL_PROGRESS_POINTS", "5")  # … or ≥ this many points vs last month
APPEAL_ROLLUP_STALE_SECONDS = int(env("JICENG_APPEAL_ROLLUP_STALE_SECONDS", "30"))  # re-sum a changed month after
APPEAL_HOTSPOT_RECUR_DAYS = int(env("JICENG_APPEAL_HOTSPOT_RECUR_DAYS", "90"))
APPEAL_HOTSPOT_RECUR_MIN = int(env("JICENG_APPEAL_HOTSPOT_RECUR_MIN", "3"))
APPEAL_HOTSPOT_RECUR_METERS = int(env("JICENG_APPEAL_HOTSPOT_RECUR_METERS", "50"))
