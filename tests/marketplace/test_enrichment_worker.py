"""The enrichment job on a real Celery worker and Redis: killed mid-job, rate limited.

The worker is a separate process (so that it can be killed), started with the same command as
bin/start-worker, against the test database on Postgres. The model is the fake OpenAI-compatible
server of llm/fake_server.py, running in this process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery_app import app
from experiments.models import Event
from llm import fake_server
from marketplace.enrichment import queue_enrichment
from marketplace.models import EnrichmentJob, Listing
from marketplace.tasks import enrich_listing
from tests.factories import ListingFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT = 3
SCAM = "iPhone 14, sealed. Payment only with Amazon gift cards, write me on WhatsApp."
ENRICHMENT = {
    "category": "phones",
    "attributes": [{"key": "brand", "value": "Apple"}],
    "moderation": {
        "verdict": "reject",
        "reasons": [{"code": "payment_scam", "detail": "asks for gift cards"}],
    },
}


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture
def broker(settings):
    """Send tasks to Redis (not eagerly) on a queue of this test's own, emptied before and after."""
    queue = f"test-enrichment-{os.getpid()}"
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.REDIS_URL  # type: ignore[misc]  # read-only in the stubs
    app.conf.broker_transport_options = {"visibility_timeout": VISIBILITY_TIMEOUT}
    app.conf.task_default_queue = queue
    app.conf.task_routes = {"marketplace.tasks.enrich_listing": {"queue": queue}}
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)  # type: ignore[attr-defined]
    yield queue
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)  # type: ignore[attr-defined]
    app.conf.task_always_eager = True
    app.conf.task_routes = {}


@contextmanager
def worker(queue: str, server: fake_server.FakeOpenAIServer) -> Iterator[subprocess.Popen]:
    """A Celery worker process (its own process group, so it can be killed with its children)."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.marketplace.worker_settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "OPENAI_BASE_URL": server.base_url,
        "OPENAI_API_KEY": "sk-test-worker",
        "TEST_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool",
        "prefork",
        "--concurrency",
        "1",
        "--queues",
        queue,
        "--loglevel",
        "INFO",
        "--hostname",
        f"{queue}-{time.monotonic_ns()}@%h",
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def job_status(job: EnrichmentJob) -> str:
    job.refresh_from_db()
    return job.status


def test_a_job_whose_worker_is_killed_completes_exactly_once_on_a_new_worker(broker):
    first_request_arrived = []

    def slow_then_fast(request: fake_server.RecordedRequest) -> fake_server.FakeResponse:
        first_request_arrived.append(time.monotonic())
        delay = 30 if len(first_request_arrived) == 1 else 0  # the first answer never comes
        return fake_server.answer(ENRICHMENT, delay=delay)

    listing = ListingFactory.create(description=SCAM)
    job = queue_enrichment(listing, enqueue=False)
    with fake_server.FakeOpenAIServer(default=slow_then_fast) as server:
        with worker(broker, server) as first:
            enrich_listing.delay(job.pk)
            wait_for(lambda: bool(first_request_arrived), 60, "the worker to call the model")
            assert job_status(job) == EnrichmentJob.Status.RUNNING
            os.killpg(first.pid, signal.SIGKILL)  # the whole worker, mid-job, no goodbye
            first.wait()
        assert job_status(job) == EnrichmentJob.Status.RUNNING  # stranded, not lost

        with worker(broker, server):
            wait_for(
                lambda: job_status(job) == EnrichmentJob.Status.SUCCEEDED,
                60,
                "the restarted worker to finish the job",
            )

    job.refresh_from_db()
    assert job.attempts == 2
    assert len(server.requests) == 2
    assert job.result["moderation"]["verdict"] == "reject"
    assert Listing.objects.get(pk=listing.pk).moderation == Listing.Moderation.HELD
    assert Event.objects.filter(name="listing_flagged").count() == 1  # the effect, once


def test_a_rate_limited_job_is_retried_by_the_worker_with_backoff(broker):
    arrivals: list[float] = []

    def limited_once(request: fake_server.RecordedRequest) -> fake_server.FakeResponse:
        arrivals.append(time.monotonic())
        if len(arrivals) == 1:
            return fake_server.rate_limited(retry_after=2)
        return fake_server.answer(ENRICHMENT)

    listing = ListingFactory.create()
    job = queue_enrichment(listing, enqueue=False)
    with fake_server.FakeOpenAIServer(default=limited_once) as server, worker(broker, server):
        enrich_listing.delay(job.pk)
        wait_for(
            lambda: job_status(job) == EnrichmentJob.Status.SUCCEEDED,
            60,
            "the job to succeed after the retry",
        )
    job.refresh_from_db()
    assert job.attempts == 2
    assert len(arrivals) == 2
    assert arrivals[1] - arrivals[0] >= 2.0  # the task waited at least the server's Retry-After
