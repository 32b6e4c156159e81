"""Celery tasks of the marketplace. They take primary keys and are safe to run twice."""

from __future__ import annotations

import random

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from . import enrichment

MAX_RETRIES = 5
BACKOFF_BASE_SECONDS = 5
BACKOFF_MAX_SECONDS = 600


def backoff_seconds(retries: int, retry_after: float | None = None) -> float:
    """Exponential backoff with jitter; a server's Retry-After wins when it asks for longer."""
    delay = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2**retries)
    delay = delay / 2 + random.uniform(0, delay / 2)  # "equal jitter": spread retries out
    return max(delay, retry_after or 0)


@shared_task(
    bind=True,
    acks_late=True,  # acknowledged when done, so a crash gives the job back to the queue
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=enrichment.SOFT_TIME_LIMIT_SECONDS,
    time_limit=enrichment.TIME_LIMIT_SECONDS,
)
def enrich_listing(self, job_id: int) -> str:
    """Run enrichment job ``job_id``, retrying rate limits and timeouts with backoff.

    In eager mode (no broker) a retry would block the request that published the listing, so
    a transient failure fails the job at once; ``enrich_listings`` or the admin re-runs it.
    """
    may_retry = not self.request.is_eager and self.request.retries < MAX_RETRIES
    try:
        outcome = enrichment.run_enrichment(job_id, may_retry=may_retry)
    except SoftTimeLimitExceeded:
        outcome = enrichment.time_out(job_id, may_retry=may_retry)
    if outcome.status == "retry":
        retry_after = getattr(outcome.error, "retry_after", None)
        raise self.retry(countdown=backoff_seconds(self.request.retries, retry_after))
    return outcome.status


@shared_task(soft_time_limit=240, time_limit=300)
def reap_stuck_enrichment_jobs() -> dict[str, int]:
    """Beat runs this every ``ENRICHMENT_REAP_MINUTES``: queue again or fail the enrichment jobs
    that no worker will finish (``enrichment.reap_stuck_jobs``); returns how many of each."""
    done = enrichment.reap_stuck_jobs()
    return {"requeued": done["requeued"], "failed": done["failed"]}
