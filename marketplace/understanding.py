"""Search understanding on the search page: from a buyer's words to filters they can see and undo.

A text search by a visitor who has the feature is sent once to ``ai.understand_query``. When the
model finds filters in it, the visitor is redirected to an ordinary search URL with those filters
set, the leftover words as the query, and two markers: ``from`` (what they typed) and
``understood`` (which filters the model set). The results page shows each understood filter as a
chip whose × drops it; pagination and sorting keep the URL, so the model is asked once per query.
Filters the buyer set themselves always win over understood ones.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest, QueryDict
from waffle import flag_is_active

import llm
from edge.text import clean_param

from . import ab_tests, ai, ratelimit
from .models import Category
from .templatetags.bazaar import format_price

log = logging.getLogger(__name__)

FROM, UNDERSTOOD, OFF = "from", "understood", "ai"  # query parameters
COOKIE = "bz_smart_search"
# The example in the search boxes: a query that smart search understands and that the demo data
# answers (tests/marketplace/test_search_example.py seeds the demo and checks it).
SEARCH_EXAMPLE = "iphone under €400 in Munich"
FIELDS = ("category", "min_price", "max_price", "city", "condition", "sort")
SORT_LABELS = {
    "price_asc": "Cheapest first",
    "price_desc": "Most expensive first",
    "newest": "Newest first",
    "relevance": "Best match",
}


@dataclass(frozen=True)
class Chip:
    label: str
    remove_url: str


@dataclass(frozen=True)
class Outcome:
    """What understanding did for this request: a URL to go to, or a note for the page."""

    redirect_to: str = ""
    note: str = ""


def feature_on(request: HttpRequest) -> bool:
    """The visitor has the feature (the ``ai_search`` flag, recording the exposure) and has not
    switched it off."""
    has_it = bool(flag_is_active(request, ab_tests.AI_SEARCH))
    return has_it and request.COOKIES.get(COOKIE) != "off"


def should_understand(request: HttpRequest, query: str) -> bool:
    """A new text search (not one already understood, not one the buyer asked to take literally)."""
    params = request.GET
    return bool(query) and FROM not in params and params.get(OFF) != "0"


def understand(request: HttpRequest, query: str) -> Outcome:
    """Understand ``query`` if the visitor has the feature; never raises.

    ``query`` is the search form's cleaned keywords, not the raw parameter: the form has removed
    what must not reach the model and bounded its length, and an invalid query is "" (nothing to
    understand).
    """
    if not should_understand(request, query) or not feature_on(request):
        return Outcome()
    if not ratelimit.hit(request, "search").allowed:
        return Outcome(note="Smart search is resting for a moment: these are plain results.")
    try:
        understood = ai.understand_query(query, timeout=settings.AI_SEARCH_TIMEOUT_SECONDS)
    except llm.LLMInputError as error:
        # The form keeps queries within the prompt's input, so this is a prompt whose limits
        # changed: the buyer still gets their results.
        log.error("Search understanding refused the query %r: %s", query[:80], error)
        return Outcome(note="Smart search could not read this query: these are plain results.")
    except llm.LLMError as error:
        log.warning("Search understanding failed for %r: %s", query[:80], error.message)
        return Outcome(note="Smart search is unavailable right now: these are plain results.")
    params = understood_params(request.GET, understood, query)
    if params is None:
        return Outcome()
    return Outcome(redirect_to=f"{request.path}?{params.urlencode()}")


def understood_params(
    current: QueryDict, understood: ai.UnderstoodQuery, query: str
) -> QueryDict | None:
    """The search URL's parameters with the understood filters in, or None if nothing changes.

    ``query``, what the buyer typed (as the form cleaned it), is kept as ``from``.
    """
    params = current.copy()
    params.pop("page", None)
    found = []
    values: dict[str, str | None] = {
        "category": understood.category,
        "min_price": _plain_number(understood.min_price),
        "max_price": _plain_number(understood.max_price),
        "city": understood.city,
        "condition": understood.condition,
        "sort": understood.sort,
    }
    for name in FIELDS:
        value = values[name]
        if value in (None, "") or params.get(name):  # the buyer's own filters win
            continue
        params[name] = value
        found.append(name)
    if not found:
        return None
    params[FROM] = query
    params["q"] = understood.keywords
    params[UNDERSTOOD] = ",".join(found)
    return params


def _plain_number(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return str(int(value)) if value == value.to_integral_value() else str(value)


def chips(request: HttpRequest) -> list[Chip]:
    """One chip per understood filter still applied, each with the URL that removes it."""
    params = request.GET
    if FROM not in params:
        return []
    named = params.get(UNDERSTOOD, "").split(",")
    understood = [name for name in named if name in FIELDS and params.get(name)]
    result = []
    for name in understood:
        remaining = params.copy()
        remaining.pop(name)
        remaining.pop("page", None)
        remaining[UNDERSTOOD] = ",".join(n for n in understood if n != name)
        label = filter_label(name, clean_param(params, name))
        result.append(Chip(label, f"{request.path}?{remaining.urlencode()}"))
    return result


def understood_from(request: HttpRequest) -> str:
    """What the buyer typed before understanding rewrote it (the ``from`` parameter), cleaned."""
    return clean_param(request.GET, FROM)


def literal_search_url(request: HttpRequest) -> str:
    """The same search taken literally: what the buyer typed, no understood filters."""
    params = QueryDict(mutable=True)
    params["q"] = request.GET.get(FROM, request.GET.get("q", ""))
    params[OFF] = "0"
    return f"{request.path}?{params.urlencode()}"


def plain_search_url(request: HttpRequest) -> str:
    """This search without what understanding did: the buyer's words and their own filters.

    Where the smart search switch leads, both ways: switched off, an understood search must not
    keep the model's filters (nor its leftover keywords); switched on, the words are understood
    afresh, even on a page that took them literally.
    """
    params = request.GET.copy()
    if FROM in params:
        for name in params.get(UNDERSTOOD, "").split(","):
            params.pop(name, None)
        params["q"] = params.get(FROM, "")
        params.pop(FROM)
        params.pop(UNDERSTOOD, None)
    params.pop(OFF, None)
    params.pop("page", None)
    return f"{request.path}?{params.urlencode()}"


def filter_label(name: str, value: str) -> str:
    """A filter as the buyer reads it: "Phones", "under €300", "Berlin", "Used"."""
    if name == "category":
        return Category.objects.filter(slug=value).values_list("name", flat=True).first() or value
    if name in ("min_price", "max_price"):
        try:
            amount = format_price(Decimal(value), "€")
        except ArithmeticError:
            return value
        return f"under {amount}" if name == "max_price" else f"from {amount}"
    if name == "condition":
        return {"new": "New", "used": "Used"}.get(value, value.replace("_", " ").capitalize())
    if name == "sort":
        return SORT_LABELS.get(value, value)
    return value
