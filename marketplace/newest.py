"""The newest live listings, of the whole site (the home page) or of a category (the listing
page's "More in <category>"), read once per process for each version of what they show.

Every home page and every listing page ran the same query for the newest listings (about a
millisecond of ORM work and a round trip each, docs/benchmarks.md, "Issue 17"), although the
answer changes only when a listing does. So the site and each category have a version in the
shared cache, and each process keeps the newest listings it read per (scope, version). A write
that can change what a list shows (publishing, an edit, a sale, a removal, a moderation hold, a
photo) calls ``listings_changed``, which gives the listing's category and the site new versions:
every process reads its lists again on next use, so a held or sold listing leaves them at once.
``post_save`` and ``post_delete`` of a listing call it; the bulk ``update()`` paths (moderation
verdicts, the admin's approval) and the photo services call it themselves. A list is also read
again after ``MAX_AGE_SECONDS`` whatever the version, a safety net for a write that forgot to
call it (a bare ``update()`` in a shell, say).

The lists hold no person's data: each request gets copies and marks favourites on them itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from copy import copy
from threading import Lock
from time import monotonic

from django.core.cache import cache
from django.db import transaction

from .models import Listing

SIMILAR_LISTINGS = 4
MAX_AGE_SECONDS = 30
MAX_LISTS = 500  # (scope, version, size) kept per process; old versions are never read again
SITE = 0  # the scope of the whole site's list; categories are scoped by their primary key

_lists: dict[tuple[int, str, int], tuple[float, list[Listing]]] = {}
_lock = Lock()


def _version_key(scope: int) -> str:
    return f"marketplace:newest-listings-version:{scope}"


def version(scope: int) -> str:
    """The current version of the site's (``SITE``) or a category's list, made up on first use
    (or after the cache lost it)."""
    key = _version_key(scope)
    current = cache.get(key)
    if current is None:
        current = uuid.uuid4().hex
        if not cache.add(key, current, timeout=None):  # another process was first: theirs
            current = cache.get(key) or current
    return current


def listings_changed(category_ids: Iterable[int | None]) -> None:
    """New versions for the site and these categories, now and again once the transaction
    commits: a request that reads a list between the two would otherwise keep the uncommitted
    past."""
    keys = [_version_key(SITE)] + [_version_key(pk) for pk in set(category_ids) if pk is not None]

    def bump() -> None:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)

    bump()
    transaction.on_commit(bump)


def newest(scope: int, size: int) -> list[Listing]:
    """The ``size`` newest live listings of the site or of a category, as cards. Shared between
    requests: copy before changing one."""
    key = (scope, version(scope), size)
    now = monotonic()
    with _lock:
        entry = _lists.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    listings = Listing.objects.active().for_cards().order_by("-published_at", "-id")
    if scope != SITE:
        listings = listings.filter(category=scope)
    read = list(listings[:size])
    with _lock:
        if len(_lists) >= MAX_LISTS:
            _lists.clear()
        _lists[key] = (now + MAX_AGE_SECONDS, read)
    return read


def newest_listings(size: int) -> list[Listing]:
    """The site's ``size`` newest live listings: this request's own copies, without favourites
    (``is_favourite`` is the caller's to set)."""
    return [copy(listing) for listing in newest(SITE, size)]


def similar_listings(listing: Listing) -> list[Listing]:
    """Up to ``SIMILAR_LISTINGS`` other live listings of ``listing``'s category, newest first
    (one more is read, in case ``listing`` is among them): this request's own copies, without
    favourites."""
    read = newest(listing.category_id, SIMILAR_LISTINGS + 1)
    others = [other for other in read if other.pk != listing.pk]
    return [copy(other) for other in others[:SIMILAR_LISTINGS]]


def listing_saved(sender: type[Listing], instance: Listing, **kwargs: object) -> None:
    """Signal receiver: a saved or deleted listing may enter, leave or change the lists."""
    listings_changed([instance.category_id])


def clear() -> None:
    """Forget every list of this process (tests)."""
    with _lock:
        _lists.clear()
