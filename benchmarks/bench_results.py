#!/usr/bin/env python
"""Experiment results at scale: how long a refresh takes, and that its memory does not grow.

    .venv/bin/python benchmarks/bench_results.py [--units 1000000]
        [--events 2500000,5000000,10000000] [--runs 5] [--baseline-at 5000000] [--explain]
        [--regenerate] [--no-adjusted]

Creates (or reuses) the Postgres database ``BENCH_RESULTS_DATABASE_URL`` (default
postgres://postgres@127.0.0.1:5432/bazaar_bench_results; its own, since it empties the experiment
tables), migrates it, and writes an experiment
with three metrics (a conversion, a count and a sum, each on its own event) and ``--units``
exposed units, split between two variants and exposed over 14 days, in one ``INSERT … SELECT
generate_series`` (no model instances). Events are then added in steps up to each size of
``--events``: one unit and event name drawn at random per event, 95% of them after the unit's
exposure and 5% before it (which must not count). After each step: VACUUM ANALYZE, then

- the aggregate alone (``analysis.sufficient_stats``, all three metrics): median of ``--runs``;
- a warm refresh (``services.refresh_results`` with the daily points stored: one aggregate,
  the snapshot written): median of ``--runs``;
- a cold refresh (no daily point stored: one aggregate per day since the start, 15, plus now);
- the peak memory of this Python process during a warm refresh: tracemalloc's peak of Python
  allocations and the growth of the resident set (VmHWM after resetting it);
- at the sizes in ``--baseline-at``, the baseline: the same statistics computed by loading the
  exposures and the events into Python (the ORM's streaming iterator, so the rows are not all
  held at once) and aggregating there, on the same data, timed once with the growth of the
  resident set; its result is checked against the SQL's;
- the adjusted aggregate (unless ``--no-adjusted``): the same three metrics with CUPED on (14
  days of lookback: the 5% of events before their unit's exposure are its history) and the count
  capped at its 99th percentile and the sum at 80, against the plain aggregate, the two run
  alternately ``--runs`` times in this same run; with the Python peak of each and the bytes
  Postgres wrote to temporary files for each (pg_stat_database, Postgres 15+).

Results are printed and written as JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from support import RESULTS, ROOT, configure_django, ensure_database, git_commit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bazaar_bench_results"
EXPERIMENT_KEY = "bench_results"
DAYS = 14
# (metric key, name, event name, kind, share of the events, direction)
METRICS = (
    ("bench_contact_rate", "Contacted a seller", "bench_contact", "conversion", 0.3, "higher"),
    ("bench_views", "Listing views per unit", "bench_view", "count", 0.6, "higher"),
    ("bench_revenue", "Revenue per unit", "bench_purchase", "sum", 0.1, "higher"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument(
        "--events",
        default="2500000,5000000,10000000",
        help="comma-separated event counts to measure at, in increasing order",
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each warm measure")
    parser.add_argument(
        "--baseline-at",
        default="5000000",
        help="event counts at which to run the load-into-Python baseline ('all', or none: '')",
    )
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE")
    parser.add_argument(
        "--regenerate", action="store_true", help="rebuild the data even if it is there"
    )
    parser.add_argument(
        "--no-adjusted",
        dest="adjusted",
        action="store_false",
        help="skip the CUPED and capping aggregate",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.events.split(",") if size]
    if sizes != sorted(sizes):
        parser.error("--events must be increasing: events are added step by step")
    baseline_at = (
        set(sizes)
        if args.baseline_at == "all"
        else {int(size) for size in args.baseline_at.split(",") if size}
    )

    import environ

    environ.Env.read_env(ROOT / ".env", overwrite=False)  # as the settings do
    database_url = os.environ.get("BENCH_RESULTS_DATABASE_URL", DEFAULT_DATABASE_URL)
    configure_django(database_url)
    load_before = os.getloadavg()
    experiment = _prepare(database_url, args.units, regenerate=args.regenerate)
    steps = []
    for size in sizes:
        _grow_events(experiment, size, args.units)
        steps.append(_measure(experiment, size, args, size in baseline_at))
    _write(args, database_url, steps, load_before)
    return 0


# --- Setup ----------------------------------------------------------------------------------


def _prepare(database_url: str, units: int, *, regenerate: bool):
    """The benchmark's experiment with its exposures; rebuilt when the size differs."""
    from django.db import connection

    from experiments.models import Experiment, Exposure, Metric, Variant

    ensure_database(database_url)

    experiment = Experiment.objects.filter(key=EXPERIMENT_KEY).first()
    if experiment is not None and not regenerate and experiment.exposures.count() == units:
        print(f"Reusing {units:,} exposed units (--regenerate to rebuild).")
        return experiment

    started = time.monotonic()
    with connection.cursor() as cursor:
        # This database is the benchmark's own: start from empty tables.
        cursor.execute(
            "TRUNCATE experiments_event, experiments_exposure, experiments_dailyresult, "
            "experiments_resultsnapshot"
        )
    Experiment.objects.filter(key=EXPERIMENT_KEY).delete()
    metrics = []
    for key, name, event, kind, _, direction in METRICS:
        metric, _ = Metric.objects.update_or_create(
            key=key,
            defaults={"name": name, "event_name": event, "kind": kind, "direction": direction},
        )
        metrics.append(metric)
    now = datetime.now(UTC)
    experiment = Experiment.objects.create(
        key=EXPERIMENT_KEY,
        name="Results benchmark",
        unit_type="visitor",
        status=Experiment.Status.RUNNING,
        started_at=now - timedelta(days=DAYS),
        primary_metric=metrics[0],
    )
    experiment.secondary_metrics.set(metrics[1:])
    control = Variant.objects.create(
        experiment=experiment, key="control", name="Control", weight=0.5, is_control=True
    )
    treatment = Variant.objects.create(
        experiment=experiment, key="treatment", name="Treatment", weight=0.5, position=1
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Exposure._meta.db_table}
                (experiment_id, variant_id, unit_id, first_seen_at, is_simulated, dimensions)
            SELECT %s,
                   CASE WHEN hashint4(i) & 1 = 0 THEN %s ELSE %s END,
                   'u' || i,
                   {_exposure_time_sql("i")},
                   false,
                   jsonb_build_object(
                       'device', CASE WHEN hashint4(i + 1) & 3 < 2 THEN 'mobile' ELSE 'desktop' END,
                       'visitor', 'returning'
                   )
            FROM generate_series(0, %s - 1) AS i
            """,
            [experiment.pk, control.pk, treatment.pk, experiment.started_at, units],
        )
    print(f"Wrote {units:,} exposures in {time.monotonic() - started:.1f} s.")
    return experiment


def _exposure_time_sql(unit: str) -> str:
    """Each unit's first exposure, spread over the experiment's 14 days; the same expression
    places a unit's events after it (``%s`` is the experiment's start)."""
    return f"(%s::timestamptz + (({unit}::bigint * 7919) %% {DAYS * 86400}) * interval '1 second')"


def _grow_events(experiment, size: int, units: int) -> None:
    from django.db import connection

    from experiments.models import Event

    have = Event.objects.count()
    if have >= size:
        if have > size:
            raise SystemExit(f"The database has {have:,} events, more than {size:,}: --regenerate")
        return
    started = time.monotonic()
    add = size - have
    contact, view, purchase = (metric[2] for metric in METRICS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [size / 1e9 % 1])
        # 30% contacts, 60% views, 10% purchases; a treatment unit's events are purchases a
        # little more often (12%), a real effect for the statistics to find.
        cursor.execute(
            f"""
            INSERT INTO {Event._meta.db_table}
                (name, visitor_id, user_id, timestamp, value, properties, is_simulated)
            SELECT name,
                   'u' || u,
                   '',
                   CASE WHEN early THEN exposed - random() * interval '1 day'
                        ELSE exposed + random() * (%s - exposed) END,
                   CASE WHEN name = '{purchase}' THEN round((random() * 100)::numeric, 2) END,
                   '{{}}'::jsonb,
                   false
            FROM (
                SELECT u, early,
                       CASE WHEN r < 0.3 THEN '{contact}'
                            WHEN r < 0.9 - 0.02 * (hashint4(u) & 1) THEN '{view}'
                            ELSE '{purchase}' END AS name
                FROM (
                    SELECT floor(random() * %s)::int AS u, random() AS r,
                           random() < 0.05 AS early
                    FROM generate_series(1, %s)
                ) drawn
            ) g,
            LATERAL (SELECT {_exposure_time_sql("u")} AS exposed) t
            """,
            [datetime.now(UTC), units, add, experiment.started_at],
        )
    print(f"Added {add:,} events ({size:,} in all) in {time.monotonic() - started:.1f} s.")


# --- Measuring ------------------------------------------------------------------------------


def _measure(experiment, size: int, args: argparse.Namespace, with_baseline: bool) -> dict:
    from django.db import connection

    from experiments import services
    from experiments.analysis import sufficient_stats
    from experiments.models import DailyResult
    from experiments.results import metrics_with_roles

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE experiments_event")
        cursor.execute("VACUUM ANALYZE experiments_exposure")
    vacuum = time.monotonic() - started
    metrics = [metric for metric, _ in metrics_with_roles(experiment)]
    print(f"\n--- {size:,} events, {args.units:,} exposed units (VACUUM ANALYZE {vacuum:.0f} s)")

    sufficient_stats(experiment, metrics)  # warm the caches once
    aggregate = _timed(lambda: sufficient_stats(experiment, metrics), args.runs)
    _show("aggregate (3 metrics, one query)", aggregate)

    DailyResult.objects.filter(experiment=experiment).delete()
    cold = _timed(lambda: services.refresh_results(experiment), 1)
    days = DailyResult.objects.filter(experiment=experiment).count()
    _show(f"cold refresh ({days} days backfilled + now)", cold)
    warm = _timed(lambda: services.refresh_results(experiment), args.runs)
    _show("warm refresh (one aggregate + snapshot)", warm)

    memory = _memory_of(lambda: services.refresh_results(experiment))
    print(
        f"  warm refresh memory: tracemalloc peak {memory['tracemalloc_peak_kib']:,.0f} KiB, "
        f"resident set growth {memory['rss_growth_kib']:,} KiB"
    )
    step: dict[str, Any] = {
        "events": size,
        "units": args.units,
        "aggregate_seconds": aggregate,
        "cold_refresh_seconds": cold,
        "cold_refresh_days": days,
        "warm_refresh_seconds": warm,
        "warm_refresh_memory": memory,
    }
    if args.explain:
        step["explain"] = _explain(experiment, metrics)
        print("\n".join(step["explain"]))
    if args.adjusted:
        step["adjusted"] = _measure_adjusted(experiment, metrics, args)
    if with_baseline:
        sql_stats = sufficient_stats(experiment, metrics)
        baseline: dict[str, Any] = {}
        # One run, timed, with the resident set measured but no tracemalloc: tracing millions of
        # allocations would slow it several times and inflate the resident set itself.
        started = time.perf_counter()
        memory = _memory_of(
            lambda: baseline.update(stats=_python_baseline(experiment, metrics)), trace=False
        )
        seconds = time.perf_counter() - started
        same = _same(baseline["stats"], sql_stats)
        ratio = seconds / statistics.median(aggregate["runs"])
        print(
            f"  baseline, rows loaded into Python: {seconds:.1f} s, resident set growth "
            f"{memory['rss_growth_kib'] / 1024:,.0f} MiB; {ratio:.0f}x the aggregate; "
            f"same statistics: {same}"
        )
        step["python_baseline"] = {
            "seconds": seconds,
            "memory": memory,
            "ratio_to_aggregate": ratio,
            "same_statistics": same,
        }
    return step


def _adjusted(experiment, metrics):
    """In-memory copies with CUPED on and the count and sum metrics capped (nothing saved)."""
    import copy

    from experiments.models import Metric

    adjusted_experiment = copy.copy(experiment)
    adjusted_experiment.cuped, adjusted_experiment.cuped_lookback_days = True, 14
    adjusted_metrics = []
    for metric in metrics:
        metric = copy.copy(metric)
        if metric.kind == Metric.Kind.COUNT:
            metric.capping, metric.cap_value = Metric.Capping.PERCENTILE, 0.99
        elif metric.kind == Metric.Kind.SUM:
            metric.capping, metric.cap_value = Metric.Capping.ABSOLUTE, 80.0
        adjusted_metrics.append(metric)
    return adjusted_experiment, adjusted_metrics


def _measure_adjusted(experiment, metrics, args: argparse.Namespace) -> dict[str, Any]:
    """The plain and the adjusted aggregate, alternately, in this run: time, Python memory and
    Postgres's temporary files."""
    from experiments.analysis import sufficient_stats

    adjusted_experiment, adjusted_metrics = _adjusted(experiment, metrics)
    plain_run = lambda: sufficient_stats(experiment, metrics)  # noqa: E731
    adjusted_run = lambda: sufficient_stats(adjusted_experiment, adjusted_metrics)  # noqa: E731
    adjusted_run()  # warm
    runs: dict[str, list[float]] = {"plain": [], "adjusted": []}
    cpu: dict[str, list[float]] = {"plain": [], "adjusted": []}
    for _ in range(args.runs):
        for name, action in (("plain", plain_run), ("adjusted", adjusted_run)):
            cpu_before = _backend_cpu_seconds()
            runs[name].append(_timed(action, 1)["runs"][0])
            cpu_after = _backend_cpu_seconds()
            if cpu_before is not None and cpu_after is not None:
                cpu[name].append(cpu_after - cpu_before)
    result: dict[str, Any] = {}
    for name, action in (("plain", plain_run), ("adjusted", adjusted_run)):
        before = _temp_bytes()
        memory = _memory_of(action)
        after = _temp_bytes()
        result[name] = {
            "seconds": {"median": statistics.median(runs[name]), "runs": runs[name]},
            "postgres_cpu_seconds": (
                {"median": statistics.median(cpu[name]), "runs": cpu[name]} if cpu[name] else None
            ),
            "memory": memory,
            "postgres_temp_bytes": None if before is None or after is None else after - before,
        }
    ratio = result["adjusted"]["seconds"]["median"] / result["plain"]["seconds"]["median"]
    result["ratio"] = ratio
    for name, label in (("plain", "plain aggregate"), ("adjusted", "CUPED + capping aggregate")):
        row = result[name]
        _show(label, row["seconds"])
        if row["postgres_cpu_seconds"]:
            _show("    of which Postgres's CPU", row["postgres_cpu_seconds"])
        temp = row["postgres_temp_bytes"]
        print(
            f"    tracemalloc peak {row['memory']['tracemalloc_peak_kib']:,.0f} KiB, resident set "
            f"growth {row['memory']['rss_growth_kib']:,} KiB, Postgres temporary files "
            + ("?" if temp is None else f"{temp / 1024 / 1024:,.1f} MiB")
        )
    print(f"  adjusted / plain: {ratio:.2f}x")
    if cpu["plain"] and cpu["adjusted"]:
        cpu_ratio = statistics.median(cpu["adjusted"]) / statistics.median(cpu["plain"])
        result["cpu_ratio"] = cpu_ratio
        print(f"  adjusted / plain, Postgres's CPU time: {cpu_ratio:.2f}x")
    stats = sufficient_stats(adjusted_experiment, adjusted_metrics)
    result["covariates_nonzero"] = any(
        c.pre_sum > 0 for row in stats.values() for c in row.covariates.values()
    )
    if args.explain:
        result["explain"] = _explain(adjusted_experiment, adjusted_metrics)
        print("\n".join(result["explain"]))
    return result


