"""Scoring one answer against what its case expected. Pure functions: no database, no model.

A feature says what its cases may expect (``Feature.expectation``, a pydantic model; the same
model checks a dataset's lines when it is loaded) and how an answer is scored
(``Feature.scorer``). A feature that says neither gets ``compare_fields``: a case states any of
the output schema's fields, and each stated field is compared with the answer's.

Values are compared after normalising both sides (``normalise``): text case-insensitively with
spaces collapsed, numbers as numbers within a small tolerance (so ``64``, ``64.0``, ``"64"``
match). An expected value may be a list of acceptable values. A case whose call failed has no
answer: it scores as a miss on everything it expected.

Scores are a dict that ``llm.evaluation.summary`` reads by the type of each value: ``passed``
(the case passed), a boolean (right or not: an ``<name>_accuracy``), counts ``{"tp", "fp",
"fn"}`` (``<name>_precision``, ``_recall``, ``_f1``), a dict of booleans (each part right or
not: ``<name>_accuracy`` per part and ``<name>_match_rate``, the share with all right), and
``judge`` (a judge's grades).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, create_model

if TYPE_CHECKING:
    from ..features import Feature

# Float noise and cents, not real differences: 299.99 matches 300, 301 does not.
RELATIVE_TOLERANCE = 1e-4
ABSOLUTE_TOLERANCE = 0.01

Scalar = str | int | float | bool
Normalised = str | float

_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


# --- Comparing values ---------------------------------------------------------------------------


def normalise(value: Scalar, option: Any = None) -> Normalised:
    """``value`` in a form that compares as a person would: numbers as floats, text folded.

    ``option`` says more about the value when a feature knows it: when its ``numeric`` is true,
    the first number in a text counts ("64 GB" → 64.0).
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


# --- What a case expects, and the generic scorer -------------------------------------------------


class Expectation(BaseModel):
    """The base of what a case may expect: nothing extra, and a note that is not scored."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", description="Why the case expects this; not scored.")

    def stated(self, field: str) -> bool:
        """Whether the case says anything about ``field`` (left out: not scored)."""
        return field in self.model_fields_set


def expectation_of(feature: Feature) -> type[BaseModel]:
    """What a case of ``feature`` may expect: its own model, or each of its output's fields,
    optional (a value, a list of acceptable values, or null)."""
    if feature.expectation is not None:
        return feature.expectation
    # Any value (a scalar, a list of acceptable ones, a nested object) or null, defaulting to null.
    fields: dict[str, Any] = dict.fromkeys(feature.output_schema.model_fields, (Any, None))
    return create_model(
        f"{feature.output_schema.__name__}Expectation", __base__=Expectation, **fields
    )


def _same_value(expected: Any, answered: Any) -> bool:
    if isinstance(answered, dict | list) and not isinstance(expected, list):
        return _canonical(expected) == _canonical(answered)
    if isinstance(expected, list) and isinstance(answered, list):
        return _canonical(expected) == _canonical(answered)
    if isinstance(expected, dict) or isinstance(answered, dict):
        return _canonical(expected) == _canonical(answered)
    return matches(expected, answered)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def compare_fields(
    expected: Mapping[str, Any], output: Mapping[str, Any] | None, site_input: Mapping[str, Any]
) -> dict[str, Any]:
    """Each field the case states, right or not; the case passes when all of them are."""
    fields = {
        name: output is not None and name in output and _same_value(value, output[name])
        for name, value in expected.items()
        if name != "note"
    }
    return {"fields": fields, "passed": output is not None and all(fields.values())}


def score_case(
    feature: Feature,
    expected: Mapping[str, Any],
    output: Mapping[str, Any] | None,
    site_input: Mapping[str, Any],
) -> dict[str, Any]:
    """The scores of one answer (``output``; None when the call failed), with ``passed``."""
    scorer = feature.scorer or compare_fields
    return scorer(expected, output, site_input)
