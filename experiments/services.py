"""Writes to experiments: starting, pausing, concluding, iterating, auditing changes that
reshuffle units, and refreshing results.

An experiment's status changes only here (the admin's forms show it read-only): each change is a
transaction that locks the experiment's row, checks the status it finds, and records itself in
the experiment's history.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from llm import PromptRefError
from llm.models import PromptVersion
from llm.registry import resolve_prompt
from llm.services import move_label

from .analysis import sufficient_stats
from .models import (
    DailyResult,
    Experiment,
    ExperimentChange,
    Metric,
    Pause,
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


def check_ready_to_run(experiment: Experiment) -> dict[int, PromptVersion]:
    """Raise ``ValidationError`` listing everything that stops ``experiment`` from running;
    otherwise return the prompt version each variant would be pinned to (by variant id)."""
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
    other = (
        Experiment.objects.live().on_feature(experiment.feature).exclude(pk=experiment.pk).first()
    )
    if other is not None:
        problems.append(
            f"“{other}” ({other.get_status_display().lower()}) holds the feature "
            f"{experiment.feature!r}: conclude it before starting another experiment on it."
        )
    pins, pin_problems = _resolve_prompt_labels(experiment, variants)
    problems += pin_problems
    if problems:
        raise ValidationError(problems)
    return pins


def _resolve_prompt_labels(
    experiment: Experiment, variants: list[Variant]
) -> tuple[dict[int, PromptVersion], list[str]]:
    """The version each variant's prompt label points at now, and what stops that."""
    labels = {
        v.pk: v.config.get("prompt_label") if isinstance(v.config, dict) else None for v in variants
    }
    labelled = [v for v in variants if labels[v.pk]]
    if not experiment.prompt_name:
        if labelled:
            return {}, [
                f"Variant {labelled[0].key!r} names a prompt label, but the experiment names no "
                "prompt: set its prompt name."
            ]
        return {}, []
    pins: dict[int, PromptVersion] = {}
    problems = []
    for variant in variants:
        label = labels[variant.pk] or PRODUCTION_LABEL
        try:
            pins[variant.pk] = resolve_prompt(f"{experiment.prompt_name}:{label}")
        except PromptRefError as error:
            problems.append(f"Variant {variant.key!r} cannot be pinned: {error}.")
    if not problems and len({version.pk for version in pins.values()}) < len(pins):
        same = ", ".join(f"{v.key} → {pins[v.pk]}" for v in variants)
        problems.append(
            f"Its variants would serve the same prompt version ({same}): point the label of the "
            "version to test at it first (sync_prompts --label candidate, or move_label)."
        )
    return pins, problems


@transaction.atomic
def start_experiment(experiment: Experiment, *, user=None) -> None:
    """Start a draft, or resume a paused experiment.

    The first start runs every readiness check and pins each variant's prompt label to the version
    it points at now: until the experiment ends its units get exactly those versions, whatever
    happens to the labels. A resume closes the pause; the pins stay.
    """
    locked = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if locked.status == Experiment.Status.CONCLUDED:
        raise ValidationError(
            "A concluded experiment does not run again: create its next iteration "
            "(“Create the next iteration”), which keeps this one's results."
        )
    if locked.status == Experiment.Status.RUNNING:
        raise ValidationError("It is running already.")
    now = timezone.now()
    if locked.status == Experiment.Status.PAUSED:
        Pause.objects.filter(experiment=locked, resumed_at__isnull=True).update(resumed_at=now)
        note = "Resumed."
    else:
        pins = check_ready_to_run(locked)
        for variant in locked.variants.all():
            variant.prompt_version = pins.get(variant.pk)
            variant.save(update_fields=["prompt_version"])
        locked.started_at = now
        note = "Started." + "".join(
            f" {variant.key} is pinned to {pins[variant.pk]}."
            for variant in locked.variants.all()
            if variant.pk in pins
        )
    locked.status = Experiment.Status.RUNNING
    try:
        with transaction.atomic():
            locked.save(update_fields=["status", "started_at", "updated_at"])
    except IntegrityError:  # another start on the same feature got there first
        raise ValidationError(
            f"Another experiment on the feature {locked.feature!r} has just started."
        ) from None
    _record(locked, note, user)
    _copy_state(locked, experiment)


@transaction.atomic
def pause_experiment(experiment: Experiment, *, user=None) -> None:
    """Pause a running experiment: everyone gets the default and nothing is recorded until it
    resumes, and the analysis leaves out what units do meanwhile."""
    locked = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if locked.status != Experiment.Status.RUNNING:
        raise ValidationError("Only a running experiment can be paused.")
    locked.status = Experiment.Status.PAUSED
    locked.save(update_fields=["status", "updated_at"])
    Pause.objects.create(experiment=locked, paused_at=timezone.now())
    _record(locked, "Paused.", user)
    _copy_state(locked, experiment)


