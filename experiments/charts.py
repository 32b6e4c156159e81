"""Charts of results as inline SVG, drawn on the server: no JavaScript library, no CDN.

Two charts, both of relative lifts with their confidence intervals:

- ``forest_plot``: one row per metric and treatment, a point at the estimate and a bar across the
  interval, against a vertical line at zero;
- ``lift_over_time``: the cumulative lift by day, a line through the estimates inside a band
  between the interval's bounds, against a horizontal line at zero.

Every text that goes into the SVG is escaped; every number is finite (a point without an estimate
is drawn as a note, never as NaN).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Colours of Django's admin, so the charts sit well in its pages.
GOOD = "#2e7d32"
BAD = "#ba2121"
NEUTRAL = "#417690"
GRID = "#e1e1e1"
AXIS = "#666"
TEXT = "#333"
SERIES = ("#417690", "#c77c02", "#6f42c1", "#2e7d32")
TONES = {"good": GOOD, "bad": BAD, "neutral": NEUTRAL}
FONT = 'font-family="-apple-system, Segoe UI, Roboto, sans-serif" font-size="12"'


@dataclass(frozen=True)
class Interval:
    """One row of a forest plot. ``tone`` is good, bad or neutral (not significant)."""

    label: str
    estimate: float | None
    low: float | None = None
    high: float | None = None
    tone: str = "neutral"
    note: str = ""  # shown instead of the interval when there is none, and as the tooltip
    value_text: str = ""  # the formatted estimate, shown at the right


@dataclass(frozen=True)
class DayPoint:
    day: date
    estimate: float | None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class _Scale:
    """A linear map from values to pixels, with round tick values."""

    low: float
    high: float
    start: float  # pixel of ``low``
    end: float  # pixel of ``high``
    ticks: tuple[float, ...]
    step: float

    @classmethod
    def nice(cls, values: Sequence[float], start: float, end: float) -> _Scale:
        low, high = min([0.0, *values]), max([0.0, *values])
        if high - low < 1e-9:
            low, high = low - 0.01, high + 0.01
        step = _nice_step((high - low) / 5)
        low, high = math.floor(low / step) * step, math.ceil(high / step) * step
        count = round((high - low) / step)
        ticks = tuple(low + i * step for i in range(count + 1))
        return cls(low, high, start, end, ticks, step)

    def __call__(self, value: float) -> float:
        return self.start + (value - self.low) / (self.high - self.low) * (self.end - self.start)

    def is_zero(self, tick: float) -> bool:
        return abs(tick) < self.step / 1e6

    def label(self, value: float) -> str:
        decimals = max(0, -math.floor(math.log10(self.step * 100) + 1e-9))
        rounded = round(100 * value, decimals)
        sign = "+" if rounded > 0 else ("\N{MINUS SIGN}" if rounded < 0 else "")
        return f"{sign}{abs(rounded):.{decimals}f}%"


def _nice_step(raw: float) -> float:
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw - 1e-12)


def _n(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(f"a chart coordinate must be a finite number, not {value!r}")
    return f"{value:.1f}"


def _text(x: float, y: float, content: str, *, anchor: str = "start", fill: str = TEXT) -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" fill="{fill}">'
        f"{escape(content)}</text>"
    )


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    # Safe: every text in the body went through escape(), every number through _n().
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" {FONT}>'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def forest_plot(rows: Sequence[Interval], *, title: str, width: int = 760) -> SafeString:
    """Each row's estimate as a point and its interval as a bar, with a line at zero."""
    row_height, top, bottom = 30, 12, 36
    label_width, value_width = 250, 90
    height = top + bottom + row_height * max(1, len(rows))
    values = [v for r in rows for v in (r.low, r.high, r.estimate) if v is not None]
    scale = _Scale.nice(values, label_width + 10, width - value_width - 10)
    body = _axis_x(scale, top, height - bottom)
    if not rows:
        body.append(_text((scale.start + scale.end) / 2, top + 18, "No metrics", anchor="middle"))
    for i, row in enumerate(rows):
        y = top + row_height * i + row_height / 2
        body.append(_text(label_width, y + 4, _clip(row.label, 38), anchor="end"))
        if row.estimate is None or row.low is None or row.high is None:
            body.append(_text(scale(0) + 8, y + 4, row.note or "not enough data", fill=AXIS))
            continue
        colour = TONES.get(row.tone, NEUTRAL)
        x_low, x_high, x = scale(row.low), scale(row.high), scale(row.estimate)
        tip = escape(row.note or row.label)
        body.append(
            f'<g class="interval"><title>{tip}</title>'
            f'<line x1="{_n(x_low)}" y1="{_n(y)}" x2="{_n(x_high)}" y2="{_n(y)}" '
            f'stroke="{colour}" stroke-width="3" stroke-linecap="round"/>'
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="5" fill="{colour}"/></g>'
        )
        if row.value_text:
            body.append(_text(width - value_width + 4, y + 4, row.value_text, fill=colour))
    return _svg(width, height, title, body)


