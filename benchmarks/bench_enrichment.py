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
   cache should serve them all);
4. where the CPU goes during the throughput run, per job: the worker's processes, the Postgres
   processes serving the benchmark's database (and Postgres's background writers), Redis, and
   this process (the fake model server and the queueing). On a small machine the sum, not the
   model's latency, is what limits throughput: N cores give at most N / (CPU per job) jobs/s.
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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from support import RESULTS, ROOT, configure_django, ensure_database, git_commit

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


class CpuMeter:
    """CPU seconds spent by each party of the benchmark between ``start`` and ``stop``.

    Read from /proc (Linux): user + system time of the worker's process group, of the Postgres
    backends connected to the benchmark's database plus Postgres's background processes (WAL
    writer, checkpointer...), of Redis (from its INFO; it serves this benchmark alone unless
    something else is using it), and of this process (``os.times``: the fake model server's
    threads, the queueing, the polling).
    """

    def __init__(self, worker_pgid: int, redis_url: str):
        self.worker_pgid = worker_pgid
        self.redis_url = redis_url
        self.ticks = os.sysconf("SC_CLK_TCK")
        self.before: dict[tuple[str, int], float] = {}

    def _proc(self, pid: int) -> tuple[int, float] | None:
        """(process group, CPU seconds of the process and of its reaped children)."""
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        # After "(name)": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
        # cmajflt utime stime cutime cstime ...
        fields = text.rsplit(")", 1)[1].split()
        utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
        return int(fields[2]), (utime + stime + cutime + cstime) / self.ticks

    def _snapshot(self) -> dict[tuple[str, int], float]:
        import redis
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() OR backend_type <> 'client backend'"
            )
            postgres = {pid for (pid,) in cursor.fetchall()}
        snapshot: dict[tuple[str, int], float] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            found = self._proc(pid)
            if found is None:
                continue
            group, seconds = found
            if group == self.worker_pgid:
                snapshot["worker", pid] = seconds
            elif pid in postgres:
                snapshot["postgres", pid] = seconds
        cpu = redis.Redis.from_url(self.redis_url).info("cpu")
        snapshot["redis", 0] = float(cpu["used_cpu_sys"]) + float(cpu["used_cpu_user"])
        times = os.times()
        snapshot["this process", 0] = times.user + times.system
        # The whole machine (an upper bound: it counts anything else running too, and Postgres
        # backends that ended during the run, which the per-process figures cannot see).
        busy = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in busy)
        snapshot["machine", 0] = (user + nice + system + irq + softirq + steal) / self.ticks
        return snapshot

    def start(self) -> None:
        self.before = self._snapshot()

    def stop(self) -> dict[str, float]:
        """CPU seconds per party since ``start`` (a process that started since counts whole)."""
        spent = dict.fromkeys(("worker", "postgres", "redis", "this process", "machine"), 0.0)
        for (party, pid), seconds in self._snapshot().items():
            spent[party] += seconds - self.before.get((party, pid), 0.0)
        return spent


@dataclass
class Run:
    jobs: int  # queued
    queue_seconds: float  # to queue them (the worker paused)
    seconds: float  # from the worker's resuming until the last job finished
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per party, when metered

    @property
    def throughput(self) -> float:
        return self.jobs / self.seconds if self.seconds else 0.0


