"""What a search that found nothing could try instead: the same search with one filter fewer, or
one of its words alone, each with how many listings it would show.

Only a page with no results pays for it: one COUNT per suggestion, at most ``MAX_COUNTS`` in all.
The buyer's words are never sent to a model here, so the search experiment's control group gets
the same help as its treatment group, from plain search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from django.http import HttpRequest, QueryDict

from . import understanding
from .models import ListingQuerySet
from .search import SearchFilters, search_listings

MAX_COUNTS = 8
MAX_WORDS = 4
# Words that alone find nothing worth showing ("in", "under") or everything ("cheap" listings
# are not a thing search can know); on SQLite, "in" alone would match most descriptions.
_FILLER = frozenset(
    """a an the in at on near around for with without and or of to from by under below over
    above than less more max min up i im i'm we want need looking look search find show me
    please buy buying some any something good nice cheap cheapest cheaper price prices budget
    euro euros eur used new brand sale selling offer""".split()  # noqa: SIM905 (reads better so)
)
_WORD = re.compile(r"[^\W\d_][\w&'-]*")
FILTERS = ("category", "min_price", "max_price", "city", "condition")


@dataclass(frozen=True)
class Relaxation:
    label: str  # "without Berlin", "“iphone” alone"
    url: str
    count: int


def suggestions(
    request: HttpRequest, filters: SearchFilters, base: ListingQuerySet, *, fixed: str = ""
) -> list[Relaxation]:
    """Relaxations of a search that found nothing which do find listings, in the order tried:
    each filter dropped, then each word of a query of several words on its own. ``fixed`` names
    a filter the page's address sets (a category page's category), which cannot be dropped."""
    tried: list[tuple[str, SearchFilters, QueryDict]] = []
    for name in FILTERS:
        value = getattr(filters, name)
        if value in (None, "") or name == fixed:
            continue
        label = understanding.filter_label(name, str(value))
        tried.append((f"without {label}", _without(filters, name), _drop(request.GET, name)))
    words = _content_words(filters.q)
    if len(words) > 1:
        for word in words[:MAX_WORDS]:
            params = request.GET.copy()
            params["q"] = word
            params.pop("page", None)
            tried.append((f"“{word}” alone", replace(filters, q=word), params))
    found = []
    for label, relaxed, params in tried[:MAX_COUNTS]:
        count = search_listings(relaxed, base=base).count()
        if count:
            found.append(Relaxation(label, f"{request.path}?{params.urlencode()}", count))
    return found


def _without(filters: SearchFilters, name: str) -> SearchFilters:
    if name == "min_price":
        return replace(filters, min_price=None)
    if name == "max_price":
        return replace(filters, max_price=None)
    if name == "category":
        return replace(filters, category="")
    if name == "city":
        return replace(filters, city="")
    return replace(filters, condition="")


def _drop(current: QueryDict, name: str) -> QueryDict:
    """The search's parameters without filter ``name`` (and, if the model set it, without its
    mention among the understood filters, as its chip's × does)."""
    params = current.copy()
    params.pop(name, None)
    params.pop("page", None)
    if understanding.UNDERSTOOD in params:
        named = params.get(understanding.UNDERSTOOD, "").split(",")
        params[understanding.UNDERSTOOD] = ",".join(n for n in named if n != name)
    return params


def _content_words(query: str) -> list[str]:
    """The words of ``query`` that can find something on their own, once each, in order."""
    words: list[str] = []
    for word in _WORD.findall(query.lower()):
        word = word.strip("'-")
        if len(word) >= 2 and word not in _FILLER and word not in words:
            words.append(word)
    return words
