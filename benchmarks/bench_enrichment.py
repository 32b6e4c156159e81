#!/usr/bin/env python
"""Enrichment throughput on a real Celery worker, against a model that answers in 200 ms.

    .venv/bin/python benchmarks/bench_enrichment.py [--listings 500] [--latency 0.2]

Seeds listings into the Postgres database ``BENCH_DATABASE_URL`` (default
postgres://postgres@127.0.0.1:5432/bazaar_bench_enrichment), starts the fake OpenAI-compatible
server of llm/fake_server.py in this process with a fixed answer latency, and starts workers with
bin/start-worker, the script the `worker` container runs, at the concurrency docker-compose.yml
gives it (CELERY_WORKER_CONCURRENCY). Then it measures:

1. throughput: every listing queued at once, the time until the last job has succeeded, against
   the ceiling the concurrency allows (concurrency / latency jobs per second);
2. the baseline, in the same run: a worker with concurrency 1 on a slice of the listings;
3. enriching the unchanged listings again: how many jobs are queued and how many requests reach
   the model (both should be zero), and with --force, how many requests reach it (the answer
   cache should serve them all).
Prints the figures and writes them as JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal

from support import RESULTS, ROOT, configure_django, ensure_database

sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bazaar_bench_enrichment"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
QUEUE = "bench-enrichment"


def compose_worker_concurrency() -> int:
    """The worker concurrency that docker-compose.yml sets, so the figure is the deployed one."""
    text = (ROOT / "docker-compose.yml").read_text()
    match = re.search(r'CELERY_WORKER_CONCURRENCY:\s*"?(\d+)', text)
    if not match:
        raise SystemExit("docker-compose.yml sets no CELERY_WORKER_CONCURRENCY for the worker")
    return int(match.group(1))


def worker_environment(redis_url: str, base_url: str) -> dict[str, str]:
    """What this process and the workers need on top of the benchmark settings: Redis, real
    Celery (not eager), and the fake model."""
    return {
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LLM_PROVIDER": "openai",
        "OPENAI_BASE_URL": base_url,
        "OPENAI_API_KEY": "sk-bench-not-a-real-key",
        "LLM_MAX_RETRIES": "0",
        "CELERY_LOG_LEVEL": "WARNING",
    }


def seed(count: int) -> list[int]:
    """``count`` fresh active listings, written in bulk, across the phone and home categories."""
    from django.utils import timezone

    from accounts.models import User
    from marketplace.models import Category, EnrichmentJob, Listing

    EnrichmentJob.objects.all().delete()
    Listing.objects.filter(seller__username="bench-enrichment").delete()
    seller, _ = User.objects.get_or_create(username="bench-enrichment")
    phones, home = Category.objects.get(slug="phones"), Category.objects.get(slug="home-garden")
    now = timezone.now()
    listings = [
        Listing(
            seller=seller,
            category=phones if i % 2 else home,
            title=f"iPhone {10 + i % 5} {64 * (1 + i % 3)}GB #{i}" if i % 2 else f"Oak table #{i}",
            description=f"Listing {i} of the enrichment benchmark. Pickup in Berlin.",
            price=Decimal(100 + i % 400),
            city="Berlin",
            status=Listing.Status.ACTIVE,
            published_at=now,
        )
        for i in range(count)
    ]
    return [listing.pk for listing in Listing.objects.bulk_create(listings)]


def start_worker(env: dict[str, str], concurrency: int) -> subprocess.Popen:
    worker_env = {
        **os.environ,
        **env,
        "PYTHON": sys.executable,
        "CELERY_WORKER_CONCURRENCY": str(concurrency),
    }
    process = subprocess.Popen(
        [str(ROOT / "bin" / "start-worker"), "--queues", QUEUE],
        cwd=ROOT,
        env=worker_env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    from config.celery_app import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1)
        if replies:
            return process
    stop_worker(process)
    raise SystemExit("the worker did not start within 60 s")


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def enrich_and_wait(listing_ids: list[int], *, force: bool = False) -> tuple[float, int]:
    """Queue a job per listing (on commit, like a publish) and wait until none is pending.

    Returns the wall time and the number of jobs queued.
    """
    from django.db import transaction

    from marketplace.enrichment import queue_enrichment
    from marketplace.models import EnrichmentJob, Listing

    started = time.perf_counter()
    job_ids = []
    for listing in Listing.objects.filter(pk__in=listing_ids).select_related("category"):
        with transaction.atomic():
            job = queue_enrichment(listing, force=force)
        if job is not None:
            job_ids.append(job.pk)
    pending = EnrichmentJob.objects.filter(
        pk__in=job_ids, status__in=[EnrichmentJob.Status.QUEUED, EnrichmentJob.Status.RUNNING]
    )
    while pending.exists():
        if time.perf_counter() - started > 600:
            raise SystemExit("jobs still pending after 10 minutes")
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    failed = EnrichmentJob.objects.filter(pk__in=job_ids, status=EnrichmentJob.Status.FAILED)
    first_failure = failed.first()
    if first_failure is not None:
        raise SystemExit(f"{failed.count()} jobs failed, e.g.: {first_failure.error}")
    return elapsed, len(job_ids)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=500)
    parser.add_argument("--baseline-listings", type=int, default=40)
    parser.add_argument("--latency", type=float, default=0.2, help="the model's answer time, s")
    args = parser.parse_args()

    from llm import fake_server

    enrichment = {
        "category": "phones",
        "attributes": [{"key": "brand", "value": "Apple"}],
        "moderation": {"verdict": "ok", "reasons": []},
    }
    server = fake_server.FakeOpenAIServer(
        default=lambda request: fake_server.answer(enrichment, delay=args.latency)
    ).start()
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    env = worker_environment(redis_url, server.base_url)
    configure_django(database_url, **env)
    ensure_database(database_url)
    from config.celery_app import app

    app.conf.task_routes = {"marketplace.tasks.enrich_listing": {"queue": QUEUE}}
    concurrency = compose_worker_concurrency()

    warmup = 2 * concurrency
    listing_ids = seed(args.listings + args.baseline_listings + 2 * warmup)
    main_ids = listing_ids[: args.listings]
    baseline_ids = listing_ids[args.listings : args.listings + args.baseline_listings]
    warm_ids = listing_ids[args.listings + args.baseline_listings :]

    # Each run starts with untimed jobs: a long-lived worker's processes have their database
    # connections and imports already, and the figure is about that steady state.
    worker = start_worker(env, 1)
    try:
        enrich_and_wait(warm_ids[:warmup])
        baseline_seconds, baseline_jobs = enrich_and_wait(baseline_ids)
    finally:
        stop_worker(worker)
    worker = start_worker(env, concurrency)
    try:
        enrich_and_wait(warm_ids[warmup:])
        requests_before = len(server.requests)
        seconds, jobs = enrich_and_wait(main_ids)
        model_requests = len(server.requests) - requests_before

        requests_before = len(server.requests)
        again_seconds, again_jobs = enrich_and_wait(main_ids)
        again_requests = len(server.requests) - requests_before

        requests_before = len(server.requests)
        forced_seconds, forced_jobs = enrich_and_wait(main_ids, force=True)
        forced_requests = len(server.requests) - requests_before
    finally:
        stop_worker(worker)
        server.stop()

    ceiling = concurrency / args.latency
    throughput = jobs / seconds
    baseline = baseline_jobs / baseline_seconds
    results = {
        "benchmark": "enrichment",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model_latency_s": args.latency,
        "worker_concurrency": concurrency,
        "jobs": jobs,
        "seconds": round(seconds, 2),
        "throughput_jobs_per_s": round(throughput, 1),
        "ceiling_jobs_per_s": round(ceiling, 1),
        "share_of_ceiling": round(throughput / ceiling, 3),
        "model_requests": model_requests,
        "baseline_concurrency_1_jobs_per_s": round(baseline, 2),
        "baseline_share_of_its_ceiling": round(baseline * args.latency, 3),
        "speedup_over_baseline": round(throughput / baseline, 1),
        "unchanged_again_jobs": again_jobs,
        "unchanged_again_model_requests": again_requests,
        "unchanged_again_seconds": round(again_seconds, 2),
        "forced_jobs": forced_jobs,
        "forced_model_requests": forced_requests,
        "forced_seconds": round(forced_seconds, 2),
        "load_average": os.getloadavg(),
    }
    print(f"model latency {args.latency * 1000:.0f} ms, worker concurrency {concurrency}")
    print(
        f"{jobs} jobs in {seconds:.1f} s: {throughput:.1f} jobs/s, "
        f"{throughput / ceiling:.0%} of the {ceiling:.0f} jobs/s that concurrency allows "
        f"({model_requests} model requests)"
    )
    print(
        f"baseline, concurrency 1: {baseline:.2f} jobs/s "
        f"({baseline * args.latency:.0%} of its ceiling); speed-up {throughput / baseline:.1f}x"
    )
    print(
        f"unchanged listings again: {again_jobs} jobs queued, {again_requests} model requests "
        f"({again_seconds:.1f} s)"
    )
    print(
        f"forced re-run of unchanged listings: {forced_jobs} jobs, {forced_requests} model "
        f"requests (the answer cache served the rest) in {forced_seconds:.1f} s"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "enrichment.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out.relative_to(ROOT)}")
    passed = throughput / ceiling >= 0.7 and again_requests == 0 and forced_requests == 0
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
