"""Scores on calls: what people, judges and rules said about an answer, as numbers.

A score is a row of its own attached to an ``LLMCall`` (``Score``), as Langfuse keeps them: a
name, a value, where it came from (a person, a judge prompt, a rule of the site) and a comment.
Every name is declared once with its range, a ``Scale``, so that a typo or a value outside the
range is refused where it is written, not discovered in an average later. Features declare the
scales of their own (``llm.Feature(scores=...)``: the listing assistant's seller reactions, the
judge's grades); ``GENERIC_SCALES`` are those any call may get from staff.

Declaring lives in code, not in a table, so that checking a score costs no query: recording one
is exactly one ``INSERT``, which is what a web request that records a reaction can afford.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """A score's name and the range its values must fall in (both ends included)."""

    name: str
    minimum: float
    maximum: float
    description: str = ""

    def __post_init__(self) -> None:
        if self.minimum > self.maximum:
            raise ValueError(f"score {self.name!r}: minimum {self.minimum} > {self.maximum}")

    def problem(self, value: float) -> str | None:
        """Why ``value`` is not a score on this scale (None: it is)."""
        if not self.minimum <= value <= self.maximum:
            return (
                f"{value:g} is outside the range of {self.name!r}: "
                f"{self.minimum:g} to {self.maximum:g}"
            )
        return None


GENERIC_SCALES = (
    Scale("rating", 1, 5, "A person's grade of the answer, 1 (useless) to 5 (right as it is)."),
    Scale("correct", 0, 1, "Whether the answer was right: 1 yes, 0 no."),
)


class ScoreError(ValueError):
    """A score that cannot be recorded: an undeclared name or a value outside its range."""


def scales() -> dict[str, Scale]:
    """Every declared scale by name: the generic ones and those of the registered features."""
    from . import features

    found = {scale.name: scale for scale in GENERIC_SCALES}
    for feature in features.all_features():
        for scale in feature.scores:
            if found.get(scale.name, scale) != scale:
                raise ScoreError(f"score {scale.name!r} is declared twice with different ranges")
            found[scale.name] = scale
    return found


def check_score(name: str, value: float) -> Scale:
    """The scale of ``name`` if ``value`` fits it; ``ScoreError`` saying why not otherwise."""
    known = scales()
    scale = known.get(name)
    if scale is None:
        raise ScoreError(f"no score named {name!r} (declared: {', '.join(sorted(known))})")
    problem = scale.problem(value)
    if problem:
        raise ScoreError(problem)
    return scale
