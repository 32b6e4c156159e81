"""Scoring one answer against what its case expected. Pure functions: no database, no model.

What a case expects depends on the prompt's output schema (``EXPECTATIONS``); the same models
check a dataset's lines when it is loaded. A key left out of ``expected`` is not scored (say
``"condition": null`` to expect no condition). A case whose call failed has no answer: it
scores as a miss on everything it expected, never as "no category".

Values are compared after normalising both sides (``normalise``): text case-insensitively with
spaces collapsed, numbers as numbers within a small tolerance (so ``64``, ``64.0``, ``"64"``
match; for a numeric attribute ``"64 GB"`` too). An expected attribute value may be a list of
acceptable values. Keywords are compared word by word, as the search matches them.

When does a case pass? (``PASS_F1``, documented in docs/evaluation.md)

- listing assistant and enrichment: the category matches (null expected and null answered is a
  match) and the attributes' F1 is at least ``PASS_F1``;
- search: every filter the case states matches, and the keywords' F1 is at least ``PASS_F1``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..schemas import CategoryOption, Condition

PASS_F1 = 0.5
# Float noise and cents, not real differences: 299.99 matches 300, 301 does not.
RELATIVE_TOLERANCE = 1e-4
ABSOLUTE_TOLERANCE = 0.01

Scalar = str | int | float | bool
Normalised = str | float

_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
_WORD = re.compile(r"\w+(?:[.'+-]\w+)*")


# --- What a case expects ------------------------------------------------------------------------


class _Expectation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", description="Why the case expects this; not scored.")

    def stated(self, field: str) -> bool:
        """Whether the case says anything about ``field`` (left out: not scored)."""
        return field in self.model_fields_set


class CategorisedExpectation(_Expectation):
    category: str | None
    attributes: dict[str, Scalar | list[Scalar]] = Field(default_factory=dict)


class ListingExpectation(CategorisedExpectation):
    condition: Condition | None = None


class EnrichmentExpectation(CategorisedExpectation):
    verdict: Literal["ok", "review", "reject"] | None = None


class SearchExpectation(_Expectation):
    keywords: list[str] = Field(default_factory=list)
    category: str | None = None
    min_price: float | None = Field(default=None, ge=0)
    max_price: float | None = Field(default=None, ge=0)
    city: str | None = None
    condition: Literal["new", "used"] | None = None
    sort: Literal["relevance", "newest", "price_asc", "price_desc"] | None = None


SEARCH_FILTERS = ("category", "min_price", "max_price", "city", "condition", "sort")

# Output schema → what its cases may expect.
EXPECTATIONS: dict[str, type[_Expectation]] = {
    "ListingAssistantOutput": ListingExpectation,
    "ListingEnrichmentOutput": EnrichmentExpectation,
    "SearchQueryOutput": SearchExpectation,
}


# --- Comparing values ---------------------------------------------------------------------------


def normalise(value: Scalar, option: Any = None) -> Normalised:
    """``value`` in a form that compares as a person would: numbers as floats, text folded.

    ``option`` is the attribute's ``AttributeOption`` when known: for a numeric attribute the
    first number in a text counts ("64 GB" → 64.0), as the output schema reads it.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return float(value)
    text = " ".join(str(value).split()).casefold()
    if _NUMBER.fullmatch(text):
        return float(text.replace(",", "."))
    if option is not None and option.numeric:
        match = _NUMBER.search(text.replace(" ", ""))
        if match:
            return float(match.group().replace(",", "."))
    return text


def same(expected: Normalised, answered: Normalised) -> bool:
    if isinstance(expected, float) and isinstance(answered, float):
        return math.isclose(
            expected, answered, rel_tol=RELATIVE_TOLERANCE, abs_tol=ABSOLUTE_TOLERANCE
        )
    return expected == answered


def matches(expected: Scalar | list[Scalar] | None, answered: Any, option: Any = None) -> bool:
    """Whether ``answered`` is the expected value (or one of them, for a list)."""
    if expected is None or answered is None:
        return expected is None and answered is None
    accepted = expected if isinstance(expected, list) else [expected]
    value = normalise(answered, option)
    return any(same(normalise(item, option), value) for item in accepted)


