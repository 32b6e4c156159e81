"""Writes to experiments: starting, pausing, and auditing changes that reshuffle units."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Experiment, ExperimentChange, validate_weights


def check_ready_to_run(experiment: Experiment) -> None:
    """Raise ``ValidationError`` listing everything that stops ``experiment`` from running."""
    variants = list(experiment.variants.all())
    problems = []
    if len(variants) < 2:
        problems.append("It needs at least two variants.")
    if sum(v.is_control for v in variants) != 1:
        problems.append("Exactly one variant must be the control.")
    try:
        validate_weights([v.weight for v in variants])
    except ValidationError as error:
        problems.extend(error.messages)
    if experiment.primary_metric_id is None:
        problems.append("Choose a primary metric: it is what the experiment decides on.")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def start_experiment(experiment: Experiment, *, user=None) -> None:
    """Start (or resume) an experiment. The first start sets ``started_at``."""
    if experiment.status == Experiment.Status.CONCLUDED:
        raise ValidationError("A concluded experiment cannot run again; create a new one.")
    check_ready_to_run(experiment)
    experiment.status = Experiment.Status.RUNNING
    experiment.started_at = experiment.started_at or timezone.now()
    experiment.save(update_fields=["status", "started_at", "updated_at"])


@transaction.atomic
def pause_experiment(experiment: Experiment, *, user=None) -> None:
    """Pause a running experiment: everyone gets control and nothing is recorded until resumed."""
    if experiment.status != Experiment.Status.RUNNING:
        raise ValidationError("Only a running experiment can be paused.")
    experiment.status = Experiment.Status.PAUSED
    experiment.save(update_fields=["status", "updated_at"])


def record_reshuffle(experiment: Experiment, summary: str, *, user=None) -> ExperimentChange:
    """Audit a confirmed change that moves units between variants of a live experiment."""
    return ExperimentChange.objects.create(experiment=experiment, changed_by=user, summary=summary)
