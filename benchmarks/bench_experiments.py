#!/usr/bin/env python
"""What running experiments cost: one decision, and a hot page, on Postgres with Redis.

    .venv/bin/python benchmarks/bench_experiments.py [--visitors 200] [--rounds 10] [--requests 200]

Uses its own Postgres database (``BENCH_EXPERIMENTS_DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/bazaar_bench_experiments) and Redis (``BENCH_REDIS_URL``,
default database 12) as the cache, as a deployment has them. The three experiments are the
project's own (marketplace/ab_tests.py).

1. **One decision** for a unit whose exposure is already recorded: ``variant_for`` of each of the
   three experiments (the user experiments for a logged-in user, ``ai_search`` for a visitor).
   Counted: database queries and writes (Django's query log) and cache calls (each call to the
   cache counts once, whatever it does inside). Timed: 5,000 decisions, against one
   ``cache.get`` of a present key, measured in the same run.
2. **Two pages** with the three experiments running, against the same pages with the
   experiments off (drafts: nothing is decided or recorded, the flags answer from their own
   settings), side by side: ``--rounds`` rounds, each timing ``--requests`` requests of each mode
   in turn (which mode goes first alternates), spread over ``--visitors`` returning visitors, each
   with its own cookie, exposed in an untimed first pass. The pages:
   - **a listing**, which decides nothing (since issue 12 no page exposes people where the
     variant changes nothing they see): what running experiments cost a page that is not in one;
   - **a search with words**, where ``ai_search`` decides (the flag, the exposure): the visitors
     have switched smart search off with its cookie, so that no model is asked and the two modes
     differ by the decision alone.
   The figure: requests per second of each mode over all rounds, and their ratio.

Prints the figures and writes them as JSON to benchmarks/results/. Exits with status 1 if a
target is missed: no query and at most one cache call per decision, and the page with the
experiments running at 95% or more of the requests per second of the page without.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from support import RESULTS, configure_django, ensure_database, git_commit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bazaar_bench_experiments"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
CACHE_CALLS = ("get", "get_many", "has_key", "set", "add", "set_many", "delete", "incr")


def seed_listings(count: int) -> list[str]:
    """``count`` active listings (one seller, the phone category); their URLs."""
    from django.utils import timezone

    from accounts.models import User
    from marketplace.models import Category, Listing

    seller, _ = User.objects.get_or_create(username="bench-experiments")
    Listing.objects.filter(seller=seller).delete()
    phones = Category.objects.get(slug="phones")
    listings = Listing.objects.bulk_create(
        Listing(
            seller=seller,
            category=phones,
            title=f"iPhone {11 + i % 4}, {64 * (1 + i % 3)} GB #{i}",
            description="A phone of the experiments benchmark. Pickup in Berlin.",
            price=Decimal(150 + i % 500),
            city="Berlin",
            status=Listing.Status.ACTIVE,
            published_at=timezone.now(),
            attributes={"brand": "Apple"},
        )
        for i in range(count)
    )
    return [listing.get_absolute_url() for listing in listings]


def set_experiments(running: bool) -> None:
    """The project's three experiments running, or back to drafts (each saved, so the caches of
    their definitions and of the flags linked to them are cleared as in the admin)."""
    from django.utils import timezone

    from experiments.models import Experiment
    from marketplace.ab_tests import EXPERIMENTS

    for experiment in Experiment.objects.filter(key__in=[e.key for e in EXPERIMENTS]):
        experiment.status = Experiment.Status.RUNNING if running else Experiment.Status.DRAFT
        experiment.started_at = experiment.started_at or timezone.now()
        experiment.save()


@contextmanager
def counting_cache_calls() -> Iterator[list[str]]:
    """The calls made to the cache meanwhile (a call the cache makes inside another not counted)."""
    from django.core.cache import cache

    calls: list[str] = []
    depth = threading.local()
    originals = {name: getattr(cache, name) for name in CACHE_CALLS}

    def counted(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            if not getattr(depth, "value", 0):
                calls.append(name)
            depth.value = getattr(depth, "value", 0) + 1
            try:
                return original(*args, **kwargs)
            finally:
                depth.value -= 1

        return call

    for name, original in originals.items():
        setattr(cache, name, counted(name, original))
    try:
        yield calls
    finally:
        for name in originals:
            delattr(cache, name)  # back to the backend's own methods


def measure_decisions(decisions: int) -> dict[str, Any]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from experiments.api import variant_for
    from marketplace.ab_tests import EXPERIMENTS

    user, _ = User.objects.get_or_create(username="bench-experiments-unit")
    factory = RequestFactory()

    def request() -> Any:
        made = factory.get("/")
        made.user = user
        made.visitor_id = "b" * 32  # type: ignore[attr-defined]
        return made

    keys = [experiment.key for experiment in EXPERIMENTS]
    first = request()
    for key in keys:
        assert variant_for(first, key).in_experiment, f"{key} should take this unit"

    counts = {}
    for key in keys:
        with CaptureQueriesContext(connection) as queries, counting_cache_calls() as calls:
            variant_for(request(), key)
        writes = [q for q in queries.captured_queries if not q["sql"].lstrip().startswith("SELECT")]
        counts[key] = {"queries": len(queries), "writes": len(writes), "cache_calls": calls}

    requests = [request() for _ in range(decisions)]
    started = time.perf_counter()
    for i, made in enumerate(requests):
        variant_for(made, keys[i % len(keys)])
    decision_us = (time.perf_counter() - started) / decisions * 1e6

    cache.set("bench:present", 1)
    started = time.perf_counter()
    for _ in range(decisions):
        cache.get("bench:present")
    cache_get_us = (time.perf_counter() - started) / decisions * 1e6
    return {
        "per_experiment": counts,
        "decision_us": round(decision_us, 1),
        "cache_get_us": round(cache_get_us, 1),
        "decision_over_cache_get": round(decision_us / cache_get_us, 2),
    }


def measure_page(
    urls: list[str], visitors: int, rounds: int, requests: int, cookies: dict[str, str]
) -> dict[str, Any]:
    from django.test import Client

    from experiments.models import Exposure

    clients = [Client() for _ in range(visitors)]
    for client in clients:
        for name, value in cookies.items():
            client.cookies[name] = value

    def serve(count: int, offset: int) -> float:
        started = time.perf_counter()
        for i in range(count):
            response = clients[(offset + i) % visitors].get(urls[(offset + i) % len(urls)])
            assert response.status_code == 200, response.status_code
        return time.perf_counter() - started

    # Untimed: every visitor gets its cookie and, with the experiments running, its exposure.
    set_experiments(True)
    before = Exposure.objects.count()
    serve(visitors, 0)
    serve(visitors, 0)  # a visitor counts once its browser sends the cookie back
    exposed = Exposure.objects.count() - before
    set_experiments(False)
    serve(visitors, 0)

    seconds = {"running": 0.0, "off": 0.0}
    per_round = []
    for number in range(rounds):
        order = ("running", "off") if number % 2 == 0 else ("off", "running")
        this_round = {}
        for mode in order:
            set_experiments(mode == "running")
            serve(10, number)  # after the switch: the definitions back in the cache
            this_round[mode] = serve(requests, number * requests)
            seconds[mode] += this_round[mode]
        per_round.append(round(this_round["off"] / this_round["running"], 3))
    total = rounds * requests
    running_rps, off_rps = total / seconds["running"], total / seconds["off"]
    return {
        "visitors": visitors,
        "exposures_after_first_pass": exposed,
        "requests_per_mode": total,
        "running_rps": round(running_rps, 1),
        "off_rps": round(off_rps, 1),
        "ratio": round(running_rps / off_rps, 3),
        "ratio_per_round": per_round,
        "median_ratio_of_rounds": round(statistics.median(per_round), 3),
        "new_exposures_while_timed": Exposure.objects.count() - before - exposed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=200)
    parser.add_argument("--visitors", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200, help="timed per mode and round")
    parser.add_argument("--decisions", type=int, default=5000)
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_EXPERIMENTS_DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    configure_django(
        database_url,
        REDIS_URL=redis_url,
        CELERY_TASK_ALWAYS_EAGER="true",
        DJANGO_ALLOWED_HOSTS="testserver",  # Django's test client
    )
    ensure_database(database_url)
    from django.core.cache import cache

    from experiments.models import Event, Exposure

    cache.clear()
    Exposure.objects.all().delete()
    Event.objects.all().delete()
    load_before = os.getloadavg()
    urls = seed_listings(args.listings)

    set_experiments(True)
    decisions = measure_decisions(args.decisions)
    pages = {
        "listing_page": measure_page(urls, args.visitors, args.rounds, args.requests, {}),
        "search_page": measure_page(
            [f"/search/?q=iphone+{i}" for i in range(50)],
            args.visitors,
            args.rounds,
            args.requests,
            {"bz_smart_search": "off"},
        ),
    }

    results = {
        "benchmark": "experiments",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "decisions": decisions,
        **pages,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
    }
    print("One decision for a unit already exposed (variant_for):")
    for key, count in decisions["per_experiment"].items():
        print(
            f"  {key:24} {count['queries']} queries, {count['writes']} writes, "
            f"cache calls: {', '.join(count['cache_calls']) or 'none'}"
        )
    print(
        f"  {decisions['decision_us']:.0f} µs a decision; one cache.get "
        f"{decisions['cache_get_us']:.0f} µs ({decisions['decision_over_cache_get']:.2f}x)"
    )
    for name, page in pages.items():
        print(
            f"{name.replace('_', ' ').capitalize()}, {page['requests_per_mode']} requests per "
            f"mode from {page['visitors']} returning visitors ({page['exposures_after_first_pass']}"
            " exposed):\n"
            f"  three experiments running {page['running_rps']:.1f} req/s, off "
            f"{page['off_rps']:.1f} req/s: {page['ratio']:.1%}; median of the rounds "
            f"{page['median_ratio_of_rounds']:.1%} (per round: "
            f"{', '.join(f'{ratio:.0%}' for ratio in page['ratio_per_round'])})"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "experiments.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out}")
    decisions_ok = all(
        count["queries"] == 0 and len(count["cache_calls"]) <= 1
        for count in decisions["per_experiment"].values()
    )
    pages_ok = all(page["ratio"] >= 0.95 for page in pages.values())
    return 0 if decisions_ok and pages_ok else 1


if __name__ == "__main__":
    sys.exit(main())
