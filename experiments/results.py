"""An experiment's results: per metric and variant, the numbers, the comparison and the verdict.

``compute_results`` runs one SQL aggregate (experiments/analysis.py) and does the rest in Python
from the per-variant sufficient statistics (experiments/stats.py). The result is plain frozen
dataclasses that go to JSON and back, so a ``ResultSnapshot`` stores exactly what the admin shows.

``lift_by_day`` turns the stored daily statistics into the cumulative lift of a metric by day.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from django.utils import timezone

from . import verdicts
from .analysis import CupedSums, RatioSums, VariantStats, sufficient_stats
from .models import Experiment, Metric, Variant
from .stats import (
    SRM_ALPHA,
    AdjustedStats,
    ArmSummary,
    Comparison,
    Effect,
    RatioStats,
    Stats,
    SufficientStats,
    adjust_p_values,
    compare,
    may_decide,
    required_sample_size,
    srm_p_value,
    variance_reduction,
)

# Bumped when the JSON layout changes; a snapshot in another format is recomputed, not misread.
FORMAT = 3


class Role(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    GUARDRAIL = "guardrail"


class UnreadableResults(ValueError):
    """Stored results in a format this code does not read (older, or damaged)."""


@dataclass(frozen=True)
class VariantUnits:
    """One variant of the experiment and the units exposed to it."""

    variant_id: int
    key: str
    name: str
    is_control: bool
    weight: float
    units: int
    simulated_units: int = 0


@dataclass(frozen=True)
class ArmResult:
    """One variant on one metric; for a treatment, its comparison with control."""

    variant_id: int
    key: str
    name: str
    is_control: bool
    stats: Stats  # plain, CUPED (AdjustedStats) or ratio (RatioStats): the metric's kind
    comparison: Comparison | None = None  # None for the control
    verdict: str = ""
    wrong_way: bool = False  # the estimate moves against the metric's direction
    guardrail_alarm: bool = False  # a guardrail that moves the wrong way, significantly
    additional_units_needed: int | None = None
    progress: float | None = None  # of the smaller arm toward the required units, at most 1
    # A fixed-horizon comparison read before its planned sample size: no winner or loser yet,
    # whatever the p-value says (reading it at every refresh would find false ones).
    too_early: bool = False
    # The p-value adjusted for all the comparisons read at once (the experiment's correction);
    # None without a correction, for a guardrail, or for a Bayesian result.
    adjusted_p_value: float | None = None

    @property
    def mean(self) -> float | None:
        return self.stats.mean

    @property
    def relative(self) -> Effect | None:
        return self.comparison.relative if self.comparison else None

    @property
    def significant(self) -> bool:
        """A decision: significant (after the correction for multiple comparisons, if any), and
        read when the experiment's rule allows a verdict."""
        relative = self.relative
        if relative is None or not relative.significant or self.too_early:
            return False
        alpha = self.comparison.alpha if self.comparison else 0.0
        return self.adjusted_p_value is None or self.adjusted_p_value < alpha


@dataclass(frozen=True)
class MetricResult:
    metric_id: int
    key: str
    name: str
    kind: str
    direction: str
    role: Role
    arms: tuple[ArmResult, ...]
    required_units_per_variant: int | None = None
    # CUPED: how much of the variance of the effect the units' history removed (of the first
    # treatment; 0.3 = 30%). None without CUPED or without enough data.
    variance_reduction: float | None = None
    cap: str = ""  # how each unit's value is capped, in words ("" when it is not)

    @property
    def is_rate(self) -> bool:
        return self.kind == Metric.Kind.CONVERSION

    @property
    def is_ratio(self) -> bool:
        return self.kind == Metric.Kind.RATIO

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Metric.Direction.HIGHER

    @property
    def control(self) -> ArmResult | None:
        """None only for an experiment without variants (a draft being set up)."""
        return next((arm for arm in self.arms if arm.is_control), None)

    @property
    def treatments(self) -> list[ArmResult]:
        return [arm for arm in self.arms if not arm.is_control]

    @property
    def guardrail_alarm(self) -> bool:
        return any(arm.guardrail_alarm for arm in self.arms)

    @property
    def progress(self) -> float | None:
        """The least progress of any treatment toward the required sample size."""
        values = [arm.progress for arm in self.treatments if arm.progress is not None]
        return min(values) if values else None

    @property
    def units_per_variant(self) -> int:
        """The smallest arm: the one that decides whether the sample size is reached."""
        return min((arm.stats.n for arm in self.arms), default=0)


