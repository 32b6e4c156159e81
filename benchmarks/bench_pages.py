#!/usr/bin/env python
"""Page speed on a big catalogue: server time of the home, search, category and listing pages.

    .venv/bin/python benchmarks/bench_pages.py [--listings 50000] [--requests 200] [--reseed]

Creates (or reuses) the Postgres database ``BENCH_DATABASE_URL`` (default
postgres://postgres@127.0.0.1:5432/bazaar_bench), migrates it, seeds it with demo listings
(reused on the next run if the size matches), runs ANALYZE, and then times each page in-process
with Django's test client, with DEBUG off and a persistent database connection, after a
warm-up, the pages taking turns in rounds (``--rounds``) so that all meet the same machine.
Every figure comes with a baseline measured in the same run: a one-line view through
the same middleware, and for text search the same requests with Postgres told not to use
indexes. Results are printed and written as JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support import RESULTS, ROOT, configure_django, ensure_database, save_results

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bazaar_bench"

TEXT_QUERIES = (
    "iphone",
    "sofa",
    "road bike",
    "lego",
    "balcony",
    "winter tyres",
    "macbook pro",
    "babysitting",
    "wardrobe",
    "playstation",
)
# (category, min price, max price, city)
FILTERS = (
    ("phones", 100, 400, "Berlin"),
    ("electronics", 50, 300, "Hamburg"),
    ("home-garden", 20, 200, "Munich"),
    ("vehicles", 2000, 15000, "Cologne"),
    ("fashion", 10, 80, "Berlin"),
    ("sports-hobbies", 50, 1000, "Leipzig"),
)
PAGES = ("home", "search_text", "search_filters", "category", "detail")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listings", type=int, default=50_000)
    parser.add_argument("--sellers", type=int, default=300)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per page first")
    parser.add_argument(
        "--slow-requests",
        type=int,
        default=20,
        help="timed requests for the searches without indexes (a few seconds each)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=10,
        help="the pages take turns this many times, each time with its share of the requests",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--pages",
        default=",".join(PAGES),
        help=f"comma-separated pages to time, the one-line view always among them "
        f"(default: all of {', '.join(PAGES)})",
    )
    parser.add_argument("--reseed", action="store_true", help="seed again even if the size fits")
    args = parser.parse_args()
    args.pages = [name.strip() for name in args.pages.split(",") if name.strip()]
    unknown = set(args.pages) - set(PAGES)
    if unknown:
        parser.error(f"no such page: {', '.join(sorted(unknown))} (pages: {', '.join(PAGES)})")

    import environ

    environ.Env.read_env(ROOT / ".env", overwrite=False)  # as the settings do
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    configure_django(database_url, DJANGO_MEDIA_ROOT=str(RESULTS / "media"))
    load_before = os.getloadavg()

    print(f"Database: {_without_password(database_url)}")
    seeding = _prepare_database(database_url, args)
    report = Report(args=vars(args), seeding=seeding, load_before=load_before)
    _measure_pages(report, args)
    if "search_text" in args.pages:  # the search's own query, beside its page
        _measure_search_queries(report, args)
        report.explain = _explain_text_search()
    report.load_after = os.getloadavg()

    print(report.table())
    path = report.save()
    print(f"\nResults written to {path.relative_to(ROOT)}")
    return 0


# --- Setup ----------------------------------------------------------------------------------


def _without_password(url: str) -> str:
    import environ

    config = environ.Env.db_url_config(url)
    return f"{config['HOST']}:{config['PORT']}/{config['NAME']}"


def _prepare_database(database_url: str, args: argparse.Namespace) -> dict[str, Any]:

    from accounts.models import User
    from marketplace.models import Listing

    ensure_database(database_url)

    have = Listing.objects.count(), User.objects.filter(is_demo=True).count()
    if have == (args.listings, args.sellers) and not args.reseed:
        print(f"Reusing {have[0]:,} listings from {have[1]} sellers (--reseed to rebuild).")
        return {"reused": True, "listings": have[0], "sellers": have[1]}
    return _seed(args)


def _seed(args: argparse.Namespace) -> dict[str, Any]:
    """Fill the database with demo listings in bulk. Every listing with photos gets one photo
    row, pointing at a few shared files (one per category), so cards show a thumbnail without
    drawing 50,000 pictures."""
    from django.contrib.auth.hashers import make_password
    from django.core.files.storage import default_storage
    from django.core.management.base import OutputWrapper
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import User
    from marketplace.demo.generate import iter_listings, plan_users
    from marketplace.demo.images import photo_upload
    from marketplace.demo.progress import ProgressBar
    from marketplace.demo.seeding import listing_from_plan
    from marketplace.models import Category, Listing, ListingImage

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE marketplace_message, marketplace_thread, marketplace_favourite, "
            "marketplace_listingimage, marketplace_listing RESTART IDENTITY CASCADE"
        )
    User.objects.filter(is_demo=True).delete()

    now = timezone.now()
    people = plan_users(args.seed, args.sellers)
    categories = {c.slug: c for c in Category.objects.all()}
    shared: dict[str, tuple] = {}  # category -> image name, thumbnail name, width, height
    batch_size = 2000
    print(f"Seeding {args.listings:,} listings from {args.sellers} sellers...")
    bar = ProgressBar(OutputWrapper(sys.stdout), total=args.listings, label="listings")
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(
                username=p.username,
                first_name=p.first_name,
                last_name=p.last_name,
                email=p.email,
                city=p.city,
                bio=p.bio,
                date_joined=now - p.joined,
                password=make_password(None),
                is_demo=True,
            )
            for p in people
        )
        listings: list[Listing] = []
        photo_rows: list[ListingImage] = []
        plans = iter_listings(args.seed, args.listings, people)
        done = 0
        for batch in _batches(plans, batch_size):
            rows = Listing.objects.bulk_create(
                listing_from_plan(plan, users, categories, now) for plan in batch
            )
            for plan, listing in zip(batch, rows, strict=True):
                if not plan.photos:
                    continue
                if plan.category not in shared:
                    processed = photo_upload(plan.photos[0], 0)
                    names = []
                    for suffix, content in (("", processed.image), ("-thumb", processed.thumbnail)):
                        name = f"listings/bench/{plan.category}{suffix}.jpg"
                        default_storage.delete(name)  # left by an earlier --reseed
                        names.append(default_storage.save(name, content))
                    shared[plan.category] = (*names, processed.width, processed.height)
                image, thumbnail, width, height = shared[plan.category]
                photo_rows.append(
                    ListingImage(
                        listing_id=listing.pk,
                        image=image,
                        thumbnail=thumbnail,
                        width=width,
                        height=height,
                        position=0,
                    )
                )
            listings += rows
            done += len(rows)
            bar.update(done)
        bar.finish()
        inserted = time.perf_counter()
        ListingImage.objects.bulk_create(photo_rows, batch_size=batch_size)
    photos_done = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    finished = time.perf_counter()
    seconds = finished - started
    print(
        f"Seeded {len(listings):,} listings and {len(photo_rows):,} photo rows in {seconds:.1f} s "
        f"({len(listings) / (inserted - started):,.0f} listings/s; "
        f"photo rows {photos_done - inserted:.1f} s, ANALYZE {finished - photos_done:.1f} s)."
    )
    return {
        "reused": False,
        "listings": len(listings),
        "sellers": len(users),
        "photo_rows": len(photo_rows),
        "seconds_total": round(seconds, 2),
        "seconds_listings": round(inserted - started, 2),
        "seconds_photo_rows": round(photos_done - inserted, 2),
        "seconds_analyze": round(finished - photos_done, 2),
    }


def _batches(items: Iterator, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- Measuring ------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    what: str
    times_ms: list[float] = field(default_factory=list)
    queries: float | None = None
    skipped: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        if len(self.times_ms) < 2:
            return self.times_ms[0]
        return statistics.quantiles(self.times_ms, n=100, method="inclusive")[94]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.times_ms)

    def as_dict(self) -> dict[str, Any]:
        if self.skipped:
            return {"name": self.name, "what": self.what, "skipped": self.skipped}
        return {
            "name": self.name,
            "what": self.what,
            "requests": len(self.times_ms),
            "p50_ms": round(self.p50, 3),
            "p95_ms": round(self.p95, 3),
            "mean_ms": round(self.mean, 3),
            "queries_per_request": self.queries,
        }


@dataclass
class Report:
    args: dict[str, Any]
    seeding: dict[str, Any]
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    pages: list[Result] = field(default_factory=list)
    queries: list[Result] = field(default_factory=list)
    explain: dict[str, str] = field(default_factory=dict)

    def find(self, results: list[Result], name: str) -> Result | None:
        return next((r for r in results if r.name == name and not r.skipped), None)

    def ratios(self) -> dict[str, float]:
        ratios = {}
        baseline = self.find(self.pages, "baseline")
        for result in self.pages:
            if result.skipped or result is baseline or result.name.endswith("_no_index"):
                continue
            if baseline:
                ratios[f"{result.name} / baseline (p50)"] = result.p50 / baseline.p50
        for results, label in ((self.pages, "page"), (self.queries, "query")):
            with_index = self.find(results, "search_text")
            without = self.find(results, "search_text_no_index")
            if with_index and without:
                ratios[f"search without / with indexes ({label}, p50)"] = (
                    without.p50 / with_index.p50
                )
        return ratios

    def table(self) -> str:
        lines = ["", f"{'page':<28}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}{'queries':>9}  what"]
        for results in (self.pages, self.queries):
            for r in results:
                if r.skipped:
                    lines.append(f"{r.name:<28}{'skipped':>9}  {r.skipped}")
                    continue
                queries = f"{r.queries:.1f}" if r.queries is not None else "-"
                lines.append(
                    f"{r.name:<28}{r.p50:>9.2f}{r.p95:>9.2f}{r.mean:>9.2f}{queries:>9}  {r.what}"
                )
            lines.append("")
        lines += [f"{label:<52}{value:>7.1f}x" for label, value in self.ratios().items()]
        lines.append("")
        if self.explain:  # only when the text search was timed
            with_indexes = self.explain.get("with_indexes", "")
            gin = "listing_search_document_gin" in with_indexes
            lines += [
                "EXPLAIN ANALYZE of a text search (q='iphone'), with indexes:",
                with_indexes,
                "... and with enable_bitmapscan and enable_indexscan off:",
                self.explain.get("without_indexes", ""),
                f"GIN index listing_search_document_gin used: {'yes' if gin else 'NO'}",
            ]
        lines.append(
            f"Load average before {self._load(self.load_before)}, after "
            f"{self._load(self.load_after)} on {os.cpu_count()} CPUs."
        )
        return "\n".join(lines)

    @staticmethod
    def _load(load: tuple[float, float, float]) -> str:
        return " ".join(f"{value:.2f}" for value in load)

    def save(self) -> Path:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = cursor.fetchone()[0]
        return save_results(
            "bench_pages",
            {
                "postgres": postgres,
                "load_average_before": self.load_before,
                "load_average_after": self.load_after,
            },
            arguments=self.args,
            seeding=self.seeding,
            pages=[r.as_dict() for r in self.pages],
            search_queries=[r.as_dict() for r in self.queries],
            ratios={k: round(v, 2) for k, v in self.ratios().items()},
            explain=self.explain,
        )


def _page_urls(rng: random.Random, requests: int) -> list[tuple[str, str, Callable[[], list[str]]]]:
    """(name, what, how to build its URLs). Building raises NoReverseMatch if the site has no
    such page yet."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from marketplace.catalog import CATEGORIES
    from marketplace.models import Listing

    def detail_urls() -> list[str]:
        ids = list(Listing.objects.active().values_list("pk", flat=True))
        chosen = rng.sample(ids, min(len(ids), requests))
        listings = Listing.objects.in_bulk(chosen)
        return [listings[pk].get_absolute_url() for pk in chosen]

    def search(params: dict[str, Any]) -> str:
        return f"{reverse('search')}?{urlencode(params)}"

    return [
        ("baseline", "one-line view, same middleware", lambda: [reverse("bench_ping")]),
        ("home", "home page", lambda: [reverse("home")]),
        (
            "search_text",
            f"search, {len(TEXT_QUERIES)} text queries",
            lambda: [search({"q": q}) for q in TEXT_QUERIES],
        ),
        (
            "search_filters",
            "search, category + price range + city",
            lambda: [
                search({"category": c, "min_price": lo, "max_price": hi, "city": city})
                for c, lo, hi, city in FILTERS
            ],
        ),
        (
            "category",
            "category page, all ten",
            lambda: [reverse("category", args=[spec.slug]) for spec in CATEGORIES],
        ),
        ("detail", f"listing page, {requests} random listings", detail_urls),
    ]


