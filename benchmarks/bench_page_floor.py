#!/usr/bin/env python
"""Where the listing page's and search's time goes: each page timed whole, then with its parts
taken away one by one, against the one-line view, in one run.

    .venv/bin/python benchmarks/bench_page_floor.py [--requests 300] [--rounds 10]

Issue 17 asks for the listing page at most 15x the one-line view's time and search at most 25x
(p50, in-process, bench_pages.py). This benchmark says how much of that budget each part of
the page takes, by removing it: the real views run, with some of
``marketplace.views.browse``'s names replaced for the duration of a step:

- the template: ``render`` answers a one-line response (the view still builds the context);
- the event: ``track`` records nothing;
- the listing page's context: ``listing_detail_context`` builds nothing (photos, "More in",
  the seller card's count, the hearts), so what is left is the listing's read and the
  middleware;
- with Jinja2 installed for the trial (bench_templates.py says how), a step renders the
  page with the trial's Jinja2 translation of its template instead of Django's (the first URL
  of each page must give the same HTML with both, or the benchmark stops).

Beside them, the search's own query outside any request, as bench_pages.py times it. The steps
and the one-line view take turns in rounds, on bench_pages.py's database and URLs (seeded by
the first run of either). Results are printed and written as JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from support import RESULTS, ROOT, configure_django, save_results

# (step, what it takes away from the page)
LISTING_STEPS = (
    ("page", "nothing: the whole listing page"),
    ("jinja2", "Django's template, rendered instead by the trial's Jinja2 translation"),
    ("no_template", "the template (a one-line response from the same context)"),
    ("no_template_event", "the template and the page-view event"),
    ("read_only", "the template, the event and the context: the listing's read is left"),
)
SEARCH_STEPS = (
    ("page", "nothing: the whole search page"),
    ("jinja2", "Django's template, rendered instead by the trial's Jinja2 translation"),
    ("no_template", "the template (a one-line response from the same context)"),
    ("no_template_event", "the template and the search event"),
)
TARGETS = {"detail": 15, "search_text": 25}  # issue 17: x the one-line view's p50


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=50_000)
    parser.add_argument("--sellers", type=int, default=300)
    parser.add_argument("--requests", type=int, default=300, help="timed requests per step")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per step first")
    parser.add_argument("--rounds", type=int, default=10, help="the steps take turns this often")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reseed", action="store_true", help="seed again even if the size fits")
    args = parser.parse_args()

    import environ

    environ.Env.read_env(ROOT / ".env", overwrite=False)  # as the settings do
    from bench_pages import DEFAULT_DATABASE_URL, _prepare_database

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    configure_django(database_url, DJANGO_MEDIA_ROOT=str(RESULTS / "media"))
    load_before = os.getloadavg()
    seeding = _prepare_database(database_url, args)

    jinja2_render = _jinja2_render()
    steps = _steps(jinja2_render)
    times = _measure(steps, args)
    load_after = os.getloadavg()

    baseline = statistics.median(times["baseline"])
    rows = []
    for page, page_steps in (("detail", LISTING_STEPS), ("search_text", SEARCH_STEPS)):
        for name, removed in page_steps:
            key = f"{page}:{name}"
            if key not in times:
                rows.append({"page": page, "step": name, "removed": removed, "skipped": True})
                continue
            p50 = statistics.median(times[key])
            rows.append(
                {
                    "page": page,
                    "step": name,
                    "removed": removed,
                    "requests": len(times[key]),
                    "p50_ms": round(p50, 3),
                    "x_baseline": round(p50 / baseline, 1),
                }
            )
    query = statistics.median(times["search_text:query"])
    rows.append(
        {
            "page": "search_text",
            "step": "query",
            "removed": "everything but the query: search_listings(q).for_cards()[:24], no request",
            "requests": len(times["search_text:query"]),
            "p50_ms": round(query, 3),
            "x_baseline": round(query / baseline, 1),
        }
    )
    _print(rows, baseline, load_before, load_after, jinja2_render is not None)
    path = save_results(
        "bench_page_floor",
        {"load_average_before": load_before, "load_average_after": load_after},
        arguments=vars(args),
        seeding=seeding,
        baseline_p50_ms=round(baseline, 3),
        targets=TARGETS,
        steps=rows,
    )
    print(f"\nResults written to {path.relative_to(ROOT)}")
    return 0


def _jinja2_render() -> Callable[..., Any] | None:
    """A stand-in for ``django.shortcuts.render`` that renders the trial's Jinja2 translation of
    the template (with the site's context processors), or None without Jinja2."""
    from bench_templates import jinja2_engine, jinja2_installed

    if not jinja2_installed():
        return None
    from django.http import HttpResponse

    engine = jinja2_engine()

    def render(request: Any, template_name: str, context: dict | None = None) -> HttpResponse:
        return HttpResponse(engine.get_template(template_name).render(context, request))

    return render


def _steps(jinja2_render: Callable[..., Any] | None) -> dict[str, dict[str, Any]]:
    """Each step's replacements of ``marketplace.views.browse``'s names."""
    from django.http import HttpResponse

    def one_line(*args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponse("ok")

    def nothing(*args: Any, **kwargs: Any) -> None:
        return None

    def no_context(*args: Any, **kwargs: Any) -> dict:
        return {}

    common: dict[str, dict[str, Any]] = {
        "page": {},
        "no_template": {"render": one_line},
        "no_template_event": {"render": one_line, "track": nothing},
    }
    if jinja2_render is not None:
        common["jinja2"] = {"render": jinja2_render}
    listing = dict(common)
    listing["read_only"] = {
        "render": one_line,
        "track": nothing,
        "listing_detail_context": no_context,
    }
    return {f"detail:{k}": v for k, v in listing.items()} | {
        f"search_text:{k}": v for k, v in common.items()
    }


@contextmanager
def _replaced(names: dict[str, Any]) -> Iterator[None]:
    from unittest import mock

    from marketplace.views import browse

    with ExitStack() as stack:
        for name, value in names.items():
            stack.enter_context(mock.patch.object(browse, name, value))
        yield


def _measure(steps: dict[str, dict[str, Any]], args: argparse.Namespace) -> dict[str, list]:
    """Milliseconds per request of every step and of the one-line view, in interleaved rounds
    (each round a share of every step's requests, the one-line view's as many)."""
    from bench_pages import TEXT_QUERIES, _get, _page_urls, _round_share
    from django.contrib.auth.models import AnonymousUser
    from django.test import Client, override_settings

    from marketplace.models import Listing
    from marketplace.search import SearchFilters, search_listings

    rng = random.Random(args.seed)
    client = Client(HTTP_HOST="localhost")
    with override_settings(ROOT_URLCONF="baseline_urls"):
        built = {name: urls() for name, _, urls in _page_urls(rng, args.requests)}

        def query(text: str) -> None:
            filters = SearchFilters(q=text)
            list(search_listings(filters, base=Listing.objects.for_cards(AnonymousUser()))[:24])

        runs: dict[str, tuple[Callable[[str], None], list[str], dict[str, Any]]] = {
            "baseline": (lambda url: _get(client, url), built["baseline"], {}),
            "search_text:query": (query, list(TEXT_QUERIES), {}),
        }
        for key, names in steps.items():
            page = key.split(":")[0]
            runs[key] = (lambda url: _get(client, url), built[page], names)
        for page in ("detail", "search_text"):
            jinja2 = steps.get(f"{page}:jinja2")
            if jinja2 and not _same_page(client, built[page][0], jinja2["render"]):
                raise SystemExit(f"{page}: the Jinja2 translation's HTML differs from Django's.")
        times: dict[str, list[float]] = {key: [] for key in runs}
        print(f"Timing {len(runs)} steps in {args.rounds} interleaved rounds...")
        for call, inputs, names in runs.values():
            with _replaced(names):
                for i in range(args.warmup):
                    call(inputs[i % len(inputs)])
        for round_ in range(args.rounds):
            share = _round_share(args.requests, args.rounds, round_)
            for key, (call, inputs, names) in runs.items():
                with _replaced(names):
                    for _ in range(share):
                        url = inputs[len(times[key]) % len(inputs)]
                        started = time.perf_counter()
                        call(url)
                        times[key].append((time.perf_counter() - started) * 1000)
    return times


def _same_page(client: Any, url: str, jinja2_render: Callable[..., Any]) -> bool:
    """Whether ``url`` gives the same HTML with Django's template and with the trial's
    translation (whitespace runs collapsed, CSRF tokens masked: bench_templates.py's test)."""
    from bench_pages import _get
    from bench_templates import _same_html
    from django.shortcuts import render

    html = {}

    def keeping(engine: str, render: Callable[..., Any]) -> Callable[..., Any]:
        def keep(*args: Any, **kwargs: Any) -> Any:
            response = render(*args, **kwargs)
            html[engine] = response.content.decode()
            return response

        return keep

    for engine, renders in (("django", render), ("jinja2", jinja2_render)):
        with _replaced({"render": keeping(engine, renders)}):
            _get(client, url)
    return _same_html(html["django"], html["jinja2"])


def _print(
    rows: list[dict[str, Any]],
    baseline: float,
    load_before: tuple[float, ...],
    load_after: tuple[float, ...],
    with_jinja2: bool,
) -> None:
    print(f"\nOne-line view (baseline): p50 {baseline:.3f} ms")
    for page, title in (("detail", "Listing page"), ("search_text", "Search, 10 text queries")):
        target = TARGETS[page]
        print(
            f"\n{title}: target {target}x = {target * baseline:.2f} ms\n"
            f"{'step':<20}{'p50 ms':>9}{'x base':>8}{'part':>8}  taken away"
        )
        previous = None
        for row in rows:
            if row["page"] != page:
                continue
            if row.get("skipped"):
                print(f"{row['step']:<20}{'skipped':>9}  (no Jinja2: see bench_templates.py)")
                continue
            part = ""
            if previous is not None and row["step"] not in ("jinja2", "query"):
                part = f"{previous - row['p50_ms']:.2f}"
            print(
                f"{row['step']:<20}{row['p50_ms']:>9.2f}{row['x_baseline']:>7.1f}x{part:>8}"
                f"  {row['removed']}"
            )
            if row["step"] not in ("jinja2", "query"):
                previous = row["p50_ms"]
    print("\n'part': the milliseconds the step took away from the step above it.")
    if not with_jinja2:
        print("Jinja2 is not installed for the trial: its steps were skipped.")
    load = " / ".join(" ".join(f"{v:.2f}" for v in la) for la in (load_before, load_after))
    print(f"Load average before / after: {load} on {os.cpu_count()} CPUs.")


if __name__ == "__main__":
    sys.exit(main())
