"""Settings for the Celery worker of tests/llm/evaluation/test_worker.py: those of the
enrichment worker test, with the test's own queue as the default one, since the evaluation's
tasks queue further tasks from inside the worker."""

from tests.marketplace.worker_settings import *  # noqa: F403
from tests.marketplace.worker_settings import env

CELERY_TASK_DEFAULT_QUEUE = env("TEST_QUEUE")
