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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from .models import Event, Experiment, Exposure, Metric
from .stats import SufficientStats

UNIT_COLUMNS = {"user": "user_id", "visitor": "visitor_id"}


@dataclass(frozen=True)
class VariantStats:
    variant_id: int
    units: int
    metrics: dict[int, SufficientStats]  # metric id -> the variant's sufficient statistics
    simulated_units: int = 0  # units the traffic simulator exposed (Exposure.is_simulated)


def _per_unit_expression(metric: Metric) -> str:
    """SQL for one metric's per-unit value; ``%s`` placeholders take the metric's event name."""
    match_event = "e.name = %s"
    if metric.kind == Metric.Kind.CONVERSION:
        return f"MAX(CASE WHEN {match_event} THEN 1 ELSE 0 END)"
    if metric.kind == Metric.Kind.COUNT:
        return f"SUM(CASE WHEN {match_event} THEN 1 ELSE 0 END)"
    return f"SUM(CASE WHEN {match_event} THEN COALESCE(e.value, 0) ELSE 0 END)"


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
    ``VariantStats`` for every variant, zeros included, keyed by variant id.
    """
    window_end = min(t for t in (experiment.ended_at, until, timezone.now()) if t is not None)
    window_start = experiment.started_at or window_end
    variant_ids = list(experiment.variants.values_list("pk", flat=True))
    empty = {
        vid: VariantStats(vid, 0, {m.pk: SufficientStats(0, 0.0, 0.0) for m in metrics})
        for vid in variant_ids
    }
    if not metrics:
        return empty

    pauses = [  # .all(): a caller computing many windows prefetches them once
        (pause.paused_at, min(pause.resumed_at or window_end, window_end))
        for pause in experiment.pauses.all()
        if pause.paused_at < window_end
    ]
    skip_events = "".join(" AND NOT (e.timestamp >= %s AND e.timestamp < %s)" for _ in pauses)
    skip_exposures = "".join(
        " AND NOT (x.first_seen_at >= %s AND x.first_seen_at < %s)" for _ in pauses
    )
    unit_column = UNIT_COLUMNS[experiment.unit_type]
    value_columns = [f"{_per_unit_expression(metric)} AS m{i}" for i, metric in enumerate(metrics)]
    totals = ", ".join(f"SUM(m{i}), SUM(m{i} * m{i})" for i in range(len(metrics)))
    event_names = sorted({m.event_name for m in metrics})
    sql = f"""
        WITH per_unit AS (
            SELECT MIN(x.variant_id) AS variant_id,
                   MAX(CASE WHEN x.is_simulated THEN 1 ELSE 0 END) AS simulated,
                   {", ".join(value_columns)}
            FROM {Exposure._meta.db_table} x
            LEFT JOIN {Event._meta.db_table} e
              ON e.{unit_column} = x.unit_id
             AND e.name IN ({", ".join(["%s"] * len(event_names))})
             AND e.timestamp >= x.first_seen_at
             AND e.timestamp < %s{skip_events}
            WHERE x.experiment_id = %s
              AND x.first_seen_at >= %s
              AND x.first_seen_at < %s{skip_exposures}
            GROUP BY x.unit_id  -- one unit, one exposure, one variant: MIN picks it
        )
        SELECT variant_id, COUNT(*), SUM(simulated), {totals}
        FROM per_unit
        GROUP BY variant_id
    """  # the interpolated pieces are column and table names from the models, never input
    # Raw SQL gets no field conversion: SQLite stores datetimes as naive UTC text, which an aware
    # datetime in another zone would be compared with as a string, hours off.
    adapt = connection.ops.adapt_datetimefield_value
    end, start = adapt(window_end), adapt(window_start)
    pause_params = [adapt(t) for pause in pauses for t in pause]
    params: list = [m.event_name for m in metrics]
    params += [*event_names, end, *pause_params, experiment.pk, start, end, *pause_params]
    with transaction.atomic(), connection.cursor() as cursor:
        prepare_aggregate(cursor)
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    result = dict(empty)
    for variant_id, units, simulated, *sums in rows:
        result[variant_id] = VariantStats(
            variant_id,
            units,
            {
                metric.pk: SufficientStats(
                    units, float(sums[2 * i] or 0), float(sums[2 * i + 1] or 0)
                )
                for i, metric in enumerate(metrics)
            },
            simulated_units=int(simulated or 0),
        )
    return result
