"""CUPED covariates, capping, ratio metrics and breakdowns, computed in SQL, checked against the
same sums computed in Python from the same rows (on SQLite, and on Postgres when DATABASE_URL
points at one)."""

import math
import random
from dataclasses import astuple
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from experiments.analysis import (
    UNKNOWN,
    CupedSums,
    RatioSums,
    sufficient_stats,
    sufficient_stats_by,
)
from experiments.api import record_event
from experiments.models import Event, Exposure, Metric, Pause
from experiments.stats import SufficientStats
from tests.experiments.factories import ExperimentFactory, MetricFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
LOOKBACK = 3
NAMES = ("purchase", "view", "contact")


@pytest.fixture
def experiment():
    return ExperimentFactory(
        key="adjusted", started_at=NOW - timedelta(days=8), cuped_lookback_days=LOOKBACK
    )


def fill(experiment, units: int = 60, seed: int = 3) -> None:
    """Units exposed in and before the window, events from 14 days ago to now (some before the
    lookback, some in it, most after the exposure), a few heavy units, varied dimensions."""
    rng = random.Random(seed)
    variants = list(experiment.variants.all())
    for u in range(units):
        days_ago = rng.uniform(0, 9)  # a few before the start: not counted
        dimensions = {}
        if rng.random() < 0.8:
            dimensions["device"] = rng.choice(["mobile", "desktop"])
        if rng.random() < 0.5:
            dimensions["category"] = rng.choice(["bikes", "sofas", ""])
        Exposure.objects.create(
            experiment=experiment,
            variant=rng.choice(variants),
            unit_id=f"u{u}",
            first_seen_at=NOW - timedelta(days=days_ago),
            dimensions=dimensions,
        )
        heavy = 8 if rng.random() < 0.1 else 1
        for _ in range(rng.randrange(0, 6) * heavy):
            record_event(
                rng.choice(NAMES),
                visitor_id=f"u{u}",
                value=round(rng.uniform(0, 50), 2) if rng.random() < 0.9 else None,
                when=NOW - timedelta(days=rng.uniform(0, 14)),
            )
    record_event("purchase", visitor_id="never-exposed", value=5.0, when=NOW)


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between the closest ranks (percentile_cont, numpy's default)."""
    ordered = sorted(values)
    h = p * (len(ordered) - 1)
    lo = math.floor(h)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo])


def value_of(metric: Metric, events: list[Event], name: str | None = None) -> float:
    name = name or metric.event_name
    matching = [e for e in events if e.name == name]
    if metric.kind == Metric.Kind.CONVERSION:
        return 1.0 if matching else 0.0
    if metric.kind == Metric.Kind.SUM:
        return sum(e.value or 0.0 for e in matching)
    return float(len(matching))


def in_python(experiment, metrics, *, dimension: str | None = None, until=None):
    """{group: {variant id: (units, {metric id: SufficientStats}, covariates, ratios)}}, from
    the rows, as the SQL is documented to compute them."""
    end = min(t for t in (experiment.ended_at, until, timezone.now()) if t is not None)
    pauses = [(p.paused_at, p.resumed_at or end) for p in experiment.pauses.all()]
    exposures = [
        x
        for x in experiment.exposures.all()
        if experiment.started_at <= x.first_seen_at < end
        and not any(a <= x.first_seen_at < b for a, b in pauses)
    ]
    events = [
        e
        for e in Event.objects.all()
        if e.timestamp < end and not any(a <= e.timestamp < b for a, b in pauses)
    ]
    lookback = timedelta(days=experiment.cuped_lookback_days)
    units = {}
    for x in exposures:
        mine = [e for e in events if e.visitor_id == x.unit_id]
        after = [e for e in mine if e.timestamp >= x.first_seen_at]
        before = [e for e in mine if x.first_seen_at - lookback <= e.timestamp < x.first_seen_at]
        units[x.unit_id] = (x, after, before)
    caps = {}
    for m in metrics:
        if m.capping == Metric.Capping.ABSOLUTE:
            caps[m.pk] = m.cap_value
        elif m.capping == Metric.Capping.PERCENTILE:
            caps[m.pk] = percentile([value_of(m, a) for _, a, _ in units.values()], m.cap_value)
    rows: dict = {}
    for x, after, before in units.values():
        group = (x.dimensions.get(dimension) or UNKNOWN) if dimension else None
        row = rows.setdefault(group, {}).setdefault(x.variant_id, [])
        values = {}
        for m in metrics:
            y, pre = value_of(m, after), value_of(m, before)
            if m.pk in caps:
                y, pre = min(y, caps[m.pk]), min(pre, caps[m.pk])
            d = value_of(m, after, m.denominator_event) if m.is_ratio else None
            values[m.pk] = (y, pre, d)
        row.append(values)
    result: dict = {}
    for group, variants in rows.items():
        for variant_id, unit_values in variants.items():
            n = len(unit_values)
            plain, covariates, ratios = {}, {}, {}
            for m in metrics:
                ys = [v[m.pk][0] for v in unit_values]
                xs = [v[m.pk][1] for v in unit_values]
                plain[m.pk] = SufficientStats.from_values(ys)
                if m.is_ratio:
                    ds = [v[m.pk][2] for v in unit_values]
                    ratios[m.pk] = RatioSums(
                        n,
                        sum(ys),
                        sum(y * y for y in ys),
                        sum(ds),
                        sum(d * d for d in ds),
                        sum(y * d for y, d in zip(ys, ds, strict=True)),
                    )
                elif experiment.cuped:
                    covariates[m.pk] = CupedSums(
                        n,
                        sum(ys),
                        sum(y * y for y in ys),
                        sum(xs),
                        sum(v * v for v in xs),
                        sum(v * y for v, y in zip(xs, ys, strict=True)),
                    )
            result.setdefault(group, {})[variant_id] = (n, plain, covariates, ratios)
    return result


