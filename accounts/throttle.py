"""Throttling failed log-ins, so that a password cannot be guessed by trying many.

Failures are counted in the cache (Redis in services mode, so every web process shares them)
under two keys: the account and the client's address together, and the address alone. When a
count reaches its limit, that key is locked for ``LOGIN_THROTTLE_LOCKOUT_SECONDS``: every
attempt is refused, the right password too, before any password is checked.

The account alone is deliberately not a key: anyone could then lock a person out of their
account by failing to log in as them. Someone trying one account from many addresses is slowed
by each address's limit instead. The client's address is ``config.client_address``'s, so it
honours ``TRUSTED_PROXY_HOPS``.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from config.client_address import client_address


def _keys(request: HttpRequest, username: str) -> list[tuple[str, int]]:
    """The counters a failure adds to, each with the number of failures it allows."""
    address = client_address(request)
    # Hashed: a username can be anything a visitor types, and keys should stay short and plain.
    account = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
    return [
        (f"login-throttle:account:{account}:{address}", settings.LOGIN_THROTTLE_FAILURES),
        (f"login-throttle:address:{address}", settings.LOGIN_THROTTLE_ADDRESS_FAILURES),
    ]


def locked_for(request: HttpRequest, username: str) -> int:
    """Seconds until this client may try to log in as ``username`` again; 0: it may now."""
    now = time.time()
    unlocks = cache.get_many([f"{key}:lock" for key, _ in _keys(request, username)]).values()
    return max((math.ceil(unlock - now) for unlock in unlocks if unlock > now), default=0)


def record_failure(request: HttpRequest, username: str) -> int:
    """Count a wrong password; returns the seconds of the lock it caused (0: none)."""
    lockout = settings.LOGIN_THROTTLE_LOCKOUT_SECONDS
    now = time.time()
    locked = 0
    for key, allowed in _keys(request, username):
        # The count lives for one lockout period from the first failure.
        cache.add(key, 0, timeout=lockout)
        try:
            failures = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=lockout)
            failures = 1
        if failures >= allowed:
            cache.set(f"{key}:lock", now + lockout, timeout=lockout)
            cache.delete(key)
            locked = lockout
    return locked


def record_success(request: HttpRequest, username: str) -> None:
    """A right password forgives this account's earlier failures from this address."""
    account_key, _ = _keys(request, username)[0]
    cache.delete(account_key)


def wait_text(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 90:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{math.ceil(minutes / 60)} hours"
