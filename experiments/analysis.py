"""From exposures and events to per-variant sufficient statistics, in SQL.

For one experiment and a set of metrics, a single aggregate query computes, per variant, the
number of exposed units and the sum and sum of squares of each metric's per-unit value. Only a
unit's events after its first exposure, inside the experiment's window and outside its pauses
count. No event row ever comes into Python: the database returns one row per variant, whatever
the traffic.

The query is plain SQL that SQLite and Postgres both run:

    per_unit: exposed units LEFT JOIN their events (same unit id, a metric's event name,
              first exposure <= timestamp < window end), one row per unit with one column per
              metric: 0/1 (conversion), number of events (count) or sum of values (sum)
    result:   per variant, COUNT(*), the number of simulated units, and SUM(v), SUM(v * v) of
              every metric column

The units are grouped by ``unit_id`` (unique within an experiment), not by the exposure's id, and
the events are indexed unit first with the value included. On Postgres a large experiment's
exposures then come in unit order from their unique index and its events in unit order from
theirs, and a merge join feeds a streaming aggregate, with no hash table or sort whose size grows
with the traffic; a small experiment's events are a few index lookups per unit
(``prepare_aggregate``, docs/benchmarks.md).

The same pass also computes, when asked for:

- **CUPED** (``experiment.cuped``): each unit's value of the same metric over its events in the
  lookback window before its first exposure, ``[first_seen_at - lookback days, first_seen_at)``
  (the covariate x, beside the usual y), and per variant SUM(x), SUM(x * x), SUM(x * y)
  (``VariantStats.covariates``). The join's time condition is widened to the lookback's start, so
  the query keeps its shape: still one merge of the exposures and the events in unit order, each
  event read once and sent to y or x by its time. The pauses leave out events from both.
- **Capping** (``metric.capping``, count and sum metrics): each unit's value (and its covariate,
  with the same cap) is limited to the cap before it is summed and squared. An absolute cap is
  the metric's number. A percentile cap is the ``cap_value`` percentile (linear interpolation
  between the two nearest ranks, as Postgres's ``percentile_cont`` and numpy's default) of the
  per-unit values of every unit exposed in the window, all variants together, zeros included;
  it is computed in the same statement from the per-unit rows (``_percentile_caps``): on Postgres
  ``percentile_cont``, on SQLite the same interpolation over ``ROW_NUMBER()``. Its cost: the
  per-unit rows are kept once (Postgres materialises a CTE read twice, spilling to a temporary
  file past work_mem: a few columns per unit, whatever the number of events) and sorted once per
  percentile-capped metric; without one, nothing changes.
- **Ratio metrics**: per unit, m (the number of the metric's events) and d (the number of its
  ``denominator_event``), and per variant SUM(m), SUM(m * m), SUM(d), SUM(d * d), SUM(m * d)
  (``VariantStats.ratios``). Ratio metrics get no covariate and no cap.
- **Breakdowns** (``sufficient_stats_by``): the same statistics per value of one of the exposure's
  dimensions (``Exposure.dimensions``: device, visitor, category), "unknown" for units without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from .models import Event, Experiment, Exposure, Metric
from .stats import SufficientStats

UNIT_COLUMNS = {"user": "user_id", "visitor": "visitor_id"}
# The dimensions an exposure records (experiments/api.py ``exposure_dimensions``) and a breakdown
# may group by; units whose exposure lacks the one asked for are grouped under UNKNOWN.
DIMENSIONS = ("device", "visitor", "category")
UNKNOWN = "unknown"


@dataclass(frozen=True)
class CupedSums:
    """One variant's sums for CUPED on one metric: y is a unit's value after its first exposure,
    x its value over the lookback window before it. The fields are ``stats.AdjustedStats``'s."""

    n: int
    sum: float  # Σy
    sum_squares: float  # Σy²
    pre_sum: float  # Σx
    pre_sum_squares: float  # Σx²
    sum_of_products: float  # Σxy


@dataclass(frozen=True)
class RatioSums:
    """One variant's sums for a ratio metric: m is a unit's number of the metric's events, d its
    number of the denominator's. The fields are ``stats.RatioStats``'s."""

    n: int
    m_sum: float
    m_sum_squares: float
    d_sum: float
    d_sum_squares: float
    m_d_sum_of_products: float


