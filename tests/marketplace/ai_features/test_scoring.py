"""Scoring one answer against its case: table-driven, no database. The comparison of values is
``llm``'s; the marketplace's scorers say what counts for a listing or a search."""

import pytest

from llm import features
from llm.evaluation.scoring import Counts, matches, normalise, score_case
from marketplace.ai_features.schemas import AttributeOption, CategoryOption
from marketplace.ai_features.scoring import (
    PASS_F1,
    attribute_counts,
    keyword_counts,
    score_enrichment,
    score_listing,
    score_search,
)

STORAGE = AttributeOption(key="storage_gb", numeric=True, unit="GB")
PHONES = CategoryOption(
    slug="phones",
    name="Phones",
    attributes=[AttributeOption(key="brand"), AttributeOption(key="model"), STORAGE],
)
SITE = {"categories": [PHONES.model_dump()]}  # what a run gives the model, as the scorers read it


@pytest.mark.parametrize(
    ("value", "option", "normalised"),
    [
        (64, None, 64.0),
        ("64", None, 64.0),
        ("12,5", None, 12.5),
        ("64 GB", STORAGE, 64.0),
        ("64 GB", None, "64 gb"),
        ("  Apple   iPhone ", None, "apple iphone"),
        (True, None, "true"),
        ("Größe M", None, "grösse m"),
    ],
)
def test_values_are_normalised_as_a_person_reads_them(value, option, normalised):
    assert normalise(value, option) == normalised


@pytest.mark.parametrize(
    ("expected", "answered", "option", "same"),
    [
        (300, 300.0, None, True),
        (300, 299.99, None, True),  # within a cent
        (300, 301, None, False),
        ("Apple", "apple", None, True),
        ("iPhone 12", "iPhone 12 Pro", None, False),
        (["Galaxy S21", "S21"], "s21", None, True),
        (["Galaxy S21", "S21"], "S22", None, False),
        (64, "64 GB", STORAGE, True),
        (None, None, None, True),
        (None, "Berlin", None, False),
        ("Berlin", None, None, False),
    ],
)
def test_an_answered_value_matches_the_expected_one(expected, answered, option, same):
    assert matches(expected, answered, option) is same


@pytest.mark.parametrize(
    ("counts", "precision", "recall", "f1"),
    [
        (Counts(tp=3, fp=1, fn=2), 0.75, 0.6, 2 * 0.75 * 0.6 / 1.35),
        (Counts(), 1.0, 1.0, 1.0),  # nothing expected, nothing answered: nothing wrong
        (Counts(fn=2), 0.0, 0.0, 0.0),  # answered nothing
        (Counts(fp=1), 0.0, 0.0, 0.0),  # invented something
        (Counts(tp=2), 1.0, 1.0, 1.0),
    ],
)
def test_precision_recall_and_f1_follow_from_the_counts(counts, precision, recall, f1):
    assert counts.precision == pytest.approx(precision)
    assert counts.recall == pytest.approx(recall)
    assert counts.f1 == pytest.approx(f1)


@pytest.mark.parametrize(
    ("expected", "answered", "counts"),
    [
        ({"brand": "Apple", "storage_gb": 64}, {"brand": "apple", "storage_gb": 64}, (2, 0, 0)),
        (
            {"brand": "Apple", "storage_gb": "64 GB"},
            {"brand": "Apple", "storage_gb": 128},
            (1, 1, 1),
        ),
        ({"brand": "Apple"}, {"brand": "Apple", "model": "iPhone 12"}, (1, 1, 0)),
        ({"brand": "Apple", "model": "iPhone 12"}, {}, (0, 0, 2)),
        ({"Brand": "Apple"}, {"brand": "Apple"}, (1, 0, 0)),
        ({}, {}, (0, 0, 0)),
    ],
)
def test_attributes_are_counted_as_key_value_pairs(expected, answered, counts):
    result = attribute_counts(expected, answered, PHONES)

    assert (result.tp, result.fp, result.fn) == counts


@pytest.mark.parametrize(
    ("expected", "answered", "counts"),
    [
        (["iphone"], ["iphone"], (1, 0, 0)),
        (["mountain bike"], ["mountain", "bike"], (2, 0, 0)),
        (["iPhone", "pro"], ["iphone"], (1, 0, 1)),
        ([], ["sofa"], (0, 1, 0)),
        (["e-bike"], ["e-bike"], (1, 0, 0)),
    ],
)
def test_keywords_are_compared_word_by_word(expected, answered, counts):
    result = keyword_counts(expected, answered)

    assert (result.tp, result.fp, result.fn) == counts


def listing_answer(category="phones", attributes=None, condition="good"):
    attributes = {"brand": "Apple", "model": "iPhone 12"} if attributes is None else attributes
    return {
        "title": "iPhone 12",
        "description": "",
        "category": category,
        "attributes": [{"key": key, "value": value} for key, value in attributes.items()],
        "condition": condition,
    }


