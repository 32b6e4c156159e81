"""Settings for the real Celery worker that tests/marketplace/test_enrichment_worker.py starts.

The test settings plus: tasks go through Redis (not eager), the model is the test's fake
OpenAI-compatible server, and Redis hands an unacknowledged job back after a few seconds instead
of ten minutes, and looks for such jobs every second, so that the test of a killed worker does
not wait long.
"""

from config.settings.test import *  # noqa: F403
from config.settings.test import env

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = env("REDIS_URL")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("TEST_VISIBILITY_TIMEOUT"),
    # Look for abandoned jobs every second (the default is every 100 s).
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
LLM_PROVIDER = "openai"
OPENAI_BASE_URL = env("OPENAI_BASE_URL")
OPENAI_API_KEY = env("OPENAI_API_KEY")
LLM_MAX_RETRIES = 0
LLM_TIMEOUT_SECONDS = 10.0
