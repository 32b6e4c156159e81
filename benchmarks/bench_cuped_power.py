#!/usr/bin/env python
"""What CUPED buys on the traffic simulator's data: power with and without it, same traffic.

    .venv/bin/python benchmarks/bench_cuped_power.py [--trials 60] [--units 2000] [--effect 0.1]

Uses its own Postgres database (``BENCH_POWER_DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/bazaar_bench_power). Every figure is **simulated**: each trial
is one experiment of ``--units`` units whose traffic ``simulate_traffic --pre-exposure`` writes
(a count metric, 2 events per unit on average in control, each unit's activity drawn from a
propensity of its own that drives both the 14 days before its exposure and the days after),
with a true lift of ``--effect`` on the metric, and, as many times, an A/A trial (no lift). Each
trial is read once, at its end, with the fixed test, as a fixed-horizon test must be read: with
CUPED off and with CUPED on, from the same rows.

The figures: the power (the share of trials with a true lift found significant) without and
with CUPED, the false-positive rate of the A/A trials both ways (both should stay near alpha),
and the mean variance reduction. Prints them and writes them as JSON to benchmarks/results/.
Exits with status 1 if CUPED does not raise the power or lets the false-positive rate past 8%.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from support import RESULTS, configure_django, ensure_database, git_commit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bazaar_bench_power"


def trial(number: int, units: int, effect: float) -> dict[str, object]:
    """One simulated experiment, read once at its end with CUPED off and on."""
    from django.core.management import call_command
    from django.utils import timezone

    from experiments.models import Experiment, Metric, Variant
    from experiments.results import compute_results

    metric, _ = Metric.objects.get_or_create(
        key="bench_views",
        defaults={"name": "Listings viewed", "event_name": "bench_viewed", "kind": "count"},
    )
    experiment = Experiment.objects.create(
        key=f"bench-power-{number}-{'ab' if effect else 'aa'}",
        name="CUPED power",
        unit_type="visitor",
        status=Experiment.Status.RUNNING,
        started_at=timezone.now() - timedelta(days=14),
        primary_metric=metric,
        minimum_detectable_effect=effect or 0.05,
    )
    Variant.objects.bulk_create(
        [
            Variant(
                experiment=experiment, key="control", name="Control", is_control=True, weight=0.5
            ),
            Variant(
                experiment=experiment, key="treatment", name="Treatment", position=1, weight=0.5
            ),
        ]
    )
    call_command(
        "simulate_traffic",
        "--experiment",
        experiment.key,
        "--units",
        str(units),
        "--baseline",
        "bench_views=2",
        "--effect",
        f"bench_views={effect}",
        "--seed",
        str(number),
        "--pre-exposure",
        verbosity=0,
        stdout=io.StringIO(),
    )
    read = {}
    for cuped in (False, True):
        experiment.cuped = cuped
        primary = compute_results(experiment).primary
        assert primary is not None
        read[cuped] = primary
    plain, adjusted = read[False].treatments[0], read[True].treatments[0]
    result: dict[str, object] = {
        "plain_significant": bool(plain.relative and plain.relative.significant),
        "cuped_significant": bool(adjusted.relative and adjusted.relative.significant),
        "variance_reduction": read[True].variance_reduction,
    }
    forget_trials()
    return result


def forget_trials() -> None:
    """Remove every trial's rows (a run cut short leaves some)."""
    from experiments.models import Event, Experiment

    Event.objects.filter(name="bench_viewed").delete()
    Experiment.objects.filter(key__startswith="bench-power-").delete()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--effect", type=float, default=0.1)
    options = parser.parse_args()
    database_url = os.environ.get("BENCH_POWER_DATABASE_URL", DEFAULT_DATABASE_URL)
    configure_django(database_url)
    ensure_database(database_url)

    forget_trials()
    started = time.monotonic()
    with_lift = [trial(n, options.units, options.effect) for n in range(1, options.trials + 1)]
    without = [trial(n, options.units, 0.0) for n in range(1, options.trials + 1)]
    elapsed = time.monotonic() - started

    def share(rows: list[dict[str, object]], key: str) -> float:
        return sum(1 for row in rows if row[key]) / len(rows)

    reductions = [
        r["variance_reduction"]
        for r in with_lift + without
        if isinstance(r["variance_reduction"], float)
    ]
    figures = {
        "simulated": True,
        "trials": options.trials,
        "units_per_trial": options.units,
        "true_lift": options.effect,
        "power_without_cuped": share(with_lift, "plain_significant"),
        "power_with_cuped": share(with_lift, "cuped_significant"),
        "false_positives_without_cuped": share(without, "plain_significant"),
        "false_positives_with_cuped": share(without, "cuped_significant"),
        "mean_variance_reduction": statistics.fmean(reductions) if reductions else None,
        "seconds": round(elapsed, 1),
        "commit": git_commit(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    print(
        f"Simulated data: {options.trials} trials of {options.units:,} units, true lift "
        f"{options.effect:.0%}, each read once at its end with the fixed test"
    )
    print(f"  power without CUPED      {figures['power_without_cuped']:.0%}")
    print(f"  power with CUPED         {figures['power_with_cuped']:.0%}")
    print(
        f"  A/A false positives      {figures['false_positives_without_cuped']:.0%} without, "
        f"{figures['false_positives_with_cuped']:.0%} with CUPED"
    )
    if reductions:
        print(f"  mean variance reduction  {figures['mean_variance_reduction']:.0%}")
    print(f"  {elapsed:.0f} s")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "cuped_power.json").write_text(json.dumps(figures, indent=2) + "\n")
    ok = (
        figures["power_with_cuped"] > figures["power_without_cuped"]
        and figures["false_positives_with_cuped"] <= 0.08
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
