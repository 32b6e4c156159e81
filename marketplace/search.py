"""Listing search: Postgres full-text search with ranking, and a plain fallback on SQLite.

On Postgres the search vector is a stored generated column, ``search_document`` (migration
0006), with a GIN index: matching is an index scan, and neither the recheck nor the ranking
recomputes ``to_tsvector`` of a row. The column is not a model field (SQLite has no
``tsvector``); ``StoredSearchDocument`` is how a query names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Case, Expression, Q, When
from django.db.models.expressions import CombinedExpression

from .categories import category_by_slug
from .models import Listing, ListingQuerySet

SEARCH_CONFIG = "english"
USED = "used"  # a condition filter meaning "anything but new" (what "used iphone" asks for)


def listing_search_vector() -> CombinedExpression:
    """What the stored column ``search_document`` holds (migration 0006 spells it in SQL; a
    change here needs a migration there)."""
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "description", weight="B", config=SEARCH_CONFIG
    )


class StoredSearchDocument(Expression):
    """The listing's stored ``search_document`` column (Postgres only), for ``@@`` and ranking."""

    output_field = SearchVectorField()

    # A list, as the stubs do not say: django.contrib.postgres's lookups add it to a list.
    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list]:  # type: ignore[override]
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        return f"{table}.search_document", []


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    CHOICES = [
        (RELEVANCE, "Best match"),
        (NEWEST, "Newest first"),
        (PRICE_ASC, "Price: low to high"),
        (PRICE_DESC, "Price: high to low"),
    ]


@dataclass(frozen=True)
class SearchFilters:
    q: str = ""
    category: str = ""  # a category slug
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    city: str = ""
    condition: str = ""
    sort: str = ""

    @property
    def effective_sort(self) -> str:
        if self.sort:
            return self.sort
        return Sort.RELEVANCE if self.q else Sort.NEWEST


def search_listings(filters: SearchFilters, base: ListingQuerySet | None = None) -> ListingQuerySet:
    """Active listings matching ``filters``, ordered as asked."""
    qs = (base if base is not None else Listing.objects.all()).active()
    if filters.category:
        # By primary key when this process knows the slug (nearly always): a join on the slug
        # hides the category from the planner, which then walks every live listing by date
        # instead of the category's own rows of (category, status, published_at).
        known = category_by_slug(filters.category)
        qs = qs.filter(category=known.pk) if known else qs.filter(category__slug=filters.category)
    if filters.min_price is not None:
        qs = qs.filter(price__gte=filters.min_price)
    if filters.max_price is not None:
        qs = qs.filter(price__lte=filters.max_price)
    if filters.city:
        qs = qs.filter(city__iexact=filters.city.strip())
    if filters.condition == USED:
        qs = qs.exclude(condition__in=[Listing.Condition.NEW, ""])
    elif filters.condition:
        qs = qs.filter(condition=filters.condition)

    sort = filters.effective_sort
    text = filters.q.strip()
    if text and connection.vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        vector = StoredSearchDocument()
        qs = qs.alias(document=vector).filter(document=query)
        if sort == Sort.RELEVANCE:
            qs = qs.annotate(rank=SearchRank(vector, query))
            return qs.order_by("-rank", "-published_at", "-id")
    elif text:
        words = text.split()[:8]
        for word in words:
            qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word))
        if sort == Sort.RELEVANCE:
            # Without a ranking function, a hit in the title is the best signal there is.
            qs = qs.alias(in_title=Case(When(title__icontains=words[0], then=1), default=0))
            return qs.order_by("-in_title", "-published_at", "-id")

    if sort == Sort.PRICE_ASC:
        return qs.order_by("price", "-id")
    if sort == Sort.PRICE_DESC:
        return qs.order_by("-price", "-id")
    return qs.order_by("-published_at", "-id")
