from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.models import Listing
from tests.factories import ListingFactory, ListingImageFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_profile_shows_the_seller_card_and_their_active_listings(client):
    seller = UserFactory.create(username="marta", city="Kiel", bio="Moving abroad, selling it all.")
    ListingFactory.create(seller=seller, title="Bookshelf")
    ListingFactory.create(seller=seller, title="Secret draft", status=Listing.Status.DRAFT)
    ListingFactory.create(title="Someone else's lamp")
    response = client.get(reverse("seller_profile", args=["marta"]))
    html = response.text
    assert response.status_code == 200
    assert "Listings by marta" in html
    assert "Kiel" in html
    assert "Moving abroad, selling it all." in html
    assert "1 active listing" in html
    assert "Bookshelf" in html
    assert "Secret draft" not in html
    assert "Someone else&#x27;s lamp" not in html


def test_unknown_or_inactive_sellers_are_404(client):
    UserFactory.create(username="gone", is_active=False)
    assert client.get(reverse("seller_profile", args=["gone"])).status_code == 404
    assert client.get(reverse("seller_profile", args=["nobody"])).status_code == 404


@pytest.mark.parametrize("per_page", [3, 20])
def test_profile_runs_a_bounded_number_of_queries(
    client, settings, django_assert_max_num_queries, per_page
):
    settings.LISTINGS_PER_PAGE = per_page
    seller = UserFactory.create()
    for listing in ListingFactory.create_batch(per_page, seller=seller):
        ListingImageFactory.create(listing=listing)
    # seller, count, listings, top bar categories
    client.get(seller.get_absolute_url())  # the top bar's smart-search flag is cached from then on
    with django_assert_max_num_queries(4):
        response = client.get(seller.get_absolute_url())
    assert len(response.context["page_obj"]) == per_page


@pytest.mark.parametrize("username", ["mar\x00ta", "\u202emarta", "marta 🙂"])
def test_an_address_with_what_no_username_has_is_404_without_looking_it_up(client, username):
    """A NUL reached the username lookup, which PostgreSQL refuses (a 500)."""
    UserFactory.create(username="marta")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/u/{quote(username)}/").status_code == 404
    assert not [query for query in queries if "accounts_user" in query["sql"]]


def test_usernames_with_dots_and_at_signs_still_have_a_profile(client):
    UserFactory.create(username="anna.k@home+1")
    assert client.get(reverse("seller_profile", args=["anna.k@home+1"])).status_code == 200
