"""Listing cards, rendered once per process and reused across requests and people.

A grid of 24 cards was 24 template includes per page, each resolving the same price, date, icon
and URL helpers: most of a search or category page's time (docs/benchmarks.md, "Issue 17").
A card's HTML has two kinds of content:

- what anybody sees: photo, price, title, city, how long ago, status badge. It depends only on
  the listing's card fields (``models.CARD_FIELDS``), its cover photo and the "3 hours ago"
  text, so those values are the cache key. Any change to them, by a form, a bulk ``update()`` or
  a new photo, is a new key: nothing to invalidate, and an edited listing never shows its old
  card. Listings that a person may not see (held for moderation, drafts of others) never reach a
  grid, so their cards are never shown.
- what depends on the person: the favourite button (saved or not, and none on the seller's own
  listing). It is never cached: ``render_cards`` fills it in on each request, at the slot the
  card template marks.

The cache is a bounded dict in each process (no network call per card, unlike a shared cache),
evicting the oldest entries first.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from threading import Lock
from typing import Any

from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from .models import CARD_FIELDS, Listing
from .templatetags.bazaar import ago

CARD_TEMPLATE = "marketplace/_listing_card.html"
FAVOURITE_TEMPLATE = "marketplace/_favourite_button.html"
# Where the card template puts the per-person part; never in a listing's own text, which the
# template escapes ("<" becomes "&lt;").
PERSON_SLOT = "<!--card:person-->"
MAX_CARDS = 20_000  # about 1 KB each: a few tens of MB per process at most

_cards: OrderedDict[tuple, tuple[str, str]] = OrderedDict()
_lock = Lock()


def card_key(listing: Listing) -> tuple:
    """What the shared part of ``listing``'s card is made of."""
    when = listing.published_at or listing.created_at
    fields = tuple(getattr(listing, name) for name in CARD_FIELDS if name != "seller")
    return (*fields, getattr(listing, "cover_thumbnail", None), ago(when))


def shared_card(listing: Listing) -> tuple[str, str]:
    """The card's HTML before and after its per-person slot, from the cache or rendered now."""
    key = card_key(listing)
    with _lock:
        parts = _cards.get(key)
        if parts is not None:
            _cards.move_to_end(key)
            return parts
    html = get_template(CARD_TEMPLATE).render({"listing": listing, "person_slot": PERSON_SLOT})
    before, _, after = html.partition(PERSON_SLOT)
    parts = (before, after)
    with _lock:
        _cards[key] = parts
        while len(_cards) > MAX_CARDS:
            _cards.popitem(last=False)
    return parts


def clear() -> None:
    """Forget every card (tests; a deploy restarts the processes anyway)."""
    with _lock:
        _cards.clear()


def render_cards(listings: Iterable[Listing], request: HttpRequest) -> SafeString:
    """The cards of ``listings`` for the person making ``request``."""
    user: Any = request.user
    favourite = get_template(FAVOURITE_TEMPLATE)
    anonymous_button = ""
    html = []
    for listing in listings:
        before, after = shared_card(listing)
        html.append(before)
        if not user.is_authenticated:
            # Only a login link, the same on every card of the page: rendered once.
            if not anonymous_button:
                anonymous_button = favourite.render({"compact": True}, request)
            html.append(anonymous_button)
        elif listing.seller_id != user.pk:
            context = {
                "listing": listing,
                "is_favourite": getattr(listing, "is_favourite", False),
                "compact": True,
            }
            html.append(favourite.render(context, request))
        html.append(after)
    return mark_safe("".join(html))