@dataclass(frozen=True)
class VariantStats:
    """One variant's units and statistics.

    ``metrics`` has every metric asked for: its (capped) per-unit value's count, sum and sum of
    squares; for a ratio metric, its numerator's (the count of its events). ``covariates`` has,
    when the experiment uses CUPED, each conversion, count and sum metric's CUPED sums (the same
    y as ``metrics``, plus its pre-exposure x); ``ratios`` each ratio metric's sums.
    """

    variant_id: int
    units: int
    metrics: dict[int, SufficientStats]  # metric id -> the variant's sufficient statistics
    simulated_units: int = 0  # units the traffic simulator exposed (Exposure.is_simulated)
    covariates: dict[int, CupedSums] = field(default_factory=dict)  # metric id -> CUPED sums
    ratios: dict[int, RatioSums] = field(default_factory=dict)  # ratio metric id -> its sums


def _per_unit_expression(metric: Metric, condition: str = "") -> str:
    """SQL for one metric's per-unit value; ``%s`` placeholders take the metric's event name.
    ``condition``: more SQL an event must meet (the period it falls in), or nothing."""
    match_event = f"{condition} AND e.name = %s" if condition else "e.name = %s"
    if metric.kind == Metric.Kind.CONVERSION:
        return f"MAX(CASE WHEN {match_event} THEN 1 ELSE 0 END)"
    if metric.kind == Metric.Kind.SUM:
        return f"SUM(CASE WHEN {match_event} THEN COALESCE(e.value, 0) ELSE 0 END)"
    # count, and a ratio's numerator and denominator
    return f"SUM(CASE WHEN {match_event} THEN 1 ELSE 0 END)"


def prepare_aggregate(cursor: CursorWrapper) -> None:
    """Settings for the aggregate, for the rest of the current transaction (Postgres).

    No hash join and no parallel workers. With the events indexed unit first, the planner's good
    plans are a nested loop of index lookups for a small experiment and a merge of the two indexes
    for a large one; a hash join reads every event of the metrics' names and, at the default
    work_mem, spills it to disk and sorts a row per unit. Left free, the planner picks it when an
    ANALYZE shifts its estimates: on 10,000,000 events that took 20 to 24 s instead of 9 s
    (docs/benchmarks.md).
    """
    if connection.vendor == "postgresql":
        # set_config(..., true) is SET LOCAL: until the end of the transaction.
        cursor.execute(
            "SELECT set_config('enable_hashjoin', 'off', true), "
            "set_config('max_parallel_workers_per_gather', '0', true)"
        )


def sufficient_stats(
    experiment: Experiment,
    metrics: Sequence[Metric],
    *,
    until: datetime | None = None,
) -> dict[int, VariantStats]:
    """Per-variant units and sufficient statistics of ``metrics`` as of ``until`` (default: now).

    The window is ``[started_at, min(ended_at, until))``: units first exposed in it, and their
    events from their first exposure to its end, leaving out the experiment's pauses (everyone
    was served the default then, so what units did says nothing of their variant). Returns a
    ``VariantStats`` for every variant, zeros included, keyed by variant id. With
    ``experiment.cuped``, each non-ratio metric also gets its CUPED sums (``covariates``).
    """
    return _compute(experiment, metrics, until=until, dimension=None)[None]


def sufficient_stats_by(
    experiment: Experiment,
    metrics: Sequence[Metric],
    dimension: str,
    *,
    until: datetime | None = None,
) -> dict[str, dict[int, VariantStats]]:
    """``sufficient_stats`` per value of one of the exposures' ``dimension`` (see DIMENSIONS),
    in one query: {value: {variant id: stats}}. Units whose exposure did not record it are under
    "unknown". Only values some unit has appear, each with every variant (zeros included). A
    percentile cap is the one of all units, not of each group's."""
    if dimension not in DIMENSIONS:
        raise ValueError(
            f"No breakdown by {dimension!r}: the dimensions are {', '.join(DIMENSIONS)}."
        )
    by_value = _compute(experiment, metrics, until=until, dimension=dimension)
    return {str(value): stats for value, stats in sorted(by_value.items(), key=lambda i: str(i[0]))}


def _empty(experiment: Experiment, metrics: Sequence[Metric]) -> dict[int, VariantStats]:
    return {
        vid: _variant_stats(experiment, metrics, vid, 0, 0, [])
        for vid in experiment.variants.values_list("pk", flat=True)
    }


