"""How simulated people meet the marketplace's experiments on the real pages.

``simulate_traffic --through-site`` (experiments/simulation.py) finds this module as Django's
admin finds ``admin.py``, and drives each simulated person through these requests: the views
decide the variant, write the exposure and track what the person does, exactly as for a person
in a browser. A journey's ``start`` goes up to the request where the variant changes what the
person sees; ``act`` does what records one event.
"""

from __future__ import annotations

import html
import re
from typing import Any

from django.urls import reverse

from experiments.models import Variant
from experiments.simulation import Visit, register_journey

from . import ab_tests
from .models import Listing

SELLER_TEXTS = [
    "selling my iphone 12 64gb, a bit scratched, black, berlin",
    "ikea sofa 3 seats grey, 2 years old, pick up in munich",
    "kids bike 20 inch red, good condition",
    "samsung galaxy s21 128gb like new with box",
    "winter jacket north face size M, worn twice",
    "dining table oak 160x90 with 4 chairs",
]
BUYER_QUERIES = [
    "cheap iphone in berlin under 300",
    "used sofa in munich",
    "kids bike under 100",
    "samsung phone like new",
    "winter jacket size m",
]
NOTHING_MATCHES = "zzqx unobtainium"
# The parts of a suggestion a seller may use, in the order sellers tend to use them.
SUGGESTION_PARTS = ("title", "category", "description", "condition", "attributes", "price")
USE_BUTTON = re.compile(r'data-use="(\w+)"(?: data-value="([^"]*)")?')


def _suggestion(response: Any) -> dict[str, Any] | None:
    """The suggestion on the assistant's answer: its id and the value of each "Use" button."""
    text = response.content.decode()
    found = re.search(r'data-suggestion="(\d+)"', text)
    if found is None:
        return None
    values = {part: html.unescape(value or "") for part, value in USE_BUTTON.findall(text)}
    version = re.search(r"prompt (\S+@\d+)", text)
    return {"pk": int(found[1]), "values": values, "version": version[1] if version else ""}


class SellerJourney:
    """A seller opens the post form, asks the assistant about a rough text, may use its
    suggestions and publish. Published listings are deleted by their seller right after, so the
    simulation leaves the marketplace as it was (their events stay)."""

    def start(self, visit: Visit) -> None:
        visit.log_in()
        visit.get(reverse("listing_create"))  # the assistant experiment decides here
        text = visit.rng.choice(SELLER_TEXTS)
        response = visit.post(reverse("assistant_suggest"), {"text": text}, HTTP_HX_REQUEST="true")
        if response.status_code == 404:  # no assistant for this seller (its flag is off)
            return
        suggestion = _suggestion(response)
        if suggestion is None:
            visit.problem(f"The assistant answered without a suggestion: {response.status_code}.")
            return
        visit.notes.update(suggestion=suggestion, text=text)

    def act(self, visit: Visit, event_name: str, times: int) -> int | None:
        suggestion = visit.notes.get("suggestion")
        if event_name == ab_tests.AI_SUGGESTION_ACCEPTED:
            if suggestion is None:
                return 0  # nothing to accept: the assistant did not answer them
            parts = [p for p in SUGGESTION_PARTS if p in suggestion["values"]][:times]
            visit.post(reverse("assistant_accept", args=[suggestion["pk"]]), {"field": parts})
            return len(parts)  # one event per part used
        if event_name == ab_tests.LISTING_PUBLISHED:
            return sum(self._publish(visit, suggestion) for _ in range(times))
        return None  # listing_flagged is the enrichment job's, not the seller's

    def check(self, visit: Visit, variant: Variant) -> None:
        served = (visit.notes.get("suggestion") or {}).get("version")
        pinned = variant.prompt_version
        if served and pinned is not None and served != str(pinned):
            visit.problem(f"A seller in {variant.key!r} was answered by {served}, not {pinned}.")

    def _publish(self, visit: Visit, suggestion: dict[str, Any] | None) -> int:
        values = (suggestion or {}).get("values", {})
        text = visit.notes.get("text") or visit.rng.choice(SELLER_TEXTS)
        category = values.get("category") or str(
            Listing.objects.values_list("category_id", flat=True).order_by("pk").first() or ""
        )
        data = {
            "title": (values.get("title") or text)[:80],
            "category": category,
            "price": values.get("price") or "50",
            "currency": "EUR",
            "condition": values.get("condition") or "good",
            "city": "Berlin",
            "description": values.get("description") or text,
            "action": "publish",
            "suggestion": str(suggestion["pk"]) if suggestion else "",
        }
        response = visit.post(reverse("listing_create"), data)
        if response.status_code != 302:
            visit.problem(f"Publishing failed with {response.status_code}.")
            return 0
        listing = Listing.objects.filter(seller=visit.user).order_by("-pk").first()
        if listing is not None:
            visit.post(reverse("listing_delete", args=[listing.pk]))
        return 1


class BuyerJourney:
    """A visitor searches in their own words; may open listings, save one, write to a seller
    (logging in to do so) and run a search that finds nothing."""

    def start(self, visit: Visit) -> None:
        visit.get(reverse("home"))  # a new browser gets its visitor cookie here
        query = visit.rng.choice(BUYER_QUERIES)
        visit.get(reverse("search"), {"q": query}, follow=True)  # understanding decides here

    def check(self, visit: Visit, variant: Variant) -> None:
        pass

    def act(self, visit: Visit, event_name: str, times: int) -> int | None:
        if event_name == ab_tests.SEARCH_NO_RESULTS:
            for _ in range(times):
                visit.get(reverse("search"), {"q": NOTHING_MATCHES, "ai": "0"})
            return times
        if event_name not in (
            ab_tests.LISTING_VIEW,
            ab_tests.CONTACT_SELLER,
            ab_tests.FAVOURITE_ADDED,
        ):
            return None
        listings = list(Listing.objects.active().order_by("-published_at", "-pk")[:24])
        if not listings:
            visit.problem("There is no live listing to open.")
            return 0
        picked = [visit.rng.choice(listings) for _ in range(times)]
        if event_name == ab_tests.LISTING_VIEW:
            for listing in picked:
                visit.get(listing.get_absolute_url())
            return times
        visit.log_in()  # writing to a seller and saving a listing need an account
        if event_name == ab_tests.CONTACT_SELLER:
            for listing in picked:
                visit.post(
                    reverse("contact_seller", args=[listing.pk]),
                    {"body": "Hello, is it still available? (a simulated buyer)"},
                )
            return times
        distinct = list(dict.fromkeys(picked))  # a second click would take it away again
        for listing in distinct:
            visit.post(reverse("favourite_toggle", args=[listing.pk]))
        return len(distinct)


register_journey(ab_tests.AI_LISTING_ASSISTANT, SellerJourney())
register_journey(ab_tests.LISTING_PROMPT_VERSION, SellerJourney())
register_journey(ab_tests.AI_SEARCH, BuyerJourney())
