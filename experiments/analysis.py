"""From exposures and events to per-variant sufficient statistics, in SQL.

For one experiment and a set of metrics, a single aggregate query computes, per variant, the
number of exposed units and the sum and sum of squares of each metric's per-unit value. Only a
unit's events after its first exposure and inside the experiment's window count. No event row
ever comes into Python: the database returns one row per variant, whatever the traffic.

The query is plain SQL that SQLite and Postgres both run:

    per_unit: exposed units LEFT JOIN their events (same unit id, a metric's event name,
              first exposure <= timestamp < window end), one row per unit with one column per
              metric: 0/1 (conversion), number of events (count) or sum of values (sum)
    result:   per variant, COUNT(*), and SUM(v), SUM(v * v) of every metric column
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.utils import timezone

from .models import Event, Experiment, Exposure, Metric
from .stats import SufficientStats

UNIT_COLUMNS = {"user": "user_id", "visitor": "visitor_id"}


@dataclass(frozen=True)
class VariantStats:
    variant_id: int
    units: int
    metrics: dict[int, SufficientStats]  # metric id -> the variant's sufficient statistics


def _per_unit_expression(metric: Metric) -> str:
    """SQL for one metric's per-unit value; ``%s`` placeholders take the metric's event name."""
    match_event = "e.name = %s"
    if metric.kind == Metric.Kind.CONVERSION:
        return f"MAX(CASE WHEN {match_event} THEN 1 ELSE 0 END)"
    if metric.kind == Metric.Kind.COUNT:
        return f"SUM(CASE WHEN {match_event} THEN 1 ELSE 0 END)"
    return f"SUM(CASE WHEN {match_event} THEN COALESCE(e.value, 0) ELSE 0 END)"


def sufficient_stats(
    experiment: Experiment,
    metrics: Sequence[Metric],
    *,
    until: datetime | None = None,
) -> dict[int, VariantStats]:
    """Per-variant units and sufficient statistics of ``metrics`` as of ``until`` (default: now).

    The window is ``[started_at, min(ended_at, until))``: units first exposed in it, and their
    events from their first exposure to its end. Returns a ``VariantStats`` for every variant,
    zeros included, keyed by variant id.
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

    unit_column = UNIT_COLUMNS[experiment.unit_type]
    value_columns = [f"{_per_unit_expression(metric)} AS m{i}" for i, metric in enumerate(metrics)]
    totals = ", ".join(f"SUM(m{i}), SUM(m{i} * m{i})" for i in range(len(metrics)))
    event_names = sorted({m.event_name for m in metrics})
    sql = f"""
        WITH per_unit AS (
            SELECT x.variant_id, {", ".join(value_columns)}
            FROM {Exposure._meta.db_table} x
            LEFT JOIN {Event._meta.db_table} e
              ON e.{unit_column} = x.unit_id
             AND e.name IN ({", ".join(["%s"] * len(event_names))})
             AND e.timestamp >= x.first_seen_at
             AND e.timestamp < %s
            WHERE x.experiment_id = %s
              AND x.first_seen_at >= %s
              AND x.first_seen_at < %s
            GROUP BY x.id, x.variant_id
        )
        SELECT variant_id, COUNT(*), {totals}
        FROM per_unit
        GROUP BY variant_id
    """  # the interpolated pieces are column and table names from the models, never input
    params: list = [m.event_name for m in metrics]
    params += [*event_names, window_end, experiment.pk, window_start, window_end]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    result = dict(empty)
    for variant_id, units, *sums in rows:
        result[variant_id] = VariantStats(
            variant_id,
            units,
            {
                metric.pk: SufficientStats(
                    units, float(sums[2 * i] or 0), float(sums[2 * i + 1] or 0)
                )
                for i, metric in enumerate(metrics)
            },
        )
    return result
