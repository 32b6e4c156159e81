"""Rate limits on the AI endpoints, so that nobody can run up the model bill.

A fixed window per person and scope, counted in the cache (Redis in services mode, so every web
process shares the count; local memory in the embedded mode). The person is the logged-in user,
or else the visitor id from the experiments cookie, or else the client address
(``config.client_address``, which says when ``X-Forwarded-For`` is believed).

A visitor id is the person only once the browser has sent it back: ``VisitorMiddleware`` mints a
new one for every request without the cookie, so a client that drops its cookies would otherwise
be a new person, with a fresh allowance, on every request. Such a request counts for the address.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from config.client_address import client_address


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


def _counted_as(request: HttpRequest, limit: int) -> list[tuple[str, int]]:
    """Who this request counts for, each with its allowance.

    A logged-in user counts for their account. Anyone else counts for their visitor id once
    their browser has sent it back, and always for their address, with ``AI_RATE_LIMIT_ADDRESS_
    FACTOR`` times the allowance (people behind one address share it): a client that fetches a
    fresh cookie every so often gets a fresh visitor allowance each time, never a fresh address.
    A visitor id minted for this very request counts too, so that its first request is already
    in its count when it comes back with the cookie.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return [(f"user:{user.pk}", limit)]
    address = client_address(request)
    everyone_there = (f"address:{address}", limit * settings.AI_RATE_LIMIT_ADDRESS_FACTOR)
    visitor = getattr(request, "visitor_id", "")
    if not visitor:
        return [(f"ip:{address}", limit), everyone_there]
    if getattr(request, "visitor_is_new", False):
        return [(f"ip:{address}", limit), (f"visitor:{visitor}", limit), everyone_there]
    return [(f"visitor:{visitor}", limit), everyone_there]


def _count(key: str, seconds: int) -> int:
    cache.add(key, 0, timeout=seconds + 5)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr: start the window again
        cache.set(key, 1, timeout=seconds + 5)
        return 1


def hit(request: HttpRequest, scope: str) -> Decision:
    """Count one request of ``scope`` for this person and say whether it is within the limit."""
    limit = Limit.parse(settings.AI_RATE_LIMITS[scope])
    now = int(time.time())
    window = now // limit.seconds
    allowed = all(
        _count(f"ratelimit:{scope}:{who}:{window}", limit.seconds) <= allowance
        for who, allowance in _counted_as(request, limit.requests)
    )
    retry_after = (window + 1) * limit.seconds - now
    return Decision(allowed=allowed, retry_after=retry_after)
