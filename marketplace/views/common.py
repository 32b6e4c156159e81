from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User
from edge.redirects import safe_next as safe_next  # re-exported: the views import it from here


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind ``login_required``: its user is never anonymous."""

    user: User


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (every request does)."""

    htmx: HtmxDetails


def paginate(
    request: HttpRequest,
    queryset: QuerySet | Sequence[Any],
    per_page: int | None = None,
    *,
    count: int | None = None,
) -> Page:
    """The requested page; a page number out of range or not a number gives the nearest page.

    ``count``, when the caller knows how many rows there are (from a cache), spares the
    ``COUNT`` query the paginator would run."""
    paginator = Paginator(queryset, per_page or settings.LISTINGS_PER_PAGE)
    if count is not None:
        paginator.__dict__["count"] = count  # Paginator.count is a cached_property
    return paginator.get_page(request.GET.get("page"))


MAX_PAGE_COUNTED_IN_THE_QUERY = 10_000


def paginate_counting_in_the_query(
    request: HttpRequest, queryset: QuerySet, per_page: int | None = None
) -> Page:
    """What ``paginate`` gives, with the total counted by the page's own query
    (``COUNT(*) OVER ()``) instead of a ``COUNT`` query of its own: a search then reads its
    matches once, not twice. An empty first page is an empty result; a later page past the end
    (no rows, so no total) falls back to ``paginate``, which counts and gives the nearest page."""
    per_page = per_page or settings.LISTINGS_PER_PAGE
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_PAGE_COUNTED_IN_THE_QUERY:  # "0", "abc", an absurd offset
        return paginate(request, queryset, per_page)
    start = (number - 1) * per_page
    rows = list(queryset.annotate(total_rows=Window(Count("pk")))[start : start + per_page])
    if not rows and number > 1:
        return paginate(request, queryset, per_page)
    paginator = Paginator(queryset, per_page)
    paginator.__dict__["count"] = rows[0].total_rows if rows else 0  # nothing at all: no query
    return Page(rows, number, paginator)
