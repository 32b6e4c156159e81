"""The rules that services.py keeps whichever view (or job, or command) calls it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from marketplace import services
from marketplace.images import process_listing_image
from marketplace.models import Listing, Message, Thread
from tests.factories import (
    ListingFactory,
    ListingImageFactory,
    ThreadFactory,
    UserFactory,
    category,
    image_upload,
)

pytestmark = pytest.mark.django_db


def test_create_listing_publishes_or_drafts(user):
    fields = {
        "title": "Kayak",
        "category": category("sports-hobbies"),
        "price": 400,
        "currency": "EUR",
        "condition": "good",
        "city": "Kiel",
        "description": "Two seats.",
        "attributes": {"sport": "kayaking"},
    }
    live = services.create_listing(user, fields, publish=True)
    draft = services.create_listing(user, fields)
    assert (live.status, draft.status) == (Listing.Status.ACTIVE, Listing.Status.DRAFT)
    assert live.published_at is not None
    assert draft.published_at is None


def test_create_listing_refuses_fields_a_seller_may_not_set(user):
    with pytest.raises(ValueError, match="status"):
        services.create_listing(user, {"title": "x", "status": "active"})


def test_republishing_keeps_the_first_publication_date():
    first = timezone.now() - timedelta(days=10)
    listing = ListingFactory.create(status=Listing.Status.DRAFT, published_at=first)
    services.publish_listing(listing)
    listing.refresh_from_db()
    assert listing.status == Listing.Status.ACTIVE
    assert listing.published_at == first


def test_only_drafts_are_published():
    with pytest.raises(ValidationError):
        services.publish_listing(ListingFactory.create(status=Listing.Status.SOLD))


def test_a_removed_listing_cannot_be_updated():
    listing = ListingFactory.create(status=Listing.Status.REMOVED)
    with pytest.raises(ValidationError):
        services.update_listing(listing, {"title": "Back again"})


def test_photos_are_capped_per_listing(settings):
    settings.LISTING_IMAGES_PER_LISTING = 2
    listing = ListingFactory.create()
    ListingImageFactory.create(listing=listing)
    photos = [process_listing_image(image_upload()) for _ in range(2)]
    with pytest.raises(ValidationError):
        services.add_listing_photos(listing, photos)
    assert listing.images.count() == 1


def test_toggle_favourite_flips(user):
    listing = ListingFactory.create()
    assert services.toggle_favourite(user, listing) == (True, True)
    assert services.toggle_favourite(user, listing) == (False, True)
    assert services.toggle_favourite(user, listing) == (True, True)
    assert listing.favourited_by.count() == 1


def test_saving_and_unsaving_twice_changes_it_once(user):
    listing = ListingFactory.create()
    assert services.save_favourite(user, listing) is True
    assert services.save_favourite(user, listing) is False
    assert listing.favourited_by.count() == 1
    assert services.unsave_favourite(user, listing) is True
    assert services.unsave_favourite(user, listing) is False
    assert not listing.favourited_by.exists()


def test_only_the_two_parties_write_in_a_thread(other_user):
    thread = ThreadFactory.create()
    with pytest.raises(ValidationError):
        services.send_message(
            listing=thread.listing, buyer=thread.buyer, sender=other_user, body="Me too!"
        )
    assert not thread.messages.exists()


def test_a_new_conversation_needs_a_live_listing(user):
    listing = ListingFactory.create(status=Listing.Status.DRAFT)
    with pytest.raises(ValidationError, match="no longer available"):
        services.send_message(listing=listing, buyer=user, sender=user, body="Hi")
    assert not Thread.objects.exists()


def test_mark_thread_read_marks_only_the_other_partys_messages():
    thread = ThreadFactory.create()
    seller = thread.listing.seller
    services.send_message(listing=thread.listing, buyer=thread.buyer, sender=seller, body="a")
    services.send_message(listing=thread.listing, buyer=thread.buyer, sender=thread.buyer, body="b")
    assert services.mark_thread_read(thread, thread.buyer) == 1
    assert services.mark_thread_read(thread, thread.buyer) == 0
    assert thread.messages.filter(read_at__isnull=True).get().body == "b"


def test_the_first_message_opens_the_thread_and_dates_it():
    buyer, seller = UserFactory.create(), UserFactory.create()
    listing = ListingFactory.create(seller=seller)
    message, created = services.send_message(
        listing=listing, buyer=buyer, sender=buyer, body="Hello"
    )
    assert created
    assert message.thread.buyer == buyer
    assert message.thread.last_message_at == message.created_at


def test_the_same_message_sent_twice_in_a_row_is_sent_once():
    buyer = UserFactory.create()
    listing = ListingFactory.create()
    first, _ = services.send_message(listing=listing, buyer=buyer, sender=buyer, body="Hello")
    again, created = services.send_message(listing=listing, buyer=buyer, sender=buyer, body="Hello")
    assert (again, created) == (first, False)
    _, created = services.send_message(listing=listing, buyer=buyer, sender=buyer, body="Hi?")
    assert created  # another text is another message
    assert first.thread.messages.count() == 2


def test_the_same_text_later_is_a_new_message():
    buyer = UserFactory.create()
    listing = ListingFactory.create()
    first, _ = services.send_message(listing=listing, buyer=buyer, sender=buyer, body="Hello")
    Message.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - services.DUPLICATE_MESSAGE_WINDOW - timedelta(seconds=1)
    )
    _, created = services.send_message(listing=listing, buyer=buyer, sender=buyer, body="Hello")
    assert created
