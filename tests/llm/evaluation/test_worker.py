"""An evaluation run on a real Celery worker and Redis: the relay keeps the run's concurrency.

The worker is a separate process with more slots than the run may use, against the test
database on Postgres; the model is the fake OpenAI-compatible server in this process, which
counts the requests it is answering at once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery_app import app
from llm import fake_server
from llm.evaluation import execution
from llm.evaluation.models import EvalResult, EvalRun
from llm.evaluation.services import create_run, load_dataset
from tests.llm.conftest import assistant_answer
from tests.llm.evaluation.conftest import listing_case, write_jsonl

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
WORKER_SLOTS = 6
RUN_CONCURRENCY = 3


@pytest.fixture
def queue(settings):
    """Tasks go to Redis (not eagerly), on a queue of this test's own, emptied before and after."""
    name = f"test-eval-{os.getpid()}"
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.REDIS_URL  # type: ignore[misc]  # read-only in the stubs
    app.conf.task_default_queue = name
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(name)  # type: ignore[attr-defined]
    yield name
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(name)  # type: ignore[attr-defined]
    app.conf.task_always_eager = True


@contextmanager
def worker(queue: str, server: fake_server.FakeOpenAIServer) -> Iterator[None]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.llm.evaluation.worker_settings",
        "TEST_QUEUE": queue,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "OPENAI_BASE_URL": server.base_url,
        "OPENAI_API_KEY": "sk-test-worker",
        "TEST_VISIBILITY_TIMEOUT": "30",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "--pool", "threads", "--concurrency", str(WORKER_SLOTS),
        "--queues", queue, "--loglevel", "WARNING",
        "--hostname", f"{queue}-{time.monotonic_ns()}@%h",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_workers_run_every_case_never_more_at_once_than_the_runs_concurrency(
    queue, tmp_path, settings
):
    path = write_jsonl(
        tmp_path / "listing_assistant.jsonl",
        [listing_case(f"iPhone 12, number {n}") for n in range(12)],
    )
    dataset = load_dataset(path).dataset
    with fake_server.FakeOpenAIServer(
        default=fake_server.answer(assistant_answer(), delay=0.2)
    ) as server:
        settings.OPENAI_API_KEY = "sk-test-worker"
        settings.OPENAI_BASE_URL = server.base_url
        run = create_run(
            dataset,
            "listing_assistant",
            provider="openai",
            concurrency=RUN_CONCURRENCY,
            judge=None,
        )
        with worker(queue, server):
            execution.enqueue_run(run)  # on commit: at once, outside a transaction
            deadline = time.monotonic() + 90
            while not run.is_finished and time.monotonic() < deadline:
                time.sleep(0.2)
                run.refresh_from_db()

    assert run.status == EvalRun.Status.SUCCEEDED
    assert (run.done, run.failed) == (12, 0)
    assert run.results.filter(status=EvalResult.Status.OK).count() == 12
    assert len(server.requests) == 12
    assert 1 < server.max_in_flight <= RUN_CONCURRENCY
