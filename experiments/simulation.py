"""The traffic simulator: synthetic units through the real assignment, exposure and tracking code.

Each synthetic unit is bucketed by ``ExperimentSpec.assign`` (the function ``variant_for`` uses),
exposed with ``record_exposure`` and does things through ``record_event`` (the functions behind
``variant_for`` and ``track``). Its behaviour is drawn from a baseline per metric, multiplied by
``1 + lift`` in non-control variants for the metrics given a true effect. Every row it writes is
marked ``is_simulated`` and its unit ids start with ``sim-<experiment>-``, so ``clear_simulated``
removes exactly them. The numbers it produces are simulated and the admin labels them so.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from .api import ExperimentSpec, load_spec, record_event, record_exposure
from .models import Event, Experiment, Exposure, Metric

# Default baselines when the command is not told otherwise: a conversion rate, a mean count per
# unit, or a mean value per unit, depending on the metric's kind.
CHUNK = 500
DEFAULT_BASELINE = {
    Metric.Kind.CONVERSION: 0.10,
    Metric.Kind.COUNT: 1.5,
    Metric.Kind.SUM: 40.0,
}


@dataclass
class SimulationPlan:
    experiment: Experiment
    units: int
    seed: int = 1
    baselines: dict[str, float] = field(default_factory=dict)  # metric key -> baseline
    effects: dict[str, float] = field(default_factory=dict)  # metric key -> true relative lift
    days: int = 14

    def baseline_for(self, metric: Metric) -> float:
        return self.baselines.get(metric.key, DEFAULT_BASELINE[Metric.Kind(metric.kind)])


@dataclass
class SimulationReport:
    units: int = 0
    exposed: int = 0
    events: int = 0
    per_variant: dict[str, int] = field(default_factory=dict)


def unit_prefix(experiment: Experiment) -> str:
    return f"sim-{experiment.key}-"


def experiment_metrics(experiment: Experiment) -> list[Metric]:
    metrics: dict[int, Metric] = {}
    if experiment.primary_metric:
        metrics[experiment.primary_metric.pk] = experiment.primary_metric
    for metric in [*experiment.secondary_metrics.all(), *experiment.guardrail_metrics.all()]:
        metrics.setdefault(metric.pk, metric)
    return list(metrics.values())


def simulate(
    plan: SimulationPlan, progress: Callable[[int], None] | None = None
) -> SimulationReport:
    """Drive ``plan.units`` synthetic units through the experiment. Deterministic for a seed."""
    experiment = plan.experiment
    spec = load_spec(experiment.key)
    if spec is None or experiment.status != Experiment.Status.RUNNING:
        raise ValueError(f"Experiment {experiment.key!r} must be running to receive traffic.")
    metrics = experiment_metrics(experiment)
    unknown = (set(plan.effects) | set(plan.baselines)) - {m.key for m in metrics}
    if unknown:
        raise ValueError(
            f"Not metrics of {experiment.key!r}: {', '.join(sorted(unknown))}. "
            f"Its metrics are: {', '.join(m.key for m in metrics) or 'none'}."
        )
    return _Run(plan, spec, metrics).execute(progress)


class _Run:
    def __init__(self, plan: SimulationPlan, spec: ExperimentSpec, metrics: list[Metric]) -> None:
        self.plan, self.spec, self.metrics = plan, spec, metrics
        self.rng = random.Random(plan.seed)
        self.now = timezone.now()
        started = plan.experiment.started_at or self.now
        self.window_start = max(started, self.now - timedelta(days=plan.days))
        self.window_seconds = max((self.now - self.window_start).total_seconds(), 1.0)
        self.report = SimulationReport()

    def execute(self, progress: Callable[[int], None] | None) -> SimulationReport:
        prefix = f"{unit_prefix(self.plan.experiment)}{self.plan.seed}-"
        for chunk_start in range(0, self.plan.units, CHUNK):
            # A transaction per chunk: far fewer commits, and an interrupted run keeps whole chunks.
            with transaction.atomic():
                for i in range(chunk_start, min(chunk_start + CHUNK, self.plan.units)):
                    self.unit(f"{prefix}{i}")
            if progress:
                progress(self.report.units)
        return self.report

    def unit(self, unit_id: str) -> None:
        self.report.units += 1
        variant = self.spec.assign(unit_id)
        if variant is None:
            return  # outside the coverage: never exposed, as on the site
        exposed_at = self.window_start + timedelta(seconds=self.rng.random() * self.window_seconds)
        record_exposure(self.spec, variant, unit_id, when=exposed_at, simulated=True)
        for metric in self.metrics:
            lift = 0.0 if variant.is_control else self.plan.effects.get(metric.key, 0.0)
            mean = self.plan.baseline_for(metric) * (1 + lift)
            self.report.events += _act(
                self.rng, metric, mean, self.spec.unit_type, unit_id, exposed_at, self.now
            )
        self.report.exposed += 1
        self.report.per_variant[variant.key] = self.report.per_variant.get(variant.key, 0) + 1


def _act(
    rng: random.Random,
    metric: Metric,
    mean: float,
    unit_type: str,
    unit_id: str,
    exposed_at: datetime,
    now: datetime,
) -> int:
    """Record this unit's events for one metric; returns how many."""
    if metric.kind == Metric.Kind.CONVERSION:
        times, values = (1 if rng.random() < min(mean, 1.0) else 0), None
    elif metric.kind == Metric.Kind.COUNT:
        times, values = _poisson(rng, mean), None
    else:  # SUM: whether the unit buys at all, then how much (exponential around the mean)
        times = 1 if rng.random() < 0.5 else 0
        values = rng.expovariate(1 / (2 * mean)) if times else None
    ids = {"user_id": unit_id} if unit_type == "user" else {"visitor_id": unit_id}
    span = max((now - exposed_at).total_seconds(), 1.0)
    for _ in range(times):
        record_event(
            metric.event_name,
            value=values,
            when=exposed_at + timedelta(seconds=rng.random() * span),
            simulated=True,
            properties={"simulated": True},
            **ids,
        )
    return times


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: fine for the small means of per-unit counts.
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


@transaction.atomic
def clear_simulated(experiment: Experiment) -> tuple[int, int]:
    """Delete exactly the simulated exposures and events of ``experiment``."""
    prefix = unit_prefix(experiment)
    exposures, _ = Exposure.objects.filter(
        experiment=experiment, is_simulated=True, unit_id__startswith=prefix
    ).delete()
    column = "user_id" if experiment.unit_type == "user" else "visitor_id"
    events, _ = Event.objects.filter(
        is_simulated=True, **{f"{column}__startswith": prefix}
    ).delete()
    return exposures, events
