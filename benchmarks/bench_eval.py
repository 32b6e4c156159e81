"""How much faster an evaluation runs with concurrency, against a model that answers in 200 ms.

    python benchmarks/bench_eval.py [--cases 200] [--latency 0.2] [--concurrency 16]

Target: the run at ``--concurrency`` finishes at least 10 times faster than the same run at
concurrency 1, measured in the same process one after the other (the concurrency-1 run is the
baseline). Both runs go the way ``manage.py run_eval`` goes in the embedded mode (eager Celery):
``run_in_process``, the model calls waiting in a thread pool, the database work on one thread.
The model is the fake OpenAI-compatible server of llm/fake_server.py on 127.0.0.1, in a process
of its own as a local model server would be (so that its work does not compete with the
evaluation for this process's interpreter lock), answering every request after ``--latency``
seconds through the real openai SDK; it counts the requests it answers at once.

It runs on a throwaway test database made from the configured one (SQLite in memory by default,
Postgres when ``DATABASE_URL`` points at it), with ``--cases`` synthetic listing-assistant cases
generated here (they are not an evaluation set). Figures go to stdout and to benchmarks/results/
as JSON. Exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import platform
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.core.cache import cache as django_cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from llm.evaluation.execution import run_in_process  # noqa: E402
from llm.evaluation.models import EvalDataset  # noqa: E402
from llm.evaluation.services import create_run, load_dataset  # noqa: E402
from llm.fake_server import FakeOpenAIServer, answer  # noqa: E402

TARGET_SPEEDUP = 10.0

BRANDS = [("Apple", "iPhone 12"), ("Samsung", "Galaxy S21"), ("Google", "Pixel 7")]
COLOURS = ["black", "white", "blue", "red"]
ANSWER = {
    "title": "Apple iPhone 12, 64 GB, black",
    "description": "Works perfectly, a few scratches on the back.",
    "category": "phones",
    "attributes": [{"key": "brand", "value": "Apple"}, {"key": "storage_gb", "value": 64}],
    "condition": "good",
}


def write_cases(path: Path, count: int) -> None:
    """``count`` distinct phone listings with what they should get (generated, not labelled)."""
    lines = []
    for n in range(count):
        brand, model = BRANDS[n % len(BRANDS)]
        colour = COLOURS[n % len(COLOURS)]
        storage = 64 * (1 + n % 4)
        case = {
            "input": {"text": f"Selling my {brand} {model}, {storage} GB, {colour}. Ad {n}."},
            "expected": {
                "category": "phones",
                "attributes": {"brand": brand, "model": model, "storage_gb": storage},
                "condition": None,
            },
            "tags": [brand.lower()],
        }
        lines.append(json.dumps(case))
    path.write_text("\n".join(lines) + "\n")


def serve(latency: float, pipe: Connection) -> None:
    """The fake model server, in a child process: its address, then its counts on request."""
    with FakeOpenAIServer(default=answer(ANSWER, delay=latency)) as server:
        pipe.send(server.base_url)
        while (command := pipe.recv()) != "stop":
            if command == "reset":
                server.max_in_flight = 0
            pipe.send({"requests": len(server.requests), "max_in_flight": server.max_in_flight})


class ModelServer:
    def __init__(self, pipe: Connection, base_url: str) -> None:
        self.pipe = pipe
        self.base_url = base_url

    def ask(self, command: str) -> dict[str, int]:
        self.pipe.send(command)
        counts: dict[str, int] = self.pipe.recv()
        return counts


@contextmanager
def model_server(latency: float) -> Iterator[ModelServer]:
    ours, theirs = multiprocessing.Pipe()
    # Forked before this process opens a database connection or starts a thread.
    process = multiprocessing.get_context("fork").Process(
        target=serve, args=(latency, theirs), daemon=True
    )
    process.start()
    try:
        yield ModelServer(ours, ours.recv())
    finally:
        ours.send("stop")
        process.join(timeout=10)


def measure(dataset: EvalDataset, concurrency: int, server: ModelServer) -> dict[str, Any]:
    """Wall time of one whole run (creating it included) at ``concurrency``."""
    server.ask("reset")
    started = time.perf_counter()
    run = create_run(
        dataset, "listing_assistant", provider="openai", concurrency=concurrency, judge=None
    )
    run = run_in_process(run)
    seconds = time.perf_counter() - started
    if run.status != "succeeded" or run.failed:
        raise SystemExit(f"run #{run.pk} {run.status} with {run.failed} failed cases")
    max_in_flight = server.ask("count")["max_in_flight"]
    figures = {
        "concurrency": concurrency,
        "cases": run.total,
        "seconds": seconds,
        "cases_per_second": run.total / seconds,
        "max_in_flight": max_in_flight,
        "latency_p50_ms": run.summary["latency_p50_ms"],
        "latency_p95_ms": run.summary["latency_p95_ms"],
    }
    print(
        f"  concurrency {concurrency:>3}: {seconds:7.2f} s  {figures['cases_per_second']:6.1f} "
        f"cases/s  at most {max_in_flight} requests in flight  (model latency p50 "
        f"{figures['latency_p50_ms']:.0f} ms, p95 {figures['latency_p95_ms']:.0f} ms)",
        flush=True,
    )
    return figures


def run_benchmark(args: argparse.Namespace, server: ModelServer) -> list[dict[str, Any]]:
    """The same evaluation at concurrency 1 (the baseline), then at ``args.concurrency``."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "listing_assistant.jsonl"
        write_cases(path, args.cases)
        dataset = load_dataset(path, name="bench_eval").dataset
    with override_settings(
        LLM_PROVIDER="openai",
        OPENAI_API_KEY="sk-bench-not-a-real-key",
        OPENAI_BASE_URL=server.base_url,
        LLM_MAX_RETRIES=0,
    ):
        print(
            f"Bazaar evaluation benchmark: {args.cases} cases, the model answers in "
            f"{args.latency * 1000:.0f} ms, {connection.vendor}",
            flush=True,
        )
        return [measure(dataset, 1, server), measure(dataset, args.concurrency, server)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.2, help="the model's answer time (s)")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    for noisy in ("httpx", "httpx2", "openai", "llm"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    load_before = os.getloadavg()
    django_cache.key_prefix = f"{django_cache.key_prefix}bench-eval"
    with model_server(args.latency) as server:
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            figures = run_benchmark(args, server)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    baseline, concurrent = figures
    load_after = os.getloadavg()

    speedup = baseline["seconds"] / concurrent["seconds"]
    ideal = min(args.concurrency, args.cases)
    met = speedup >= TARGET_SPEEDUP
    print(
        f"\nspeed-up at concurrency {args.concurrency}: {speedup:.1f}x "
        f"(target {TARGET_SPEEDUP:.0f}x; {ideal}x if nothing but the model took time)"
    )
    print(
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        f"({os.cpu_count()} CPUs)"
    )
    print("target met" if met else f"MISSED: {speedup:.1f}x < {TARGET_SPEEDUP:.0f}x")

    report = {
        "benchmark": "bench_eval",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "database": connection.vendor,
        "cases": args.cases,
        "latency_s": args.latency,
        "runs": [baseline, concurrent],
        "speedup": speedup,
        "target_speedup": TARGET_SPEEDUP,
    }
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    result_path = out / f"bench_eval-{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
    result_path.write_text(json.dumps(report, indent=2))
    print(f"written to {result_path.relative_to(ROOT)}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
