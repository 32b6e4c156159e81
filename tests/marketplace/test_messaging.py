from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.models import Listing, Message, Thread
from tests.factories import (
    ListingFactory,
    ListingImageFactory,
    MessageFactory,
    ThreadFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def contact(client, listing, body="Is it still available?"):
    return client.post(reverse("contact_seller", args=[listing.pk]), {"body": body}, follow=True)


def test_messaging_a_seller_opens_a_conversation(client, user):
    listing = ListingFactory.create(seller__first_name="Jonas")
    client.force_login(user)
    response = contact(client, listing, "Would you take 300?")
    thread = Thread.objects.get()
    assert (thread.listing, thread.buyer) == (listing, user)
    assert response.redirect_chain[-1][0] == thread.get_absolute_url() + "#latest"
    assert "Message sent to Jonas." in response.text
    assert "Would you take 300?" in response.text


def test_a_second_message_reuses_the_conversation(client, user):
    listing = ListingFactory.create()
    client.force_login(user)
    contact(client, listing, "First")
    contact(client, listing, "Second")
    assert Thread.objects.count() == 1
    assert list(Message.objects.values_list("body", flat=True)) == ["First", "Second"]


def test_each_buyer_gets_their_own_conversation(client, user, other_user):
    listing = ListingFactory.create()
    for buyer in (user, other_user):
        client.force_login(buyer)
        contact(client, listing)
    assert Thread.objects.filter(listing=listing).count() == 2


def test_an_empty_message_gets_an_error_on_the_listing_page(client, user):
    listing = ListingFactory.create()
    client.force_login(user)
    response = contact(client, listing, "   ")
    assert response.status_code == 200
    assert "Write a message before sending it." in response.text
    assert listing.title in response.text
    assert not Thread.objects.exists()


def test_a_seller_cannot_message_themselves(client, user):
    listing = ListingFactory.create(seller=user)
    client.force_login(user)
    response = contact(client, listing)
    assert "You can&#x27;t send a message about your own listing." in response.text
    assert not Thread.objects.exists()


def test_a_sold_listing_takes_no_new_conversations_but_old_ones_go_on(client, user, other_user):
    listing = ListingFactory.create(status=Listing.Status.SOLD)
    ThreadFactory.create(listing=listing, buyer=other_user)
    client.force_login(user)
    assert "This listing is no longer available." in contact(client, listing).text
    assert not Thread.objects.filter(buyer=user).exists()
    client.force_login(other_user)
    contact(client, listing, "Did it sell?")
    assert Message.objects.get().body == "Did it sell?"


def test_anonymous_visitors_are_sent_to_log_in(client):
    listing = ListingFactory.create()
    response = client.post(reverse("contact_seller", args=[listing.pk]), {"body": "Hi"})
    assert response["Location"].startswith(reverse("login"))
    assert not Thread.objects.exists()


def test_the_inbox_shows_each_conversation_with_its_last_message_and_unread_count(client):
    seller = UserFactory.create(first_name="Sofia")
    buyer = UserFactory.create(first_name="Ben")
    listing = ListingFactory.create(seller=seller, title="Espresso machine")
    cover = ListingImageFactory.create(listing=listing)
    thread = ThreadFactory.create(listing=listing, buyer=buyer)
    MessageFactory.create(thread=thread, sender=buyer, body="Hello!")
    MessageFactory.create(thread=thread, sender=buyer, body="Can I pick it up today?")
    client.force_login(seller)
    html = client.get(reverse("inbox")).text
    assert "Ben" in html
    assert "Espresso machine" in html
    assert "Can I pick it up today?" in html
    assert "Hello!" not in html
    assert cover.thumbnail.url in html
    assert 'aria-label="2 unread"' in html

    client.force_login(buyer)
    html = client.get(reverse("inbox")).text
    assert "Sofia" in html
    assert "You: Can I pick it up today?" in html
    assert "unread" not in html


def test_the_inbox_puts_the_latest_conversation_first(client, user):
    old = ThreadFactory.create(buyer=user, last_message_at=timezone.now() - timedelta(days=2))
    new = ThreadFactory.create(buyer=user)
    client.force_login(user)
    response = client.get(reverse("inbox"))
    assert [thread.pk for thread in response.context["page_obj"]] == [new.pk, old.pk]


def test_the_top_bar_shows_the_total_unread_count(client, user):
    MessageFactory.create_batch(2, thread__listing__seller=user)
    MessageFactory.create(thread__listing__seller=user)
    MessageFactory.create(thread__buyer=user, sender=user)  # my own message: not unread for me
    client.force_login(user)
    assert '<span class="count-badge" aria-label="3 unread">3</span>' in client.get("/").text


def test_opening_a_conversation_marks_the_other_partys_messages_read(client, user):
    thread = ThreadFactory.create(listing__seller=user)
    incoming = MessageFactory.create(thread=thread, body="Still there?")
    mine = MessageFactory.create(thread=thread, sender=user, body="Yes!")
    client.force_login(user)
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    assert "Still there?" in response.text
    incoming.refresh_from_db()
    mine.refresh_from_db()
    assert incoming.read_at is not None
    assert mine.read_at is None  # the buyer hasn't read my answer yet
    assert "count-badge" not in client.get(reverse("inbox")).text


def test_replying_in_a_conversation(client, user):
    thread = ThreadFactory.create(listing__seller=user)
    before = thread.last_message_at
    client.force_login(user)
    response = client.post(thread.get_absolute_url(), {"body": "Yes, come by at 6."})
    assert response["Location"] == thread.get_absolute_url() + "#latest"
    message = thread.messages.get()
    assert (message.sender, message.body) == (user, "Yes, come by at 6.")
    thread.refresh_from_db()
    assert thread.last_message_at > before


def test_a_message_is_stored_without_control_or_bidi_characters(client, user):
    thread = ThreadFactory.create(buyer=user)
    client.force_login(user)
    client.post(thread.get_absolute_url(), {"body": "Still \u202eavailable\u202c?\x00\r\nThanks"})
    assert thread.messages.get().body == "Still available?\nThanks"


def test_an_empty_reply_gets_an_error(client, user):
    thread = ThreadFactory.create(buyer=user)
    client.force_login(user)
    response = client.post(thread.get_absolute_url(), {"body": ""})
    assert "Write a message before sending it." in response.text
    assert not thread.messages.exists()


def test_outsiders_get_404_on_a_conversation(client, other_user):
    thread = ThreadFactory.create()
    MessageFactory.create(thread=thread)
    client.force_login(other_user)
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert client.post(thread.get_absolute_url(), {"body": "Hi"}).status_code == 404
    assert thread.messages.count() == 1
    assert thread.messages.get().read_at is None


@pytest.mark.parametrize("thread_count", [2, 12])
def test_the_inbox_runs_a_bounded_number_of_queries(
    client, user, django_assert_max_num_queries, thread_count
):
    for thread in ThreadFactory.create_batch(thread_count, buyer=user):
        ListingImageFactory.create(listing=thread.listing)
        MessageFactory.create(thread=thread, sender=thread.listing.seller)
    client.force_login(user)
    # session, user, count, threads, top bar categories, unread count
    client.get(reverse("inbox"))  # the top bar's smart-search flag is cached from then on
    with django_assert_max_num_queries(6):
        response = client.get(reverse("inbox"))
    assert len(response.context["page_obj"]) == thread_count