def _measure_pages(report: Report, args: argparse.Namespace) -> None:
    """Time the pages in rounds, each round a slice of every page's requests, so that every
    page and the baseline meet the same machine (a shared 2-core machine's speed drifts by a
    third within minutes: timed one after the other, the ratios drifted with it)."""
    from django.test import Client, override_settings
    from django.urls import NoReverseMatch

    rng = random.Random(args.seed)
    client = Client(HTTP_HOST="localhost")
    with override_settings(ROOT_URLCONF="baseline_urls"):
        built: dict[str, list[str]] = {}
        results: dict[str, Result] = {}
        for name, what, urls in _page_urls(rng, args.requests):
            if name != "baseline" and name not in args.pages:
                continue
            try:
                built[name] = urls()
            except NoReverseMatch as error:
                report.pages.append(Result(name, what, skipped=f"no such page here ({error})"))
                continue
            results[name] = Result(name, what)
        print(f"Timing {', '.join(results)} in {args.rounds} interleaved rounds...")
        for name in results:
            _time(lambda url: _get(client, url), built[name], 0, args.warmup)
        for round_ in range(args.rounds):
            for name, result in results.items():
                share = _round_share(args.requests, args.rounds, round_)
                start = len(result.times_ms) % len(built[name])  # on from the last round
                rotated = built[name][start:] + built[name][:start]
                result.times_ms += _time(lambda url: _get(client, url), rotated, share, warmup=0)
        for name, result in results.items():
            result.queries = _count_queries(client, built[name])
            report.pages.append(result)
        if "search_text" in built:
            print("Timing search_text_no_index (slow by design)...")
            with _indexes_off():
                report.pages.append(
                    _time_urls(
                        client,
                        "search_text_no_index",
                        "the same text searches, Postgres told not to use indexes",
                        built["search_text"],
                        args.slow_requests,
                        warmup=2,
                    )
                )


