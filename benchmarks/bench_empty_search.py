#!/usr/bin/env python
"""What a search that finds nothing costs now that it suggests what would find something.

    .venv/bin/python benchmarks/bench_empty_search.py [--listings 50000] [--requests 100]

A page with no results counts each relaxation (each filter dropped, each word alone; at most
``marketplace.relaxation.MAX_COUNTS`` COUNTs). This times such pages in-process on the catalogue
that ``bench_pages.py`` builds (same seeding, its own database ``BENCH_EMPTY_DATABASE_URL``,
default postgres://postgres@127.0.0.1:5432/bazaar_bench_empty), with the suggestions on and,
as the baseline in the same run, the same requests with the suggestions switched off. A page
with results is timed too: it must not pay anything. Results are printed and written as JSON
to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from datetime import UTC, datetime
from typing import Any
from unittest import mock

from support import RESULTS, ROOT, configure_django, git_commit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bazaar_bench_empty"

# Searches that find nothing on the seeded catalogue: a sentence taken literally (the search
# experiment's control), understood filters too narrow, two words that never meet.
EMPTY = (
    {"q": "cheap iphone in berlin under 300"},
    {"q": "iphone", "category": "phones", "max_price": "20", "city": "Berlin"},
    {"q": "sofa", "category": "home-garden", "min_price": "9000", "city": "Kiel"},
    {"q": "lego wardrobe", "city": "Munich"},
)
WITH_RESULTS = ({"q": "iphone"}, {"category": "phones", "city": "Berlin"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=50_000)
    parser.add_argument("--sellers", type=int, default=300)
    parser.add_argument("--requests", type=int, default=100, help="timed requests per case")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    import environ

    environ.Env.read_env(ROOT / ".env", overwrite=False)
    database_url = os.environ.get("BENCH_EMPTY_DATABASE_URL", DEFAULT_DATABASE_URL)
    configure_django(database_url, DJANGO_MEDIA_ROOT=str(RESULTS / "media"))

    from bench_pages import _prepare_database, _time
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils.http import urlencode

    from marketplace.views import browse

    data = _prepare_database(database_url, args)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client(HTTP_HOST="localhost")

    def url(params: dict[str, str]) -> str:
        return f"{reverse('search')}?{urlencode({**params, 'ai': '0'})}"  # taken literally

    def get(address: str) -> None:
        response = client.get(address)
        assert response.status_code == 200, (address, response.status_code)

    def measure(name: str, cases: tuple[dict[str, str], ...]) -> dict[str, Any]:
        urls = [url(case) for case in cases]
        times = _time(get, urls, args.requests, args.warmup)
        counts = []
        for address in urls:
            with CaptureQueriesContext(connection) as captured:
                get(address)
            counts.append(len(captured))
        figures = {
            "name": name,
            "requests": len(times),
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(statistics.quantiles(times, n=100, method="inclusive")[94], 2),
            "queries": round(statistics.fmean(counts), 1),
        }
        print(
            f"  {name:<34} p50 {figures['p50_ms']:7.2f} ms   p95 {figures['p95_ms']:7.2f} ms   "
            f"{figures['queries']:.1f} queries"
        )
        return figures

    for case in EMPTY:  # the premise: each of them finds nothing, and suggests something
        page = client.get(url(case)).content.decode()
        assert 'class="results-count"><strong>0</strong>' in page, case
        assert 'class="relaxations"' in page, case
    print(f"Pages on {data['listings']:,} listings, {args.requests} requests each:")
    results = [
        measure("empty, with suggestions", EMPTY),
        measure("with results (no suggestions due)", WITH_RESULTS),
    ]
    with mock.patch.object(browse.relaxation, "suggestions", return_value=[]):
        results.append(measure("empty, suggestions off (baseline)", EMPTY))
        results.append(measure("with results, suggestions off", WITH_RESULTS))
    on, off = results[0], results[2]
    extra = round(on["p50_ms"] - off["p50_ms"], 2)
    print(f"  the suggestions add {extra} ms at p50 to a page that finds nothing")

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"empty_search_{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(
        json.dumps(
            {
                "commit": git_commit(),
                "listings": data["listings"],
                "load_average": os.getloadavg(),
                "results": results,
                "suggestions_p50_extra_ms": extra,
            },
            indent=2,
        )
    )
    print(f"Written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