def _temp_bytes() -> int | None:
    """Bytes this database's queries have written to temporary files so far (Postgres 15+: this
    backend's counts flushed first)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.pg_version < 150000:  # type: ignore[attr-defined]
            return None
        cursor.execute("SELECT pg_stat_force_next_flush()")
    with connection.cursor() as cursor:  # the flush happens between statements
        cursor.execute("SELECT pg_sleep(0.01)")
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT temp_bytes FROM pg_stat_database WHERE datname = current_database()")
        return int(cursor.fetchone()[0])


def _backend_cpu_seconds() -> float | None:
    """CPU time (user + system) this connection's Postgres backend has used so far, from
    /proc/<pid>/stat, or None when the server is not on this machine. Unlike the time on the
    clock, it does not grow when other jobs share the CPUs, so ratios of it stay comparable on a
    busy machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(action: Callable[[], Any], runs: int) -> dict[str, Any]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return {"median": statistics.median(times), "runs": times}


def _show(label: str, timing: dict[str, Any]) -> None:
    runs = ", ".join(f"{t:.2f}" for t in timing["runs"])
    print(f"  {label}: {timing['median']:.2f} s (runs: {runs})")


def _memory_of(action: Callable[[], Any], *, trace: bool = True) -> dict[str, float]:
    """Growth of the resident set during ``action`` and, with ``trace``, the peak of Python
    allocations (tracemalloc).

    The resident set's high-water mark is reset first (Linux: ``5`` to /proc/self/clear_refs),
    so the growth is this action's, not an earlier phase's.
    """
    gc.collect()
    rss_before = _status_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")
    memory: dict[str, float] = {}
    if trace:
        tracemalloc.start()
    try:
        action()
        if trace:
            memory["tracemalloc_peak_kib"] = tracemalloc.get_traced_memory()[1] / 1024
    finally:
        if trace:
            tracemalloc.stop()
    memory["rss_growth_kib"] = max(0, _status_kib("VmHWM") - rss_before)
    return memory


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _python_baseline(experiment, metrics) -> dict[int, tuple[int, list[tuple[float, float]]]]:
    """The naive way: bring the exposures and the events into Python and aggregate there.

    Rows are streamed (the ORM's server-side cursor), so this is the kind version of the
    baseline: only one dict entry per exposed unit is held, not every event.
    """
    from django.utils import timezone

    from experiments.models import Event, Exposure

    end = timezone.now()
    start = experiment.started_at
    exposed: dict[str, tuple[int, datetime]] = {}
    rows = (
        Exposure.objects.filter(
            experiment=experiment, first_seen_at__gte=start, first_seen_at__lt=end
        )
        .values_list("unit_id", "variant_id", "first_seen_at")
        .iterator(chunk_size=20_000)
    )
    for unit, variant, seen in rows:
        exposed[unit] = (variant, seen)
    by_event: dict[str, list[tuple[int, str]]] = {}
    for index, metric in enumerate(metrics):
        by_event.setdefault(metric.event_name, []).append((index, metric.kind))
    values: dict[str, list[float]] = {}
    events = (
        Event.objects.filter(name__in=list(by_event), timestamp__lt=end)
        .values_list("name", "visitor_id", "timestamp", "value")
        .iterator(chunk_size=20_000)
    )
    for name, unit, when, value in events:
        seen_by = exposed.get(unit)
        if seen_by is None or when < seen_by[1]:
            continue
        unit_values = values.setdefault(unit, [0.0] * len(metrics))
        for index, kind in by_event[name]:
            if kind == "conversion":
                unit_values[index] = 1.0
            elif kind == "count":
                unit_values[index] += 1
            else:
                unit_values[index] += value or 0.0
    totals: dict[int, tuple[int, list[tuple[float, float]]]] = {}
    for unit, (variant, _) in exposed.items():
        n, sums = totals.get(variant, (0, [(0.0, 0.0)] * len(metrics)))
        if unit in values:
            sums = [(s + v, q + v * v) for (s, q), v in zip(sums, values[unit], strict=True)]
        totals[variant] = (n + 1, sums)
    return totals


