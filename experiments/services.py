"""Writes to experiments: starting, pausing, concluding, auditing changes that reshuffle units,
and refreshing results."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from llm import PromptRefError
from llm.models import PromptLabel
from llm.services import move_label

from .analysis import sufficient_stats
from .models import (
    DailyResult,
    Experiment,
    ExperimentChange,
    Metric,
    ResultSnapshot,
    Variant,
    validate_weights,
)
from .results import Role, compute_results_for, metrics_with_roles, stats_to_json

# The admin shows the latest snapshot; older ones are kept for a while as a record of what the
# results said when (at a refresh every 30 minutes, 100 snapshots are two days).
SNAPSHOTS_KEPT = 100
# A day's point is computed once its events are all in: events are written as they happen, so
# a few minutes after midnight nothing can still arrive for the day before.
DAY_SETTLES_AFTER = timedelta(minutes=10)
PRODUCTION_LABEL = "production"


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


# --- Results ------------------------------------------------------------------------------------


def refresh_results(
    experiment: Experiment, *, now: datetime | None = None, with_days: bool = True
) -> ResultSnapshot:
    """Compute and store the experiment's results as of now, and any missing daily points.

    Costs one aggregate query for the snapshot plus one per finished day not stored yet
    (experiments/analysis.py), whatever the traffic. Each day is written as soon as it is
    computed, so a refresh cut short by a time limit keeps the days it finished.
    ``with_days=False`` computes the snapshot alone: the admin's button does that and leaves the
    days to a background job (``tasks.store_daily_results``), since the first refresh of a long
    experiment backfills one aggregate per day and a request should not wait for them.
    """
    now = now or timezone.now()
    metrics = metrics_with_roles(experiment)
    if with_days:
        _store_missing_days(experiment, metrics, now)
    results = compute_results_for(experiment, metrics, as_of=now)
    with transaction.atomic():
        snapshot = ResultSnapshot.objects.create(
            experiment=experiment,
            computed_at=results.computed_at,
            window_end=results.window_end,
            results=results.to_json(),
            has_simulated_data=results.has_simulated_data,
        )
        stale = list(
            ResultSnapshot.objects.filter(experiment=experiment)
            .order_by("-computed_at", "-id")
            .values_list("pk", flat=True)[SNAPSHOTS_KEPT:]
        )
        if stale:
            ResultSnapshot.objects.filter(pk__in=stale).delete()
    return snapshot


def finished_days(experiment: Experiment, now: datetime) -> list[tuple[date, datetime]]:
    """``(day, end of day)`` for each day of the experiment, in the site's time zone, that has
    ended (and settled) by ``now`` and before the experiment ended."""
    if experiment.started_at is None:
        return []
    zone = timezone.get_default_timezone()
    last_end = now - DAY_SETTLES_AFTER
    if experiment.ended_at is not None:
        last_end = min(last_end, experiment.ended_at)
    days = []
    day = timezone.localtime(experiment.started_at, zone).date()
    while (end := _end_of(day, zone)) <= last_end:
        days.append((day, end))
        day += timedelta(days=1)
    return days


def _end_of(day: date, zone: tzinfo) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)


def store_daily_results(experiment: Experiment, *, now: datetime | None = None) -> int:
    """Compute the daily points of the lift chart that are not stored yet; returns how many."""
    return _store_missing_days(experiment, metrics_with_roles(experiment), now or timezone.now())


def _store_missing_days(
    experiment: Experiment, metrics: list[tuple[Metric, Role]], now: datetime
) -> int:
    """Compute the daily points not stored yet, or stored before a metric or variant was added."""
    days = finished_days(experiment, now)
    if not days:
        return 0
    wanted_metrics = {str(metric.pk) for metric, _ in metrics}
    wanted_variants = {str(pk) for pk in experiment.variants.values_list("pk", flat=True)}
    complete = {
        day
        for day, stats in DailyResult.objects.filter(experiment=experiment).values_list(
            "day", "stats"
        )
        if wanted_variants <= set(stats)
        and all(wanted_metrics <= set(stats[v]["metrics"]) for v in wanted_variants)
    }
    metric_objects = [metric for metric, _ in metrics]
    missing = [(day, end) for day, end in days if day not in complete]
    for day, end in missing:
        stats = sufficient_stats(experiment, metric_objects, until=end)
        DailyResult.objects.bulk_create(
            [
                DailyResult(
                    experiment=experiment, day=day, window_end=end, stats=stats_to_json(stats)
                )
            ],
            update_conflicts=True,
            unique_fields=["experiment", "day"],
            update_fields=["window_end", "stats", "computed_at"],
        )
    return len(missing)


def forget_results(experiment: Experiment, *, simulated_snapshots: bool = False) -> None:
    """Drop the stored daily points of an experiment whose past data changed, and with
    ``simulated_snapshots`` the snapshots that counted simulated units.

    A daily point is computed once, on the assumption that a finished day never changes; whatever
    writes or deletes rows in the past (the traffic simulator) must call this. Snapshots are a
    record of what the results said when; only those that showed simulated data go when the
    simulated data does, so the page never shows results of rows that no longer exist.
    """
    DailyResult.objects.filter(experiment=experiment).delete()
    if simulated_snapshots:
        ResultSnapshot.objects.filter(experiment=experiment, has_simulated_data=True).delete()


# --- Concluding ---------------------------------------------------------------------------------


@transaction.atomic
def conclude_experiment(
    experiment: Experiment,
    *,
    decision: str,
    shipped_variant: Variant | None = None,
    notes: str = "",
    user: Any = None,
) -> Experiment:
    """End a running or paused experiment with a decision.

    - ``ship``: ``shipped_variant`` (not the control) goes to everyone;
    - ``keep_control``: the control goes to everyone;
    - ``inconclusive``: stop without shipping: everyone gets the control.
    ``variant_for`` then serves the shipped variant (or the control) and records no exposure. When
    the variants differ by prompt label, shipping a treatment moves the prompt's production label
    to the treatment's version in the same transaction. The final results are computed after
    the commit.
    """
    if experiment.status not in (Experiment.Status.RUNNING, Experiment.Status.PAUSED):
        raise ValidationError(
            f"Only a running or paused experiment can be concluded; this one is "
            f"{experiment.get_status_display().lower()}."
        )
    if decision not in Experiment.Decision.values:
        raise ValidationError(f"Unknown decision {decision!r}.")
    variants = list(experiment.variants.all())
    control = next((v for v in variants if v.is_control), None)
    if control is None:
        raise ValidationError("The experiment has no control variant.")
    if shipped_variant is not None and shipped_variant.pk not in {v.pk for v in variants}:
        raise ValidationError(f"{shipped_variant} is not a variant of this experiment.")
    shipped = _shipped_variant(Experiment.Decision(decision), shipped_variant, control)
    # First, while the experiment is untouched: a label move that fails leaves nothing changed.
    ship_winning_prompt_label(experiment, shipped, control, user=user)

    experiment.status = Experiment.Status.CONCLUDED
    experiment.ended_at = timezone.now()
    experiment.decision = decision
    experiment.shipped_variant = shipped
    experiment.decision_notes = notes
    experiment.save(
        update_fields=[
            "status",
            "ended_at",
            "decision",
            "shipped_variant",
            "decision_notes",
            "updated_at",
        ]
    )
    summary = f"Concluded: {experiment.get_decision_display()}"
    if shipped is not None:
        summary += f" (everyone now gets {shipped.key!r})"
    ExperimentChange.objects.create(
        experiment=experiment,
        changed_by=user if getattr(user, "is_authenticated", False) else None,
        summary=f"{summary}. {notes}".strip(),
    )

    from .tasks import refresh_experiment_results  # the task module imports this one

    pk = experiment.pk
    transaction.on_commit(lambda: refresh_experiment_results.delay(pk))
    return experiment


def _shipped_variant(
    decision: Experiment.Decision, chosen: Variant | None, control: Variant
) -> Variant | None:
    if decision == Experiment.Decision.SHIP:
        if chosen is None or chosen.is_control:
            raise ValidationError(
                "Choose the variant to ship. To give everyone the control, decide “Keep control”."
            )
        return chosen
    if decision == Experiment.Decision.KEEP_CONTROL:
        if chosen is not None and not chosen.is_control:
            raise ValidationError("Keeping the control ships no other variant; choose “Ship”.")
        return control
    if chosen is not None and not chosen.is_control:
        raise ValidationError("An inconclusive experiment ships nothing: everyone gets control.")
    return None


def ship_winning_prompt_label(
    experiment: Experiment, shipped: Variant | None, control: Variant, *, user: Any = None
) -> bool:
    """When the shipped variant uses another prompt label than the control, move the prompt's
    ``production`` label to the version the shipped variant's label points at.

    Variants that compare prompt versions are configured as ``{"prompt_label": "candidate"}``
    (a control without one runs on production). Returns whether a label move was made.
    """
    if shipped is None or shipped.is_control:
        return False
    winner_label = shipped.config.get("prompt_label")
    control_label = control.config.get("prompt_label", PRODUCTION_LABEL)
    if not winner_label or winner_label in (control_label, PRODUCTION_LABEL):
        return False
    if not experiment.prompt_name:
        raise ValidationError(
            f"The shipped variant uses the prompt label {winner_label!r}, but the experiment "
            "names no prompt: set its prompt name, then conclude again."
        )
    _move_production_label(
        experiment.prompt_name,
        winner_label,
        user,
        f"Shipped by experiment {experiment.key}: {shipped.key} ({winner_label}) won.",
    )
    return True


def _move_production_label(prompt_name: str, to_label: str, user: Any, note: str) -> None:
    """Point ``prompt_name``'s production label at the version ``to_label`` points at, recording
    the move with ``user`` and ``note`` as the llm app records every label move."""
    label = PromptLabel.objects.filter(prompt__name=prompt_name, name=to_label).first()
    if label is None:
        raise ValidationError(f"The prompt {prompt_name!r} has no label {to_label!r} to ship.")
    try:
        move_label(prompt_name, PRODUCTION_LABEL, label.version, user=user, note=note)
    except PromptRefError as error:
        raise ValidationError(str(error)) from None
