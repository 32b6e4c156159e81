#!/usr/bin/env python
"""Loading a large evaluation dataset: time and memory of ``load_eval_dataset``.

    .venv/bin/python benchmarks/bench_dataset_load.py [--lines 200000]

Writes a JSONL file of ``--lines`` listing-assistant cases (the shipped cases, repeated with a
number added to each text so that every input is new), then loads it with the command, in a
fresh process on a throwaway SQLite database, and prints the wall time and how far the process's
memory (resident set size) peaked above where it was before the load. No Postgres needed.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from support import RESULTS, ROOT, configure_django, git_commit


def memory_mb(field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (the peak) of this process, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=200_000)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bazaar-bench-dataset-"))
    configure_django(f"sqlite:///{workdir / 'db.sqlite3'}")
    from django.core.management import call_command

    from llm.evaluation.models import EvalCase

    call_command("migrate", verbosity=0)
    call_command("sync_prompts", verbosity=0)
    shipped = ROOT / "llm" / "evaluation" / "datasets" / "listing_assistant.jsonl"
    cases = [json.loads(line) for line in shipped.read_text().splitlines() if line.strip()]
    path = workdir / "listing_assistant.jsonl"
    with path.open("w") as out:
        for number in range(args.lines):
            case = cases[number % len(cases)]
            text = f"{case['input']['text']} (#{number})"
            out.write(json.dumps({**case, "input": {"text": text}}) + "\n")
    size_mb = path.stat().st_size / 1024 / 1024

    before = memory_mb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM from here on: the load's peak
    started = time.perf_counter()
    call_command("load_eval_dataset", str(path), verbosity=0)
    elapsed = time.perf_counter() - started
    growth = memory_mb("VmHWM") - before
    loaded = EvalCase.objects.count()

    result = {
        "lines": args.lines,
        "file_mb": round(size_mb, 1),
        "seconds": round(elapsed, 1),
        "peak_rss_growth_mb": round(growth, 1),
        "cases_loaded": loaded,
        "commit": git_commit(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    print(
        f"{args.lines:,} lines ({size_mb:.0f} MB): loaded {loaded:,} cases in {elapsed:.1f} s, "
        f"peak memory +{growth:.0f} MB"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "dataset_load.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