def _round_share(requests: int, rounds: int, round_: int) -> int:
    """How many of ``requests`` fall in round ``round_`` of ``rounds`` (all of them in all)."""
    return requests * (round_ + 1) // rounds - requests * round_ // rounds


def _time_urls(
    client: Any, name: str, what: str, urls: list[str], requests: int, warmup: int
) -> Result:
    times = _time(lambda url: _get(client, url), urls, requests, warmup)
    return Result(name, what, times, queries=_count_queries(client, urls))


def _count_queries(client: Any, urls: list[str]) -> float:
    """Queries per request over the first three URLs, counted in a pass of their own
    (recording queries slows them down a little)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for url in urls[:3]:
        with CaptureQueriesContext(connection) as captured:
            _get(client, url)
        counts.append(len(captured))
    return statistics.fmean(counts)


def _time(
    call: Callable[[str], None], inputs: list[str], requests: int, warmup: int
) -> list[float]:
    """Milliseconds of ``requests`` calls cycling through ``inputs``, after ``warmup`` calls."""
    for i in range(warmup):
        call(inputs[i % len(inputs)])
    times = []
    for i in range(requests):
        started = time.perf_counter()
        call(inputs[i % len(inputs)])
        times.append((time.perf_counter() - started) * 1000)
    return times


def _get(client: Any, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}; fix the page first.")


@contextmanager
def _indexes_off() -> Iterator[None]:
    """Make this connection's planner avoid index scans: the baseline for the GIN index."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET enable_bitmapscan = off")
        cursor.execute("SET enable_indexscan = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_bitmapscan")
            cursor.execute("RESET enable_indexscan")


