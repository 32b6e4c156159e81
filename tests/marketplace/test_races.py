"""Requests that arrive together (double clicks, resent forms) do what one of them would do.

SQLite serialises writes, so these run on Postgres, each request in its own thread and
database connection, all released at once.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from experiments.models import Event
from marketplace.ab_tests import CONTACT_SELLER, FAVOURITE_ADDED
from marketplace.models import Favourite, Message
from tests.factories import ListingFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _at_once(*calls):
    """Run each call in its own thread and database connection, all released together."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            outcomes[i] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def logged_in_clients(user, count: int) -> list[Client]:
    clients = [Client() for _ in range(count)]
    for client in clients:
        client.force_login(user)
    return clients


def test_four_clicks_on_save_at_once_save_it_once():
    user, listing = UserFactory.create(), ListingFactory.create()
    url = reverse("favourite_toggle", args=[listing.pk])
    clients = logged_in_clients(user, 4)

    responses = _at_once(*(lambda c=c: c.post(url, {"saved": "1"}) for c in clients))

    assert [response.status_code for response in responses] == [302] * 4
    assert Favourite.objects.filter(user=user, listing=listing).count() == 1
    assert Event.objects.filter(name=FAVOURITE_ADDED).count() == 1


def test_three_contact_posts_at_once_send_one_message():
    buyer, listing = UserFactory.create(), ListingFactory.create()
    url = reverse("contact_seller", args=[listing.pk])
    clients = logged_in_clients(buyer, 3)

    responses = _at_once(
        *(lambda c=c: c.post(url, {"body": "Is it still available?"}) for c in clients)
    )

    assert [response.status_code for response in responses] == [302] * 3
    assert Message.objects.filter(sender=buyer).count() == 1
    assert Event.objects.filter(name=CONTACT_SELLER).count() == 1
    assert len({response["Location"] for response in responses}) == 1  # the same conversation