IPHONE = {"category": "phones", "attributes": {"brand": "Apple", "model": "iPhone 12"}}


@pytest.mark.parametrize(
    ("expected", "answer", "category", "attribute_f1", "passed"),
    [
        (IPHONE, listing_answer(), True, 1.0, True),
        (IPHONE, listing_answer(category="electronics"), False, 1.0, False),
        # One of two attributes right and nothing invented: F1 2/3, above PASS_F1.
        (IPHONE, listing_answer(attributes={"brand": "Apple"}), True, 2 / 3, True),
        # One right, one wrong: F1 exactly 0.5, the threshold passes.
        (
            IPHONE,
            listing_answer(attributes={"brand": "Apple", "model": "iPhone 11"}),
            True,
            0.5,
            True,
        ),
        (IPHONE, listing_answer(attributes={}), True, 0.0, False),
        # Nothing to sell, nothing answered: a match.
        (
            {"category": None, "attributes": {}},
            listing_answer(category=None, attributes={}),
            True,
            1.0,
            True,
        ),
        # A failed call is a miss on everything, even on "no category".
        ({"category": None, "attributes": {}}, None, False, 0.0, False),
    ],
)
def test_a_listing_answer_passes_on_its_category_and_attributes(
    expected, answer, category, attribute_f1, passed
):
    scores = score_listing(expected, answer, SITE)

    assert scores["category"] is category
    assert scores["attribute_f1"] == pytest.approx(attribute_f1)
    assert scores["passed"] is passed
    assert PASS_F1 == 0.5


def test_the_condition_is_scored_only_when_the_case_states_it():
    stated = score_listing({**IPHONE, "condition": None}, listing_answer(condition="good"), {})
    unstated = score_listing(IPHONE, listing_answer(condition="good"), {})

    assert stated["condition"] is False
    assert "condition" not in unstated


def test_a_failed_listing_case_misses_every_expected_attribute():
    scores = score_listing({**IPHONE, "condition": "good"}, None, SITE)

    assert scores["attributes"] == {"tp": 0, "fp": 0, "fn": 2}
    assert scores["condition"] is False


SEARCH = {
    "category": "phones",
    "min_price": None,
    "max_price": 300,
    "city": "Berlin",
    "keywords": ["iphone"],
}


def search_answer(**overrides):
    return {
        "keywords": ["iphone"],
        "category": "phones",
        "min_price": None,
        "max_price": 300.0,
        "city": "Berlin",
        "condition": None,
        "sort": "price_asc",
        **overrides,
    }


@pytest.mark.parametrize(
    ("answer", "wrong_filters", "keyword_f1", "passed"),
    [
        (search_answer(), [], 1.0, True),
        (search_answer(city="berlin", max_price=299.99), [], 1.0, True),
        (search_answer(max_price=400), ["max_price"], 1.0, False),
        (search_answer(min_price=100), ["min_price"], 1.0, False),
        (search_answer(category=None), ["category"], 1.0, False),
        (search_answer(keywords=["iphone", "cheap", "berlin"]), [], 0.5, True),
        (search_answer(keywords=["phone"]), [], 0.0, False),
        (None, ["category", "city", "max_price", "min_price"], 0.0, False),
    ],
)
def test_a_search_answer_passes_when_every_stated_filter_and_the_keywords_match(
    answer, wrong_filters, keyword_f1, passed
):
    scores = score_search(SEARCH, answer, SITE)

    assert sorted(scores["filters"]) == ["category", "city", "max_price", "min_price"]
    assert sorted(name for name, right in scores["filters"].items() if not right) == wrong_filters
    assert scores["keyword_f1"] == pytest.approx(keyword_f1)
    assert scores["passed"] is passed


def test_a_search_case_without_keywords_scores_only_its_filters():
    scores = score_search({"sort": "price_asc"}, search_answer(keywords=["anything"]), {})

    assert scores == {"filters": {"sort": True}, "passed": True}


def test_the_moderation_verdict_is_scored_when_stated():
    answer = {"category": "phones", "attributes": [], "moderation": {"verdict": "review"}}

    right = score_enrichment({"category": "phones", "verdict": "review"}, answer, {})
    wrong = score_enrichment({"category": "phones", "verdict": "ok"}, answer, {})

    assert right["verdict"] is True
    assert wrong["verdict"] is False


def test_each_feature_scores_with_its_own_scorer():
    assert score_case(features.get("search_query"), SEARCH, search_answer(), {})["passed"] is True
    listing = score_case(features.get("listing_assistant"), IPHONE, listing_answer(), SITE)
    assert listing["category"] is True
