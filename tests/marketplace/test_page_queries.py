"""The queries of the pages people use most, pinned: a card, a category or a count that starts
costing a query per request (or per card) fails here. Each page is opened once first, as a
running site has: the per-process categories, the cached counts and the smart-search flag are
then warm, and what is counted is a visitor's ordinary request."""

import pytest
from django.urls import reverse

from tests.factories import FavouriteFactory, ListingFactory, ListingImageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    listings = ListingFactory.create_batch(30, title="Road bike", city="Berlin")
    for listing in listings:
        ListingImageFactory.create(listing=listing)
    return listings


def _pages(listing):
    return {
        "home": reverse("home"),
        "category": reverse("category", args=["phones"]),
        "search_text": f"{reverse('search')}?q=bike",
        "search_filters": f"{reverse('search')}?category=phones&min_price=1&city=Berlin",
        "detail": listing.get_absolute_url(),
    }


# Anonymous: nothing on the home page and a category's first page (their newest listings and
# the tile counts are cached per process and read again when a listing changes); a
# search counts in the same query (COUNT(*) OVER ()) and records its event; the listing page
# reads the listing and its photos and records the view (the seller's count and the similar
# listings are cached; a buyer's hearts on the page are one query).
ANONYMOUS = {"home": 0, "category": 0, "search_text": 2, "search_filters": 2, "detail": 3}
# Logged in: the session and the user, and the unread count of the top bar, on top.
LOGGED_IN = {"home": 4, "category": 4, "search_text": 5, "search_filters": 5, "detail": 8}


@pytest.mark.parametrize("page", sorted(ANONYMOUS))
def test_a_visitor_pays_a_few_queries_per_page(
    client, catalogue, django_assert_max_num_queries, page
):
    url = _pages(catalogue[0])[page]
    client.get(url)
    with django_assert_max_num_queries(ANONYMOUS[page]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("page", sorted(LOGGED_IN))
def test_a_buyer_with_favourites_pays_a_few_more(
    client, catalogue, django_assert_max_num_queries, page
):
    buyer = UserFactory.create()
    for listing in catalogue[:5]:
        FavouriteFactory.create(user=buyer, listing=listing)
    client.force_login(buyer)
    url = _pages(catalogue[0])[page]
    client.get(url)
    with django_assert_max_num_queries(LOGGED_IN[page]):
        response = client.get(url)
    assert response.status_code == 200


def test_a_seller_on_their_own_listing_pays_for_their_controls_only(
    client, catalogue, django_assert_max_num_queries
):
    """The seller's own listing page: the session, the user and the unread count; the listing
    and its photos; the hearts of the "More in" cards; the last enrichment job and a fresh count
    of their live listings (for the owner's panel and seller card); no page-view event."""
    listing = catalogue[0]
    client.force_login(listing.seller)
    client.get(listing.get_absolute_url())
    with django_assert_max_num_queries(8):
        response = client.get(listing.get_absolute_url())
    assert "Your listing" in response.text
