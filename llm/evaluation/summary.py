"""A run's figures from its results, and the difference between two runs. Pure functions.

Every rate is over all the run's cases, so a failed case (a timeout, an invalid answer) counts
against accuracy, recall and the pass rate: the figures say what people would have got.
Precision, recall and F1 of attributes and keywords are micro-averaged (the counts of all cases
added up, then the rates). Latency percentiles are nearest-rank over the cases whose call got
an answer or an error; a run's cost is unknown (None) as soon as one call's cost is.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from .scoring import Counts

JUDGE_NEEDS_A_REAL_MODEL = "n/a: needs a real model"


@dataclass(frozen=True)
class ResultRow:
    """What the summary reads of one finished result."""

    ok: bool
    passed: bool
    scores: dict[str, Any]
    tags: list[str] = field(default_factory=list)
    latency_ms: float | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost: Decimal | None = Decimal(0)
    error_kind: str = ""


def percentile(values: Iterable[float], p: float) -> float | None:
    """The nearest-rank ``p``-th percentile: the smallest value with at least p% at or below."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def rate(hits: int, of: int) -> float | None:
    return hits / of if of else None


def _share(rows: list[ResultRow], score: str) -> float | None:
    """How many of the rows that score ``score`` got it right."""
    scored = [row.scores[score] for row in rows if score in row.scores]
    return rate(sum(bool(value) for value in scored), len(scored))


def _counts(rows: list[ResultRow], score: str) -> Counts | None:
    total: Counts | None = None
    for row in rows:
        if score in row.scores:
            counts = Counts.from_dict(row.scores[score])
            total = counts if total is None else total + counts
    return total


def _judge(rows: list[ResultRow], note: str | None) -> dict[str, Any]:
    if note is not None:
        return {"note": note}
    grades = [row.scores["judge"] for row in rows if "judge" in row.scores]
    graded = [grade for grade in grades if "faithfulness" in grade]
    return {
        "judged": len(graded),
        "failed": len(grades) - len(graded),
        "faithfulness": statistics.fmean(g["faithfulness"] for g in graded) if graded else None,
        "clarity": statistics.fmean(g["clarity"] for g in graded) if graded else None,
        "input_tokens": sum(grade.get("input_tokens", 0) for grade in grades),
        "output_tokens": sum(grade.get("output_tokens", 0) for grade in grades),
        "cost_usd": _total_cost(grade.get("cost_usd") for grade in grades),
    }


def _total_cost(costs: Iterable[float | Decimal | None]) -> float | None:
    """The sum, or None (unknown) if any cost is unknown."""
    total = Decimal(0)
    for cost in costs:
        if cost is None:
            return None
        total += Decimal(str(cost))
    return float(total)


def summarise(rows: list[ResultRow], *, judge_note: str | None = None) -> dict[str, Any]:
    """The figures of a run from its finished results (see the module's docstring).

    ``judge_note`` says why there are no judge's grades ("n/a: needs a real model"); None when
    the run had a judge.
    """
    cases = len(rows)
    answered = [row for row in rows if row.ok]
    summary: dict[str, Any] = {
        "cases": cases,
        "answered": len(answered),
        "failed": cases - len(answered),
        "failed_by_kind": dict(Counter(row.error_kind for row in rows if not row.ok)),
        "category_accuracy": _share(rows, "category"),
        "condition_accuracy": _share(rows, "condition"),
        "verdict_accuracy": _share(rows, "verdict"),
        "schema_valid_rate": rate(len(answered), cases),
        "pass_rate": rate(sum(row.passed for row in rows), cases),
    }
    for name, prefix in (("attributes", "attribute"), ("keywords", "keyword")):
        counts = _counts(rows, name)
        summary[f"{prefix}_precision"] = counts.precision if counts else None
        summary[f"{prefix}_recall"] = counts.recall if counts else None
        summary[f"{prefix}_f1"] = counts.f1 if counts else None

    filters: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        for name, right in row.scores.get("filters", {}).items():
            filters[name].append(bool(right))
    summary["filter_accuracy"] = {
        name: rate(sum(values), len(values)) for name, values in sorted(filters.items())
    }
    all_right = sum(all(row.scores.get("filters", {}).values()) for row in rows)
    summary["filters_match_rate"] = rate(all_right, cases) if filters else None

    latencies = [row.latency_ms for row in rows if row.latency_ms is not None]
    summary["latency_p50_ms"] = percentile(latencies, 50)
    summary["latency_p95_ms"] = percentile(latencies, 95)
    summary["input_tokens"] = sum(row.input_tokens for row in rows)
    summary["output_tokens"] = sum(row.output_tokens for row in rows)
    summary["cost_usd"] = _total_cost(row.cost for row in rows)
    judge = _judge(rows, judge_note)
    summary["judge"] = judge
    summary["judge_faithfulness"] = judge.get("faithfulness")
    summary["judge_clarity"] = judge.get("clarity")
    summary["by_tag"] = by_tag(rows)
    return summary


