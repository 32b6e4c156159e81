#!/usr/bin/env python
"""The home page while assistant requests hang on a slow model, against no AI traffic.

    .venv/bin/python benchmarks/bench_slow_model.py                  # bin/start-web as deployed
    .venv/bin/python benchmarks/bench_slow_model.py --web sync:2 --web gthread:2x16   # compare

Starts the fake OpenAI-compatible server of llm/fake_server.py in this process, answering every
request after ``--model-latency`` seconds (20), and the web server with bin/start-web, the script
the `web` container runs, with production settings and ``LLM_PROVIDER=openai`` pointed at the fake
model. It uses its own Postgres database (``BENCH_SLOW_DATABASE_URL``, default
``bazaar_bench_slow``, migrated by the benchmark itself) and Redis database 13.

For each web server setup (``--web``: ``default`` is bin/start-web's own defaults, ``sync:N`` is N
sync workers, ``gthread:NxT`` is N workers of T threads, each taking T connections at most, and
``gthread:NxT/C`` C connections), started afresh and warmed up:

1. no AI traffic: ``--clients`` (4) anonymous visitors ask for the home page one request after the
   other: p50, p99 and requests per second, over ``--seconds`` (20) in all, half of it before the
   slow model and half after (once the hanging requests have ended), so that a change in the
   machine's load during the run weighs on both sides; when the server cannot clear the hanging
   requests within the budget and 5 s (sync workers), only the half before counts;
2. slow model: ``--hanging`` (20) logged-in sellers each keep one assistant request open (a new one
   as soon as the last is answered), so 20 hang on the model all along; once they are in (or
   after 10 s at most) and 2 s more, the same home page measurement for ``--seconds``. Each
   assistant request should end with the friendly "took too long" message after
   ``AI_ASSISTANT_TIMEOUT_SECONDS`` (10 s), each failed call logged as an ``LLMCall`` (timeout).

Target, for bin/start-web's defaults: with the model hanging, the home page keeps at least half
its requests per second and a p99 under 1 s, and every seller is told within the assistant's budget
and 2 s, each call logged as a timeout. The exit status is 1 if the ``default`` setup misses it.

Prints the figures and the ratios (slow model / no AI traffic), with the CPU the web server's
processes spent per home request (read from /proc) and the database connections it held; writes
them as JSON to benchmarks/results/slow_model.json. A home request with no answer within
``--request-timeout`` (30 s) counts in the percentiles at that time (a lower bound) and not in
the requests per second.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

from support import RESULTS, ROOT, configure_django, ensure_database, git_commit

sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bazaar_bench_slow"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
SELLER_PREFIX = "bench-slow-seller-"
# A valid listing_assistant answer: what the model would say, had anyone waited 20 s for it.
SUGGESTION = {
    "title": "Apple iPhone 12, 64 GB, black",
    "description": "Works well, a few scratches.",
    "category": "phones",
    "attributes": [{"key": "brand", "value": "Apple"}],
    "condition": "good",
}


@dataclass(frozen=True)
class WebSetup:
    """How bin/start-web runs gunicorn: its environment variables, empty for its defaults."""

    name: str
    environment: dict[str, str]

    @classmethod
    def parse(cls, text: str) -> WebSetup:
        if text == "default":
            return cls(text, {})
        kind, _, size = text.partition(":")
        if kind == "sync" and size.isdigit():
            return cls(
                text, {"WEB_WORKER_CLASS": "sync", "WEB_CONCURRENCY": size, "WEB_THREADS": "1"}
            )
        size, _, connections = size.partition("/")
        workers, _, threads = size.partition("x")
        if kind == "gthread" and workers.isdigit() and threads.isdigit():
            env = {"WEB_WORKER_CLASS": "gthread", "WEB_CONCURRENCY": workers}
            env["WEB_THREADS"] = threads
            if connections.isdigit():
                env["WEB_WORKER_CONNECTIONS"] = connections
            return cls(text, env)
        raise argparse.ArgumentTypeError(f"{text!r}: use default, sync:N or gthread:NxT[/C]")


@dataclass
class Sample:
    """Home page requests of one measurement window."""

    request_timeout: float
    seconds: float = 0.0  # from the first request until the last one ended
    latencies: list[float] = field(default_factory=list)  # of the answered ones, in seconds
    timed_out: int = 0  # no answer within the request timeout
    errors: int = 0  # an answer other than a 200
    web_cpu_seconds: float = 0.0  # what the web server's processes spent meanwhile

    def percentile(self, share: float) -> float | None:
        """Over the answered and the timed-out requests (those at the timeout: a lower bound)."""
        waits = sorted(self.latencies + [self.request_timeout] * self.timed_out)
        if not waits:
            return None
        return waits[min(len(waits) - 1, int(share * len(waits)))]

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def combined(self, other: Sample | None) -> Sample:
        """This window and ``other`` as one (or this one alone)."""
        if other is None:
            return self
        return Sample(
            self.request_timeout,
            self.seconds + other.seconds,
            self.latencies + other.latencies,
            self.timed_out + other.timed_out,
            self.errors + other.errors,
            self.web_cpu_seconds + other.web_cpu_seconds,
        )

    def as_dict(self) -> dict[str, float | int | None]:
        p50, p99 = self.percentile(0.5), self.percentile(0.99)
        return {
            "requests": len(self.latencies),
            "timed_out": self.timed_out,
            "errors": self.errors,
            "p50_ms": round(p50 * 1000, 1) if p50 is not None else None,
            "p99_ms": round(p99 * 1000, 1) if p99 is not None else None,
            "requests_per_second": round(self.per_second, 1),
            "web_cpu_ms_per_request": round(1000 * self.web_cpu_seconds / len(self.latencies), 1)
            if self.latencies
            else None,
            "web_cpu_share": round(self.web_cpu_seconds / self.seconds / (os.cpu_count() or 1), 2)
            if self.seconds
            else None,
        }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def request(
    port: int,
    method: str,
    path: str,
    *,
    body: str = "",
    headers: dict | None = None,
    timeout: float,
) -> tuple[int, bytes]:
    """One request on a new connection (what a proxy in front of gunicorn does by default)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(
            method, path, body=body or None, headers={"Connection": "close", **(headers or {})}
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def measure_home(
    port: int, clients: int, seconds: float, request_timeout: float, web_pgid: int
) -> Sample:
    """``clients`` visitors asking for the home page back to back, starting requests for
    ``seconds``. A request still waiting when that time is up is waited for (up to the request
    timeout), since that wait is what its visitor sees; the rate is over the whole time."""
    sample = Sample(request_timeout)
    lock = threading.Lock()
    cpu_at_start = group_cpu_seconds(web_pgid)
    started_at = time.perf_counter()
    ends = started_at + seconds

    def visitor() -> None:
        while time.perf_counter() < ends:
            started = time.perf_counter()
            try:
                status, _ = request(port, "GET", "/", timeout=request_timeout)
            except TimeoutError:
                status = -1
            except OSError:
                status = 0
            took = time.perf_counter() - started
            with lock:
                if status == 200:
                    sample.latencies.append(took)
                elif status == -1:
                    sample.timed_out += 1
                else:
                    sample.errors += 1

    threads = [threading.Thread(target=visitor, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sample.seconds = time.perf_counter() - started_at
    sample.web_cpu_seconds = group_cpu_seconds(web_pgid) - cpu_at_start
    return sample


class HangingSellers:
    """Sellers who each keep one assistant request open, asking again as soon as one ends."""

    def __init__(self, port: int, cookies: list[str], csrf: str) -> None:
        self.port = port
        self.cookies = cookies
        self.csrf = csrf
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.answers: list[tuple[float, str]] = []  # (seconds, what the seller was told)
        self.open = 0  # requests sent and not yet answered
        self.threads = [
            threading.Thread(target=self._seller, args=(n, cookie), daemon=True)
            for n, cookie in enumerate(cookies)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()

    def _seller(self, n: int, cookie: str) -> None:
        asked = 0
        while not self.stopping.is_set():
            asked += 1
            body = urlencode({"text": f"iphone 12 64gb black, seller {n}, ask {asked}"})
            headers = {
                "Cookie": f"{cookie}; csrftoken={self.csrf}",
                "X-CSRFToken": self.csrf,
                "HX-Request": "true",
                "Content-Type": "application/x-www-form-urlencoded",
            }
            started = time.perf_counter()
            with self.lock:
                self.open += 1
            try:
                status, page = request(
                    self.port,
                    "POST",
                    "/listings/assistant/",
                    body=body,
                    headers=headers,
                    timeout=120,
                )
                told = _assistant_outcome(status, page.decode(errors="replace"))
            except OSError as exc:
                told = f"no answer ({exc.__class__.__name__})"
            with self.lock:
                self.open -= 1
                self.answers.append((time.perf_counter() - started, told))


def _assistant_outcome(status: int, page: str) -> str:
    if status != 200:
        return f"HTTP {status}"
    for phrase in ("took too long", "is busy right now", "could not answer", "try again in"):
        if phrase in page:
            return phrase
    return "a suggestion" if "suggestion-list" in page else "something else"


def prepare_sellers(count: int) -> list[str]:
    """Session cookies of ``count`` sellers who get the assistant (its treatment group when the
    experiment runs, else the flag on for everyone)."""
    from django.test import Client

    from accounts.models import User
    from experiments.api import load_spec
    from experiments.models import Flag
    from marketplace.ab_tests import AI_LISTING_ASSISTANT, assistant_group

    running = load_spec(AI_LISTING_ASSISTANT) is not None
    if not running:
        flag = Flag.objects.get(name=AI_LISTING_ASSISTANT)
        flag.everyone = True
        flag.save()  # through the model, so waffle's cached copy goes too
    cookies = []
    for n in range(50 * count):
        user, _ = User.objects.get_or_create(username=f"{SELLER_PREFIX}{n}")
        if running and assistant_group(user.pk) == "control":
            continue
        client = Client()
        client.force_login(user)
        cookies.append(f"sessionid={client.cookies['sessionid'].value}")
        if len(cookies) == count:
            return cookies
    raise SystemExit(f"found only {len(cookies)} sellers in the assistant's treatment group")


# This process's environment before configure_django adds the benchmark settings to it: the web
# server gets this plus its own settings, as a container would.
OUTER_ENVIRONMENT = dict(os.environ)


def start_web(setup: WebSetup, port: int, env: dict[str, str]) -> subprocess.Popen:
    web_env = {**OUTER_ENVIRONMENT, **env, **setup.environment, "BIND": f"127.0.0.1:{port}"}
    web_env["PYTHON"] = sys.executable
    process = subprocess.Popen(
        [str(ROOT / "bin" / "start-web")],
        cwd=ROOT,
        env=web_env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bin/start-web exited with status {process.returncode}")
        try:
            if request(port, "GET", "/", timeout=5)[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.5)
    stop_web(process)
    raise SystemExit("the web server did not answer within 10 minutes")


def stop_web(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGQUIT)  # gunicorn's quick shutdown: no waiting on hangs
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until(condition: Callable[[], bool], limit: float) -> float:
    """Seconds until ``condition()`` holds, or ``limit`` if it never did."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit and not condition():
        time.sleep(0.05)
    return time.perf_counter() - started


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds (user + system) of the processes in group ``pgid``: the web server's."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def database_connections() -> int:
    """Connections to the benchmark's database, other than this process's."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def run_setup(setup: WebSetup, args: argparse.Namespace, env: dict[str, str], server) -> dict:
    """The home page with no AI traffic (half the time before the slow model, half after, so
    that a change in the machine's load between the two shows less), and with it."""
    from django.conf import settings

    from llm.models import LLMCall

    port = free_port()
    web = start_web(setup, port, env)
    window = args.seconds
    try:
        cookies = prepare_sellers(args.hanging)
        # Untimed: the workers' first requests load templates and open connections.
        measure_home(port, args.clients, 3, args.request_timeout, web.pid)
        before = measure_home(port, args.clients, window / 2, args.request_timeout, web.pid)

        last_call = LLMCall.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        sellers = HangingSellers(port, cookies, secrets.token_hex(16))
        sellers.start()
        ramp = wait_until(lambda: server.in_flight >= args.hanging, 10)
        time.sleep(2)  # the first assistant request of each worker imports the SDK: not measured
        model_requests = len(server.requests)
        load_before = os.getloadavg()
        slow = measure_home(port, args.clients, window, args.request_timeout, web.pid)
        load_after = os.getloadavg()
        model_requests = len(server.requests) - model_requests
        open_at_end, connections = sellers.open, database_connections()
        sellers.stop()
        # Each open request ends within the budget once a worker runs it; a server that queued
        # them (sync workers) takes far longer, and then the "after" window is left out.
        drain_limit = settings.AI_ASSISTANT_TIMEOUT_SECONDS + 5
        drained = wait_until(lambda: sellers.open == 0, drain_limit) < drain_limit
        after = (
            measure_home(port, args.clients, window / 2, args.request_timeout, web.pid)
            if drained
            else None
        )
        with sellers.lock:
            answers = list(sellers.answers)
    finally:
        stop_web(web)

    quiet = before.combined(after)
    calls = LLMCall.objects.filter(pk__gt=last_call, purpose="assistant")
    told: dict[str, int] = {}
    for _, outcome in answers:
        told[outcome] = told.get(outcome, 0) + 1
    waited = sorted(seconds for seconds, _ in answers)
    ratio = {
        "p50": _ratio(slow.percentile(0.5), quiet.percentile(0.5)),
        "p99": _ratio(slow.percentile(0.99), quiet.percentile(0.99)),
        "requests_per_second": round(slow.per_second / quiet.per_second, 3)
        if quiet.per_second
        else None,
    }
    return {
        "web": setup.name,
        "environment": setup.environment,
        "no_ai_traffic": quiet.as_dict(),
        "no_ai_traffic_measured_after_too": after is not None,
        "slow_model": slow.as_dict(),
        "slow_over_no_ai": ratio,
        "ramp_seconds": round(ramp, 1),
        "assistant_requests_open_at_end": open_at_end,
        "model_requests_during_slow_window": model_requests,
        "database_connections_at_end": connections,
        "assistant_answers": told,
        "assistant_seconds_p50": round(statistics.median(waited), 2) if waited else None,
        "assistant_seconds_max": round(waited[-1], 2) if waited else None,
        "assistant_calls_logged": dict(
            sorted(
                (status, calls.filter(status=status).count())
                for status in set(calls.values_list("status", flat=True))
            )
        ),
        "load_average_slow_window": [load_before, load_after],
    }


def missed_targets(result: dict, budget: float) -> list[str]:
    """What the deployed setup must do with the model hanging: the home page keeps half its rate
    and a p99 under a second, and every seller is told within the budget (and 2 s)."""
    missed = []
    if (result["slow_over_no_ai"]["requests_per_second"] or 0) < 0.5:
        missed.append("the home page kept less than half its requests per second")
    if (result["slow_model"]["p99_ms"] or 0) >= 1000:
        missed.append("the home page's p99 reached a second")
    if (result["assistant_seconds_max"] or 0) > budget + 2:
        missed.append(f"a seller waited more than the {budget:g} s budget and 2 s")
    if set(result["assistant_calls_logged"]) != {"timeout"}:
        missed.append("not every assistant call was logged as a timeout")
    return missed


def _ratio(slow: float | None, quiet: float | None) -> float | None:
    return round(slow / quiet, 2) if slow is not None and quiet else None


def report(result: dict) -> None:
    quiet, slow, ratio = result["no_ai_traffic"], result["slow_model"], result["slow_over_no_ai"]

    def line(name: str, sample: dict) -> str:
        return (
            f"  {name:<16} p50 {_ms(sample['p50_ms'])}  p99 {_ms(sample['p99_ms'])}  "
            f"{sample['requests_per_second']:6.1f} req/s  ({sample['requests']} answered, "
            f"{sample['timed_out']} timed out, {sample['errors']} errors; web CPU "
            f"{sample['web_cpu_ms_per_request']} ms a request, {sample['web_cpu_share']:.0%} of "
            "the cores)"
        )

    print(f"web server: {result['web']} {result['environment'] or '(bin/start-web defaults)'}")
    print(line("no AI traffic", quiet))
    print(line("slow model", slow))
    print(
        f"  slow / no AI:    p50 x{ratio['p50']}  p99 x{ratio['p99']}  "
        f"req/s x{ratio['requests_per_second']}"
    )
    baseline = "before and after" if result["no_ai_traffic_measured_after_too"] else "before"
    print(
        f"  (no AI traffic measured {baseline} the slow model; assistant requests open at the "
        f"end: {result['assistant_requests_open_at_end']}; model requests during the window: "
        f"{result['model_requests_during_slow_window']}; database connections: "
        f"{result['database_connections_at_end']})"
    )
    print(
        f"  assistant answers: {result['assistant_answers']} (p50 "
        f"{result['assistant_seconds_p50']} s, max {result['assistant_seconds_max']} s); "
        f"calls logged: {result['assistant_calls_logged']}"
    )


def _ms(value: float | None) -> str:
    return f"{value:8.1f} ms" if value is not None else "       - ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--web", action="append", type=WebSetup.parse, default=None)
    parser.add_argument("--hanging", type=int, default=20, help="assistant requests kept open")
    parser.add_argument("--model-latency", type=float, default=20.0, help="seconds")
    parser.add_argument("--clients", type=int, default=4, help="home page visitors at once")
    parser.add_argument("--seconds", type=float, default=20.0, help="each measurement window")
    parser.add_argument("--request-timeout", type=float, default=30.0)
    args = parser.parse_args()
    setups = args.web or [WebSetup.parse("default")]

    from llm import fake_server

    server = fake_server.FakeOpenAIServer(
        default=fake_server.answer(SUGGESTION, delay=args.model_latency)
    ).start()
    database_url = os.environ.get("BENCH_SLOW_DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("BENCH_SLOW_REDIS_URL", DEFAULT_REDIS_URL)
    secret_key = secrets.token_urlsafe(50)
    media = RESULTS / "slow_model_media"
    media.mkdir(parents=True, exist_ok=True)
    env = {
        # What the web container runs with (.ci/smoke-start-scripts does the same), over HTTP.
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secret_key,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_MEDIA_ROOT": str(media),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "WARNING",
        "LLM_PROVIDER": "openai",
        "OPENAI_BASE_URL": server.base_url,
        "OPENAI_API_KEY": "sk-bench-not-a-real-key",
        # The sellers ask far more often than a person would; the budget is what is measured.
        "AI_RATE_LIMIT_ASSISTANT": "100000/hour",
    }
    # This process writes the sellers' sessions: the same database, cache and secret key.
    configure_django(database_url, **{**env, "DJANGO_SETTINGS_MODULE": "config.settings.local"})
    ensure_database(database_url)
    from django.conf import settings

    results = []
    missed: list[str] = []
    load_at_start = os.getloadavg()
    try:
        for setup in setups:
            result = run_setup(setup, args, env, server)
            report(result)
            if setup.name == "default":  # the other setups are there to compare
                result["missed_targets"] = missed_targets(
                    result, settings.AI_ASSISTANT_TIMEOUT_SECONDS
                )
                missed += result["missed_targets"]
                print(f"  target: {'; '.join(result['missed_targets']) or 'met'}")
            results.append(result)
    finally:
        server.stop()

    summary = {
        "benchmark": "slow_model",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "cores": os.cpu_count(),
        "model_latency_s": args.model_latency,
        "assistant_budget_s": settings.AI_ASSISTANT_TIMEOUT_SECONDS,
        "hanging": args.hanging,
        "clients": args.clients,
        "seconds": args.seconds,
        "load_average": [load_at_start, os.getloadavg()],
        "setups": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "slow_model.json"
    out.write_text(json.dumps(summary, indent=2))
    print(f"load average {load_at_start} → {os.getloadavg()}; written to {out.relative_to(ROOT)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