@dataclass(frozen=True)
class Counts:
    """True positives, false positives, false negatives; and the rates made from them.

    With nothing expected and nothing answered, precision, recall and F1 are 1 (nothing to get
    wrong); with something on one side only, they are 0.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        if self.tp + self.fp:
            return self.tp / (self.tp + self.fp)
        return 1.0 if self.fn == 0 else 0.0

    @property
    def recall(self) -> float:
        if self.tp + self.fn:
            return self.tp / (self.tp + self.fn)
        return 1.0 if self.fp == 0 else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn}

    @classmethod
    def from_dict(cls, data: Mapping[str, int]) -> Counts:
        return cls(data.get("tp", 0), data.get("fp", 0), data.get("fn", 0))


def _key(key: str) -> str:
    return key.strip().casefold()


def attribute_counts(
    expected: Mapping[str, Scalar | list[Scalar]],
    answered: Mapping[str, Any],
    category: CategoryOption | None = None,
) -> Counts:
    """(key, value) pairs: a pair is right when the key is expected with that value.

    ``category`` (the expected one) says which attributes are numeric.
    """
    wanted = {_key(key): value for key, value in expected.items()}
    got = {_key(key): value for key, value in answered.items()}
    right = sum(
        1
        for key, value in got.items()
        if key in wanted
        and matches(wanted[key], value, category.attribute(key) if category else None)
    )
    return Counts(tp=right, fp=len(got) - right, fn=len(wanted) - right)


def keyword_words(keywords: list[str]) -> set[str]:
    return {word for keyword in keywords for word in _WORD.findall(keyword.casefold())}


def keyword_counts(expected: list[str], answered: list[str]) -> Counts:
    """Keywords compared as sets of words ("mountain bike" is "mountain" and "bike")."""
    wanted, got = keyword_words(expected), keyword_words(answered)
    right = len(wanted & got)
    return Counts(tp=right, fp=len(got) - right, fn=len(wanted) - right)


# --- One case -----------------------------------------------------------------------------------


def _category_and_attributes(
    expectation: CategorisedExpectation,
    output: Mapping[str, Any] | None,
    categories: Mapping[str, CategoryOption],
) -> dict[str, Any]:
    option = categories.get(expectation.category or "")
    if output is None:
        attributes = attribute_counts(expectation.attributes, {}, option)
        return {"category": False, "attributes": attributes.as_dict(), "attribute_f1": 0.0}
    answered = {item["key"]: item["value"] for item in output.get("attributes", [])}
    attributes = attribute_counts(expectation.attributes, answered, option)
    return {
        "category": output.get("category") == expectation.category,
        "attributes": attributes.as_dict(),
        "attribute_f1": attributes.f1,
    }


def score_listing(
    expected: Mapping[str, Any],
    output: Mapping[str, Any] | None,
    categories: Mapping[str, CategoryOption],
) -> dict[str, Any]:
    """Category, attributes and (when stated) condition of a listing assistant's answer."""
    expectation = ListingExpectation.model_validate(expected)
    scores = _category_and_attributes(expectation, output, categories)
    if expectation.stated("condition"):
        scores["condition"] = output is not None and output.get("condition") == (
            expectation.condition
        )
    scores["passed"] = scores["category"] and scores["attribute_f1"] >= PASS_F1
    return scores


def score_enrichment(
    expected: Mapping[str, Any],
    output: Mapping[str, Any] | None,
    categories: Mapping[str, CategoryOption],
) -> dict[str, Any]:
    """Category, attributes and (when stated) the moderation verdict of an enrichment answer."""
    expectation = EnrichmentExpectation.model_validate(expected)
    scores = _category_and_attributes(expectation, output, categories)
    if expectation.stated("verdict"):
        verdict = (output or {}).get("moderation", {}).get("verdict")
        scores["verdict"] = output is not None and verdict == expectation.verdict
    scores["passed"] = scores["category"] and scores["attribute_f1"] >= PASS_F1
    return scores


def score_search(
    expected: Mapping[str, Any],
    output: Mapping[str, Any] | None,
    categories: Mapping[str, CategoryOption],
) -> dict[str, Any]:
    """Each filter the case states, and the keywords, of a search understanding answer."""
    expectation = SearchExpectation.model_validate(expected)
    filters: dict[str, bool] = {}
    for name in SEARCH_FILTERS:
        if expectation.stated(name):
            filters[name] = output is not None and matches(
                getattr(expectation, name), output.get(name)
            )
    scores: dict[str, Any] = {"filters": filters}
    if "category" in filters:
        scores["category"] = filters["category"]
    keywords_ok = True
    if expectation.stated("keywords"):
        keywords = keyword_counts(expectation.keywords, (output or {}).get("keywords", []))
        scores["keywords"] = keywords.as_dict()
        scores["keyword_f1"] = keywords.f1
        keywords_ok = output is not None and keywords.f1 >= PASS_F1
    scores["passed"] = output is not None and all(filters.values()) and keywords_ok
    return scores


Scorer = Callable[
    [Mapping[str, Any], Mapping[str, Any] | None, Mapping[str, CategoryOption]], dict[str, Any]
]
SCORERS: dict[str, Scorer] = {
    "ListingAssistantOutput": score_listing,
    "ListingEnrichmentOutput": score_enrichment,
    "SearchQueryOutput": score_search,
}


def score_case(
    output_schema: str,
    expected: Mapping[str, Any],
    output: Mapping[str, Any] | None,
    categories: Mapping[str, CategoryOption],
) -> dict[str, Any]:
    """The scores of one answer (``output``; None when the call failed), with ``passed``."""
    try:
        scorer = SCORERS[output_schema]
    except KeyError:
        raise ValueError(f"there is no scorer for {output_schema} answers") from None
    return scorer(expected, output, categories)