def by_tag(rows: list[ResultRow]) -> dict[str, dict[str, Any]]:
    """Cases, category accuracy, pass rate and failures of the cases with each tag."""
    tagged: dict[str, list[ResultRow]] = defaultdict(list)
    for row in rows:
        for tag in row.tags:
            tagged[tag].append(row)
    return {
        tag: {
            "cases": len(group),
            "category_accuracy": _share(group, "category"),
            "pass_rate": rate(sum(row.passed for row in group), len(group)),
            "failed": sum(not row.ok for row in group),
        }
        for tag, group in sorted(tagged.items())
    }


# --- Showing and comparing figures ---------------------------------------------------------------

Kind = Literal["rate", "ms", "count", "usd", "grade"]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    kind: Kind
    higher_is_better: bool

    def format(self, value: Any) -> str:
        if value is None:
            return "–"
        if self.kind == "rate":
            return f"{value:.3f}"
        if self.kind == "ms":
            return f"{value:,.1f} ms"
        if self.kind == "usd":
            return f"${value:,.6f}"
        if self.kind == "grade":
            return f"{value:.2f} / 5"
        return f"{value:,}"

    def shown_precision(self, delta: float) -> float:
        """``delta`` rounded as it is shown (and never ``-0.0``)."""
        places = {"rate": 3, "ms": 1, "usd": 6, "grade": 2}.get(self.kind, 0)
        return round(delta, places) + 0.0

    def format_delta(self, delta: float) -> str:
        delta = self.shown_precision(delta)
        if self.kind not in {"rate", "ms", "usd", "grade"}:
            delta = int(delta)
        if self.kind == "rate":
            return f"{delta:+.3f}"
        if self.kind == "ms":
            return f"{delta:+,.1f} ms"
        if self.kind == "usd":
            return f"{delta:+,.6f}"
        if self.kind == "grade":
            return f"{delta:+.2f}"
        return f"{delta:+,}"


FIGURES = [
    Figure("category_accuracy", "category accuracy", "rate", True),
    Figure("attribute_precision", "attribute precision", "rate", True),
    Figure("attribute_recall", "attribute recall", "rate", True),
    Figure("attribute_f1", "attribute F1", "rate", True),
    Figure("condition_accuracy", "condition accuracy", "rate", True),
    Figure("verdict_accuracy", "moderation verdict accuracy", "rate", True),
    Figure("filters_match_rate", "all filters right", "rate", True),
    Figure("keyword_precision", "keyword precision", "rate", True),
    Figure("keyword_recall", "keyword recall", "rate", True),
    Figure("keyword_f1", "keyword F1", "rate", True),
    Figure("schema_valid_rate", "schema-valid rate", "rate", True),
    Figure("pass_rate", "pass rate", "rate", True),
    Figure("failed", "failed cases", "count", False),
    Figure("latency_p50_ms", "latency p50", "ms", False),
    Figure("latency_p95_ms", "latency p95", "ms", False),
    Figure("input_tokens", "input tokens", "count", False),
    Figure("output_tokens", "output tokens", "count", False),
    Figure("cost_usd", "cost", "usd", False),
    Figure("judge_faithfulness", "judge: faithfulness", "grade", True),
    Figure("judge_clarity", "judge: clarity", "grade", True),
]
FIGURES_BY_KEY = {figure.key: figure for figure in FIGURES}


@dataclass(frozen=True)
class FigureRow:
    figure: Figure
    value: Any

    @property
    def label(self) -> str:
        return self.figure.label

    @property
    def shown(self) -> str:
        return self.figure.format(self.value)


def figure_rows(summary: dict[str, Any]) -> list[FigureRow]:
    """The figures this summary has (a search run has no attribute figures), in display order."""
    return [
        FigureRow(figure, summary[figure.key])
        for figure in FIGURES
        if summary.get(figure.key) is not None
    ]


@dataclass(frozen=True)
class Delta:
    figure: Figure
    before: Any
    after: Any

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def direction(self) -> str:
        """ "better", "worse" or "same", by the figure's direction."""
        change = self.change
        # A change too small to show (0.04 ms reads "+0.0 ms") is no change.
        if change is None or self.figure.shown_precision(change) == 0:
            return "same"
        return "better" if (change > 0) == self.figure.higher_is_better else "worse"

    @property
    def shown_before(self) -> str:
        return self.figure.format(self.before)

    @property
    def shown_after(self) -> str:
        return self.figure.format(self.after)

    @property
    def shown_change(self) -> str:
        change = self.change
        return "–" if change is None else self.figure.format_delta(change)


def deltas(before: dict[str, Any], after: dict[str, Any]) -> list[Delta]:
    """Each figure either summary has, from ``before`` to ``after``."""
    return [
        Delta(figure, before.get(figure.key), after.get(figure.key))
        for figure in FIGURES
        if before.get(figure.key) is not None or after.get(figure.key) is not None
    ]
