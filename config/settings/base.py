"""Settings shared by every environment.

Everything that differs between machines comes from environment variables (or a ``.env`` file
next to ``manage.py``); ``.env.example`` lists them all. The defaults are the embedded mode:
SQLite, Celery tasks run eagerly in-process, and the offline model.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# A variable set to nothing (.env.example leaves most of them so) counts as unset: its default
# applies, rather than "" (no database engine, tasks not eager, "false").
env.ENVIRON = {name: value for name, value in os.environ.items() if value != ""}

# --- Core -----------------------------------------------------------------------------------

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")  # local/test give a default; production doesn't
ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "waffle",
    "accounts",
    "llm",
    "experiments",
    "marketplace",
]

MIDDLEWARE = [
    # /healthz first: before the HTTPS redirect, the host check and sessions (edge/health.py).
    "edge.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "experiments.units.VisitorMiddleware",
    "waffle.middleware.WaffleMiddleware",
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
                "marketplace.context_processors.site",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Persistent connections: a Celery task or a request must not pay for a new Postgres connection.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",  # Django's, one client per pool
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "bazaar",
        }
    }
else:
    # The embedded mode's cache, in the process. Django's default of 300 entries is fewer than
    # the site keeps (a live-listing count per seller, the lists' versions, the experiments'
    # assignments): past it, a third of the entries go at random, versions among them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# The events' analysis indexes carry covering columns (INCLUDE) that Postgres uses and SQLite
# ignores; SQLite says so at every command, which is noise in the embedded mode.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Auth -----------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("DJANGO_TIME_ZONE", default="Europe/Berlin")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploaded photos are served by Django itself when this is on (the embedded mode and the
# compose demo). A real deployment puts them on object storage or behind the web server.
SERVE_MEDIA = env.bool("DJANGO_SERVE_MEDIA", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Photos: what an upload may be. Bigger files are refused before Pillow decodes them, and
# images with more pixels than this are refused as decompression bombs.
LISTING_IMAGE_MAX_BYTES = env.int("LISTING_IMAGE_MAX_BYTES", default=8 * 1024 * 1024)
LISTING_IMAGE_MAX_PIXELS = env.int("LISTING_IMAGE_MAX_PIXELS", default=40_000_000)
LISTING_IMAGES_PER_LISTING = 8
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Celery ---------------------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"  # unused when tasks run eagerly
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
# A job is acknowledged only once it has finished, and given back to the queue if the worker
# process dies under it, so a crash loses no job. Tasks must therefore be idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Each worker process holds one job in hand besides the one it runs, so it never waits on a round
# trip to Redis between two short jobs (enrichment: 27.7 → 30.2 jobs/s, docs/benchmarks.md). With
# acks_late a job held in hand is still unacknowledged: a crash gives it back like the running one.
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int("CELERY_WORKER_PREFETCH_MULTIPLIER", default=2)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
# With acks_late, Redis redelivers an unacknowledged job after this long; it must exceed the
# longest task so that a slow job is not run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600)
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django integration closes the database connections before and after every task unless
# this is set, and a new Postgres connection per job costs more CPU than the job's own queries.
# With it set, config/celery_app.py treats a task as Django treats a request: connections live
# for CONN_MAX_AGE and are health-checked. (Celery still closes them after twice this many tasks.)
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=10_000)
CELERY_TIMEZONE = TIME_ZONE

# --- Experiments ----------------------------------------------------------------------------

# How often beat refreshes the results of running experiments (the admin can refresh any time).
EXPERIMENT_RESULTS_REFRESH_MINUTES = env.int("EXPERIMENT_RESULTS_REFRESH_MINUTES", default=30)

CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "refresh-experiment-results": {
        "task": "experiments.tasks.refresh_running_experiments",
        "schedule": timedelta(minutes=EXPERIMENT_RESULTS_REFRESH_MINUTES),
    },
}

# --- LLM ------------------------------------------------------------------------------------
# See docs/llm.md. Empty values count as unset (docker-compose passes unset variables as "").

OPENAI_API_KEY = env("OPENAI_API_KEY", default="")
# Any OpenAI-compatible server (Ollama, vLLM, LM Studio, a proxy); empty: api.openai.com.
OPENAI_BASE_URL = env("OPENAI_BASE_URL", default="")
LLM_PROVIDER = env("LLM_PROVIDER", default="") or ("openai" if OPENAI_API_KEY else "offline")
# The model of prompts whose file leaves `model` empty.
LLM_MODEL = env("LLM_MODEL", default="") or "gpt-4o-mini"
LLM_TIMEOUT_SECONDS = env.float("LLM_TIMEOUT_SECONDS", default=30.0)
# The SDK's own retries (it honours Retry-After). Kept small: the Celery tasks retry with
# backoff on top, and the two must not multiply.
LLM_MAX_RETRIES = env.int("LLM_MAX_RETRIES", default=1)
# How long a successful answer is reused for the same prompt version, model and input; 0: never.
LLM_CACHE_TTL_SECONDS = env.int("LLM_CACHE_TTL_SECONDS", default=7 * 24 * 3600)
# USD per million tokens. A model missing here has an unknown cost (None), not a zero one.
LLM_PRICES: dict[str, dict[str, float]] = {
    "gpt-4o-mini": {"input": 0.15, "output": 0.60},
    "gpt-4o": {"input": 2.50, "output": 10.00},
    "gpt-4.1-nano": {"input": 0.10, "output": 0.40},
    "gpt-4.1-mini": {"input": 0.40, "output": 1.60},
    "gpt-4.1": {"input": 2.00, "output": 8.00},
    "offline-v1": {"input": 0.0, "output": 0.0},
}
if env("LLM_PRICES", default=""):  # a JSON object in the same shape replaces the table
    LLM_PRICES = env.json("LLM_PRICES")
# How long a resolved prompt label is reused before the database is asked again. Moving a label
# clears it in the shared cache at once; with the per-process cache (no Redis), other processes
# see a move within this time.
LLM_PROMPT_CACHE_SECONDS = env.int("LLM_PROMPT_CACHE_SECONDS", default=30)
# The offline model learns categories from at most this many active listings, and rebuilds
# that classifier at most this often.
LLM_OFFLINE_CORPUS_SIZE = env.int("LLM_OFFLINE_CORPUS_SIZE", default=5000)
LLM_OFFLINE_CORPUS_TTL_SECONDS = env.int("LLM_OFFLINE_CORPUS_TTL_SECONDS", default=300)
# Online judging: the share of production calls (0 to 1) of a feature with a judge that the judge
# grades in a Celery task, its grades recorded as scores on the call. 0: none (the judge costs
# tokens). The task's rate limit is Celery's, per worker process ("30/m": at most 30 a minute).
LLM_ONLINE_JUDGE_SHARE = env.float("LLM_ONLINE_JUDGE_SHARE", default=0.0)
LLM_ONLINE_JUDGE_RATE_LIMIT = env("LLM_ONLINE_JUDGE_RATE_LIMIT", default="30/m")

# --- Feature flags --------------------------------------------------------------------------

WAFFLE_FLAG_MODEL = "experiments.Flag"
WAFFLE_CREATE_MISSING_FLAGS = False
WAFFLE_ENABLE_ADMIN_PAGES = False

# --- Site -----------------------------------------------------------------------------------

SITE_NAME = env("SITE_NAME", default="Bazaar")
LISTINGS_PER_PAGE = 24

# --- Logging --------------------------------------------------------------------------------

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- AI features ----------------------------------------------------------------------------

# How often one person (user, else visitor) may use each AI endpoint: "N/second|minute|hour|day".
AI_RATE_LIMITS = {
    "assistant": env("AI_RATE_LIMIT_ASSISTANT", default="30/hour"),
    "search": env("AI_RATE_LIMIT_SEARCH", default="120/hour"),
}
# Anonymous requests also count for their address, with this many times a person's allowance (the
# people behind one address share it): fresh cookies never make a fresh address.
AI_RATE_LIMIT_ADDRESS_FACTOR = env.int("AI_RATE_LIMIT_ADDRESS_FACTOR", default=10)
# Time budgets of the model calls a person waits for, in seconds: each covers the whole call
# (attempts, backoff, Retry-After), so that a slow or rate-limited model gives the feature's
# friendly message and a logged failure well before the web server's own timeout
# (GUNICORN_TIMEOUT). Tasks have no budget: LLM_TIMEOUT_SECONDS per attempt, and Celery's limits.
AI_ASSISTANT_TIMEOUT_SECONDS = env.float("AI_ASSISTANT_TIMEOUT_SECONDS", default=10.0)
# Search understanding is on the page's critical path: past this, plain search answers instead.
AI_SEARCH_TIMEOUT_SECONDS = env.float("AI_SEARCH_TIMEOUT_SECONDS", default=3.0)

# --- Abuse limits and stuck jobs (docs/operations.md) ---------------------------------------

# How many reverse proxies in front of the app append to X-Forwarded-For. Rate limits and the
# login throttle count a client without cookies or account by its address: with 0 (gunicorn
# faces the clients) that is REMOTE_ADDR and the header is ignored; with n, the n-th address from
# the right of X-Forwarded-For. Too high a number lets clients pick their address.
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=0)

# Failed log-ins (accounts/throttle.py): after this many wrong passwords for one account from one
# address, or this many from one address for any accounts, that client waits out the lockout
# (the right password is refused too, with a message saying how long).
LOGIN_THROTTLE_FAILURES = env.int("LOGIN_THROTTLE_FAILURES", default=5)
LOGIN_THROTTLE_ADDRESS_FAILURES = env.int("LOGIN_THROTTLE_ADDRESS_FAILURES", default=30)
LOGIN_THROTTLE_LOCKOUT_SECONDS = env.int("LOGIN_THROTTLE_LOCKOUT_SECONDS", default=15 * 60)

# Photos of one upload (a post or an edit, at most LISTING_IMAGES_PER_LISTING files): the pixels
# decoding them all may take (a JPEG counts at the reduced size libjpeg decodes it at, about a
# quarter of its pixels), and the seconds after which the photos not yet processed are refused.
# They keep one post from holding a web worker for long (marketplace/images.py).
LISTING_UPLOAD_MAX_PIXELS = env.int("LISTING_UPLOAD_MAX_PIXELS", default=100_000_000)
LISTING_UPLOAD_SECONDS = env.float("LISTING_UPLOAD_SECONDS", default=10.0)

# Enrichment jobs that no worker will finish (marketplace/enrichment.py, reap_stuck_jobs): beat
# looks for them this often. A job running past the task's hard time limit is queued again (or
# failed after three attempts); one queued and untouched for this long is failed.
ENRICHMENT_REAP_MINUTES = env.int("ENRICHMENT_REAP_MINUTES", default=5)
ENRICHMENT_QUEUED_TIMEOUT_SECONDS = env.int("ENRICHMENT_QUEUED_TIMEOUT_SECONDS", default=3600)
CELERY_BEAT_SCHEDULE["reap-stuck-enrichment-jobs"] = {
    "task": "marketplace.tasks.reap_stuck_enrichment_jobs",
    "schedule": timedelta(minutes=ENRICHMENT_REAP_MINUTES),
}
