"""What people see of enrichment: the seller's panel, and the moderation queue in the admin."""

import pytest

from experiments.models import Event
from llm import fake_server
from marketplace.enrichment import queue_enrichment, run_enrichment
from marketplace.models import EnrichmentJob, Listing
from tests.factories import FavouriteFactory, ListingFactory, UserFactory, category

pytestmark = pytest.mark.django_db

SCAM = "Sealed iPhone. Pay with Amazon gift cards only, write me on WhatsApp."


def enrich(listing: Listing) -> EnrichmentJob:
    job = queue_enrichment(listing, enqueue=False)
    run_enrichment(job.pk, may_retry=False)
    job.refresh_from_db()
    listing.refresh_from_db()
    return job


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    return client


def test_the_seller_sees_the_check_and_the_details_it_found(client):
    listing = ListingFactory.create(
        title="iPhone 12 64GB black", description="Apple phone, works well.", attributes={}
    )
    enrich(listing)
    client.force_login(listing.seller)
    page = client.get(listing.get_absolute_url())
    assert "Automatic check" in page.text
    assert "No problems found" in page.text
    assert "Details it found" in page.text
    assert "Apple" in page.text


def test_the_details_it_found_read_as_on_the_listing_page(client):
    """With their units and choice labels: "64 GB", "Black", not 64 and black."""
    listing = ListingFactory.create(
        title="iPhone 12 64GB black", description="Apple phone, works well.", attributes={}
    )
    enrich(listing)
    client.force_login(listing.seller)
    page = client.get(listing.get_absolute_url())
    assert '<span class="muted">Storage</span> 64 GB</li>' in page.text
    assert '<span class="muted">Colour</span> Black</li>' in page.text


def test_a_held_listing_tells_its_seller_why(client):
    listing = ListingFactory.create(description=SCAM)
    enrich(listing)
    assert listing.moderation == Listing.Moderation.HELD
    client.force_login(listing.seller)
    page = client.get(listing.get_absolute_url())
    assert "hidden from buyers until a moderator" in page.text
    assert "Flagged for a moderator" in page.text


def test_a_failed_check_says_the_listing_is_live_as_written(client, fake_openai):
    listing = ListingFactory.create()
    enrich(listing)  # the fake server has nothing scripted: a 500
    client.force_login(listing.seller)
    page = client.get(listing.get_absolute_url())
    assert "could not run" in page.text
    assert "live exactly as you wrote it" in page.text


def test_a_failed_check_tells_the_seller_why_without_the_technical_details(client, settings):
    settings.LLM_PROVIDER = "openai"
    settings.OPENAI_API_KEY = "sk-test-unreachable"
    settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"  # nothing listens there
    settings.LLM_MAX_RETRIES = 0
    listing = ListingFactory.create()
    job = enrich(listing)
    assert "127.0.0.1:9" in job.error  # for staff, in the admin

    client.force_login(listing.seller)
    page = client.get(listing.get_absolute_url())
    assert "The check could not run: The AI service did not answer." in page.text
    assert "Editing it runs the check again." in page.text
    assert "127.0.0.1" not in page.text
    assert job.error not in page.text
    assert "try again" not in page.text  # nothing will, unless the seller edits


def test_a_check_that_will_be_retried_says_so(client, fake_openai):
    listing = ListingFactory.create()
    job = queue_enrichment(listing, enqueue=False)
    fake_openai.queue(fake_server.rate_limited(retry_after=1))
    assert run_enrichment(job.pk, may_retry=True).status == "retry"

    client.force_login(listing.seller)
    page = client.get(listing.get_absolute_url())
    assert "The last try did not work: The AI service did not answer." in page.text
    assert "We will try again soon" in page.text
    assert fake_openai.base_url not in page.text


def test_buyers_never_see_the_panel(client):
    listing = ListingFactory.create()
    enrich(listing)
    client.force_login(UserFactory.create())
    assert "Automatic check" not in client.get(listing.get_absolute_url()).text


def test_the_moderation_queue_lists_flagged_listings_with_reasons(staff_client):
    held = ListingFactory.create(title="Sealed iPhone", description=SCAM)
    fine = ListingFactory.create(
        title="Old sofa",
        category=category("home-garden"),
        description="Comfy grey sofa.",
        attributes={},
    )
    enrich(held)
    enrich(fine)
    page = staff_client.get("/admin/marketplace/moderationqueueitem/")
    assert "Sealed iPhone" in page.text
    assert "Old sofa" not in page.text
    assert "payment_scam" in page.text


def test_a_moderator_approves_a_held_listing_back_into_view(staff_client, client):
    held = ListingFactory.create(description=SCAM)
    enrich(held)
    staff_client.post(
        "/admin/marketplace/moderationqueueitem/",
        {"action": "approve_selected", "_selected_action": [held.pk]},
    )
    held.refresh_from_db()
    assert held.moderation == Listing.Moderation.APPROVED
    assert client.get(held.get_absolute_url()).status_code == 200


def test_a_moderator_removes_a_listing(staff_client):
    held = ListingFactory.create(description=SCAM)
    enrich(held)
    staff_client.post(
        "/admin/marketplace/moderationqueueitem/",
        {"action": "remove_selected", "_selected_action": [held.pk]},
    )
    held.refresh_from_db()
    assert held.status == Listing.Status.REMOVED


def test_the_job_admin_reruns_jobs(staff_client):
    listing = ListingFactory.create()
    job = enrich(listing)
    page = staff_client.get("/admin/marketplace/enrichmentjob/?status__exact=succeeded")
    assert page.status_code == 200
    staff_client.post(
        "/admin/marketplace/enrichmentjob/",
        {"action": "rerun_selected", "_selected_action": [job.pk]},
    )
    assert listing.enrichment_jobs.count() == 2


@pytest.mark.parametrize(
    "url",
    [
        "/admin/marketplace/enrichmentjob/",
        "/admin/marketplace/moderationqueueitem/",
        "/admin/marketplace/assistantsuggestion/",
    ],
)
def test_ai_admin_pages_are_staff_only(client, staff_client, url):
    assert staff_client.get(url).status_code == 200
    client.force_login(UserFactory.create())
    assert client.get(url).status_code == 302


def test_the_marketplace_tracks_views_contacts_and_favourites(client):
    listing = ListingFactory.create()
    buyer = UserFactory.create()
    client.force_login(buyer)
    client.get(listing.get_absolute_url())
    client.post(f"/listings/{listing.pk}/favourite/")
    client.post(f"/listings/{listing.pk}/contact/", {"body": "Still available?"})
    names = sorted(Event.objects.values_list("name", flat=True))
    assert names == ["contact_seller", "favourite_added", "listing_view"]
    assert set(Event.objects.values_list("user_id", flat=True)) == {str(buyer.pk)}


def test_a_seller_looking_at_their_own_listing_is_not_a_view(client):
    listing = ListingFactory.create()
    client.force_login(listing.seller)
    client.get(listing.get_absolute_url())
    assert not Event.objects.filter(name="listing_view").exists()


def test_removing_a_favourite_is_not_tracked(client):
    favourite = FavouriteFactory.create()
    client.force_login(favourite.user)
    client.post(f"/listings/{favourite.listing.pk}/favourite/")
    assert not Event.objects.filter(name="favourite_added").exists()
