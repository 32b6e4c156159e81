import pytest
from django.test import Client
from django.urls import reverse

from marketplace.models import Listing
from tests.factories import ListingFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def test_the_owner_marks_a_listing_sold(user_client, user):
    listing = ListingFactory.create(seller=user)
    response = user_client.post(reverse("listing_mark_sold", args=[listing.pk]), follow=True)
    listing.refresh_from_db()
    assert listing.status == Listing.Status.SOLD
    assert "Marked as sold." in response.text


def test_only_a_live_listing_can_be_marked_sold(user_client, user):
    listing = ListingFactory.create(seller=user, status=Listing.Status.DRAFT)
    response = user_client.post(reverse("listing_mark_sold", args=[listing.pk]), follow=True)
    listing.refresh_from_db()
    assert listing.status == Listing.Status.DRAFT
    assert "Only a live listing can be marked as sold." in response.text


def test_the_owner_publishes_a_draft(user_client, user):
    listing = ListingFactory.create(seller=user, status=Listing.Status.DRAFT, published_at=None)
    response = user_client.post(
        reverse("listing_publish", args=[listing.pk]), {"next": reverse("my_listings")}
    )
    listing.refresh_from_db()
    assert listing.status == Listing.Status.ACTIVE
    assert listing.published_at is not None
    assert response["Location"] == reverse("my_listings")


def test_publish_does_not_follow_a_next_url_off_the_site(user_client, user):
    listing = ListingFactory.create(seller=user, status=Listing.Status.DRAFT, published_at=None)
    response = user_client.post(
        reverse("listing_publish", args=[listing.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == listing.get_absolute_url()


@pytest.mark.parametrize("name", ["listing_publish", "listing_mark_sold"])
def test_an_action_with_a_next_that_is_not_a_path_goes_back_to_the_listing(user_client, user, name):
    listing = ListingFactory.create(seller=user)
    response = user_client.post(reverse(name, args=[listing.pk]), {"next": "' OR 1=1 --"})
    assert response["Location"] == listing.get_absolute_url()


def test_delete_asks_first_then_takes_the_listing_down_but_keeps_it(user_client, user):
    listing = ListingFactory.create(seller=user, title="Rowing machine")
    thread = ThreadFactory.create(listing=listing)
    confirm = user_client.get(reverse("listing_delete", args=[listing.pk]))
    assert confirm.status_code == 200
    assert "Delete this listing?" in confirm.text
    listing.refresh_from_db()
    assert listing.status == Listing.Status.ACTIVE

    response = user_client.post(reverse("listing_delete", args=[listing.pk]), follow=True)
    assert "“Rowing machine” was deleted." in response.text
    listing.refresh_from_db()
    assert listing.status == Listing.Status.REMOVED
    assert listing.threads.get() == thread
    assert Client().get(listing.get_absolute_url()).status_code == 404


def test_a_deleted_listing_cannot_be_edited_or_acted_on(user_client, user):
    listing = ListingFactory.create(seller=user, status=Listing.Status.REMOVED)
    assert user_client.get(reverse("listing_edit", args=[listing.pk])).status_code == 404
    for name in ("listing_publish", "listing_mark_sold", "listing_delete"):
        assert user_client.post(reverse(name, args=[listing.pk])).status_code == 404


@pytest.mark.parametrize("name", ["listing_publish", "listing_mark_sold", "listing_delete"])
def test_other_people_get_404(client, other_user, name):
    listing = ListingFactory.create(status=Listing.Status.DRAFT)
    client.force_login(other_user)
    assert client.post(reverse(name, args=[listing.pk])).status_code == 404
    listing.refresh_from_db()
    assert listing.status == Listing.Status.DRAFT


def test_owner_actions_need_a_login(client):
    listing = ListingFactory.create()
    response = client.post(reverse("listing_mark_sold", args=[listing.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    listing.refresh_from_db()
    assert listing.status == Listing.Status.ACTIVE


def test_actions_refuse_a_get(user_client, user):
    listing = ListingFactory.create(seller=user)
    assert user_client.get(reverse("listing_mark_sold", args=[listing.pk])).status_code == 405


def test_posts_without_a_csrf_token_are_refused(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    listing = ListingFactory.create(seller=user)
    response = client.post(reverse("listing_delete", args=[listing.pk]))
    assert response.status_code == 403
    assert "That form has expired" in response.text
    listing.refresh_from_db()
    assert listing.status == Listing.Status.ACTIVE

    form = client.get(reverse("listing_delete", args=[listing.pk]))
    token = form.context["csrf_token"]
    client.post(reverse("listing_delete", args=[listing.pk]), {"csrfmiddlewaretoken": token})
    listing.refresh_from_db()
    assert listing.status == Listing.Status.REMOVED
