"""What the benchmarks share: a Postgres database of their own and Django configured to measure.

Import it before Django is set up (each benchmark runs as its own process)::

    from support import configure_django, ensure_database
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def configure_django(database_url: str, **environment: str) -> None:
    """Local settings with DEBUG off (DEBUG keeps every query in memory, and production would
    want HTTPS and collected static files), a persistent connection (as any real deployment
    has; it also keeps session-level SET commands between queries), no Redis unless given,
    quiet logs. ``environment`` adds or overrides variables."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "600",
            "REDIS_URL": "",
            "LOG_LEVEL": "WARNING",
            **environment,
        }
    )
    for path in (str(ROOT), str(ROOT / "benchmarks")):
        if path not in sys.path:
            sys.path.insert(0, path)
    # WhiteNoise warns that collectstatic has not run; static files are not what is measured.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    import django

    django.setup()


def ensure_database(database_url: str) -> None:
    """Create the benchmark's Postgres database if it is missing, then migrate it."""
    import environ
    import psycopg
    from django.core.management import call_command
    from psycopg import sql

    config = environ.Env.db_url_config(database_url)
    with psycopg.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    ) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
            print(f"Created database {config['NAME']}.")
    call_command("migrate", verbosity=0)


def git_commit() -> str:
    """The short hash of the commit being measured, for the results file."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def save_results(benchmark: str, machine: dict[str, Any], **sections: Any) -> Path:
    """Write ``benchmarks/results/<benchmark>-<UTC stamp>.json``: which benchmark, when, at which
    commit, on what machine (CPUs, platform, Python and Django, plus ``machine``), and
    ``sections``. Returns the file's path."""
    import django

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{benchmark}-{stamp}.json"
    data = {
        "benchmark": benchmark,
        "finished_at": stamp,
        "git_commit": git_commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "django": django.get_version(),
            **machine,
        },
        **sections,
    }
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path