def enrich_and_wait(
    listing_ids: list[int], *, force: bool = False, meter: CpuMeter | None = None
) -> Run:
    """Queue a job per listing while the worker is paused, then time the worker on the backlog.

    Each job is queued as a publish queues it (its own transaction, the task sent on commit).
    The worker stops consuming the queue meanwhile, so the figure is the worker's own pace on a
    backlog (what ``enrich_listings --all`` or a burst of edits gives it), not the pace of this
    one process queueing; the time to queue is reported apart.
    """
    from django.db import transaction

    from config.celery_app import app
    from marketplace.enrichment import queue_enrichment
    from marketplace.models import EnrichmentJob, Listing

    app.control.cancel_consumer(QUEUE, reply=True)
    started = time.perf_counter()
    job_ids = []
    for listing in Listing.objects.filter(pk__in=listing_ids).select_related("category"):
        with transaction.atomic():
            job = queue_enrichment(listing, force=force)
        if job is not None:
            job_ids.append(job.pk)
    queue_seconds = time.perf_counter() - started

    if meter is not None:
        meter.start()
    started = time.perf_counter()
    app.control.add_consumer(QUEUE, reply=True)
    pending = EnrichmentJob.objects.filter(
        pk__in=job_ids, status__in=[EnrichmentJob.Status.QUEUED, EnrichmentJob.Status.RUNNING]
    )
    while pending.exists():
        if time.perf_counter() - started > 600:
            raise SystemExit("jobs still pending after 10 minutes")
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    cpu = meter.stop() if meter is not None else {}

    failed = EnrichmentJob.objects.filter(pk__in=job_ids, status=EnrichmentJob.Status.FAILED)
    first_failure = failed.first()
    if first_failure is not None:
        raise SystemExit(f"{failed.count()} jobs failed, e.g.: {first_failure.error}")
    return Run(len(job_ids), queue_seconds, seconds if job_ids else 0.0, cpu)


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
        baseline = enrich_and_wait(baseline_ids)
    finally:
        stop_worker(worker)
    worker = start_worker(env, concurrency)
    try:
        enrich_and_wait(warm_ids[warmup:])
        requests_before = len(server.requests)
        main = enrich_and_wait(main_ids, meter=CpuMeter(worker.pid, redis_url))
        model_requests = len(server.requests) - requests_before

        requests_before = len(server.requests)
        again = enrich_and_wait(main_ids)
        again_requests = len(server.requests) - requests_before

        requests_before = len(server.requests)
        forced = enrich_and_wait(main_ids, force=True)
        forced_requests = len(server.requests) - requests_before
    finally:
        stop_worker(worker)
        server.stop()

    ceiling = concurrency / args.latency
    machine_cpu = main.cpu.pop("machine")
    cpu_total = sum(main.cpu.values())
    cores = os.cpu_count() or 1
    results = {
        "benchmark": "enrichment",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "model_latency_s": args.latency,
        "worker_concurrency": concurrency,
        "jobs": main.jobs,
        "queue_seconds": round(main.queue_seconds, 2),
        "seconds": round(main.seconds, 2),
        "throughput_jobs_per_s": round(main.throughput, 1),
        "ceiling_jobs_per_s": round(ceiling, 1),
        "share_of_ceiling": round(main.throughput / ceiling, 3),
        "model_requests": model_requests,
        "cpu_ms_per_job": {
            party: round(1000 * spent / main.jobs, 1) for party, spent in main.cpu.items()
        },
        "cpu_ms_per_job_total": round(1000 * cpu_total / main.jobs, 1),
        "cores": cores,
        "cpu_bound_ceiling_jobs_per_s": round(cores * main.jobs / cpu_total, 1),
        "machine_cpu_ms_per_job": round(1000 * machine_cpu / main.jobs, 1),
        "machine_busy_share": round(machine_cpu / main.seconds / cores, 3),
        "baseline_concurrency_1_jobs_per_s": round(baseline.throughput, 2),
        "baseline_share_of_its_ceiling": round(baseline.throughput * args.latency, 3),
        "speedup_over_baseline": round(main.throughput / baseline.throughput, 1),
        "unchanged_again_jobs": again.jobs,
        "unchanged_again_model_requests": again_requests,
        "unchanged_again_queue_seconds": round(again.queue_seconds, 2),
        "forced_jobs": forced.jobs,
        "forced_model_requests": forced_requests,
        "forced_seconds": round(forced.seconds, 2),
        "load_average": os.getloadavg(),
    }
    print(f"model latency {args.latency * 1000:.0f} ms, worker concurrency {concurrency}")
    print(
        f"{main.jobs} jobs (queued in {main.queue_seconds:.1f} s) done in {main.seconds:.1f} s: "
        f"{main.throughput:.1f} jobs/s, {main.throughput / ceiling:.0%} of the {ceiling:.0f} "
        f"jobs/s that concurrency allows ({model_requests} model requests)"
    )
    per_job = ", ".join(f"{party} {ms:.1f}" for party, ms in results["cpu_ms_per_job"].items())
    print(
        f"CPU per job: {results['cpu_ms_per_job_total']:.1f} ms ({per_job}); "
        f"{cores} cores allow at most {results['cpu_bound_ceiling_jobs_per_s']:.0f} jobs/s; "
        f"the whole machine was {results['machine_busy_share']:.0%} busy "
        f"({results['machine_cpu_ms_per_job']:.1f} ms of CPU per job, other work included)"
    )
    print(
        f"baseline, concurrency 1: {baseline.throughput:.2f} jobs/s "
        f"({baseline.throughput * args.latency:.0%} of its ceiling); "
        f"speed-up {main.throughput / baseline.throughput:.1f}x"
    )
    print(
        f"unchanged listings again: {again.jobs} jobs queued, {again_requests} model requests "
        f"(checked in {again.queue_seconds:.1f} s)"
    )
    print(
        f"forced re-run of unchanged listings: {forced.jobs} jobs, {forced_requests} model "
        f"requests (the answer cache served them) in {forced.seconds:.1f} s"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "enrichment.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out.relative_to(ROOT)}")
    passed = main.throughput / ceiling >= 0.7 and again_requests == 0 and forced_requests == 0
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
