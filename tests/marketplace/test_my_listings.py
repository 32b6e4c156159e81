import pytest
from django.urls import reverse

from marketplace.models import Listing
from tests.factories import ListingFactory, ListingImageFactory

pytestmark = pytest.mark.django_db


def test_the_dashboard_needs_a_login(client):
    assert client.get(reverse("my_listings")).status_code == 302


def test_the_dashboard_lists_every_status_with_badges_and_counts(user_client, user):
    ListingFactory.create(seller=user, title="Live lamp")
    ListingFactory.create(seller=user, title="Draft desk", status=Listing.Status.DRAFT)
    ListingFactory.create(seller=user, title="Sold sofa", status=Listing.Status.SOLD)
    ListingFactory.create(seller=user, title="Gone grill", status=Listing.Status.REMOVED)
    ListingFactory.create(title="Not mine")
    html = user_client.get(reverse("my_listings")).text
    for title in ("Live lamp", "Draft desk", "Sold sofa", "Gone grill"):
        assert title in html
    assert "Not mine" not in html
    assert '<span class="badge badge-draft">Draft</span>' in html
    assert '<span class="badge badge-sold">Sold</span>' in html
    assert '<span class="badge badge-removed">Deleted</span>' in html
    assert 'All <span class="tab-count">4</span>' in html
    assert 'Drafts <span class="tab-count">1</span>' in html


def test_the_status_tabs_filter(user_client, user):
    ListingFactory.create(seller=user, title="Live lamp")
    ListingFactory.create(seller=user, title="Draft desk", status=Listing.Status.DRAFT)
    response = user_client.get(reverse("my_listings"), {"status": "draft"})
    assert [listing.title for listing in response.context["page_obj"]] == ["Draft desk"]
    everything = user_client.get(reverse("my_listings"), {"status": "bogus"})
    assert len(everything.context["page_obj"]) == 2


def test_quick_actions_match_the_status(user_client, user):
    draft = ListingFactory.create(seller=user, status=Listing.Status.DRAFT)
    live = ListingFactory.create(seller=user)
    html = user_client.get(reverse("my_listings")).text
    assert reverse("listing_publish", args=[draft.pk]) in html
    assert reverse("listing_mark_sold", args=[draft.pk]) not in html
    assert reverse("listing_mark_sold", args=[live.pk]) in html
    assert reverse("listing_edit", args=[live.pk]) in html


@pytest.mark.parametrize("per_page", [3, 20])
def test_the_dashboard_runs_a_bounded_number_of_queries(
    user_client, user, settings, django_assert_max_num_queries, per_page
):
    settings.LISTINGS_PER_PAGE = per_page
    for listing in ListingFactory.create_batch(per_page, seller=user):
        ListingImageFactory.create(listing=listing)
    # session, user, status counts, count, listings, top bar categories, unread count
    user_client.get(
        reverse("my_listings")
    )  # the top bar's smart-search flag is cached from then on
    with django_assert_max_num_queries(7):
        response = user_client.get(reverse("my_listings"))
    assert len(response.context["page_obj"]) == per_page