def assert_same(sql_stats, python_stats) -> None:
    """Every variant in SQL matches Python's (variants Python has no unit in are all zeros)."""
    for variant_id, stats in sql_stats.items():
        if variant_id not in python_stats:
            assert stats.units == 0
            assert all(s.sum == 0 and s.sum_squares == 0 for s in stats.metrics.values())
            continue
        n, plain, covariates, ratios = python_stats[variant_id]
        assert stats.units == n
        for metric_id, expected in plain.items():
            got = stats.metrics[metric_id]
            assert (got.n, got.sum, got.sum_squares) == (
                expected.n,
                pytest.approx(expected.sum),
                pytest.approx(expected.sum_squares),
            )
        assert stats.covariates.keys() == covariates.keys()
        for metric_id, expected in covariates.items():
            assert astuple(stats.covariates[metric_id]) == pytest.approx(astuple(expected))
        assert stats.ratios.keys() == ratios.keys()
        for metric_id, expected in ratios.items():
            assert astuple(stats.ratios[metric_id]) == pytest.approx(astuple(expected))


def all_kinds() -> list[Metric]:
    return [
        MetricFactory(key="bought", event_name="purchase", kind=Metric.Kind.CONVERSION),
        MetricFactory(key="views", event_name="view", kind=Metric.Kind.COUNT),
        MetricFactory(key="revenue", event_name="purchase", kind=Metric.Kind.SUM),
    ]


def test_cuped_adds_each_metrics_pre_exposure_value_over_the_lookback(experiment):
    experiment.cuped = True
    metrics = all_kinds()
    fill(experiment)
    python = in_python(experiment, metrics)[None]
    stats = sufficient_stats(experiment, metrics)
    assert_same(stats, python)
    # something to adjust with: the units did things before their exposure
    assert any(c.pre_sum > 0 for s in stats.values() for c in s.covariates.values())


def test_a_hand_counted_unit_gets_its_lookback_events_and_no_older_ones(experiment):
    experiment.cuped = True
    count = MetricFactory(key="views", event_name="view", kind=Metric.Kind.COUNT)
    Exposure.objects.create(
        experiment=experiment,
        variant=experiment.variants.get(key="control"),
        unit_id="a",
        first_seen_at=NOW - timedelta(days=2),
    )
    for days_ago in (1, 1.5, 2.5, 4.9, 5.1):  # after; after; lookback; lookback; too old
        record_event("view", visitor_id="a", when=NOW - timedelta(days=days_ago))
    control = sufficient_stats(experiment, [count])[experiment.variants.get(key="control").pk]
    assert control.metrics[count.pk] == SufficientStats(1, 2, 4)
    assert control.covariates[count.pk] == CupedSums(1, 2, 4, 2, 4, 4)


def test_the_lookback_is_its_days_of_24_hours_to_the_microsecond(experiment):
    """Both databases start the window exactly lookback x 24 h before the exposure (Postgres
    subtracts seconds, SQLite microseconds)."""
    experiment.cuped = True
    count = MetricFactory(key="views", event_name="view", kind=Metric.Kind.COUNT)
    seen = NOW - timedelta(days=1)
    Exposure.objects.create(
        experiment=experiment,
        variant=experiment.variants.get(key="control"),
        unit_id="a",
        first_seen_at=seen,
    )
    start = seen - timedelta(hours=24 * LOOKBACK)
    for when in (start, start - timedelta(microseconds=1)):  # first in, then just out
        record_event("view", visitor_id="a", when=when)
    control = sufficient_stats(experiment, [count])[experiment.variants.get(key="control").pk]
    assert control.covariates[count.pk].pre_sum == 1


