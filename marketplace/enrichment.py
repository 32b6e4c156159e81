"""The enrichment job: classify a published listing, extract its attributes, screen it.

``queue_enrichment`` records a job and enqueues the Celery task once the transaction commits.
``run_enrichment`` is what the task does; it is safe to run twice for the same job (a worker that
dies mid-job has its message redelivered): a job is claimed with a compare-and-set, finished
with another, and its effects (the moderation state, the ``listing_flagged`` event) are applied
only by the run that finishes it.

The model never edits the listing. It suggests a category and attributes, which the seller sees
and may apply, and its moderation verdict can put the listing in the moderation queue. A failed
job leaves the listing exactly as the seller wrote it, visible as before.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

import llm
from experiments.api import record_event

from . import ab_tests, ai
from .models import EnrichmentJob, Listing

log = logging.getLogger(__name__)

ENRICHABLE = (Listing.Status.ACTIVE,)
VERDICT_TO_MODERATION = {
    "review": Listing.Moderation.FLAGGED,
    "reject": Listing.Moderation.HELD,
}


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
    latest = listing.enrichment_jobs.order_by("-queued_at", "-id").first()
    if (
        not force
        and latest is not None
        and latest.input_hash == content_hash
        and latest.status != EnrichmentJob.Status.FAILED
    ):
        return None
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
    """Run one job. A transient failure comes back as ``retry`` when ``may_retry``."""
    job = claim(job_id)
    if job is None:
        return Outcome("skipped")
    listing = job.listing
    if listing.status not in ENRICHABLE:
        _finish(job, EnrichmentJob.Status.FAILED, error="The listing is no longer live.")
        return Outcome("failed")

    try:
        result = llm.run(
            "listing_enrichment", ai.enrichment_input(listing), target=listing, purpose="enrichment"
        )
    except llm.LLMError as error:
        # Rate limits, timeouts and server errors are worth another try later (``retryable``);
        # invalid output, refusals and bad input are final.
        if error.retryable and may_retry:
            _requeue(job, error)
            return Outcome("retry", error)
        _finish(job, EnrichmentJob.Status.FAILED, error=error.message, call=error.call)
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


def time_out(job_id: int, *, may_retry: bool) -> Outcome:
    """The task ran past its soft time limit: try again later, or give up."""
    error = llm.LLMTimeout("the job ran past its time limit")
    job = EnrichmentJob.objects.filter(pk=job_id, status=EnrichmentJob.Status.RUNNING).first()
    if job is None:
        return Outcome("skipped")
    if may_retry:
        _requeue(job, error)
        return Outcome("retry", error)
    _finish(job, EnrichmentJob.Status.FAILED, error=error.message)
    return Outcome("failed", error)


def _requeue(job: EnrichmentJob, error: llm.LLMError) -> None:
    EnrichmentJob.objects.filter(pk=job.pk, status=EnrichmentJob.Status.RUNNING).update(
        status=EnrichmentJob.Status.QUEUED,
        error=f"Attempt {job.attempts} failed, will retry: {error.message}",
        llm_call=error.call,
    )


@transaction.atomic
def _finish(
    job: EnrichmentJob,
    status: str,
    *,
    result: dict | None = None,
    error: str = "",
    call=None,
    version=None,
    moderate: str = "",
) -> bool:
    """Finish a running job; its effects happen only if this run is the one that finishes it."""
    finished = EnrichmentJob.objects.filter(pk=job.pk, status=EnrichmentJob.Status.RUNNING).update(
        status=status,
        result=result or {},
        error=error,
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
    record_event(
        ab_tests.LISTING_FLAGGED,
        user_id=str(listing.seller_id),
        idempotency_key=f"listing_flagged:{job.pk}",
        properties={"listing_id": listing.pk, "verdict": verdict},
    )
    log.info("Listing %s %s by enrichment job %s", listing.pk, target, job.pk)
