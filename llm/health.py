"""How a prompt version is doing in production: calls, cache hits, errors, latency, tokens, cost.

Every figure is computed by the database (aggregates, a ``GROUP BY`` and percentiles in SQL), so
a version with a million calls costs a few queries and no rows in Python:

- PostgreSQL: ``percentile_disc(ARRAY[.5, .95, .99]) WITHIN GROUP (ORDER BY latency_ms)``, one
  sort for the three, in the same aggregate query as the counts and the error kinds;
- SQLite (no ordered-set aggregates): per percentile, the one value at its rank,
  ``ORDER BY latency_ms LIMIT 1 OFFSET k - 1``.

Both are the nearest-rank percentile (the smallest latency with at least p of the calls at or
below it), the definition the evaluation's summary uses, so the two databases agree to the row.
Latency is over the calls that went to a model: a cache hit answers in microseconds and would
flatter the version.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import Aggregate, Count, F, Field, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import LLMCall

PERCENTILES = (0.5, 0.95, 0.99)
# The windows the admin offers, in days; the default is the first.
WINDOWS = (7, 1, 30, 90)
MAX_DAYS_LISTED = 90


class PercentilesDisc(Aggregate):
    """PostgreSQL's nearest-rank percentiles of an expression, all from one sort:
    ``percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY …)``, an array."""

    function = "percentile_disc"
    template = (
        "%(function)s(ARRAY[%(fractions)s]::float8[]) WITHIN GROUP (ORDER BY %(expressions)s)"
    )
    output_field = Field()  # the driver's list of floats, as it is

    def __init__(self, expression: Any, fractions: tuple[float, ...], **extra: Any) -> None:
        if not all(0 < fraction <= 1 for fraction in fractions):
            raise ValueError(f"a percentile is a fraction in (0, 1], not {fractions}")
        # Literals of our own, never a person's input: they are formatted into the SQL.
        listed = ", ".join(repr(float(fraction)) for fraction in fractions)
        super().__init__(expression, fractions=listed, **extra)


@dataclass
class Day:
    day: date
    calls: int
    failed: int
    tokens: int
    cost: Decimal | None


@dataclass
class Health:
    """The figures of a set of calls over ``days`` days (see the module's docstring)."""

    days: float
    calls: int = 0
    cached: int = 0
    failed: int = 0
    errors_by_kind: dict[str, int] = field(default_factory=dict)
    latency: dict[float, float | None] = field(default_factory=dict)
    input_tokens: int = 0
    output_tokens: int = 0
    cost: Decimal | None = None
    unpriced: int = 0
    by_day: list[Day] = field(default_factory=list)

    @property
    def answered(self) -> int:
        """Calls that went to a model (not the cache)."""
        return self.calls - self.cached

    def share(self, count: int) -> float | None:
        return count / self.calls if self.calls else None

    @property
    def cache_hit_rate(self) -> float | None:
        return self.share(self.cached)

    @property
    def error_rate(self) -> float | None:
        return self.share(self.failed)

    @property
    def error_rates(self) -> list[tuple[str, int, float | None]]:
        """(kind, calls, share of all calls), the most frequent first."""
        return [
            (kind, count, self.share(count))
            for kind, count in sorted(self.errors_by_kind.items(), key=lambda item: -item[1])
        ]

    def per_call(self, total: int | Decimal | None) -> float | None:
        return float(total) / self.calls if self.calls and total is not None else None

    @property
    def cost_per_call(self) -> float | None:
        """Over the calls whose cost is known: an unpriced model's calls are not free."""
        priced = self.calls - self.unpriced
        return float(self.cost) / priced if priced and self.cost is not None else None

    def per_day(self, total: int | Decimal | None) -> float | None:
        return float(total) / self.days if self.days and total is not None else None

    @property
    def p50(self) -> float | None:
        return self.latency.get(0.5)

    @property
    def p95(self) -> float | None:
        return self.latency.get(0.95)

    @property
    def p99(self) -> float | None:
        return self.latency.get(0.99)

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens


def window(days: int, *, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The last ``days`` days up to now: ``(since, until)``."""
    until = now or timezone.now()
    return until - timedelta(days=days), until


def health(
    calls: QuerySet[LLMCall], *, days: float | None = None, with_days: bool = True
) -> Health:
    """The figures of ``calls`` (any filter of the call log). ``days`` is the window's length,
    for the per-day figures; None: the span from the first call to the last (at least a day).
    ``with_days`` adds the calls, failures, tokens and cost of each day (one ``GROUP BY``)."""
    calls = calls.order_by()
    postgres = connections[calls.db].vendor == "postgresql"
    failures = [status for status in LLMCall.Status.values if status != LLMCall.Status.SUCCESS]
    # One pass over the rows for everything but the days: a count per error kind, and on
    # PostgreSQL the percentiles too.
    totals = calls.aggregate(
        calls=Count("id"),
        # Names unlike the fields': an aggregate may not shadow a field another one filters on.
        cache_hits=Count("id", filter=Q(cached=True)),
        tokens_in=Sum("input_tokens"),
        tokens_out=Sum("output_tokens"),
        cost_usd=Sum("cost"),
        unpriced=Count("id", filter=Q(cost__isnull=True)),
        first=Min("created_at"),
        last=Max("created_at"),
        **{f"status_{status}": Count("id", filter=Q(status=status)) for status in failures},
        **(
            {"percentiles": PercentilesDisc("latency_ms", PERCENTILES, filter=Q(cached=False))}
            if postgres
            else {}
        ),
    )
    if days is None:
        span = (totals["last"] - totals["first"]) if totals["calls"] else timedelta(0)
        days = max(span / timedelta(days=1), 1.0)
    errors = {status: totals[f"status_{status}"] for status in failures}
    figures = Health(
        days=days,
        calls=totals["calls"],
        cached=totals["cache_hits"],
        failed=sum(errors.values()),
        errors_by_kind={status: count for status, count in errors.items() if count},
        input_tokens=totals["tokens_in"] or 0,
        output_tokens=totals["tokens_out"] or 0,
        cost=totals["cost_usd"],
        unpriced=totals["unpriced"],
    )
    if not figures.calls:
        return figures
    if postgres:
        figures.latency = dict(zip(PERCENTILES, totals["percentiles"] or [], strict=False))
    else:
        figures.latency = latency_percentiles(calls.filter(cached=False))
    if with_days:
        figures.by_day = [
            Day(row["day"], row["calls"], row["failed"], row["tokens"] or 0, row["cost"])
            for row in calls.annotate(day=TruncDate("created_at"))
            .values("day")
            .annotate(
                calls=Count("id"),
                failed=Count("id", filter=~Q(status=LLMCall.Status.SUCCESS)),
                tokens=Sum(F("input_tokens") + F("output_tokens")),
                cost=Sum("cost"),
            )
            .order_by("-day")[:MAX_DAYS_LISTED]
        ]
    return figures


def latency_percentiles(
    calls: QuerySet[LLMCall], fractions: tuple[float, ...] = PERCENTILES
) -> dict[float, float | None]:
    """The nearest-rank percentiles of the calls' latency, computed by the database."""
    calls = calls.order_by()
    if connections[calls.db].vendor == "postgresql":
        found = calls.aggregate(found=PercentilesDisc("latency_ms", fractions))["found"]
        return dict(zip(fractions, found or [None] * len(fractions), strict=True))
    count = calls.count()
    if not count:
        return dict.fromkeys(fractions)
    ordered = calls.order_by("latency_ms").values_list("latency_ms", flat=True)
    return {fraction: ordered[max(math.ceil(fraction * count), 1) - 1] for fraction in fractions}


def version_health(version_id: int, *, days: int, now: datetime | None = None) -> Health:
    """A prompt version's figures over the last ``days`` days."""
    since, until = window(days, now=now)
    calls = LLMCall.objects.filter(
        prompt_version_id=version_id, created_at__gte=since, created_at__lt=until
    )
    return health(calls, days=days)