def test_without_cuped_the_sql_and_the_statistics_are_todays(experiment):
    metrics = all_kinds()
    fill(experiment)
    with CaptureQueriesContext(connection) as queries:
        stats = sufficient_stats(experiment, metrics)
    sql = next(q["sql"] for q in queries.captured_queries if "per_unit" in q["sql"])
    assert "AND e.timestamp >= x.first_seen_at\n" in sql  # no lookback, no period tests
    assert "dtdelta" not in sql
    assert "INTERVAL" not in sql
    assert "caps" not in sql
    assert all(not s.covariates and not s.ratios for s in stats.values())
    assert_same(stats, in_python(experiment, metrics)[None])


@pytest.mark.parametrize("cuped", [False, True])
def test_absolute_and_percentile_caps_limit_each_units_value_and_its_covariate(experiment, cuped):
    experiment.cuped = cuped
    metrics = [
        MetricFactory(
            key="views",
            event_name="view",
            kind=Metric.Kind.COUNT,
            capping=Metric.Capping.ABSOLUTE,
            cap_value=2,
        ),
        MetricFactory(
            key="revenue",
            event_name="purchase",
            kind=Metric.Kind.SUM,
            capping=Metric.Capping.PERCENTILE,
            cap_value=0.8,
        ),
        MetricFactory(
            key="contacts",
            event_name="contact",
            kind=Metric.Kind.COUNT,
            capping=Metric.Capping.PERCENTILE,
            cap_value=0.95,
        ),
        MetricFactory(key="contacts_raw", event_name="contact", kind=Metric.Kind.COUNT),
    ]
    fill(experiment)
    stats = sufficient_stats(experiment, metrics)
    assert_same(stats, in_python(experiment, metrics)[None])
    capped_views = sum(s.metrics[metrics[0].pk].sum_squares for s in stats.values())
    assert capped_views <= 4 * sum(s.units for s in stats.values())
    capped, raw = (sum(s.metrics[m.pk].sum_squares for s in stats.values()) for m in metrics[2:])
    assert capped < raw  # the heavy units were capped


def test_a_percentile_cap_interpolates_between_ranks(experiment):
    revenue = MetricFactory(
        key="revenue",
        event_name="purchase",
        kind=Metric.Kind.SUM,
        capping=Metric.Capping.PERCENTILE,
        cap_value=0.5,
    )
    for unit, value in (("a", 10.0), ("b", 20.0), ("c", 40.0), ("d", 100.0)):
        Exposure.objects.create(
            experiment=experiment,
            variant=experiment.variants.get(key="control"),
            unit_id=unit,
            first_seen_at=NOW - timedelta(days=2),
        )
        record_event("purchase", visitor_id=unit, value=value, when=NOW - timedelta(days=1))
    control = sufficient_stats(experiment, [revenue])[experiment.variants.get(key="control").pk]
    # the median of 10, 20, 40, 100 is 30: 10 + 20 + 30 + 30
    assert control.metrics[revenue.pk] == SufficientStats(4, 90, 100 + 400 + 900 + 900)


def test_ratio_metrics_sum_numerator_and_denominator_per_unit(experiment):
    experiment.cuped = True  # ratio metrics get no covariate
    ratio = MetricFactory(
        key="contacts_per_view",
        event_name="contact",
        kind=Metric.Kind.RATIO,
        denominator_event="view",
    )
    metrics = [ratio, MetricFactory(key="views", event_name="view", kind=Metric.Kind.COUNT)]
    fill(experiment)
    stats = sufficient_stats(experiment, metrics)
    assert_same(stats, in_python(experiment, metrics)[None])
    assert all(ratio.pk not in s.covariates and ratio.pk in s.ratios for s in stats.values())


def test_a_hand_counted_ratio(experiment):
    ratio = MetricFactory(
        key="contacts_per_view",
        event_name="contact",
        kind=Metric.Kind.RATIO,
        denominator_event="view",
    )
    treatment = experiment.variants.get(key="treatment")
    for unit, contacts, views in (("a", 1, 4), ("b", 0, 2), ("c", 2, 0)):
        Exposure.objects.create(
            experiment=experiment,
            variant=treatment,
            unit_id=unit,
            first_seen_at=NOW - timedelta(days=3),
        )
        for name, times in (("contact", contacts), ("view", views)):
            for _ in range(times):
                record_event(name, visitor_id=unit, when=NOW - timedelta(days=1))
    stats = sufficient_stats(experiment, [ratio])[treatment.pk]
    assert stats.ratios[ratio.pk] == RatioSums(3, 3, 5, 6, 20, 4)
    assert stats.metrics[ratio.pk] == SufficientStats(3, 3, 5)  # the numerator's


