from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
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
    queryset: QuerySet,
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