def _same(python: dict, sql: dict) -> bool:
    for variant_id, row in sql.items():
        n, sums = python.get(variant_id, (0, []))
        if n != row.units:
            return False
        for (total, squares), stats in zip(sums, row.metrics.values(), strict=True):
            if abs(total - stats.sum) > 1e-6 * max(1.0, abs(stats.sum)):
                return False
            if abs(squares - stats.sum_squares) > 1e-6 * max(1.0, abs(stats.sum_squares)):
                return False
    return True


def _explain(experiment, metrics) -> list[str]:
    """The aggregate's plan as it runs: the same SQL, under the same settings."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from experiments.analysis import prepare_aggregate, sufficient_stats

    with CaptureQueriesContext(connection) as queries:
        sufficient_stats(experiment, metrics)
    sql = next(q["sql"] for q in queries.captured_queries if "per_unit" in q["sql"])
    with transaction.atomic(), connection.cursor() as cursor:
        prepare_aggregate(cursor)
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


# --- Report ---------------------------------------------------------------------------------


def _write(args: argparse.Namespace, database_url: str, steps: list[dict], load_before) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        postgres = cursor.fetchone()[0]
        settings = {}
        for name in ("work_mem", "shared_buffers", "max_parallel_workers_per_gather"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"bench_results-{stamp}.json"
    commit = git_commit()
    path.write_text(
        json.dumps(
            {
                "benchmark": "bench_results",
                "when": stamp,
                "commit": commit,
                "platform": platform.platform(),
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "load_average_before": load_before,
                "load_average_after": os.getloadavg(),
                "postgres": postgres,
                "postgres_settings": settings,
                "units": args.units,
                "steps": steps,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nWrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
