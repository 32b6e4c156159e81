"""How an evaluation figure is shown and compared: its label, its kind, its direction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

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
