"""A run's figures from its results, and the difference between two runs. Pure functions.

Every rate is over all the run's cases, so a failed case (a timeout, an invalid answer) counts
against accuracy, recall and the pass rate: the figures say what people would have got. Which
figures a run has follows from its scores (``scoring``): an accuracy per right-or-not score,
precision, recall and F1 per counted score (micro-averaged: the counts of all cases added up,
then the rates), per-part accuracies and a match rate per score of parts. Latency percentiles
are nearest-rank over the cases whose call got an answer or an error; a run's cost is unknown
(None) as soon as one call's cost is.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .figures import Figure, Kind
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


def _is_counts(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= {"tp", "fp", "fn"}


def _kinds(rows: list[ResultRow]) -> tuple[list[str], list[str], list[str]]:
    """The score names of the rows by what they hold: right-or-not, counts, parts right-or-not
    (see ``scoring``), in order of first appearance."""
    booleans: dict[str, None] = {}
    counts: dict[str, None] = {}
    parts: dict[str, None] = {}
    for row in rows:
        for name, value in row.scores.items():
            if name in ("passed", "judge"):
                continue
            if isinstance(value, bool):
                booleans[name] = None
            elif _is_counts(value):
                counts[name] = None
            elif isinstance(value, dict) and all(isinstance(v, bool) for v in value.values()):
                parts[name] = None
    return list(booleans), list(counts), list(parts)


def _singular(name: str) -> str:
    """``keywords`` → ``keyword``: the figures of counts and parts are named per item."""
    return name.removesuffix("s")


def _judge(rows: list[ResultRow], note: str | None) -> dict[str, Any]:
    """The judge's grades, averaged over the graded cases (each grade a number in its output)."""
    if note is not None:
        return {"note": note}
    grades = [row.scores["judge"] for row in rows if "judge" in row.scores]
    graded = [grade for grade in grades if "error" not in grade]
    names = dict.fromkeys(
        name
        for grade in graded
        for name, value in grade.items()
        if name not in JUDGE_ACCOUNTING
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    )
    return {
        "judged": len(graded),
        "failed": len(grades) - len(graded),
        **{
            name: statistics.fmean(g[name] for g in graded if name in g) if graded else None
            for name in names
        },
        "input_tokens": sum(grade.get("input_tokens", 0) for grade in grades),
        "output_tokens": sum(grade.get("output_tokens", 0) for grade in grades),
        "cost_usd": _total_cost(grade.get("cost_usd") for grade in grades),
    }


JUDGE_ACCOUNTING = ("input_tokens", "output_tokens", "cost_usd")


def _total_cost(costs: Iterable[float | Decimal | None]) -> float | None:
    """The sum, or None (unknown) if any cost is unknown."""
    total = Decimal(0)
    for cost in costs:
        if cost is None:
            return None
        total += Decimal(str(cost))
    return float(total)


def summarise(
    rows: list[ResultRow], *, judge_note: str | None = None, accuracy: str = ""
) -> dict[str, Any]:
    """The figures of a run from its finished results (see the module's docstring).

    ``judge_note`` says why there are no judge's grades ("n/a: needs a real model"); None when
    the run had a judge. ``accuracy`` names the figure the per-tag table shows beside the pass
    rate (the feature's ``accuracy_figure``).
    """
    summary = _figures(rows)
    judge = _judge(rows, judge_note)
    summary["judge"] = judge
    for name, value in judge.items():
        if name not in ("note", "judged", "failed", *JUDGE_ACCOUNTING):
            summary[f"judge_{name}"] = value
    summary["by_tag"] = by_tag(rows, accuracy)
    return summary


