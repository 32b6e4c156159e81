"""The AI features as the marketplace uses them: what goes into each prompt, what comes out.

Three features, each one function over ``llm.run``:

- ``suggest_listing``: the listing assistant (seller's rough text → title, description, category,
  attributes), plus a price range computed from comparable listings, never from the model;
- ``enrichment_input`` / ``enrich``: the background enrichment job's prompt (marketplace/tasks.py);
- ``understand_query``: search understanding (free text → filters and keywords).

The model's output is data: ``llm`` validates it against the schema and the allowed categories,
and the templates escape it. Nothing here writes a listing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property
from pydantic import ValidationError as PydanticValidationError

import llm
from llm.models import LLMCall, PromptVersion

from .ab_tests import LISTING_ASSISTANT_PROMPT
from .ai_features.schemas import CategoryOption
from .models import Category, Listing, attribute_text

CITIES_CACHE_SECONDS = 600
CATEGORY_OPTIONS_KEY = "marketplace:category-options"
CATEGORY_OPTIONS_CACHE_SECONDS = 600
COMPARABLES_LIMIT = 400
MIN_COMPARABLES = 3

log = logging.getLogger(__name__)


# --- What every prompt gets -----------------------------------------------------------------


def category_options() -> list[dict[str, Any]]:
    """The categories a model may answer with, and their attributes, as the prompts take them.

    Every prompt call needs them, and they change only in the admin: they are kept in the cache
    (shared by every process when it is Redis), and a saved or deleted category clears them.
    """
    options = cache.get(CATEGORY_OPTIONS_KEY)
    if options is None:
        options = []
        for category in Category.objects.all():
            option = {
                "slug": category.slug,
                "name": category.name,
                "uses_condition": category.uses_condition,
                "attributes": category.attribute_specs,
            }
            # The admin and the catalog refuse such rows now; one saved before that must not
            # make every prompt's input invalid: it is left out, and said so.
            try:
                CategoryOption.model_validate(option)
            except PydanticValidationError as error:
                log.warning(
                    "Category %r is left out of the AI features until it is fixed in the admin: %s",
                    category.slug,
                    error.errors()[0]["msg"],
                )
                continue
            options.append(option)
        cache.set(CATEGORY_OPTIONS_KEY, options, CATEGORY_OPTIONS_CACHE_SECONDS)
    return options


def forget_category_options(**kwargs: Any) -> None:
    """Signal receiver: the categories changed."""
    cache.delete(CATEGORY_OPTIONS_KEY)


def known_cities() -> list[str]:
    """The cities that active listings are in, so search understanding can only pick real ones."""
    cities = cache.get("marketplace:known-cities")
    if cities is None:
        cities = sorted(
            set(Listing.objects.active().values_list("city", flat=True).distinct()[:500])
        )
        cache.set("marketplace:known-cities", cities, CITIES_CACHE_SECONDS)
    return cities


# --- Listing assistant ----------------------------------------------------------------------


@dataclass(frozen=True)
class PriceRange:
    """What comparable active listings ask: the middle half of their prices, and how many."""

    low: Decimal
    median: Decimal
    high: Decimal
    count: int
    currency: str = Listing.Currency.EUR
    basis: str = ""  # what made them comparable: "Apple iPhone 12 in Phones"

    def as_dict(self) -> dict[str, Any]:
        return {
            "low": str(self.low),
            "median": str(self.median),
            "high": str(self.high),
            "count": self.count,
            "currency": self.currency,
            "basis": self.basis,
        }


def comparable_price_range(
    category_slug: str | None,
    attributes: dict[str, Any],
    *,
    currency: str = Listing.Currency.EUR,
    exclude_pk: int | None = None,
) -> PriceRange | None:
    """The interquartile price range of comparable active listings, or None with too few.

    Comparable means same category and currency, narrowed by the most telling attributes the
    suggestion has (brand and model, or make and model), as long as enough listings remain.
    """
    if not category_slug:
        return None
    base = Listing.objects.active().filter(category__slug=category_slug, currency=currency)
    if exclude_pk:
        base = base.exclude(pk=exclude_pk)
    category_name = Category.objects.filter(slug=category_slug).values_list("name", flat=True)
    narrowing = [
        (key, attributes[key])
        for key in ("brand", "make", "model", "type")
        if attributes.get(key) not in (None, "")
    ]
    # Try the narrowest match first and widen until there are enough comparables.
    for size in range(len(narrowing), -1, -1):
        conditions = Q()
        for key, value in narrowing[:size]:
            conditions &= Q(**{f"attributes__{key}__iexact": str(value)})
        newest = base.filter(conditions).order_by("-published_at")[:COMPARABLES_LIMIT]
        count, quartiles = _quartiles(newest)
        if count >= MIN_COMPARABLES:
            low, median, high = quartiles
            described = " ".join(str(value) for _, value in narrowing[:size])
            basis = (
                f"{described} in {category_name.first()}" if described else category_name.first()
            )
            return PriceRange(
                low=_round_price(low),
                median=_round_price(median),
                high=_round_price(high),
                count=count,
                currency=currency,
                basis=basis or "",
            )
    return None


def _quartiles(listings: QuerySet[Listing]) -> tuple[int, Sequence[Decimal | float]]:
    """How many listings, and the quartiles of their prices (empty with fewer than 3).

    Postgres computes them (``percentile_cont``: one row back, not hundreds of prices); other
    databases get the prices and Python's "inclusive" quantiles, the same interpolation.
    """
    prices = listings.values("price")
    if connections[prices.db].vendor == "postgresql":
        sql, params = prices.query.sql_with_params()
        with connections[prices.db].cursor() as cursor:
            cursor.execute(
                "SELECT count(*), percentile_cont(ARRAY[0.25, 0.5, 0.75])"
                f" WITHIN GROUP (ORDER BY price) FROM ({sql}) AS comparables",
                params,
            )
            count, quartiles = cursor.fetchone()
        return count, (quartiles if count >= MIN_COMPARABLES else [])
    values = [row["price"] for row in prices]
    if len(values) < MIN_COMPARABLES:
        return len(values), []
    return len(values), statistics.quantiles(values, n=4, method="inclusive")


def _round_price(value: Decimal | float) -> Decimal:
    """Prices people would write: whole euros, to 5 above 100, to 50 above 2,000."""
    value = Decimal(str(value))
    step = Decimal(50) if value >= 2000 else Decimal(5) if value >= 100 else Decimal(1)
    return (value / step).quantize(Decimal(1)) * step


_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP"}
_WORDS = {"eur": "EUR", "euro": "EUR", "euros": "EUR", "usd": "USD", "dollar": "USD",
          "dollars": "USD", "gbp": "GBP", "pound": "GBP", "pounds": "GBP"}  # fmt: skip
_AMOUNT = r"\d{1,3}(?:[.,]\d{3})+(?![.,]?\d)|\d+(?:[.,]\d{1,2})?"
# A price the seller wrote: "40 euro", "€40", "£1,200", "price: 40", "asking 40". A bare number
# is not one ("iphone 12", "64gb").
_STATED_PRICE = re.compile(
    rf"(?P<symbol>[€$£])\s?(?P<a>{_AMOUNT})(?![\w.,])"
    rf"|\b(?P<b>{_AMOUNT})\s?(?:(?P<after>[€$£])|(?P<word>{'|'.join(_WORDS)})\b)"
    rf"|\b(?:price|asking|asking price|preis|vb)\s*:?\s*(?P<c>{_AMOUNT})(?![\w.,%])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class StatedPrice:
    """The price the seller wrote in their own text, in their currency."""

    amount: Decimal
    currency: str


def stated_price(text: str) -> StatedPrice | None:
    """The first price the seller states in ``text`` ("40 euro" → 40 EUR), or None.

    Without a currency, "price 40" is taken in euros, the site's default currency.
    """
    match = _STATED_PRICE.search(text)
    if match is None:
        return None
    raw = match.group("a") or match.group("b") or match.group("c")
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", raw):
        raw = re.sub(r"[.,]", "", raw)  # "1.200" and "1,200" are thousands
    amount = Decimal(raw.replace(",", "."))
    if not amount or amount >= Decimal("1e9"):
        return None
    symbol = match.group("symbol") or match.group("after")
    word = (match.group("word") or "").lower()
    currency = _SYMBOLS.get(symbol or "") or _WORDS.get(word) or Listing.Currency.EUR.value
    return StatedPrice(amount=amount, currency=currency)


@dataclass
class Suggestion:
    title: str
    description: str
    category: str | None
    attributes: dict[str, Any]
    condition: str | None
    price_range: PriceRange | None
    provider_label: str
    prompt_version: PromptVersion
    call: LLMCall
    # What the seller asks in their own words: what "Use" puts in the price field, not the range.
    seller_price: StatedPrice | None = None

    @cached_property
    def category_object(self) -> Category | None:
        return Category.objects.filter(slug=self.category).first() if self.category else None

    @property
    def attribute_rows(self) -> list[tuple[str, Any]]:
        """(label, value) of the suggested attributes, in the category's order."""
        specs = {
            spec["key"]: spec
            for spec in (self.category_object.attribute_specs if self.category_object else [])
        }
        order = list(specs)
        keys = sorted(self.attributes, key=lambda k: order.index(k) if k in order else len(order))
        return [
            (specs[key]["label"], attribute_text(specs[key], self.attributes[key]))
            if key in specs
            else (key, self.attributes[key])
            for key in keys
        ]