@pytest.mark.parametrize("dimension", ["device", "category", "visitor"])
def test_breakdowns_give_each_dimension_values_stats(experiment, dimension):
    experiment.cuped = True
    metrics = [
        *all_kinds(),
        MetricFactory(
            key="contacts_capped",
            event_name="contact",
            kind=Metric.Kind.COUNT,
            capping=Metric.Capping.PERCENTILE,
            cap_value=0.9,
        ),
        MetricFactory(
            key="contacts_per_view",
            event_name="contact",
            kind=Metric.Kind.RATIO,
            denominator_event="view",
        ),
    ]
    fill(experiment)
    python = in_python(experiment, metrics, dimension=dimension)
    by_value = sufficient_stats_by(experiment, metrics, dimension)
    assert set(by_value) == set(python)
    for value, stats in by_value.items():
        assert set(stats) == set(experiment.variants.values_list("pk", flat=True))
        assert_same(stats, python[value])
    # the groups add up to the whole
    whole = sufficient_stats(experiment, metrics)
    for variant_id, variant_stats in whole.items():
        assert variant_stats.units == sum(group[variant_id].units for group in by_value.values())
    if dimension == "visitor":  # fill() records none: all unknown
        assert set(by_value) == {UNKNOWN}
    else:
        assert UNKNOWN in by_value
        assert len(by_value) > 1


def test_a_breakdown_by_anything_else_is_refused(experiment):
    metric = MetricFactory(key="bought", event_name="purchase")
    with pytest.raises(ValueError, match="device, visitor, category"):
        sufficient_stats_by(experiment, [metric], "country")
    with pytest.raises(ValueError, match="No breakdown"):
        sufficient_stats_by(experiment, [metric], "device') OR 1=1 --")


def test_pauses_and_a_past_moment_apply_to_everything(experiment):
    experiment.cuped = True
    Pause.objects.create(
        experiment=experiment,
        paused_at=NOW - timedelta(days=5),
        resumed_at=NOW - timedelta(days=4),
    )
    metrics = [
        *all_kinds(),
        MetricFactory(
            key="revenue_capped",
            event_name="purchase",
            kind=Metric.Kind.SUM,
            capping=Metric.Capping.PERCENTILE,
            cap_value=0.9,
        ),
    ]
    fill(experiment)
    until = NOW - timedelta(days=1)
    stats = sufficient_stats(experiment, metrics, until=until)
    assert_same(stats, in_python(experiment, metrics, until=until)[None])


def test_a_percentile_cap_of_one_unit_is_its_own_value(experiment):
    count = MetricFactory(
        key="views",
        event_name="view",
        kind=Metric.Kind.COUNT,
        capping=Metric.Capping.PERCENTILE,
        cap_value=0.99,
    )
    Exposure.objects.create(
        experiment=experiment,
        variant=experiment.variants.get(key="control"),
        unit_id="only",
        first_seen_at=NOW - timedelta(days=2),
    )
    for _ in range(3):
        record_event("view", visitor_id="only", when=NOW - timedelta(days=1))
    control = sufficient_stats(experiment, [count])[experiment.variants.get(key="control").pk]
    assert control.metrics[count.pk] == SufficientStats(1, 3, 9)


@pytest.mark.postgres
def test_on_postgres_the_vendors_own_functions_are_used(experiment):
    """Postgres takes its branch of each vendor-specific piece: percentile_cont, LEAST, an
    interval for the lookback and ->> for a dimension (the sums are checked above)."""
    experiment.cuped = True
    metrics = [
        MetricFactory(
            key="views",
            event_name="view",
            kind=Metric.Kind.COUNT,
            capping=Metric.Capping.PERCENTILE,
            cap_value=0.9,
        ),
        MetricFactory(
            key="revenue",
            event_name="purchase",
            kind=Metric.Kind.SUM,
            capping=Metric.Capping.ABSOLUTE,
            cap_value=20,
        ),
    ]
    fill(experiment)
    with CaptureQueriesContext(connection) as queries:
        by_device = sufficient_stats_by(experiment, metrics, "device")
    sql = next(q["sql"] for q in queries.captured_queries if "per_unit" in q["sql"])
    for piece in ("percentile_cont(", "LEAST(", "INTERVAL '1 second'", "x.dimensions->>'device'"):
        assert piece in sql
    python = in_python(experiment, metrics, dimension="device")
    for value, stats in by_device.items():
        assert_same(stats, python[value])
