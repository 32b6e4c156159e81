"""The test suite: ``make test``.

Runs on SQLite unless ``DATABASE_URL`` points elsewhere (CI points it at Postgres), with eager
Celery unless a test starts a real worker, and never with a real model.
"""

import tempfile

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "django-insecure-test-only"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="bazaar-test-media-"))  # noqa: F405
SERVE_MEDIA = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests that need a service skip without it locally, and fail without it when this is on.
REQUIRE_SERVICES = env.bool("BAZAAR_REQUIRE_SERVICES", default=False)
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Serve static files straight from the source folders, as in development (no collectstatic).
WHITENOISE_AUTOREFRESH = True
# Never a real model, whatever the shell exports: tests that need the OpenAI path start the fake
# server of llm/fake_server.py (the `fake_openai` fixture) and point these settings at it.
LLM_PROVIDER = "offline"
OPENAI_API_KEY = ""
OPENAI_BASE_URL = ""
LLM_MODEL = "gpt-4o-mini"
LLM_TIMEOUT_SECONDS = 5.0
LLM_MAX_RETRIES = 1
# The offline model reads the listings of each test afresh instead of a classifier built earlier.
LLM_OFFLINE_CORPUS_TTL_SECONDS = 0