def suggest_listing(
    text: str,
    *,
    prompt_ref: str = LISTING_ASSISTANT_PROMPT,
    context: dict | None = None,
    timeout: float | None = None,
    form_description: str = "",
) -> Suggestion:
    """Ask the listing assistant about a seller's rough text, with the prompt version
    ``prompt_ref`` names (by default the ``production`` label).

    The price the seller states, in ``text`` or else in the description they already typed in
    the form (``form_description``, never sent to the model), is the price suggested.

    The seller is waiting, and so is a web server thread: the call has ``timeout`` seconds in
    all (default ``AI_ASSISTANT_TIMEOUT_SECONDS``), retries included. Raises ``llm.LLMError``
    when the model fails or runs out of time, and ``llm.PromptRefError`` when the reference names
    no version; the caller shows a friendly message.
    """
    result = llm.run(
        prompt_ref,
        {"text": text, "categories": category_options()},
        purpose="assistant",
        context=context or {},
        timeout=settings.AI_ASSISTANT_TIMEOUT_SECONDS if timeout is None else timeout,
    )
    output = result.output
    attributes = output.attribute_dict()
    return Suggestion(
        title=output.title,
        description=output.description,
        category=output.category,
        attributes=attributes,
        condition=output.condition,
        price_range=comparable_price_range(output.category, attributes),
        provider_label=result.provider_label,
        prompt_version=result.version,
        call=result.call,
        seller_price=stated_price(text) or stated_price(form_description),
    )


