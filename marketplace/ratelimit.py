"""Rate limits on the AI endpoints, so that nobody can run up the model bill.

A fixed window per person and scope, counted in the cache (Redis in services mode, so every web
process shares the count; local memory in the embedded mode). The person is the logged-in user,
or else the visitor id from the experiments cookie, or else the client address.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    requests: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        """``"20/hour"``, ``"5/minute"``, ``"100/day"``."""
        count, _, unit = text.partition("/")
        seconds = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
        try:
            return cls(int(count), seconds[unit.strip().lower()])
        except (KeyError, ValueError):
            raise ValueError(f"a rate limit looks like '20/hour', not {text!r}") from None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # seconds until the window resets

    @property
    def wait_text(self) -> str:
        minutes = math.ceil(self.retry_after / 60)
        if self.retry_after < 90:
            return "a minute"
        return f"{minutes} minutes" if minutes < 90 else f"{math.ceil(minutes / 60)} hours"


def _who(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    visitor = getattr(request, "visitor_id", "")
    if visitor:
        return f"visitor:{visitor}"
    return f"ip:{request.META.get('REMOTE_ADDR', '')}"


def hit(request: HttpRequest, scope: str) -> Decision:
    """Count one request of ``scope`` for this person and say whether it is within the limit."""
    limit = Limit.parse(settings.AI_RATE_LIMITS[scope])
    now = int(time.time())
    window = now // limit.seconds
    key = f"ratelimit:{scope}:{_who(request)}:{window}"
    cache.add(key, 0, timeout=limit.seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: start the window again
        cache.set(key, 1, timeout=limit.seconds + 5)
        count = 1
    retry_after = (window + 1) * limit.seconds - now
    return Decision(allowed=count <= limit.requests, retry_after=retry_after)