@dataclass(frozen=True)
class ExperimentResults:
    experiment_id: int
    experiment_key: str
    computed_at: datetime
    window_start: datetime | None
    window_end: datetime
    alpha: float
    power: float
    minimum_detectable_effect: float
    variants: tuple[VariantUnits, ...]
    metrics: tuple[MetricResult, ...]
    srm_p_value: float | None = None  # None with fewer than two weighted variants
    srm_alarm: bool = False
    # How they were read (Experiment's settings at the time)
    method: str = Experiment.StatsEngine.FIXED.value
    sequential_tuning: int = 5000
    correction: str = Experiment.Correction.NONE.value
    cuped: bool = False
    format: int = field(default=FORMAT)

    @property
    def units(self) -> int:
        return sum(v.units for v in self.variants)

    @property
    def simulated_units(self) -> int:
        return sum(v.simulated_units for v in self.variants)

    @property
    def has_simulated_data(self) -> bool:
        return self.simulated_units > 0

    @property
    def primary(self) -> MetricResult | None:
        return next((m for m in self.metrics if m.role == Role.PRIMARY), None)

    def to_json(self) -> dict[str, Any]:
        return _to_json(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExperimentResults:
        """Read results written by ``to_json``; ``UnreadableResults`` for any other layout."""
        if not isinstance(data, Mapping) or data.get("format") != FORMAT:
            raise UnreadableResults("results stored in another format; refresh to recompute")
        try:
            return _results_from_json(data)
        except (KeyError, TypeError, ValueError) as error:
            raise UnreadableResults(f"damaged results: {error}") from error


# --- Computing ----------------------------------------------------------------------------------


def metrics_with_roles(experiment: Experiment) -> list[tuple[Metric, Role]]:
    """The experiment's metrics, primary first, each once: a metric that is both a guardrail and
    a secondary metric is judged as a guardrail."""
    roles: dict[int, tuple[Metric, Role]] = {}
    if experiment.primary_metric is not None:
        roles[experiment.primary_metric.pk] = (experiment.primary_metric, Role.PRIMARY)
    for metric in experiment.guardrail_metrics.all():
        roles.setdefault(metric.pk, (metric, Role.GUARDRAIL))
    for metric in experiment.secondary_metrics.all():
        roles.setdefault(metric.pk, (metric, Role.SECONDARY))
    order = {Role.PRIMARY: 0, Role.SECONDARY: 1, Role.GUARDRAIL: 2}
    return sorted(roles.values(), key=lambda pair: (order[pair[1]], pair[0].name))


def compute_results(experiment: Experiment, *, as_of: datetime | None = None) -> ExperimentResults:
    """The experiment's results as of ``as_of`` (default now), from one SQL aggregate."""
    return compute_results_for(experiment, metrics_with_roles(experiment), as_of=as_of)


def compute_results_for(
    experiment: Experiment,
    metrics: list[tuple[Metric, Role]],
    *,
    as_of: datetime | None = None,
) -> ExperimentResults:
    """``compute_results`` for metrics already looked up with ``metrics_with_roles``."""
    computed_at = as_of or timezone.now()
    variants = list(experiment.variants.order_by("position", "id"))
    stats = sufficient_stats(experiment, [metric for metric, _ in metrics], until=computed_at)
    window_end = min(t for t in (experiment.ended_at, computed_at) if t is not None)
    return results_from_stats(
        experiment,
        variants,
        metrics,
        stats,
        computed_at=computed_at,
        window_end=window_end,
    )


def results_from_stats(
    experiment: Experiment,
    variants: list[Variant],
    metrics: list[tuple[Metric, Role]],
    stats: Mapping[int, VariantStats],
    *,
    computed_at: datetime,
    window_end: datetime,
) -> ExperimentResults:
    """The results of already aggregated statistics: everything after the SQL."""
    counts = tuple(
        VariantUnits(
            variant_id=v.pk,
            key=v.key,
            name=v.name,
            is_control=v.is_control,
            weight=v.weight,
            units=stats[v.pk].units if v.pk in stats else 0,
            simulated_units=stats[v.pk].simulated_units if v.pk in stats else 0,
        )
        for v in variants
    )
    srm = _srm(counts)
    return ExperimentResults(
        experiment_id=experiment.pk,
        experiment_key=experiment.key,
        computed_at=computed_at,
        window_start=experiment.started_at,
        window_end=window_end,
        alpha=experiment.alpha,
        power=experiment.power,
        minimum_detectable_effect=experiment.minimum_detectable_effect,
        variants=counts,
        metrics=_corrected(
            experiment,
            [_metric_result(experiment, metric, role, variants, stats) for metric, role in metrics],
        ),
        srm_p_value=srm,
        srm_alarm=srm is not None and srm < SRM_ALPHA,
        method=experiment.stats_engine,
        sequential_tuning=experiment.sequential_tuning,
        correction=experiment.correction,
        cuped=experiment.cuped,
    )


def _srm(counts: tuple[VariantUnits, ...]) -> float | None:
    # A variant with no weight gets no traffic by design; the check is over the others.
    weighted = [v for v in counts if v.weight > 0]
    if len(weighted) < 2:
        return None
    return srm_p_value([v.units for v in weighted], [v.weight for v in weighted])


def _metric_result(
    experiment: Experiment,
    metric: Metric,
    role: Role,
    variants: list[Variant],
    stats: Mapping[int, VariantStats],
) -> MetricResult:
    arm_stats = {
        v.pk: stats_of(metric.pk, metric.kind, stats.get(v.pk), cuped=experiment.cuped)
        for v in variants
    }
    control = next((v for v in variants if v.is_control), variants[0] if variants else None)
    control_stats = (
        arm_stats[control.pk] if control else stats_of(metric.pk, metric.kind, None, cuped=False)
    )
    reduction = None
    if experiment.cuped and isinstance(control_stats, AdjustedStats):
        first = next((arm_stats[v.pk] for v in variants if v != control), None)
        if isinstance(first, AdjustedStats):
            reduction = variance_reduction(control_stats, first)
    required = _required_units(experiment, control_stats, reduction)
    arms = []
    for variant in variants:
        arm = ArmResult(
            variant_id=variant.pk,
            key=variant.key,
            name=variant.name,
            is_control=variant == control,
            stats=arm_stats[variant.pk],
        )
        if variant != control:
            arm = _judge(experiment, metric, role, arm, control_stats, required)
        arms.append(arm)
    return MetricResult(
        metric_id=metric.pk,
        key=metric.key,
        name=metric.name,
        kind=metric.kind,
        direction=metric.direction,
        role=role,
        arms=tuple(arms),
        required_units_per_variant=required,
        variance_reduction=reduction,
        cap=_cap_in_words(metric),
    )


def _cap_in_words(metric: Metric) -> str:
    if metric.capping == Metric.Capping.ABSOLUTE and metric.cap_value is not None:
        return f"each unit's value capped at {metric.cap_value:g}"
    if metric.capping == Metric.Capping.PERCENTILE and metric.cap_value is not None:
        return (
            f"each unit's value capped at the {100 * metric.cap_value:g}th percentile of all units"
        )
    return ""


def stats_of(metric_id: int, kind: str, row: VariantStats | None, *, cuped: bool) -> Stats:
    """One variant's statistics of one metric as its kind needs them: a ratio metric's
    ``RatioStats``, with CUPED a metric's ``AdjustedStats``, else its ``SufficientStats``."""
    if kind == Metric.Kind.RATIO:
        sums = row.ratios.get(metric_id) if row else None
        return RatioStats(*_fields(sums)) if sums else RatioStats(0, 0.0, 0.0, 0.0, 0.0, 0.0)
    if cuped:
        covariates = row.covariates.get(metric_id) if row else None
        if covariates is not None:
            return AdjustedStats(*_fields(covariates))
        return AdjustedStats(0, 0.0, 0.0, 0.0, 0.0, 0.0)
    if row is None:
        return SufficientStats(0, 0.0, 0.0)
    return row.metrics.get(metric_id, SufficientStats(0, 0.0, 0.0))


def _fields(sums: CupedSums | RatioSums) -> tuple:
    return tuple(getattr(sums, f.name) for f in dataclasses.fields(sums))


def _required_units(
    experiment: Experiment, control: Stats, reduction: float | None = None
) -> int | None:
    """Units per variant for the experiment's design, from control's mean and variance so far;
    with CUPED, of the variance it leaves (a 30% reduction needs 30% fewer units)."""
    if control.mean is None or control.variance is None:
        return None
    variance = control.variance * (1 - reduction) if reduction else control.variance
    if variance <= 0:
        return None
    return required_sample_size(
        control.mean,
        variance,
        experiment.minimum_detectable_effect,
        experiment.alpha,
        experiment.power,
    )


def _judge(
    experiment: Experiment,
    metric: Metric,
    role: Role,
    arm: ArmResult,
    control: Stats,
    required: int | None,
) -> ArmResult:
    comparison = compare(
        control,
        arm.stats,
        experiment.alpha,
        higher_is_better=metric.higher_is_better,
        method=experiment.stats_engine,  # type: ignore[arg-type]  # a StatsEngine value
        sequential_tuning=experiment.sequential_tuning,
    )
    units = min(control.n, arm.stats.n)
    additional = max(0, required - units) if required else None
    progress = min(1.0, units / required) if required else None
    relative = comparison.relative
    wrong_way = relative is not None and verdicts.goes_the_wrong_way(
        relative.estimate, higher_is_better=metric.higher_is_better
    )
    is_guardrail = role == Role.GUARDRAIL
    # A fixed-horizon test names no winner or loser before its planned sample size. A guardrail
    # that is significantly worse still raises its alarm at once: stopping for harm early can
    # only cost a false alarm, never a false winner shipped.
    too_early = (
        relative is not None
        and relative.significant
        and not may_decide(experiment.stats_engine, units, required)  # type: ignore[arg-type]
        and not (is_guardrail and wrong_way)
    )
    return ArmResult(
        variant_id=arm.variant_id,
        key=arm.key,
        name=arm.name,
        is_control=False,
        stats=arm.stats,
        comparison=comparison,
        verdict=verdicts.verdict(
            comparison,
            variant_name=arm.name,
            metric_name=metric.name,
            additional_units=additional,
            minimum_detectable_effect=experiment.minimum_detectable_effect,
            is_guardrail=is_guardrail,
            too_early=too_early,
            planned_units=required,
            units=units,
        ),
        wrong_way=wrong_way,
        # A guardrail's alarm is not a verdict: it stops a harmful experiment at any look.
        guardrail_alarm=is_guardrail
        and wrong_way
        and relative is not None
        and relative.significant,
        additional_units_needed=additional,
        progress=progress,
        too_early=too_early,
    )


def _corrected(experiment: Experiment, metrics: list[MetricResult]) -> tuple[MetricResult, ...]:
    """With a correction for multiple comparisons, each primary and secondary comparison's
    p-value adjusted over all of them (every such metric times every treatment), and its verdict
    said again with it. Guardrails are left out: they watch for harm, and an alarm should not
    need more evidence because more goal metrics are read. A Bayesian result has no p-value."""
    method = experiment.correction
    if method == Experiment.Correction.NONE or experiment.stats_engine == "bayesian":
        return tuple(metrics)
    slots = [
        (m, a)
        for m, metric in enumerate(metrics)
        if metric.role != Role.GUARDRAIL
        for a, arm in enumerate(metric.arms)
        if not arm.is_control
    ]
    raw = [metrics[m].arms[a].relative for m, a in slots]
    adjusted = adjust_p_values([r.p_value if r else None for r in raw], method)
    by_slot = dict(zip(slots, adjusted, strict=True))
    result = []
    for m, metric in enumerate(metrics):
        arms = tuple(
            _with_adjusted_p(experiment, metric, arm, by_slot.get((m, a)))
            for a, arm in enumerate(metric.arms)
        )
        result.append(dataclasses.replace(metric, arms=arms))
    return tuple(result)


def _with_adjusted_p(
    experiment: Experiment, metric: MetricResult, arm: ArmResult, adjusted: float | None
) -> ArmResult:
    if adjusted is None or arm.comparison is None:
        return arm
    control = metric.control
    units = min(control.stats.n, arm.stats.n) if control else arm.stats.n
    return dataclasses.replace(
        arm,
        adjusted_p_value=adjusted,
        verdict=verdicts.verdict(
            arm.comparison,
            variant_name=arm.name,
            metric_name=metric.name,
            additional_units=arm.additional_units_needed,
            minimum_detectable_effect=experiment.minimum_detectable_effect,
            is_guardrail=False,
            too_early=arm.too_early,
            planned_units=metric.required_units_per_variant,
            units=units,
            adjusted_p=adjusted,
        ),
    )


# --- The cumulative lift by day ------------------------------------------------------------------


@dataclass(frozen=True)
class LiftPoint:
    """One treatment's cumulative relative lift on one metric, as of the end of ``day``."""

    day: date
    variant_key: str
    variant_name: str
    units: int
    relative: Effect | None  # None while there is not enough data to compare


def stats_to_json(stats: Mapping[int, VariantStats]) -> dict[str, Any]:
    """Per-variant statistics as stored in ``DailyResult.stats``: ids as keys, (n, sum, sum of
    squares) triples, and the CUPED and ratio sums as lists of their six numbers, so a day of
    three metrics is a few hundred bytes."""
    return {
        str(variant_id): {
            "units": row.units,
            "simulated_units": row.simulated_units,
            "metrics": {
                str(metric_id): [s.n, s.sum, s.sum_squares] for metric_id, s in row.metrics.items()
            },
            "covariates": {str(k): list(_fields(v)) for k, v in row.covariates.items()},
            "ratios": {str(k): list(_fields(v)) for k, v in row.ratios.items()},
        }
        for variant_id, row in stats.items()
    }


def stats_from_json(data: Mapping[str, Any]) -> dict[int, VariantStats]:
    return {
        int(variant_id): VariantStats(
            variant_id=int(variant_id),
            units=row["units"],
            simulated_units=row.get("simulated_units", 0),
            metrics={
                int(metric_id): SufficientStats(int(n), float(total), float(squares))
                for metric_id, (n, total, squares) in row["metrics"].items()
            },
            covariates={
                int(k): CupedSums(int(v[0]), *map(float, v[1:]))
                for k, v in row.get("covariates", {}).items()
            },
            ratios={
                int(k): RatioSums(int(v[0]), *map(float, v[1:]))
                for k, v in row.get("ratios", {}).items()
            },
        )
        for variant_id, row in data.items()
    }


def lift_by_day(
    results: ExperimentResults,
    metric_id: int,
    days: Iterable[tuple[date, Mapping[int, VariantStats]]],
    *,
    today: date,
) -> list[LiftPoint]:
    """The cumulative lift of each treatment on a metric: one point per stored day, then today's
    point from ``results``. Days that lack the metric (added after they were stored) are left
    out rather than drawn as zero."""
    metric = next((m for m in results.metrics if m.metric_id == metric_id), None)
    if metric is None or metric.control is None:
        return []
    higher = metric.higher_is_better
    control_arm = metric.control
    control_id = control_arm.variant_id
    points = []

    def has_metric(row: VariantStats | None) -> bool:
        if row is None:
            return False
        if metric.is_ratio:
            return metric_id in row.ratios
        return metric_id in (row.covariates if results.cuped else row.metrics)

    for day, stats in days:
        if day >= today:
            continue
        control = stats.get(control_id)
        if control is None or not has_metric(control):
            continue
        for arm in metric.treatments:
            row = stats.get(arm.variant_id)
            if row is None or not has_metric(row):
                continue
            comparison = compare(
                stats_of(metric_id, metric.kind, control, cuped=results.cuped),
                stats_of(metric_id, metric.kind, row, cuped=results.cuped),
                results.alpha,
                higher_is_better=higher,
                method=results.method,  # type: ignore[arg-type]  # a StatsEngine value
                sequential_tuning=results.sequential_tuning,
            )
            points.append(
                LiftPoint(day, arm.key, arm.name, row.units + control.units, comparison.relative)
            )
    for arm in metric.treatments:
        units = arm.stats.n + control_arm.stats.n
        points.append(LiftPoint(today, arm.key, arm.name, units, arm.relative))
    return points


# --- JSON ---------------------------------------------------------------------------------------


def _to_json(results: ExperimentResults) -> dict[str, Any]:
    data = asdict(results)
    for name in ("computed_at", "window_start", "window_end"):
        data[name] = data[name].isoformat() if data[name] is not None else None
    return data


def _results_from_json(data: Mapping[str, Any]) -> ExperimentResults:
    def effect(d: Mapping[str, Any] | None) -> Effect | None:
        return None if d is None else Effect(**d)

    def comparison(d: Mapping[str, Any] | None) -> Comparison | None:
        if d is None:
            return None
        return Comparison(
            **{
                **d,
                "control": ArmSummary(**d["control"]),
                "treatment": ArmSummary(**d["treatment"]),
                "absolute": effect(d["absolute"]),
                "relative": effect(d["relative"]),
                "risk": tuple(d["risk"]) if d.get("risk") is not None else None,
            }
        )

    def stats(d: Mapping[str, Any]) -> Stats:
        if "m_sum" in d:
            return RatioStats(**d)
        if "pre_sum" in d:
            return AdjustedStats(**d)
        return SufficientStats(**d)

    def arm(d: Mapping[str, Any]) -> ArmResult:
        return ArmResult(
            **{
                **d,
                "stats": stats(d["stats"]),
                "comparison": comparison(d["comparison"]),
            }
        )

    def when(text: str | None) -> datetime | None:
        return None if text is None else datetime.fromisoformat(text)

    metrics = tuple(
        MetricResult(**{**m, "role": Role(m["role"]), "arms": tuple(arm(a) for a in m["arms"])})
        for m in data["metrics"]
    )
    window_end = when(data["window_end"])
    computed_at = when(data["computed_at"])
    if window_end is None or computed_at is None:
        raise ValueError("results without a time")
    return ExperimentResults(
        experiment_id=data["experiment_id"],
        experiment_key=data["experiment_key"],
        computed_at=computed_at,
        window_start=when(data["window_start"]),
        window_end=window_end,
        alpha=data["alpha"],
        power=data["power"],
        minimum_detectable_effect=data["minimum_detectable_effect"],
        variants=tuple(VariantUnits(**v) for v in data["variants"]),
        metrics=metrics,
        srm_p_value=data["srm_p_value"],
        srm_alarm=data["srm_alarm"],
        method=data["method"],
        sequential_tuning=data["sequential_tuning"],
        correction=data["correction"],
        cuped=data["cuped"],
        format=data["format"],
    )