# --- Enrichment -----------------------------------------------------------------------------


def enrichment_input(listing: Listing, *, with_price_reference: bool = True) -> dict[str, Any]:
    """What the enrichment prompt reads about a listing (and nothing the model wrote).

    The price reference (what comparable listings ask) lets the screening notice a price far too
    low for the item, a common scam pattern.
    """
    reference = None
    if with_price_reference:
        reference = comparable_price_range(
            listing.category.slug,
            listing.attributes,
            currency=listing.currency,
            exclude_pk=listing.pk,
        )
    return {
        "categories": category_options(),
        "listing": {
            "title": listing.title,
            "description": listing.description,
            "price": float(listing.price),
            "currency": listing.currency,
            "city": listing.city,
            "category": listing.category.slug,
            "condition": listing.condition,
            "attributes": listing.attributes,
        },
        "price_reference": (
            {"median": float(reference.median), "count": reference.count} if reference else None
        ),
    }


def content_hash(payload: dict[str, Any]) -> str:
    """sha256 of the listing part of an enrichment input: what the seller wrote.

    The price reference is left out on purpose: it moves as other listings come and go, and an
    unchanged listing must not be sent to the model again because its neighbours changed.
    """
    canonical = json.dumps(payload["listing"], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- Search understanding -------------------------------------------------------------------


@dataclass(frozen=True)
class UnderstoodQuery:
    keywords: str
    category: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    city: str | None = None
    condition: str | None = None  # "new" or "used"
    sort: str | None = None
    provider_label: str = ""

    @property
    def changes_anything(self) -> bool:
        return any(
            value is not None
            for value in (
                self.category,
                self.min_price,
                self.max_price,
                self.city,
                self.condition,
                self.sort,
            )
        )


def understand_query(query: str, *, timeout: float | None = None) -> UnderstoodQuery:
    """Turn a buyer's free text into filters and keywords, within ``timeout`` seconds in all
    (default ``AI_SEARCH_TIMEOUT_SECONDS``: the search page waits for it). Raises
    ``llm.LLMError`` on failure."""
    result = llm.run(
        "search_query",
        {"query": query, "categories": category_options(), "cities": known_cities()},
        purpose="search",
        timeout=settings.AI_SEARCH_TIMEOUT_SECONDS if timeout is None else timeout,
    )
    output = result.output
    return UnderstoodQuery(
        keywords=" ".join(output.keywords),
        category=output.category,
        min_price=_decimal(output.min_price),
        max_price=_decimal(output.max_price),
        city=output.city,
        condition=output.condition,
        sort=output.sort,
        provider_label=result.provider_label,
    )


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))
