#!/usr/bin/env python
"""Jinja2 trial (issue 17): the same public pages rendered by Django's template language and by
Jinja2 translations of their templates, from the same context.

    .venv/bin/python benchmarks/bench_templates.py [--renders 300]

Jinja2 is not among the project's requirements: install it into a folder of its own, outside
the shared virtualenv, which this benchmark adds to its path (the folder is git-ignored)::

    .venv/bin/python -m pip install --target .jinja2-trial jinja2==3.1.6 markupsafe

Reads (never writes) the seeded database ``BENCH_DATABASE_URL`` (default
postgres://postgres@127.0.0.1:5432/bazaar_bench, what benchmarks/bench_pages.py seeds). Builds,
once, the context each view builds for a visitor (AnonymousUser, the site's context processors
run on every render as both Django backends do): the listing page of a listing with photos, a
category's first page and the home page. Renders each page with the real Django templates and
with benchmarks/jinja2_trial/templates (the custom tags and filters are the same Python
functions), asserts that both give the same HTML (whitespace runs collapsed, CSRF tokens
masked, an apostrophe or a quote escaped either way), then times batches of renders of each:
the minimum of the batches' mean and the median of all renders. The baseline, measured in the
same run, is a one-line template in each engine. Results are printed and written as JSON to
benchmarks/results/.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from support import RESULTS, ROOT, configure_django, save_results

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bazaar_bench"
JINJA2_FOLDER = ROOT / ".jinja2-trial"
SKIPPED = 77  # the exit status run_all.py reports as "skipped" (as automake's test harness)
INSTALL = ".venv/bin/python -m pip install --target .jinja2-trial jinja2==3.1.6 markupsafe"
BATCHES = 5
BASELINE = "(a one-line template)"
# A CSRF token (masked, 64 characters) differs on every render.
CSRF_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")


def jinja2_installed() -> bool:
    """Whether Jinja2 can be imported, from the virtualenv or the trial's own folder (which this
    adds to the path)."""
    if str(JINJA2_FOLDER) not in sys.path:
        sys.path.insert(0, str(JINJA2_FOLDER))
    try:
        import jinja2  # noqa: F401
    except ImportError:
        return False
    return True


def import_jinja2() -> None:
    if not jinja2_installed():
        print(f"Skipped: Jinja2 is not installed. Install it for this trial with\n    {INSTALL}")
        sys.exit(SKIPPED)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--renders", type=int, default=300, help="timed renders per page per engine"
    )
    args = parser.parse_args()
    import_jinja2()

    import environ

    environ.Env.read_env(ROOT / ".env", overwrite=False)  # as the settings do
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    configure_django(database_url, DJANGO_MEDIA_ROOT=str(RESULTS / "media"))
    load_before = os.getloadavg()

    import jinja2

    pages = _pages()
    results: list[dict[str, Any]] = []
    for name, template_name, request, context in pages:
        dtl, jinja = _renderers(template_name, request, context)
        same = _same_html(dtl(), jinja())
        if not same:
            print(f"{name}: the two engines' HTML differs", file=sys.stderr)
            return 1
        results.append(
            {
                "page": name,
                "template": template_name,
                "same_html": same,
                "dtl": _time(dtl, args.renders),
                "jinja2": _time(jinja, args.renders),
            }
        )
    load_after = os.getloadavg()

    baseline = next(r for r in results if r["page"] == "baseline")
    print(f"\nms per render, min of {BATCHES} batches' means (median of all renders)")
    print(f"{'page':<10} {'DTL':>16} {'Jinja2':>16} {'DTL/Jinja2':>11} {'saved':>8}")
    for r in results:
        d, j = r["dtl"], r["jinja2"]
        r["ratio"] = round(d["min_ms"] / j["min_ms"], 2)
        r["saved_ms"] = round(d["min_ms"] - j["min_ms"], 3)
        r["dtl_in_baselines"] = round(d["min_ms"] / baseline["dtl"]["min_ms"], 1)
        print(
            f"{r['page']:<10} {d['min_ms']:>7.3f} ({d['median_ms']:.3f}) "
            f"{j['min_ms']:>7.3f} ({j['median_ms']:.3f}) {r['ratio']:>10.2f}x "
            f"{r['saved_ms']:>7.3f}"
        )
    print("HTML equal after collapsing whitespace, CSRF masked: every page.")
    load = " / ".join(" ".join(f"{v:.2f}" for v in la) for la in (load_before, load_after))
    print(f"Load average before / after: {load} on {os.cpu_count()} CPUs.")

    path = save_results(
        "bench_templates",
        {
            "jinja2": jinja2.__version__,
            "load_average_before": load_before,
            "load_average_after": load_after,
        },
        arguments=vars(args),
        pages=results,
    )
    print(f"Results: {path.relative_to(ROOT)}")
    return 0


def _pages() -> list[tuple[str, str, Any, dict[str, Any]]]:
    """Each page's name, template and the request and context its view gives the template."""

    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.cache import SessionStore
    from django.test import RequestFactory

    from marketplace.forms import SearchForm
    from marketplace.models import Listing
    from marketplace.newest import newest_listings
    from marketplace.search import SearchFilters
    from marketplace.views.browse import (
        HOME_FRESH_LISTINGS,
        _category_landing_page,
        active_counts_by_category,
        categories_with_counts,
        listing_detail_context,
    )

    def visitor(path: str) -> Any:
        request = RequestFactory().get(path)
        request.user = AnonymousUser()
        request.session = SessionStore()
        request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
        request.META["CSRF_COOKIE"] = "x" * 32  # as CsrfViewMiddleware leaves it
        return request

    # (a) The listing page of a live listing with photos, as the view builds it for a visitor.
    listing = (
        Listing.objects.active()
        .filter(images__isnull=False)
        .select_related("seller", "category")
        .order_by("-published_at", "-id")
        .first()
    )
    if listing is None:
        sys.exit("No live listing with photos: seed the database with bench_pages.py first.")
    listing_request = visitor(listing.get_absolute_url())
    detail_context = listing_detail_context(listing_request, listing)
    # (b) A category's first page, newest first, as category() and _render_results build it.
    category = listing.category
    request = visitor(category.get_absolute_url())
    form = SearchForm(request.GET, categories=(), fixed_category=category)
    filters = form.to_filters()
    assert filters == SearchFilters(category=category.slug, sort=filters.sort)
    count = active_counts_by_category().get(category.pk, 0)
    page_obj = _category_landing_page(request, category, count)
    category_context = {
        "form": form,
        "filters": filters,
        "category": category,
        "page_obj": page_obj,
    }
    # (c) The home page, as home() builds it.
    home_context = {
        "categories": categories_with_counts(),
        "listings": newest_listings(HOME_FRESH_LISTINGS),
    }
    assert settings.LISTINGS_PER_PAGE > 1
    return [
        ("baseline", BASELINE, visitor("/"), {"name": "world"}),
        (
            "listing",
            "marketplace/listing_detail.html",
            listing_request,
            detail_context,
        ),
        ("category", "marketplace/search.html", request, category_context),
        ("home", "marketplace/home.html", visitor("/"), home_context),
    ]


