"""The listing page's "More in <category>": the newest live listings of a category, read once per
process for each version of the category.

Every listing page ran the same query for its category's newest listings (about a millisecond of
ORM work and a round trip, docs/benchmarks.md, "Issue 17"), although the answer changes only when
a listing of that category does. So each category has a version in the shared cache, and each
process keeps the newest listings it read per (category, version). A write that can change what
the list shows (publishing, an edit, a sale, a removal, a moderation hold, a photo) calls
``listings_changed``, which gives the category a new version: every process reads the list again
on its next listing page, so a held or sold listing leaves it at once. ``post_save`` of a listing
calls it too; the bulk ``update()`` paths (moderation verdicts, the admin's approval) call it
themselves. A list is also read again after ``MAX_AGE_SECONDS`` whatever the version, a safety net
for a write that forgot to call it (a listing deleted with its seller's account, say).

The list holds no person's data: each request gets copies, and marks favourites on them itself.
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
MAX_LISTS = 500  # (category, version) pairs kept per process; old versions are never read again

_lists: dict[tuple[int, str], tuple[float, list[Listing]]] = {}
_lock = Lock()


def _version_key(category_id: int) -> str:
    return f"marketplace:category-listings-version:{category_id}"


def category_version(category_id: int) -> str:
    """The category's current version, made up on first use (or after the cache lost it)."""
    key = _version_key(category_id)
    version = cache.get(key)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(key, version, timeout=None):  # another process was first: theirs
            version = cache.get(key) or version
    return version


def listings_changed(category_ids: Iterable[int | None]) -> None:
    """Give these categories new versions, now and again once the transaction commits: a
    request that reads the list between the two would otherwise keep the uncommitted past."""
    keys = [_version_key(pk) for pk in set(category_ids) if pk is not None]
    if not keys:
        return

    def bump() -> None:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)

    bump()
    transaction.on_commit(bump)


def newest_in_category(category_id: int) -> list[Listing]:
    """The category's newest live listings as cards (one more than a page shows, so the list
    still fills when the listing on the page is among them). Shared: do not change them."""
    key = (category_id, category_version(category_id))
    now = monotonic()
    with _lock:
        entry = _lists.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    listings = list(
        Listing.objects.active()
        .filter(category=category_id)
        .for_cards()
        .order_by("-published_at", "-id")[: SIMILAR_LISTINGS + 1]
    )
    with _lock:
        if len(_lists) >= MAX_LISTS:
            _lists.clear()
        _lists[key] = (now + MAX_AGE_SECONDS, listings)
    return listings


def similar_listings(listing: Listing) -> list[Listing]:
    """Up to ``SIMILAR_LISTINGS`` other live listings of ``listing``'s category, newest first:
    this request's own copies, without favourites (``is_favourite`` is the caller's to set)."""
    others = [other for other in newest_in_category(listing.category_id) if other.pk != listing.pk]
    return [copy(other) for other in others[:SIMILAR_LISTINGS]]


def listing_saved(sender: type[Listing], instance: Listing, **kwargs: object) -> None:
    """Signal receiver: a saved listing may enter, leave or change its category's list."""
    listings_changed([instance.category_id])


def clear() -> None:
    """Forget every list of this process (tests)."""
    with _lock:
        _lists.clear()
