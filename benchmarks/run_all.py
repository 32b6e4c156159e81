#!/usr/bin/env python
"""Run every benchmark in this folder (``bench_*.py``), one process each, in name order.

    .venv/bin/python benchmarks/run_all.py       # what `make benchmarks` runs

Each script prints its own figures and writes them to benchmarks/results/. A script that
exits with status 77 could not run here and says why (the Jinja2 trial without Jinja2): it is
reported as skipped. The exit status is non-zero if any benchmark failed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIPPED = 77  # a benchmark that cannot run here (it says why)


def main() -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if not scripts:
        print("No benchmarks found.")
        return 1
    failed = []
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        started = time.monotonic()
        status = subprocess.run([sys.executable, str(script)], check=False).returncode
        outcome = {0: "ok", SKIPPED: "skipped"}.get(status, f"FAILED ({status})")
        print(f"=== {script.name}: {outcome} in {time.monotonic() - started:.0f} s ===", flush=True)
        if status not in (0, SKIPPED):
            failed.append(script.name)
    if failed:
        print(f"\nFailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
