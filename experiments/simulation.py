"""The traffic simulator: synthetic units through the real assignment, exposure and tracking code.

Each synthetic unit is bucketed by ``ExperimentSpec.assign`` (the function ``variant_for`` uses),
exposed with ``record_exposure`` and does things through ``record_event`` (the functions behind
``variant_for`` and ``track``). Its behaviour is drawn per event name from the baselines of the
metrics built on that event, each multiplied by ``1 + lift`` in non-control variants for the
metrics given a true effect (see ``EventBehaviour``). Every row it writes is
marked ``is_simulated`` and its unit ids start with ``sim-<experiment>-``, so ``clear_simulated``
removes exactly them. The numbers it produces are simulated and the admin labels them so.

Simulated units are exposed at moments spread over the past ``days``, so a run changes finished
days: both a run and a clear drop the experiment's stored daily results (services.forget_results).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .api import ExperimentSpec, forget_exposures, load_spec, record_event, record_exposure
from .models import Event, Experiment, Exposure, Metric
from .services import forget_results

CHUNK = 500
# Default baselines when the command is not told otherwise: a conversion rate, a mean count per
# unit, or a mean value per unit, depending on the metric's kind.
DEFAULT_BASELINE = {
    Metric.Kind.CONVERSION: 0.10,
    Metric.Kind.COUNT: 1.5,
    Metric.Kind.SUM: 40.0,
}
# When a count metric shares its event with a conversion metric, a converting unit does the
# event this many times on average, unless the count metric is given a baseline of its own.
EVENTS_PER_CONVERTER = 1.5


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
    spec = load_spec(experiment.feature)
    if spec is None or spec.id != experiment.pk or experiment.status != Experiment.Status.RUNNING:
        raise ValueError(f"Experiment {experiment.key!r} must be running to receive traffic.")
    metrics = experiment_metrics(experiment)
    unknown = (set(plan.effects) | set(plan.baselines)) - {m.key for m in metrics}
    if unknown:
        raise ValueError(
            f"Not metrics of {experiment.key!r}: {', '.join(sorted(unknown))}. "
            f"Its metrics are: {', '.join(m.key for m in metrics) or 'none'}."
        )
    report = _Run(plan, spec, metrics).execute(progress)
    forget_results(experiment)
    return report


@dataclass(frozen=True)
class EventBehaviour:
    """How often a unit of one variant does one event, from the metrics built on that event.

    A conversion metric sets the share of units who do it at all; a count metric the mean number
    of times per unit (converting units then do it ``1 + Poisson(count / rate - 1)`` times, so
    both means hold at once); a sum metric the mean total value per unit, spread over the events.
    With a count metric alone the count is Poisson; with a sum metric alone half the units act.
    """

    event_name: str
    rate: float | None = None
    count: float | None = None
    value: float | None = None

    @classmethod
    def for_variant(
        cls, event_name: str, metrics: list[Metric], plan: SimulationPlan, is_control: bool
    ) -> EventBehaviour:
        by_kind = {Metric.Kind(metric.kind): metric for metric in metrics}
        lifts = {
            kind: 0.0 if is_control else plan.effects.get(metric.key, 0.0)
            for kind, metric in by_kind.items()
        }
        rate = count = value = None
        conversion = by_kind.get(Metric.Kind.CONVERSION)
        if conversion is not None:
            rate = min(plan.baseline_for(conversion) * (1 + lifts[Metric.Kind.CONVERSION]), 1.0)
        counted = by_kind.get(Metric.Kind.COUNT)
        if counted is not None:
            if counted.key in plan.baselines or conversion is None:
                count = plan.baseline_for(counted) * (1 + lifts[Metric.Kind.COUNT])
            else:  # converters behave alike unless told otherwise: the count follows the rate
                count = (rate or 0.0) * EVENTS_PER_CONVERTER * (1 + lifts[Metric.Kind.COUNT])
        summed = by_kind.get(Metric.Kind.SUM)
        if summed is not None:
            value = plan.baseline_for(summed) * (1 + lifts[Metric.Kind.SUM])
        return cls(event_name, rate, count, value)

    def draw(self, rng: random.Random) -> tuple[int, float | None]:
        """How many times a unit does the event, and the value of each event (or None)."""
        if self.rate is not None:
            times = 0
            if rng.random() < self.rate:
                extra = (self.count / self.rate - 1) if self.count and self.rate else 0.0
                times = 1 + _poisson(rng, max(extra, 0.0))
            expected = self.count if self.count is not None else self.rate
        elif self.count is not None:
            times, expected = _poisson(rng, self.count), self.count
        else:
            times, expected = (1 if rng.random() < 0.5 else 0), 0.5
        if self.value is None or not times:
            return times, None
        per_event = self.value / expected if expected else 0.0
        return times, rng.expovariate(1 / per_event) if per_event > 0 else 0.0


class _Run:
    def __init__(self, plan: SimulationPlan, spec: ExperimentSpec, metrics: list[Metric]) -> None:
        self.plan, self.spec = plan, spec
        self.rng = random.Random(plan.seed)
        self.now = timezone.now()
        started = plan.experiment.started_at or self.now
        self.window_start = max(started, self.now - timedelta(days=plan.days))
        self.window_seconds = max((self.now - self.window_start).total_seconds(), 1.0)
        self.report = SimulationReport()
        by_event: dict[str, list[Metric]] = {}
        for metric in metrics:
            by_event.setdefault(metric.event_name, []).append(metric)
        self.behaviour = {
            variant.key: [
                EventBehaviour.for_variant(name, group, plan, variant.is_control)
                for name, group in sorted(by_event.items())
            ]
            for variant in spec.variants
        }

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
        ids = {"user_id": unit_id} if self.spec.unit_type == "user" else {"visitor_id": unit_id}
        span = max((self.now - exposed_at).total_seconds(), 1.0)
        for behaviour in self.behaviour[variant.key]:
            times, value = behaviour.draw(self.rng)
            for _ in range(times):
                record_event(
                    behaviour.event_name,
                    value=value,
                    when=exposed_at + timedelta(seconds=self.rng.random() * span),
                    simulated=True,
                    properties={"simulated": True},
                    **ids,
                )
            self.report.events += times
        self.report.exposed += 1
        self.report.per_variant[variant.key] = self.report.per_variant.get(variant.key, 0) + 1


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
    """Delete exactly the simulated exposures and events of ``experiment``, with the daily results
    and the snapshots that counted them, and the cache's marks that their exposures are written
    (or the same seed run again would find its units "exposed" and write nothing)."""
    forget_results(experiment, simulated_snapshots=True)
    prefix = unit_prefix(experiment)
    simulated = Exposure.objects.filter(
        experiment=experiment, is_simulated=True, unit_id__startswith=prefix
    )
    unit_ids = list(simulated.values_list("unit_id", flat=True))
    exposures, _ = simulated.delete()
    # Now, not on commit: a mark is only a shortcut, and one missing costs an idempotent insert.
    forget_exposures(experiment.feature, unit_ids)
    column = "user_id" if experiment.unit_type == "user" else "visitor_id"
    events, _ = Event.objects.filter(
        is_simulated=True, **{f"{column}__startswith": prefix}
    ).delete()
    return exposures, events
