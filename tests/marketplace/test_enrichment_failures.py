"""Every enrichment job ends: failed with a reason, queued again, or reaped when stuck."""

from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

import llm
from marketplace import enrichment
from marketplace.enrichment import queue_enrichment, reap_stuck_jobs, run_enrichment
from marketplace.models import EnrichmentJob, Listing
from marketplace.tasks import enrich_listing, reap_stuck_enrichment_jobs
from tests.factories import ListingFactory

pytestmark = pytest.mark.django_db

Status, Reason = EnrichmentJob.Status, EnrichmentJob.Reason


def model_raises(monkeypatch, error: BaseException) -> None:
    def run(*args, **kwargs):
        raise error

    monkeypatch.setattr(llm, "run", run)


def stuck(job: EnrichmentJob, status: str, *, minutes: float, attempts: int = 1) -> int:
    """Make the job look as a killed worker leaves it, ``minutes`` after its attempt started
    (returns the rows changed, 1, so that a lambda can do this and more in a tuple)."""
    started = timezone.now() - timedelta(minutes=minutes)
    return EnrichmentJob.objects.filter(pk=job.pk).update(
        status=status, started_at=started, queued_at=started, attempts=attempts
    )


@pytest.mark.parametrize(
    "error",
    [
        llm.LLMInputError("categories.3.slug: String should match pattern"),
        llm.PromptRefError("no label 'production' on listing_enrichment"),
        RuntimeError("the database went away"),
    ],
    ids=["input-the-prompt-refuses", "missing-prompt", "unexpected"],
)
def test_any_error_fails_the_job_with_a_reason(monkeypatch, error):
    job = queue_enrichment(ListingFactory.create(), enqueue=False)
    model_raises(monkeypatch, error)

    assert run_enrichment(job.pk, may_retry=True).status == "failed"

    job.refresh_from_db()
    assert (job.status, job.reason) == (Status.FAILED, Reason.SITE_ERROR)
    assert str(error) in job.error
    assert job.finished_at is not None


def test_a_failed_job_does_not_keep_the_listing_from_being_enriched_again(monkeypatch):
    listing = ListingFactory.create()
    job = queue_enrichment(listing, enqueue=False)
    model_raises(monkeypatch, llm.LLMInputError("bad input"))
    run_enrichment(job.pk, may_retry=False)
    monkeypatch.undo()
    assert queue_enrichment(listing, enqueue=False) is not None


def test_the_soft_time_limit_is_left_to_the_task_which_fails_the_job(monkeypatch):
    job = queue_enrichment(ListingFactory.create(), enqueue=False)
    model_raises(monkeypatch, SoftTimeLimitExceeded())
    enrich_listing.apply(args=(job.pk,))  # eager: no retry
    job.refresh_from_db()
    assert (job.status, job.reason) == (Status.FAILED, Reason.TIMED_OUT)


def test_a_stuck_job_does_not_block_a_new_one(capsys):
    listing = ListingFactory.create()
    old = queue_enrichment(listing, enqueue=False)
    stuck(old, Status.RUNNING, minutes=30)

    call_command("enrich_listings", "--all")
    assert "Queued 1 enrichment jobs; 0 listings unchanged" in capsys.readouterr().out

    old.refresh_from_db()
    assert (old.status, old.reason) == (Status.FAILED, Reason.SUPERSEDED)
    assert listing.enrichment_jobs.filter(status=Status.QUEUED).count() == 1


def test_a_job_that_is_still_running_in_time_blocks_a_duplicate():
    listing = ListingFactory.create()
    job = queue_enrichment(listing, enqueue=False)
    stuck(job, Status.RUNNING, minutes=1)  # within the time limit: a worker has it
    assert queue_enrichment(listing, enqueue=False) is None


def test_the_reaper_queues_again_a_job_whose_worker_died(django_capture_on_commit_callbacks):
    job = queue_enrichment(ListingFactory.create(), enqueue=False)
    stuck(job, Status.RUNNING, minutes=5)

    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        assert reap_stuck_enrichment_jobs() == {"requeued": 1, "failed": 0}

    assert len(enqueued) == 1  # its task, sent again; here (eager) it has run
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.SUCCEEDED, 2)


@pytest.mark.parametrize(
    ("make_it", "reason"),
    [
        (lambda job: stuck(job, Status.RUNNING, minutes=5, attempts=3), Reason.TIMED_OUT),
        (lambda job: stuck(job, Status.QUEUED, minutes=61), Reason.TIMED_OUT),
        (
            lambda job: (
                stuck(job, Status.RUNNING, minutes=5),
                Listing.objects.filter(pk=job.listing_id).update(status=Listing.Status.SOLD),
            ),
            Reason.NOT_LIVE,
        ),
        (
            lambda job: (
                stuck(job, Status.RUNNING, minutes=5),
                EnrichmentJob.objects.create(listing=job.listing, input_hash="newer"),
            ),
            Reason.SUPERSEDED,
        ),
    ],
    ids=["third-attempt", "queued-for-an-hour", "no-longer-live", "superseded"],
)
def test_the_reaper_fails_a_job_that_should_not_run_again(make_it, reason):
    job = queue_enrichment(ListingFactory.create(), enqueue=False)
    make_it(job)

    assert reap_stuck_jobs() == {"failed": 1}

    job.refresh_from_db()
    assert (job.status, job.reason) == (Status.FAILED, reason)
    assert job.error.startswith("Reaped: ")


def test_the_reaper_leaves_jobs_that_are_on_time():
    running = queue_enrichment(ListingFactory.create(), enqueue=False)
    stuck(running, Status.RUNNING, minutes=1)
    waiting = queue_enrichment(ListingFactory.create(), enqueue=False)
    stuck(waiting, Status.QUEUED, minutes=30)

    assert reap_stuck_jobs() == {}
    assert set(EnrichmentJob.objects.values_list("status", flat=True)) == {
        Status.RUNNING,
        Status.QUEUED,
    }


def test_beat_runs_the_reaper():
    entry = django_settings.CELERY_BEAT_SCHEDULE["reap-stuck-enrichment-jobs"]
    assert entry["task"] == "marketplace.tasks.reap_stuck_enrichment_jobs"
    assert entry["schedule"] == timedelta(minutes=django_settings.ENRICHMENT_REAP_MINUTES)
    # The reaper's idea of "stuck" follows the task's hard time limit.
    assert enrichment.STUCK_RUNNING_AFTER.total_seconds() > enrich_listing.time_limit