def _measure_search_queries(report: Report, args: argparse.Namespace) -> None:
    """The database side of a text search alone: the first page of results as cards, straight
    from ``search_listings``, with and without indexes. Works whatever the pages look like."""
    from marketplace.search import SearchFilters, search_listings

    def run(query: str) -> None:
        list(search_listings(SearchFilters(q=query)).for_cards()[:24])

    queries = list(TEXT_QUERIES)
    what = "search_listings(q=...).for_cards()[:24], no page"
    print("Timing the text search query alone...")
    times = _time(run, queries, args.requests, args.warmup)
    report.queries.append(Result("search_text", what, times, queries=1.0))
    print("Timing the text search query alone, indexes off (slow by design)...")
    with _indexes_off():
        times = _time(run, queries, args.slow_requests, warmup=2)
    report.queries.append(Result("search_text_no_index", f"{what}, indexes off", times, 1.0))


def _explain_text_search() -> dict[str, str]:
    from marketplace.search import SearchFilters, search_listings

    def explain() -> str:
        return search_listings(SearchFilters(q="iphone")).for_cards()[:24].explain(analyze=True)

    with_indexes = explain()
    with _indexes_off():
        without = explain()
    return {"with_indexes": with_indexes, "without_indexes": without}


if __name__ == "__main__":
    sys.exit(main())