def _grid_line(x1: float, y1: float, x2: float, y2: float, *, is_zero: bool) -> str:
    style = (
        f'stroke="{AXIS}" stroke-dasharray="4 3" class="zero"' if is_zero else f'stroke="{GRID}"'
    )
    return f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" {style}/>'


def _axis_x(scale: _Scale, top: float, bottom: float) -> list[str]:
    parts = []
    for tick in scale.ticks:
        x = scale(tick)
        parts.append(_grid_line(x, top, x, bottom, is_zero=scale.is_zero(tick)))
        parts.append(_text(x, bottom + 16, scale.label(tick), anchor="middle", fill=AXIS))
    return parts


def lift_over_time(
    series: Sequence[tuple[str, Sequence[DayPoint]]],
    *,
    title: str,
    width: int = 760,
    height: int = 260,
) -> SafeString:
    """Each series' cumulative lift by day: a line through the estimates in its interval band."""
    left, right, top, bottom = 60, 20, 14, 46
    days = sorted({p.day for _, points in series for p in points})
    # The first days' intervals, on a handful of units, can be ten times wider than the settled
    # ones; scaled to them the settled lift would be a flat line. With five days or more, the
    # axis fits the days after the first fifth, and what lies beyond it is clipped.
    settled_from = days[len(days) // 5] if len(days) >= 5 else None
    values = [
        v
        for _, points in series
        for p in points
        if settled_from is None or p.day >= settled_from
        for v in (p.low, p.high, p.estimate)
        if v is not None
    ]
    y = _Scale.nice(values, height - bottom, top)
    clip_id = "plot-" + hashlib.sha1(title.encode()).hexdigest()[:8]
    body = []
    for tick in y.ticks:
        body.append(_grid_line(left, y(tick), width - right, y(tick), is_zero=y.is_zero(tick)))
        body.append(_text(left - 6, y(tick) + 4, y.label(tick), anchor="end", fill=AXIS))
    if not days:
        body.append(_text((left + width - right) / 2, height / 2, "No days yet", anchor="middle"))
        return _svg(width, height, title, body)

    first = days[0]
    span = max((days[-1] - first).days, 1)

    def x(day: date) -> float:
        if len(days) == 1:
            return (left + width - right) / 2
        return left + (day - first).days / span * (width - left - right)

    every = max(1, math.ceil(len(days) / 8))
    for i, day in enumerate(days):
        if i % every == 0 or day == days[-1]:
            label = f"{day.day} {day:%b}"
            body.append(_text(x(day), height - bottom + 18, label, anchor="middle", fill=AXIS))

    body.append(
        f'<clipPath id="{clip_id}"><rect x="{left}" y="{top}" '
        f'width="{width - left - right}" height="{height - top - bottom}"/></clipPath>'
    )
    clipped = False
    for index, (name, points) in enumerate(series):
        colour = SERIES[index % len(SERIES)]
        clipped = clipped or any(
            v is not None and not y.low <= v <= y.high
            for p in points
            for v in (p.low, p.high, p.estimate)
        )
        # (x, estimate, low, high) in pixels, for the days with an interval
        drawn = [
            (x(p.day), y(p.estimate), y(p.low), y(p.high))
            for p in sorted(points, key=lambda p: p.day)
            if p.estimate is not None and p.low is not None and p.high is not None
        ]
        if not drawn:
            continue
        upper = " ".join(f"{_n(px)},{_n(high)}" for px, _, _, high in drawn)
        lower = " ".join(f"{_n(px)},{_n(low)}" for px, _, low, _ in reversed(drawn))
        line = " ".join(f"{_n(px)},{_n(mid)}" for px, mid, _, _ in drawn)
        dots = "".join(
            f'<circle cx="{_n(px)}" cy="{_n(mid)}" r="3" fill="{colour}"/>'
            for px, mid, _, _ in drawn
        )
        body.append(
            f'<g class="series" clip-path="url(#{clip_id})"><title>{escape(name)}</title>'
            f'<polygon class="band" points="{upper} {lower}" fill="{colour}" fill-opacity="0.15"/>'
            f'<polyline class="estimate" points="{line}" fill="none" stroke="{colour}" '
            f'stroke-width="2"/>{dots}</g>'
        )
        if len(series) > 1:
            legend_x = left + 10 + 160 * index
            body.append(
                f'<rect x="{legend_x}" y="{top}" width="12" height="12" fill="{colour}"/>'
                + _text(legend_x + 18, top + 10, _clip(name, 22))
            )
    if clipped:
        body.append(
            _text(
                width - right,
                height - 6,
                "The first days' intervals run off the chart",
                anchor="end",
                fill=AXIS,
            )
        )
    return _svg(width, height, title, body)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
