"""A run's figures from its results, computed by hand. No database."""

from decimal import Decimal

import pytest

from llm.evaluation.figures import Figure
from llm.evaluation.summary import (
    FIGURES,
    JUDGE_NEEDS_A_REAL_MODEL,
    ResultRow,
    deltas,
    figure_rows,
    percentile,
    summarise,
)


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        (list(range(1, 11)), 50, 5),
        (list(range(1, 11)), 95, 10),
        (list(range(1, 21)), 95, 19),
        (list(range(1, 21)), 50, 10),
        ([7.5], 95, 7.5),
        ([3, 1, 2], 50, 2),
        ([], 50, None),
    ],
)
def test_percentiles_are_nearest_rank(values, p, expected):
    assert percentile(values, p) == expected


def listing_row(category, tp, fp, fn, *, passed, tags=(), latency=100.0, cost="0.001", **kw):
    return ResultRow(
        ok=kw.pop("ok", True),
        passed=passed,
        scores={"category": category, "attributes": {"tp": tp, "fp": fp, "fn": fn}, **kw},
        tags=list(tags),
        latency_ms=latency,
        input_tokens=100,
        output_tokens=20,
        cost=None if cost is None else Decimal(cost),
    )


ROWS = [
    listing_row(True, 3, 0, 1, passed=True, tags=["typos"], latency=100, condition=True),
    listing_row(True, 2, 1, 0, passed=True, tags=["typos", "hostile"], latency=300),
    listing_row(False, 0, 1, 2, passed=False, tags=["hostile"], latency=200, condition=False),
    ResultRow(
        ok=False,
        passed=False,
        scores={"category": False, "attributes": {"tp": 0, "fp": 0, "fn": 2}},
        tags=["hostile"],
        latency_ms=2000,
        cost=Decimal("0.0005"),
        error_kind="timeout",
    ),
]


def test_a_run_is_summarised_over_all_its_cases():
    summary = summarise(ROWS, judge_note=JUDGE_NEEDS_A_REAL_MODEL)

    assert summary["cases"] == 4
    assert summary["answered"] == 3
    assert summary["failed"] == 1
    assert summary["failed_by_kind"] == {"timeout": 1}
    assert summary["category_accuracy"] == 2 / 4  # the timeout counts as a miss
    # Micro-averaged: tp 5, fp 2, fn 5 over the four cases.
    assert summary["attribute_precision"] == pytest.approx(5 / 7)
    assert summary["attribute_recall"] == pytest.approx(5 / 10)
    assert summary["attribute_f1"] == pytest.approx(2 * 5 / (2 * 5 + 2 + 5))
    assert summary["condition_accuracy"] == 1 / 2  # only two cases state a condition
    assert summary["schema_valid_rate"] == 3 / 4
    assert summary["pass_rate"] == 2 / 4
    assert summary["latency_p50_ms"] == 200
    assert summary["latency_p95_ms"] == 2000
    assert (summary["input_tokens"], summary["output_tokens"]) == (300, 60)
    assert summary["cost_usd"] == pytest.approx(0.0035)
    # Only the figures the scores make: this run states no keywords and no filters.
    assert "keyword_f1" not in summary
    assert "filters_match_rate" not in summary
    assert summary["judge"] == {"note": "n/a: needs a real model"}


def test_figures_are_broken_down_by_tag():
    by_tag = summarise(ROWS, accuracy="category_accuracy")["by_tag"]

    assert list(by_tag) == ["hostile", "typos"]
    assert by_tag["typos"] == {"cases": 2, "category_accuracy": 1.0, "pass_rate": 1.0, "failed": 0}
    assert by_tag["hostile"] == {
        "cases": 3,
        "category_accuracy": 1 / 3,
        "pass_rate": 1 / 3,
        "failed": 1,
    }


def test_the_cost_is_unknown_when_one_call_had_no_price():
    rows = [*ROWS, listing_row(True, 1, 0, 0, passed=True, cost=None)]

    assert summarise(rows)["cost_usd"] is None