def _figures(rows: list[ResultRow]) -> dict[str, Any]:
    cases = len(rows)
    answered = [row for row in rows if row.ok]
    summary: dict[str, Any] = {
        "cases": cases,
        "answered": len(answered),
        "failed": cases - len(answered),
        "failed_by_kind": dict(Counter(row.error_kind for row in rows if not row.ok)),
        "schema_valid_rate": rate(len(answered), cases),
        "pass_rate": rate(sum(row.passed for row in rows), cases),
    }
    booleans, counts, parts = _kinds(rows)
    for name in booleans:
        summary[f"{name}_accuracy"] = _share(rows, name)
    for name in counts:
        total = _counts(rows, name)
        for figure in ("precision", "recall", "f1"):
            summary[f"{_singular(name)}_{figure}"] = getattr(total, figure) if total else None
    for name in parts:
        right: dict[str, list[bool]] = defaultdict(list)
        for row in rows:
            for part, value in row.scores.get(name, {}).items():
                right[part].append(bool(value))
        summary[f"{_singular(name)}_accuracy"] = {
            part: rate(sum(values), len(values)) for part, values in sorted(right.items())
        }
        all_right = sum(all(row.scores.get(name, {}).values()) for row in rows)
        summary[f"{name}_match_rate"] = rate(all_right, cases)

    latencies = [row.latency_ms for row in rows if row.latency_ms is not None]
    summary["latency_p50_ms"] = percentile(latencies, 50)
    summary["latency_p95_ms"] = percentile(latencies, 95)
    summary["input_tokens"] = sum(row.input_tokens for row in rows)
    summary["output_tokens"] = sum(row.output_tokens for row in rows)
    summary["cost_usd"] = _total_cost(row.cost for row in rows)
    return summary


def by_tag(rows: list[ResultRow], accuracy: str = "") -> dict[str, dict[str, Any]]:
    """Cases, the accuracy figure, pass rate and failures of the cases with each tag."""
    tagged: dict[str, list[ResultRow]] = defaultdict(list)
    for row in rows:
        for tag in row.tags:
            tagged[tag].append(row)
    table = {}
    for tag, group in sorted(tagged.items()):
        figures = _figures(group)
        table[tag] = {
            "cases": len(group),
            **({accuracy: figures.get(accuracy)} if accuracy else {}),
            "pass_rate": figures["pass_rate"],
            "failed": figures["failed"],
        }
    return table


# --- Showing and comparing figures ---------------------------------------------------------------

# Every run's figures, after a feature's own (``Feature.figures``).
FIGURES = [
    Figure("schema_valid_rate", "schema-valid rate", "rate", True),
    Figure("pass_rate", "pass rate", "rate", True),
    Figure("failed", "failed cases", "count", False),
    Figure("latency_p50_ms", "latency p50", "ms", False),
    Figure("latency_p95_ms", "latency p95", "ms", False),
    Figure("input_tokens", "input tokens", "count", False),
    Figure("output_tokens", "output tokens", "count", False),
    Figure("cost_usd", "cost", "usd", False),
]
_NOT_FIGURES = {"cases", "answered", "failed_by_kind", "judge", "by_tag", "partial"}


def figures_for(summary: dict[str, Any], own: Iterable[Figure] = ()) -> list[Figure]:
    """The figures to show of ``summary``: a feature's ``own``, then every run's, then any other
    number it holds (a rate, a judge's grade), labelled from its key."""
    chosen = {figure.key: figure for figure in [*own, *FIGURES]}
    for key, value in summary.items():
        if key in chosen or key in _NOT_FIGURES:
            continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            label = key.replace("_", " ").replace("judge ", "judge: ")
            kind: Kind = "grade" if key.startswith("judge_") else "rate"
            chosen[key] = Figure(key, label, kind, True)
    return list(chosen.values())


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


def figure_rows(summary: dict[str, Any], own: Iterable[Figure] = ()) -> list[FigureRow]:
    """The figures this summary has (a run has only those its scores make), in display order;
    ``own``: the feature's figures, shown first."""
    return [
        FigureRow(figure, summary[figure.key])
        for figure in figures_for(summary, own)
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


def deltas(
    before: dict[str, Any], after: dict[str, Any], own: Iterable[Figure] = ()
) -> list[Delta]:
    """Each figure either summary has, from ``before`` to ``after``."""
    shown = {figure.key: figure for figure in figures_for(before, own)}
    shown.update({f.key: f for f in figures_for(after, own) if f.key not in shown})
    return [
        Delta(figure, before.get(figure.key), after.get(figure.key))
        for figure in shown.values()
        if before.get(figure.key) is not None or after.get(figure.key) is not None
    ]