def jinja2_engine() -> Any:
    """Django's Jinja2 backend (django.template.backends.jinja2) on the trial's templates, with
    the site's context processors, as a project using Jinja2 would configure it in TEMPLATES."""
    from django.template import engines
    from django.template.backends.jinja2 import Jinja2
    from jinja2_trial.environment import TEMPLATES

    processors = list(engines["django"].engine.context_processors)  # type: ignore[attr-defined]  # DjangoTemplates
    return Jinja2(
        {
            "NAME": "jinja2_trial",
            "DIRS": [TEMPLATES],
            "APP_DIRS": False,
            "OPTIONS": {
                "environment": "jinja2_trial.environment.environment",
                "context_processors": processors,
            },
        }
    )


def _renderers(
    template_name: str, request: Any, context: dict[str, Any]
) -> tuple[Callable[[], str], Callable[[], str]]:
    """Render functions for each engine through Django's own backend for it
    (django.template.backends), as ``render()`` in a view would: the context processors run,
    then the template renders."""
    from django.template import engines

    django_engine = engines["django"]
    jinja_engine = jinja2_engine()
    if template_name == BASELINE:
        dtl_template: Any = django_engine.from_string("<p>Hello {{ name }}!</p>")
        jinja_template: Any = jinja_engine.from_string("<p>Hello {{ name }}!</p>")
    else:
        dtl_template = django_engine.get_template(template_name)
        jinja_template = jinja_engine.get_template(template_name)

    def dtl() -> str:
        return dtl_template.render(context, request)

    def jinja() -> str:
        return jinja_template.render(context, request)

    return dtl, jinja


# The same character escaped differently: Django (django.utils.html) and MarkupSafe.
SAME_ENTITY = {"&#39;": "&#x27;", "&#34;": "&quot;"}


def _same_html(dtl: str, jinja: str) -> bool:
    def normal(html: str) -> str:
        for markupsafe, django in SAME_ENTITY.items():
            html = html.replace(markupsafe, django)
        return re.sub(r"\s+", " ", CSRF_TOKEN.sub("CSRF", html)).replace("> <", "><").strip()

    a, b = normal(dtl), normal(jinja)
    if a != b:
        at = next(
            (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
        )
        print(f"DTL:    ...{a[max(0, at - 200) : at + 200]}", file=sys.stderr)
        print(f"Jinja2: ...{b[max(0, at - 200) : at + 200]}", file=sys.stderr)
    return a == b


def _time(render: Callable[[], str], renders: int) -> dict[str, float]:
    for _ in range(max(10, renders // 10)):  # warm-up: caches filled, templates compiled
        render()
    size = max(1, renders // BATCHES)
    means, each = [], []
    for _ in range(BATCHES):
        batch_start = time.perf_counter()
        for _ in range(size):
            start = time.perf_counter()
            render()
            each.append(time.perf_counter() - start)
        means.append((time.perf_counter() - batch_start) / size)
    return {
        "renders": size * BATCHES,
        "min_ms": round(min(means) * 1000, 4),
        "median_ms": round(statistics.median(each) * 1000, 4),
    }


if __name__ == "__main__":
    sys.exit(main())