def test_search_figures_come_from_the_filters_and_keywords():
    rows = [
        ResultRow(
            ok=True,
            passed=True,
            scores={
                "filters": {"category": True, "max_price": True},
                "category": True,
                "keywords": {"tp": 1, "fp": 0, "fn": 0},
            },
        ),
        ResultRow(
            ok=True,
            passed=False,
            scores={
                "filters": {"category": False, "max_price": True},
                "category": False,
                "keywords": {"tp": 1, "fp": 2, "fn": 1},
            },
        ),
    ]

    summary = summarise(rows)

    assert summary["filter_accuracy"] == {"category": 0.5, "max_price": 1.0}
    assert summary["filters_match_rate"] == 0.5
    assert summary["keyword_precision"] == pytest.approx(2 / 4)
    assert summary["keyword_recall"] == pytest.approx(2 / 3)
    assert "attribute_f1" not in summary


def test_the_judges_grades_are_averaged_over_the_graded_cases():
    grades = [
        {
            "faithfulness": 5,
            "clarity": 4,
            "input_tokens": 300,
            "output_tokens": 30,
            "cost_usd": 0.1,
        },
        {
            "faithfulness": 2,
            "clarity": 3,
            "input_tokens": 300,
            "output_tokens": 30,
            "cost_usd": 0.1,
        },
        {"error": "the answer is not JSON", "input_tokens": 0, "output_tokens": 0, "cost_usd": 0},
    ]
    rows = [ResultRow(ok=True, passed=True, scores={"judge": grade}) for grade in grades]

    judge = summarise(rows)["judge"]

    assert judge["judged"] == 2
    assert judge["failed"] == 1
    assert judge["faithfulness"] == 3.5
    assert judge["clarity"] == 3.5
    assert judge["cost_usd"] == pytest.approx(0.2)


def test_deltas_are_better_or_worse_by_each_figures_direction():
    before = {"category_accuracy": 0.8, "latency_p50_ms": 300.0, "pass_rate": 0.7, "failed": 2}
    after = {"category_accuracy": 0.85, "latency_p50_ms": 350.0, "pass_rate": 0.7, "failed": 0}

    changes = {delta.figure.key: delta for delta in deltas(before, after)}

    assert changes["category_accuracy"].direction == "better"
    assert changes["category_accuracy"].shown_change == "+0.050"
    assert changes["latency_p50_ms"].direction == "worse"
    assert changes["latency_p50_ms"].shown_change == "+50.0 ms"
    assert changes["pass_rate"].direction == "same"
    assert changes["failed"].direction == "better"
    assert "attribute_f1" not in changes


def test_a_change_too_small_to_show_is_no_change():
    before = {"latency_p95_ms": 0.86, "category_accuracy": 0.7004}
    after = {"latency_p95_ms": 0.82, "category_accuracy": 0.7}

    changes = {delta.figure.key: delta for delta in deltas(before, after)}

    assert changes["latency_p95_ms"].shown_change == "+0.0 ms"  # not "-0.0 ms"
    assert changes["latency_p95_ms"].direction == "same"
    assert changes["category_accuracy"].shown_change == "+0.000"
    assert changes["category_accuracy"].direction == "same"


def test_only_the_figures_a_summary_has_are_shown():
    own = (
        Figure("category_accuracy", "category accuracy", "rate", True),
        Figure("attribute_f1", "attribute F1", "rate", True),
    )
    rows = figure_rows({"category_accuracy": 0.5, "attribute_f1": None, "cost_usd": 0.0012}, own)

    assert [(row.label, row.shown) for row in rows] == [
        ("category accuracy", "0.500"),
        ("cost", "$0.001200"),
    ]
    by_key = {figure.key: figure for figure in FIGURES}
    assert by_key["latency_p95_ms"].format(1234.56) == "1,234.6 ms"


def test_figures_a_feature_does_not_name_are_shown_with_a_label_from_their_key():
    summary = summarise(
        [
            ResultRow(ok=True, passed=True, scores={"fields": {"label": True}, "passed": True}),
            ResultRow(ok=True, passed=False, scores={"fields": {"label": False}, "passed": False}),
        ]
    )

    assert summary["field_accuracy"] == {"label": 0.5}
    shown = {row.label: row.shown for row in figure_rows(summary)}
    assert shown["fields match rate"] == "0.500"
    assert shown["pass rate"] == "0.500"
