"""Background jobs of experiments: keeping the results of running experiments fresh.

Beat runs ``refresh_running_experiments`` every ``EXPERIMENT_RESULTS_REFRESH_MINUTES``; it fans
out one ``refresh_experiment_results`` per running experiment, each with its own time limit.
"""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services
from .models import Experiment, ResultSnapshot

# One refresh is one aggregate plus one per day not yet stored; the first refresh of a long
# experiment on a large table backfills many days. Each finished day is stored as it is done, so
# a refresh stopped by the limit resumes where it stopped next time.
SOFT_TIME_LIMIT = 300
TIME_LIMIT = 360


@shared_task(soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT)
def refresh_experiment_results(
    experiment_id: int, fresher_than_seconds: float | None = None
) -> int | None:
    """Refresh one experiment's results; returns the snapshot id, or None when there was nothing
    to do: the experiment is gone, or (with ``fresher_than_seconds``) a snapshot that recent
    exists already, as when a redelivered job or a second beat finds the work done."""
    experiment = Experiment.objects.filter(pk=experiment_id).first()
    if experiment is None:
        return None
    if fresher_than_seconds is not None:
        recent = timezone.now() - timedelta(seconds=fresher_than_seconds)
        if ResultSnapshot.objects.filter(experiment=experiment, computed_at__gte=recent).exists():
            return None
    return services.refresh_results(experiment).pk


@shared_task(soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT)
def store_daily_results(experiment_id: int) -> int:
    """Compute the experiment's missing daily points (after the admin's quick refresh)."""
    experiment = Experiment.objects.filter(pk=experiment_id).first()
    return services.store_daily_results(experiment) if experiment else 0


@shared_task
def refresh_running_experiments() -> list[int]:
    """Enqueue a refresh of every running experiment (the beat schedule runs this)."""
    # Skip an experiment refreshed within half an interval: the button or a late job did it.
    fresher_than = settings.EXPERIMENT_RESULTS_REFRESH_MINUTES * 60 / 2
    ids = list(Experiment.objects.running().values_list("pk", flat=True))
    for experiment_id in ids:
        refresh_experiment_results.delay(experiment_id, fresher_than)
    return ids
