"""Reading a buyer's query: "cheap iphone in berlin under 300" → filters and keywords."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..schemas import CategoryOption
from . import lexicon
from .attributes import Facts
from .classifier import choose_category
from .text import normalise, tokens

_CURRENCY = r"(?:€|eur\b|euros?\b|\$|usd\b|£|gbp\b|dollars?\b|pounds?\b|bucks\b)"
_NUMBER = r"(\d+(?:[.,]\d+)?)\s?(k\b)?"
_AMOUNT = rf"{_CURRENCY}?\s?{_NUMBER}\s?{_CURRENCY}?"
# Units after which a number is not a price ("2-3 rooms", "128 gb").
_NOT_PRICE = r"(?!\s?(?:gb|tb|km|kms|m2|m²|sqm|rooms?|years?|yrs?|months?|inch|cm|mm|kg|l\b|ml))"

_RANGE = re.compile(rf"(?:between\s+|from\s+)?{_AMOUNT}\s?(?:-|to|and)\s?{_AMOUNT}{_NOT_PRICE}")
_MAXIMUM = re.compile(
    r"(?:under|below|less than|cheaper than|max(?:imum)?\.?|up to|upto|at most|no more than|"
    rf"not more than|budget(?: of)?|<=?|till)\s?{_AMOUNT}{_NOT_PRICE}"
)
_MINIMUM = re.compile(
    r"(?:over|above|more than|at least|min(?:imum)?\.?|from|starting at|>=?)"
    rf"\s?{_AMOUNT}{_NOT_PRICE}"
)
_PLUS = re.compile(rf"{_AMOUNT}\s?\+")
_WITH_CURRENCY = re.compile(
    rf"(?:for\s+|around\s+|about\s+|~\s?)?(?:{_CURRENCY}\s?{_NUMBER}|{_NUMBER}\s?{_CURRENCY})"
)

_CONDITIONS = (
    (re.compile(r"\b(?:brand new|new)\b"), "new"),
    (re.compile(r"\b(?:used|second[ -]?hand|pre-?owned|preloved|pre-loved|refurbished)\b"), "used"),
)
_SORTS = (
    (re.compile(r"\b(?:most expensive|highest price|priciest|premium)\b"), "price_desc"),
    (re.compile(r"\b(?:cheapest|cheap|lowest price|budget|bargains?|inexpensive|affordable)\b"),
     "price_asc"),
    (re.compile(r"\b(?:newest|latest|most recent|recent|just listed|new listings)\b"), "newest"),
)  # fmt: skip

_STOPWORDS = frozenset(
    """a an the in at on near around for with without and or of to from by under below over
    above than less more max min up i im i'm we want wanted need needed looking look search
    searching find show me please buy buying some any something good nice price prices
    budget euro euros eur dollars pounds bucks cheap cheapest cheaper used new brand
    second hand secondhand preowned pre owned sale sell selling offer offers items item
    stuff thing things is are my""".split()  # noqa: SIM905 (a word list reads better so)
)
# Nouns that only name a category: once the category is a filter, they would only narrow
# the text search to listings that happen to repeat the word.
_GENERIC_NOUNS = frozenset(
    tokens(
        "phone phones smartphone mobile car cars vehicle vehicles apartment flat house job jobs "
        "furniture clothes clothing fashion electronics service services toys kids baby"
    )
)


@dataclass
class ParsedQuery:
    text: str
    min_price: float | None = None
    max_price: float | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)

    def take(self, match: re.Match[str]) -> None:
        self.spans.append(match.span())

    def remaining(self) -> str:
        text = self.text
        for start, end in sorted(self.spans, reverse=True):
            text = text[:start] + " " + text[end:]
        return text


def _amount(number: str, thousands: str | None) -> float:
    value = float(number.replace(",", "."))
    return value * 1000 if thousands else value


def _free(parsed: ParsedQuery, match: re.Match[str]) -> bool:
    start, end = match.span()
    return all(end <= s or start >= e for s, e in parsed.spans)


def _prices(parsed: ParsedQuery) -> None:
    text = parsed.text
    for match in _RANGE.finditer(text):
        low, high = _amount(match.group(1), match.group(2)), _amount(match.group(3), match.group(4))
        has_currency = re.search(_CURRENCY, match.group()) is not None
        if (has_currency or "between" in match.group() or min(low, high) >= 20) and low <= high:
            parsed.min_price, parsed.max_price = low, high
            parsed.take(match)
            return
    for pattern, bound in ((_MAXIMUM, "max"), (_MINIMUM, "min"), (_PLUS, "min")):
        for match in pattern.finditer(text):
            if not _free(parsed, match):
                continue
            value = _amount(match.group(1), match.group(2))
            if bound == "max" and parsed.max_price is None:
                parsed.max_price = value
                parsed.take(match)
            elif bound == "min" and parsed.min_price is None:
                parsed.min_price = value
                parsed.take(match)
    budget = _WITH_CURRENCY.search(text)
    if parsed.min_price is None and parsed.max_price is None and budget:
        # "iphone 300 eur": a budget, so an upper bound.
        number, thousands = (
            (budget.group(1), budget.group(2))
            if budget.group(1)
            else (budget.group(3), budget.group(4))
        )
        parsed.max_price = _amount(number, thousands)
        parsed.take(budget)


@lru_cache(maxsize=16)
def _city_pattern(cities: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One expression for all the cities (longest names first), and the way back to each."""
    by_name = {normalise(city): city for city in cities}
    names = "|".join(re.escape(name) for name in sorted(by_name, key=len, reverse=True))
    pattern = re.compile(rf"(?:\b(?:in|near|around|at)\s+)?(?<!\w)({names})(?!\w)")
    return pattern, by_name


def _city(parsed: ParsedQuery, cities: list[str]) -> str | None:
    pattern, by_name = _city_pattern(tuple(cities))
    for match in pattern.finditer(parsed.text):
        if _free(parsed, match):
            parsed.take(match)
            return by_name[match.group(1)]
    return None


def _first(parsed: ParsedQuery, options: tuple[tuple[re.Pattern[str], str], ...]) -> str | None:
    for pattern, value in options:
        match = pattern.search(parsed.text)
        if match and _free(parsed, match):
            parsed.take(match)
            return value
    return None


def parse_query(
    query: str, categories: list[CategoryOption], cities: list[str]
) -> dict[str, object]:
    parsed = ParsedQuery(normalise(query))
    _prices(parsed)
    city = _city(parsed, cities or list(lexicon.CITIES))
    sort = _first(parsed, _SORTS)
    condition = _first(parsed, _CONDITIONS)
    rest = parsed.remaining()
    category = choose_category(Facts(rest), categories)
    generic = set(_GENERIC_NOUNS)
    if category:
        generic |= set(tokens(f"{category.name} {category.slug.replace('-', ' ')}"))
    keywords = []
    for word in re.findall(r"[\w&'+-]+", rest):
        word = word.strip("'-+")
        if (
            (len(word) < 2 and not word.isdigit())
            or word in _STOPWORDS
            or (category and tokens(word) and tokens(word)[0] in generic)
            or word in keywords
        ):
            continue
        keywords.append(word)
    return {
        "keywords": keywords[:8],
        "category": category.slug if category else None,
        "min_price": parsed.min_price,
        "max_price": parsed.max_price,
        "city": city,
        "condition": condition,
        "sort": sort,
    }