@transaction.atomic
def create_next_iteration(experiment: Experiment, *, user=None) -> Experiment:
    """A draft of the feature's next experiment, from its latest concluded one: same hypothesis,
    metrics, settings and variants (with their prompt labels, pinned again when it starts), and a
    new hash seed (its own key), so that nobody carries their old variant into it. The concluded
    iteration and its results stay as they are."""
    locked = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if locked.status != Experiment.Status.CONCLUDED:
        raise ValidationError(
            "Only a concluded experiment has a next iteration: conclude this one first."
        )
    newer = (
        Experiment.objects.on_feature(locked.feature)
        .filter(iteration__gt=locked.iteration)
        .order_by("iteration")
        .first()
    )
    if newer is not None:
        raise ValidationError(f"Its next iteration exists already: “{newer}” ({newer.key}).")
    number = locked.iteration + 1
    key = _free_key(f"{locked.feature}-{number}")
    try:
        with transaction.atomic():
            following = _copy_design(locked, key=key, iteration=number)
    except IntegrityError:  # a second click at the same moment made it first
        raise ValidationError("Its next iteration has just been created.") from None
    _record(locked, f"Next iteration created: {following.key}.", user)
    return following


def _copy_design(experiment: Experiment, *, key: str, iteration: int) -> Experiment:
    """A draft with ``experiment``'s design under a new key (and so a new hash seed)."""
    following = Experiment.objects.create(
        key=key,
        feature=experiment.feature,
        iteration=iteration,
        name=experiment.name,
        hypothesis=experiment.hypothesis,
        unit_type=experiment.unit_type,
        coverage=experiment.coverage,
        minimum_detectable_effect=experiment.minimum_detectable_effect,
        alpha=experiment.alpha,
        power=experiment.power,
        primary_metric=experiment.primary_metric,
        prompt_name=experiment.prompt_name,
    )
    following.secondary_metrics.set(experiment.secondary_metrics.all())
    following.guardrail_metrics.set(experiment.guardrail_metrics.all())
    Variant.objects.bulk_create(
        Variant(
            experiment=following,
            key=v.key,
            name=v.name,
            weight=v.weight,
            is_control=v.is_control,
            position=v.position,
            config=v.config,
        )
        for v in experiment.variants.all()
    )
    return following


def _free_key(wanted: str) -> str:
    key, n = wanted[:60], 2
    while Experiment.objects.filter(key=key).exists():
        key, n = f"{wanted[:55]}-{n}", n + 1
    return key


def _record(experiment: Experiment, summary: str, user: Any) -> ExperimentChange:
    return ExperimentChange.objects.create(
        experiment=experiment,
        changed_by=user if getattr(user, "is_authenticated", False) else None,
        summary=summary,
    )


def _copy_state(source: Experiment, target: Experiment) -> None:
    """Give the caller's instance the state the locked copy now has."""
    if target is not source:
        for name in ("status", "started_at", "ended_at", "decision", "shipped_variant_id"):
            setattr(target, name, getattr(source, name))
        target.decision_notes = source.decision_notes


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
    prefetch_related_objects([experiment], "pauses")  # one query for every window below
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
    prefetch_related_objects([experiment], "pauses")
    return _store_missing_days(experiment, metrics_with_roles(experiment), now or timezone.now())


