"""The enrichment job: classify a published listing, extract its attributes, screen it.

``queue_enrichment`` records a job and enqueues the Celery task once the transaction commits.
``run_enrichment`` is what the task does; it is safe to run twice for the same job (a worker that
dies mid-job has its message redelivered): a job is claimed with a compare-and-set, finished
with another, and its effects (the moderation state, the ``listing_flagged`` event) are applied
only by the run that finishes it.

The model never edits the listing. It suggests a category and attributes, which the seller sees
and may apply, and its moderation verdict can put the listing in the moderation queue. A failed
job leaves the listing exactly as the seller wrote it, visible as before.

Every run ends the job: whatever goes wrong, the job is failed with a ``reason`` a seller can
read (and the details in ``error``, for staff), or queued again when another try may help. What
no run can end (a worker killed mid-job, a task killed at its hard time limit) is ended by
``reap_stuck_jobs``, which beat runs every few minutes; and a job that is stuck never stops a new
job for the same listing from being queued.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

import llm
from experiments.api import record_event

from . import ab_tests, ai
from .models import EnrichmentJob, Listing
from .newest import listings_changed

log = logging.getLogger(__name__)

ENRICHABLE = (Listing.Status.ACTIVE,)
VERDICT_TO_MODERATION = {
    "review": Listing.Moderation.FLAGGED,
    "reject": Listing.Moderation.HELD,
}
Reason = EnrichmentJob.Reason

# The task's time limits (marketplace/tasks.py): at the soft one the task fails or requeues its
# job itself; at the hard one Celery kills the process running it, and only the reaper can.
SOFT_TIME_LIMIT_SECONDS = 60
TIME_LIMIT_SECONDS = 90
# A job still running this long after its attempt started has outlived the hard time limit: the
# process that ran it is gone.
STUCK_RUNNING_AFTER = timedelta(seconds=TIME_LIMIT_SECONDS + 60)
# The reaper queues a job again while it has had fewer attempts than this; then it fails it (a
# job that keeps killing its worker must not take every worker down in turn).
REAP_RETRY_BELOW_ATTEMPTS = 3


def queue_enrichment(
    listing: Listing, *, force: bool = False, enqueue: bool = True
) -> EnrichmentJob | None:
    """Record a job for ``listing`` and enqueue its task on commit; None if there is nothing to do.

    An unchanged listing (same content as its last queued, running or successful job) is not
    enriched again unless ``force``: that is what keeps re-saves and re-runs free. With
    ``enqueue=False`` the job is only recorded, for a caller that runs it itself.
    """
    from .tasks import enrich_listing  # tasks imports this module

    if listing.status not in ENRICHABLE:
        return None
    content_hash = ai.content_hash(ai.enrichment_input(listing, with_price_reference=False))
    now = timezone.now()
    latest = listing.enrichment_jobs.order_by("-queued_at", "-id").first()
    if (
        not force
        and latest is not None
        and latest.input_hash == content_hash
        and (
            latest.status == EnrichmentJob.Status.SUCCEEDED
            or (latest.status != EnrichmentJob.Status.FAILED and not is_stuck(latest, now))
        )
    ):
        return None
    # A stuck job of the listing is replaced, not run as well when the reaper gets to it.
    for stuck in listing.enrichment_jobs.filter(_stuck(now)):
        _fail_stuck(stuck, Reason.SUPERSEDED, "Replaced by a newer job while it was stuck.")
    job = EnrichmentJob.objects.create(listing=listing, input_hash=content_hash)
    if enqueue:
        transaction.on_commit(lambda: enrich_listing.delay(job.pk))
    return job


@dataclass(frozen=True)
class Outcome:
    status: str  # "succeeded", "failed", "retry" or "skipped"
    error: llm.LLMError | None = None


def claim(job_id: int) -> EnrichmentJob | None:
    """Mark the job running and count the attempt, unless it is already finished (or gone)."""
    claimed = EnrichmentJob.objects.filter(
        pk=job_id, status__in=[EnrichmentJob.Status.QUEUED, EnrichmentJob.Status.RUNNING]
    ).update(
        status=EnrichmentJob.Status.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return EnrichmentJob.objects.select_related("listing__category").get(pk=job_id)


def run_enrichment(job_id: int, *, may_retry: bool) -> Outcome:
    """Run one job. A transient failure comes back as ``retry`` when ``may_retry``; any other
    failure, expected or not, fails the job with a reason (only the soft time limit is left to
    the task, which calls ``time_out``)."""
    job = claim(job_id)
    if job is None:
        return Outcome("skipped")
    try:
        return _run(job, may_retry=may_retry)
    except SoftTimeLimitExceeded:
        raise
    except (llm.LLMInputError, llm.PromptRefError) as error:
        # The site's own data or prompts are wrong (a category the prompt cannot take, a
        # missing prompt label): no retry will help, and a person has to fix it.
        log.error("Enrichment job %s cannot run: %s", job.pk, error)
        _finish(job, EnrichmentJob.Status.FAILED, error=str(error), reason=Reason.SITE_ERROR)
    except Exception as error:
        log.exception("Enrichment job %s failed unexpectedly", job.pk)
        message = f"Unexpected error: {type(error).__name__}: {error}"
        _finish(job, EnrichmentJob.Status.FAILED, error=message, reason=Reason.SITE_ERROR)
    return Outcome("failed")


def _run(job: EnrichmentJob, *, may_retry: bool) -> Outcome:
    listing = job.listing
    if listing.status not in ENRICHABLE:
        _finish(
            job,
            EnrichmentJob.Status.FAILED,
            error="The listing is no longer live.",
            reason=Reason.NOT_LIVE,
        )
        return Outcome("failed")

    try:
        # Every attempt of the job (retries included) in one trace: the admin shows its steps.
        with llm.trace(f"enrichment job #{job.pk}", key=f"enrichment-job:{job.pk}"):
            result = llm.run(
                "listing_enrichment",
                ai.enrichment_input(listing),
                target=listing,
                purpose="enrichment",
            )
    except llm.LLMError as error:
        # Rate limits, timeouts and server errors are worth another try later (``retryable``);
        # invalid output, refusals and rejected requests are final.
        if error.retryable and may_retry:
            _requeue(job, error.message, reason=_reason_for(error), call=error.call)
            return Outcome("retry", error)
        _finish(
            job,
            EnrichmentJob.Status.FAILED,
            error=error.message,
            reason=_reason_for(error),
            call=error.call,
        )
        return Outcome("failed", error)

    output = result.output
    suggestion = {
        "category": output.category,
        "attributes": output.attribute_dict(),
        "moderation": output.moderation.model_dump(mode="json"),
        "provider": result.provider_label,
    }
    finished = _finish(
        job,
        EnrichmentJob.Status.SUCCEEDED,
        result=suggestion,
        call=result.call,
        version=result.version,
        moderate=output.moderation.verdict,
    )
    return Outcome("succeeded" if finished else "skipped")


def _reason_for(error: llm.LLMError) -> str:
    if error.retryable:  # timeouts, rate limits, server and connection errors
        return Reason.UNAVAILABLE
    if isinstance(error, llm.LLMInvalidOutput | llm.LLMRefusal):
        return Reason.BAD_ANSWER
    return Reason.SITE_ERROR  # a rejected request: a bad key, an unknown model


def time_out(job_id: int, *, may_retry: bool) -> Outcome:
    """The task ran past its soft time limit: try again later, or give up."""
    error = llm.LLMTimeout("the job ran past its time limit")
    job = EnrichmentJob.objects.filter(pk=job_id, status=EnrichmentJob.Status.RUNNING).first()
    if job is None:
        return Outcome("skipped")
    if may_retry:
        _requeue(job, error.message, reason=Reason.TIMED_OUT)
        return Outcome("retry", error)
    _finish(job, EnrichmentJob.Status.FAILED, error=error.message, reason=Reason.TIMED_OUT)
    return Outcome("failed", error)


def _requeue(job: EnrichmentJob, message: str, *, reason: str, call=None) -> None:
    EnrichmentJob.objects.filter(pk=job.pk, status=EnrichmentJob.Status.RUNNING).update(
        status=EnrichmentJob.Status.QUEUED,
        error=f"Attempt {job.attempts} failed, will retry: {message}",
        reason=reason,
        llm_call=call,
    )


@transaction.atomic
def _finish(
    job: EnrichmentJob,
    status: str,
    *,
    result: dict | None = None,
    error: str = "",
    reason: str = "",
    call=None,
    version=None,
    moderate: str = "",
) -> bool:
    """Finish a running job; its effects happen only if this run is the one that finishes it."""
    finished = EnrichmentJob.objects.filter(pk=job.pk, status=EnrichmentJob.Status.RUNNING).update(
        status=status,
        result=result or {},
        error=error,
        reason=reason,
        llm_call=call,
        prompt_version=version or (call.prompt_version if call else None),
        finished_at=timezone.now(),
    )
    if finished and moderate:
        _apply_verdict(job, moderate)
    return bool(finished)


def _apply_verdict(job: EnrichmentJob, verdict: str) -> None:
    """Move the listing into (or keep it out of) the moderation queue."""
    listing = job.listing
    target = VERDICT_TO_MODERATION.get(verdict)
    if target is None:  # "ok": clear, unless a moderator is already looking at it or approved it
        Listing.objects.filter(pk=listing.pk, moderation=Listing.Moderation.UNSCREENED).update(
            moderation=Listing.Moderation.CLEAR
        )
        return
    Listing.objects.filter(pk=listing.pk).update(moderation=target)
    listings_changed([listing.category_id])  # a held listing leaves "More in ..." at once
    record_event(
        ab_tests.LISTING_FLAGGED,
        user_id=str(listing.seller_id),
        idempotency_key=f"listing_flagged:{job.pk}",
        properties={"listing_id": listing.pk, "verdict": verdict},
    )
    log.info("Listing %s %s by enrichment job %s", listing.pk, target, job.pk)


# --- Stuck jobs ------------------------------------------------------------------------------


def _stuck(now: datetime) -> Q:
    """Jobs that nothing is going to finish: running past the hard time limit, or queued and
    untouched for ``ENRICHMENT_QUEUED_TIMEOUT_SECONDS`` (their message was lost)."""
    queued_timeout = timedelta(seconds=settings.ENRICHMENT_QUEUED_TIMEOUT_SECONDS)
    return Q(status=EnrichmentJob.Status.RUNNING, started_at__lt=now - STUCK_RUNNING_AFTER) | Q(
        Q(status=EnrichmentJob.Status.QUEUED)
        & (
            Q(started_at__lt=now - queued_timeout)
            | Q(started_at__isnull=True, queued_at__lt=now - queued_timeout)
        )
    )


def is_stuck(job: EnrichmentJob, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    if job.status == EnrichmentJob.Status.RUNNING:
        return job.started_at is not None and job.started_at < now - STUCK_RUNNING_AFTER
    if job.status == EnrichmentJob.Status.QUEUED:
        last_touched = job.started_at or job.queued_at
        return last_touched < now - timedelta(seconds=settings.ENRICHMENT_QUEUED_TIMEOUT_SECONDS)
    return False


def _fail_stuck(job: EnrichmentJob, reason: str, message: str) -> bool:
    """Fail a stuck job, unless it moved meanwhile (a worker claimed it again)."""
    failed = EnrichmentJob.objects.filter(
        pk=job.pk, status=job.status, started_at=job.started_at, attempts=job.attempts
    ).update(
        status=EnrichmentJob.Status.FAILED,
        error=message,
        reason=reason,
        finished_at=timezone.now(),
    )
    return bool(failed)


def reap_stuck_jobs() -> Counter[str]:
    """End the jobs that no worker will finish; returns how many were ``requeued`` and
    ``failed``. Safe to run at any time and twice at once: every change is a compare-and-set.

    A job still running past the hard time limit lost its worker (killed, out of memory, or
    stopped at the limit). It is queued again, unless it has had ``REAP_RETRY_BELOW_ATTEMPTS``
    attempts, its listing is no longer live, or a newer job of the listing replaced it: then it
    fails. A job queued and untouched for ``ENRICHMENT_QUEUED_TIMEOUT_SECONDS`` fails: its
    message is lost, and a listing whose latest job failed is enriched again when it is saved
    (or by ``enrich_listings --all``).
    """
    from .tasks import enrich_listing  # tasks imports this module

    now = timezone.now()
    done: Counter[str] = Counter()
    stuck = (
        EnrichmentJob.objects.filter(_stuck(now))
        .select_related("listing")
        .annotate(touched_at=Coalesce("started_at", "queued_at"))
        .order_by("touched_at", "id")
    )
    for job in stuck.iterator(chunk_size=500):
        if job.status == EnrichmentJob.Status.QUEUED:
            waited = "it waited in the queue too long without a worker taking it"
            done["failed"] += _fail_stuck(job, Reason.TIMED_OUT, f"Reaped: {waited}.")
            continue
        lost = f"attempt {job.attempts} did not finish within the time limit (its worker stopped)"
        newer = job.listing.enrichment_jobs.filter(
            Q(queued_at__gt=job.queued_at) | Q(queued_at=job.queued_at, pk__gt=job.pk)
        ).exists()
        if newer:
            done["failed"] += _fail_stuck(job, Reason.SUPERSEDED, f"Reaped: {lost}; superseded.")
        elif job.listing.status not in ENRICHABLE:
            done["failed"] += _fail_stuck(job, Reason.NOT_LIVE, f"Reaped: {lost}; not live.")
        elif job.attempts >= REAP_RETRY_BELOW_ATTEMPTS:
            done["failed"] += _fail_stuck(job, Reason.TIMED_OUT, f"Reaped: {lost}; gave up.")
        else:
            with transaction.atomic():
                requeued = EnrichmentJob.objects.filter(
                    pk=job.pk,
                    status=EnrichmentJob.Status.RUNNING,
                    started_at=job.started_at,
                    attempts=job.attempts,
                ).update(
                    status=EnrichmentJob.Status.QUEUED,
                    error=f"Reaped: {lost}; queued again.",
                    reason=Reason.TIMED_OUT,
                )
                if requeued:
                    transaction.on_commit(partial(enrich_listing.delay, job.pk))
            done["requeued"] += requeued
    if done:
        log.warning(
            "Reaped stuck enrichment jobs: %d queued again, %d failed",
            done["requeued"],
            done["failed"],
        )
    return done
