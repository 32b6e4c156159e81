"""Listing cards come from a per-process cache (marketplace.cards): what one person sees of a
card must never reach another, and a changed listing must never show its old card.

Each test runs its requests one after the other in the same process, as a server would, so a
card cached for one person is what the next person's page starts from.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.models import Listing
from tests.factories import FavouriteFactory, ListingFactory, ListingImageFactory, UserFactory

pytestmark = pytest.mark.django_db

PHONES = reverse("category", args=["phones"])
# The category's first page, newest first, is a per-process list read again when a service says
# a listing changed (test_newest_listings); sorted by price it is read per request, which is
# where a change made behind the services' back (a bare update(), a factory) shows at once.
PHONES_BY_PRICE = f"{PHONES}?sort=price_asc"


def card_of(html: str, listing: Listing) -> str:
    """The one card of ``listing`` on the page (fails if there is none, or more than one)."""
    cards = [
        card
        for card in re.findall(r"<article class=\"card.*?</article>", html, re.S)
        if f'href="{listing.get_absolute_url()}"' in card
    ]
    assert len(cards) == 1, f"{len(cards)} cards of {listing.title!r}"
    return cards[0]


def test_the_seller_buyers_and_visitors_each_see_their_own_heart(client):
    seller, fan, stranger = UserFactory.create_batch(3)
    listing = ListingFactory.create(seller=seller, title="Pixel 8")
    FavouriteFactory.create(user=fan, listing=listing)

    client.force_login(seller)
    own = card_of(client.get(PHONES).text, listing)
    assert "favourite" not in own  # no heart on one's own listing

    client.force_login(fan)
    saved = card_of(client.get(PHONES).text, listing)
    assert 'aria-pressed="true"' in saved
    assert reverse("favourite_toggle", args=[listing.pk]) in saved

    client.force_login(stranger)
    not_saved = card_of(client.get(PHONES).text, listing)
    assert 'aria-pressed="false"' in not_saved
    assert 'aria-pressed="true"' not in not_saved

    client.logout()
    visitor = card_of(client.get(PHONES, {"sort": "price_asc"}).text, listing)
    assert "Log in to save favourites" in visitor
    assert "aria-pressed" not in visitor
    assert "csrfmiddlewaretoken" not in visitor
    assert "?next=/c/phones/%3Fsort%3Dprice_asc" in visitor  # back to this very page

    client.force_login(seller)  # the card cached for the others carries nothing of theirs
    assert card_of(client.get(PHONES).text, listing) == own


def test_the_anonymous_heart_leads_back_to_each_page_of_its_own(client):
    listing = ListingFactory.create()
    on_category = card_of(client.get(PHONES).text, listing)
    on_home = card_of(client.get(reverse("home")).text, listing)
    assert "?next=/c/phones/" in on_category
    assert '?next=/"' in on_home


def test_each_person_gets_their_own_form_token(client):
    listing = ListingFactory.create()
    tokens = []
    for person in UserFactory.create_batch(2):
        client.force_login(person)
        card = card_of(client.get(PHONES).text, listing)
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', card).group(1))
    assert tokens[0] != tokens[1]


def test_an_edit_shows_at_once(client, user):
    listing = ListingFactory.create(seller=user, title="Old phone", price="100.00")
    assert "Old phone" in card_of(client.get(PHONES_BY_PRICE).text, listing)

    listing.title, listing.price = "iPhone 12, like new", "250.00"
    listing.save()
    card = card_of(client.get(PHONES_BY_PRICE).text, listing)
    assert "iPhone 12, like new" in card
    assert "€250" in card
    assert "Old phone" not in card
    assert "€100" not in card

    Listing.objects.filter(pk=listing.pk).update(city="Dresden")  # no save(), no updated_at
    assert "Dresden" in card_of(client.get(PHONES_BY_PRICE).text, listing)


def test_a_new_cover_photo_shows_at_once(client):
    listing = ListingFactory.create()
    assert "photo-placeholder" in card_of(client.get(PHONES_BY_PRICE).text, listing)
    photo = ListingImageFactory.create(listing=listing)
    card = card_of(client.get(PHONES_BY_PRICE).text, listing)
    assert photo.thumbnail.url in card
    assert "photo-placeholder" not in card


def test_a_held_listing_leaves_the_grids_and_a_sold_one_says_so(client, user):
    held = ListingFactory.create(title="Replica watch")
    sold = ListingFactory.create(title="Sold phone")
    FavouriteFactory.create(user=user, listing=sold)
    client.force_login(user)
    page = client.get(PHONES).text
    assert "Replica watch" in page
    assert "Sold phone" in page
    favourites = card_of(client.get(reverse("favourites")).text, sold)
    assert "card-sold" not in favourites

    Listing.objects.filter(pk=held.pk).update(moderation=Listing.Moderation.HELD)
    sold.status = Listing.Status.SOLD
    sold.save()
    page = client.get(PHONES).text
    assert "Replica watch" not in page
    assert "Sold phone" not in page
    favourites = card_of(client.get(reverse("favourites")).text, sold)
    assert "card-sold" in favourites
    assert "Sold</span>" in favourites


def test_the_age_of_a_card_moves_on(client, monkeypatch):
    listing = ListingFactory.create()
    assert "just now" in card_of(client.get(PHONES).text, listing)
    later = timezone.now() + timedelta(hours=3, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    card = card_of(client.get(PHONES).text, listing)
    assert "3\xa0hours ago" in card
    assert "just now" not in card