def _compute(
    experiment: Experiment,
    metrics: Sequence[Metric],
    *,
    until: datetime | None,
    dimension: str | None,
) -> dict[str | None, dict[int, VariantStats]]:
    window_end = min(t for t in (experiment.ended_at, until, timezone.now()) if t is not None)
    window_start = experiment.started_at or window_end
    if not metrics:
        return {None: _empty(experiment, metrics)} if dimension is None else {}
    variant_ids = list(experiment.variants.values_list("pk", flat=True))
    postgres = connection.vendor == "postgresql"
    cuped = experiment.cuped
    # Raw SQL gets no field conversion: SQLite stores datetimes as naive UTC text, which an aware
    # datetime in another zone would be compared with as a string, hours off.
    adapt = connection.ops.adapt_datetimefield_value
    end, start = adapt(window_end), adapt(window_start)

    pauses = [  # .all(): a caller computing many windows prefetches them once
        (pause.paused_at, min(pause.resumed_at or window_end, window_end))
        for pause in experiment.pauses.all()
        if pause.paused_at < window_end
    ]
    pause_params = [adapt(t) for pause in pauses for t in pause]
    skip_events = "".join(" AND NOT (e.timestamp >= %s AND e.timestamp < %s)" for _ in pauses)
    skip_exposures = "".join(
        " AND NOT (x.first_seen_at >= %s AND x.first_seen_at < %s)" for _ in pauses
    )

    # per_unit's columns: m<i> (y; a ratio's numerator), p<i> (CUPED's x), d<i> (a ratio's
    # denominator). Without CUPED every joined event is after the exposure and needs no test.
    after = "e.timestamp >= x.first_seen_at" if cuped else ""
    before = "e.timestamp < x.first_seen_at"
    columns: list[str] = []
    column_params: list = []
    for i, metric in enumerate(metrics):
        columns.append(f"{_per_unit_expression(metric, after)} AS m{i}")
        column_params.append(metric.event_name)
        if metric.is_ratio:
            columns.append(f"{_per_unit_expression(metric, after)} AS d{i}")
            column_params.append(metric.denominator_event)
        elif cuped:
            columns.append(f"{_per_unit_expression(metric, before)} AS p{i}")
            column_params.append(metric.event_name)
    segment = ""
    if dimension is not None:  # a name from DIMENSIONS, never input
        dimension_sql = (
            f"x.dimensions->>'{dimension}'"
            if postgres
            else f"json_extract(x.dimensions, '$.{dimension}')"
        )
        segment = f"MIN(COALESCE(NULLIF({dimension_sql}, ''), '{UNKNOWN}')) AS segment,"

    if not cuped:
        events_from, from_params = "x.first_seen_at", []
    elif postgres:
        # In seconds, not days: a timestamptz minus whole days goes through the time zone (a day
        # is not always 24 hours there) for every joined event, about 0.5 s of CUPED's 1.2 s on
        # 5M events; minus seconds is a subtraction (docs/benchmarks.md). SQLite's is the same.
        events_from, from_params = (
            "x.first_seen_at - %s * INTERVAL '1 second'",
            [experiment.cuped_lookback_days * 86_400],
        )
    else:  # Django's own SQLite function for datetime arithmetic: a moment minus microseconds
        lookback = timedelta(days=experiment.cuped_lookback_days)
        events_from = "django_format_dtdelta('-', x.first_seen_at, %s)"
        from_params = [lookback // timedelta(microseconds=1)]
    event_names = sorted(
        {m.event_name for m in metrics} | {m.denominator_event for m in metrics if m.is_ratio}
    )
    unit_column = UNIT_COLUMNS[experiment.unit_type]
    per_unit = f"""
        per_unit AS (
            SELECT MIN(x.variant_id) AS variant_id,
                   MAX(CASE WHEN x.is_simulated THEN 1 ELSE 0 END) AS simulated,
                   {segment}
                   {", ".join(columns)}
            FROM {Exposure._meta.db_table} x
            LEFT JOIN {Event._meta.db_table} e
              ON e.{unit_column} = x.unit_id
             AND e.name IN ({", ".join(["%s"] * len(event_names))})
             AND e.timestamp >= {events_from}
             AND e.timestamp < %s{skip_events}
            WHERE x.experiment_id = %s
              AND x.first_seen_at >= %s
              AND x.first_seen_at < %s{skip_exposures}
            GROUP BY x.unit_id  -- one unit, one exposure, one variant: MIN picks it
        )"""
    params: list = [*column_params, *event_names, *from_params, end, *pause_params]
    params += [experiment.pk, start, end, *pause_params]

    caps_sql, caps_params = _percentile_caps(metrics, postgres)
    params += caps_params
    least = "LEAST" if postgres else "MIN"  # SQLite's MIN of two arguments is a scalar function
    capped: list[str] = []
    capped_params: list = []
    for i, metric in enumerate(metrics):
        names = [f"m{i}"] + ([f"d{i}"] if metric.is_ratio else [f"p{i}"] if cuped else [])
        for name in names:
            if metric.capping == Metric.Capping.ABSOLUTE and not metric.is_ratio:
                capped.append(f"{least}({name}, %s) AS {name}")
                capped_params.append(float(metric.cap_value or 0.0))
            elif metric.capping == Metric.Capping.PERCENTILE and not metric.is_ratio:
                capped.append(f"{least}({name}, caps.c{i}) AS {name}")
            else:
                capped.append(name)
    params += capped_params

    totals: list[str] = []
    for i, metric in enumerate(metrics):
        totals.append(f"SUM(m{i}), SUM(m{i} * m{i})")
        if metric.is_ratio:
            totals.append(f"SUM(d{i}), SUM(d{i} * d{i}), SUM(m{i} * d{i})")
        elif cuped:
            totals.append(f"SUM(p{i}), SUM(p{i} * p{i}), SUM(p{i} * m{i})")
    group = "segment, variant_id" if dimension is not None else "variant_id"
    sql = f"""
        WITH {per_unit},{caps_sql}
        unit_values AS (
            SELECT {group}, simulated, {", ".join(capped)}
            FROM per_unit{" CROSS JOIN caps" if caps_sql else ""}
        )
        SELECT {group}, COUNT(*), SUM(simulated), {", ".join(totals)}
        FROM unit_values
        GROUP BY {group}
    """  # the interpolated pieces are column and table names from the models, never input
    with transaction.atomic(), connection.cursor() as cursor:
        prepare_aggregate(cursor)
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    results: dict[str | None, dict[int, VariantStats]] = {}
    for row in rows:
        value = row[0] if dimension is not None else None
        variant_id, units, simulated, *sums = row[1:] if dimension is not None else row
        if value not in results:
            results[value] = {
                vid: _variant_stats(experiment, metrics, vid, 0, 0, []) for vid in variant_ids
            }
        results[value][variant_id] = _variant_stats(
            experiment, metrics, variant_id, units, int(simulated or 0), sums
        )
    if dimension is None and None not in results:
        results[None] = {
            vid: _variant_stats(experiment, metrics, vid, 0, 0, []) for vid in variant_ids
        }
    return results


def _percentile_caps(metrics: Sequence[Metric], postgres: bool) -> tuple[str, list]:
    """The ``caps`` CTE (one row, a column c<i> per percentile-capped metric) and its params, or
    ("", []) when no metric has a percentile cap.

    The percentile is over ``per_unit``'s m<i>, every unit exposed in the window: Postgres's
    ``percentile_cont``; SQLite has none, so the same linear interpolation between the values at
    ranks floor(h) and floor(h) + 1 (from 0), where h = p (n - 1).
    """
    capped = [
        (i, float(m.cap_value or 0.0))
        for i, m in enumerate(metrics)
        if m.capping == Metric.Capping.PERCENTILE and not m.is_ratio
    ]
    if not capped:
        return "", []
    if postgres:
        columns = [f"percentile_cont(%s) WITHIN GROUP (ORDER BY m{i}) AS c{i}" for i, _ in capped]
        return f"\n        caps AS (SELECT {', '.join(columns)} FROM per_unit),", [
            p for _, p in capped
        ]
    columns, params = [], []
    for i, p in capped:
        at = "MAX(CASE WHEN r = lo THEN v END)"
        above = f"COALESCE(MAX(CASE WHEN r = lo + 1 THEN v END), {at})"
        columns.append(
            f"""(SELECT {at} + (MAX(h) - MAX(lo)) * ({above} - {at})
                 FROM (SELECT v, r, %s * (n - 1) AS h, CAST(%s * (n - 1) AS INTEGER) AS lo
                       FROM (SELECT m{i} AS v, ROW_NUMBER() OVER (ORDER BY m{i}) - 1 AS r,
                                    COUNT(*) OVER () AS n
                             FROM per_unit) ranked) placed) AS c{i}"""
        )
        params += [p, p]
    return f"\n        caps AS (SELECT {', '.join(columns)}),", params


def _variant_stats(
    experiment: Experiment,
    metrics: Sequence[Metric],
    variant_id: int,
    units: int,
    simulated: int,
    sums: Sequence,
) -> VariantStats:
    """A variant's row of the aggregate (``sums`` as the SELECT lists them; empty: no units)."""
    values = iter(float(s or 0) for s in sums)

    def take(count: int) -> list[float]:
        return [next(values, 0.0) for _ in range(count)]

    plain: dict[int, SufficientStats] = {}
    covariates: dict[int, CupedSums] = {}
    ratios: dict[int, RatioSums] = {}
    for metric in metrics:
        y_sum, y_squares = take(2)
        plain[metric.pk] = SufficientStats(units, y_sum, y_squares)
        if metric.is_ratio:
            ratios[metric.pk] = RatioSums(units, y_sum, y_squares, *take(3))
        elif experiment.cuped:
            covariates[metric.pk] = CupedSums(units, y_sum, y_squares, *take(3))
    return VariantStats(
        variant_id, units, plain, simulated_units=simulated, covariates=covariates, ratios=ratios
    )