def _store_missing_days(
    experiment: Experiment, metrics: list[tuple[Metric, Role]], now: datetime
) -> int:
    """Compute the daily points not stored yet, or stored before a metric or variant was added."""
    days = finished_days(experiment, now)
    if not days:
        return 0
    wanted_metrics = {str(metric.pk) for metric, _ in metrics}
    # A day stored before CUPED was turned on, or before a metric became a ratio, lacks its sums.
    wanted_ratios = {str(metric.pk) for metric, _ in metrics if metric.is_ratio}
    wanted_covariates = (wanted_metrics - wanted_ratios) if experiment.cuped else set()
    wanted_variants = {str(pk) for pk in experiment.variants.values_list("pk", flat=True)}

    def has_all(row: dict) -> bool:
        return (
            wanted_metrics <= set(row["metrics"])
            and wanted_covariates <= set(row.get("covariates", {}))
            and wanted_ratios <= set(row.get("ratios", {}))
        )

    complete = {
        day
        for day, stats in DailyResult.objects.filter(experiment=experiment).values_list(
            "day", "stats"
        )
        if wanted_variants <= set(stats) and all(has_all(stats[v]) for v in wanted_variants)
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


SIMULATED_HISTORY_NOTE = "Start moved back for a simulated history"


@transaction.atomic
def backdate_for_simulated_history(experiment: Experiment, *, days: int) -> datetime | None:
    """Move a running experiment's start back to ``days`` ago, so that the traffic simulator can
    spread its people over past days (a chart of one afternoon is one dot). Returns the start it
    had, or None if it started that long ago already.

    Only for simulated data: real units are exposed after the real start whatever this says, and
    the move is recorded in the experiment's history, which the results page quotes.
    """
    locked = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if locked.status != Experiment.Status.RUNNING or locked.started_at is None:
        raise ValidationError("Only a running experiment's start can be moved back.")
    wanted = timezone.now() - timedelta(days=days)
    previous = locked.started_at
    if previous <= wanted:
        return None
    locked.started_at = wanted
    locked.save(update_fields=["started_at", "updated_at"])
    _record(
        locked,
        f"{SIMULATED_HISTORY_NOTE}: from {timezone.localtime(previous):%Y-%m-%d %H:%M} to "
        f"{timezone.localtime(wanted):%Y-%m-%d %H:%M} (simulate_traffic --backdate --days "
        f"{days}). The days before the first start hold simulated people only.",
        None,
    )
    forget_results(locked)
    _copy_state(locked, experiment)
    return previous


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
    ``variant_for`` then serves the shipped variant (or the control) and records no exposure.
    Shipping a variant pinned to another prompt version than the control moves the prompt's
    ``production`` label to that version, the one the experiment served, in the same transaction;
    from then on everyone gets ``production``. The experiment's row is locked first, so of two
    conclusions at once the second is refused. The final results are computed after the commit.
    """
    locked = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if locked.status not in Experiment.LIVE_STATUSES:
        last = locked.changes.filter(summary__startswith="Concluded").first()
        by = f" by {last.changed_by}" if last and last.changed_by else ""
        raise ValidationError(
            f"Only a running or paused experiment can be concluded; this one is "
            f"{locked.get_status_display().lower()}"
            + (
                f" (concluded{by} at {timezone.localtime(locked.ended_at):%Y-%m-%d %H:%M})."
                if locked.ended_at
                else "."
            )
        )
    if decision not in Experiment.Decision.values:
        raise ValidationError(f"Unknown decision {decision!r}.")
    variants = list(locked.variants.select_related("prompt_version__prompt"))
    control = next((v for v in variants if v.is_control), None)
    if control is None:
        raise ValidationError("The experiment has no control variant.")
    if shipped_variant is not None and shipped_variant.pk not in {v.pk for v in variants}:
        raise ValidationError(f"{shipped_variant} is not a variant of this experiment.")
    shipped = _shipped_variant(
        Experiment.Decision(decision),
        next((v for v in variants if shipped_variant and v.pk == shipped_variant.pk), None),
        control,
    )
    ship_tested_prompt_version(locked, shipped, control, user=user)

    now = timezone.now()
    Pause.objects.filter(experiment=locked, resumed_at__isnull=True).update(resumed_at=now)
    locked.status = Experiment.Status.CONCLUDED
    locked.ended_at = now
    locked.decision = decision
    locked.shipped_variant = shipped
    locked.decision_notes = notes
    locked.save(
        update_fields=[
            "status",
            "ended_at",
            "decision",
            "shipped_variant",
            "decision_notes",
            "updated_at",
        ]
    )
    summary = f"Concluded: {locked.get_decision_display()}"
    if shipped is not None:
        summary += f" (everyone now gets {shipped.key!r})"
    _record(locked, f"{summary}. {notes}".strip(), user)
    _copy_state(locked, experiment)

    from .tasks import refresh_experiment_results  # the task module imports this one

    pk = locked.pk
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


def ship_tested_prompt_version(
    experiment: Experiment, shipped: Variant | None, control: Variant, *, user: Any = None
) -> bool:
    """When the shipped variant was pinned to another prompt version than the control, point the
    prompt's ``production`` label at that pinned version: the one its units were served, not
    wherever its label points today. Returns whether the label moved."""
    if shipped is None or shipped.is_control or shipped.prompt_version_id is None:
        return False
    if shipped.prompt_version_id == control.prompt_version_id:
        return False
    version = shipped.prompt_version
    assert version is not None
    note = (
        f"Shipped by experiment {experiment.key}: {shipped.key} "
        f"({version}, pinned at its start) won."
    )
    try:
        moved = move_label(version.prompt.name, PRODUCTION_LABEL, version, user=user, note=note)
    except PromptRefError as error:
        raise ValidationError(str(error)) from None
    return moved is not None
