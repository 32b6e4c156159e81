"""How the marketplace's AI features are scored: what a case may expect, and the scorers.

Built on ``llm.evaluation.scoring`` (normalised comparison, counts). A key left out of
``expected`` is not scored (say ``"condition": null`` to expect no condition). A case whose call
failed has no answer: it scores as a miss on everything it expected, never as "no category".

Scores, as ``llm.evaluation.summary`` reads them: ``category``, ``condition``, ``verdict``
(right or not: their accuracy), ``attributes`` and ``keywords`` (counts: their precision,
recall and F1), ``filters`` (each stated filter right or not: their accuracy, and the share of
cases with all of them right).

When does a case pass? (``PASS_F1``, documented in docs/evaluation.md)

- listing assistant and enrichment: the category matches (null expected and null answered is a
  match) and the attributes' F1 is at least ``PASS_F1``;
- search: every filter the case states matches, and the keywords' F1 is at least ``PASS_F1``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from llm.evaluation.figures import Figure
from llm.evaluation.scoring import Counts, Scalar, matches

from .schemas import CategoryOption, Condition

PASS_F1 = 0.5

_WORD = re.compile(r"\w+(?:[.'+-]\w+)*")


def categories_of(site_input: Mapping[str, Any]) -> dict[str, CategoryOption]:
    """The categories a run gave the model, by slug, as the schemas read them."""
    options = (CategoryOption.model_validate(row) for row in site_input.get("categories", []))
    return {option.slug: option for option in options}


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


def check_expected_category(expectation: BaseModel, site_input: Mapping[str, Any]) -> list[str]:
    """An expected category the site has not, or an attribute its category has not, could never
    be matched: it would count against every model, silently."""
    categories = categories_of(site_input)
    category = getattr(expectation, "category", None)
    if not categories or category is None:
        return []
    option = categories.get(category)
    if option is None:
        return [f"expected: category {category!r} is not one of the site's categories"]
    if isinstance(expectation, CategorisedExpectation):
        keys = {attribute.key for attribute in option.attributes}
        unknown = sorted(set(expectation.attributes) - keys)
        if unknown:
            return [
                f"expected: {category} has no attribute {', '.join(map(repr, unknown))} "
                f"(it has {', '.join(sorted(keys)) or 'none'})"
            ]
    return []


# --- Comparing values ---------------------------------------------------------------------------


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
    expected: Mapping[str, Any], output: Mapping[str, Any] | None, site_input: Mapping[str, Any]
) -> dict[str, Any]:
    """Category, attributes and (when stated) condition of a listing assistant's answer."""
    expectation = ListingExpectation.model_validate(expected)
    scores = _category_and_attributes(expectation, output, categories_of(site_input))
    if expectation.stated("condition"):
        scores["condition"] = output is not None and output.get("condition") == (
            expectation.condition
        )
    scores["passed"] = scores["category"] and scores["attribute_f1"] >= PASS_F1
    return scores


def score_enrichment(
    expected: Mapping[str, Any], output: Mapping[str, Any] | None, site_input: Mapping[str, Any]
) -> dict[str, Any]:
    """Category, attributes and (when stated) the moderation verdict of an enrichment answer."""
    expectation = EnrichmentExpectation.model_validate(expected)
    scores = _category_and_attributes(expectation, output, categories_of(site_input))
    if expectation.stated("verdict"):
        verdict = (output or {}).get("moderation", {}).get("verdict")
        scores["verdict"] = output is not None and verdict == expectation.verdict
    scores["passed"] = scores["category"] and scores["attribute_f1"] >= PASS_F1
    return scores


def score_search(
    expected: Mapping[str, Any], output: Mapping[str, Any] | None, site_input: Mapping[str, Any]
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


# --- The figures they make, as the evaluation pages show them ------------------------------------

CATEGORY_FIGURES = (
    Figure("category_accuracy", "category accuracy", "rate", True),
    Figure("attribute_precision", "attribute precision", "rate", True),
    Figure("attribute_recall", "attribute recall", "rate", True),
    Figure("attribute_f1", "attribute F1", "rate", True),
)
LISTING_FIGURES = (
    *CATEGORY_FIGURES,
    Figure("condition_accuracy", "condition accuracy", "rate", True),
)
ENRICHMENT_FIGURES = (
    *CATEGORY_FIGURES,
    Figure("verdict_accuracy", "moderation verdict accuracy", "rate", True),
)
SEARCH_FIGURES = (
    Figure("category_accuracy", "category accuracy", "rate", True),
    Figure("filters_match_rate", "all filters right", "rate", True),
    Figure("keyword_precision", "keyword precision", "rate", True),
    Figure("keyword_recall", "keyword recall", "rate", True),
    Figure("keyword_f1", "keyword F1", "rate", True),
)
JUDGE_FIGURES = (
    Figure("judge_faithfulness", "judge: faithfulness", "grade", True),
    Figure("judge_clarity", "judge: clarity", "grade", True),
)
