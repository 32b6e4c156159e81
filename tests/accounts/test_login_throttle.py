"""Guessing passwords: after a few failures the client is paused, and told for how long."""

import time
from types import SimpleNamespace

import pytest
from django.urls import reverse

from accounts import throttle
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOGIN_THROTTLE_FAILURES = 5
    settings.LOGIN_THROTTLE_ADDRESS_FAILURES = 30
    settings.LOGIN_THROTTLE_LOCKOUT_SECONDS = 900


def log_in(client, username, password, address="203.0.113.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail(client, username, times, address="203.0.113.7"):
    return [log_in(client, username, "wrong", address) for _ in range(times)]


def test_after_five_wrong_passwords_even_the_right_one_waits(client, user):
    responses = fail(client, user.username, 5)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "Please enter a correct username and password." in responses[0].text

    response = log_in(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.text
    assert "try again in 15 minutes" in response.text
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_the_pause_ends_after_the_lockout(client, user, monkeypatch):
    fail(client, user.username, 5)
    later = time.time() + 901
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: later))
    response = log_in(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == user


def test_a_right_password_forgives_earlier_slips(client, user):
    fail(client, user.username, 4)
    assert log_in(client, user.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    fail(client, user.username, 4)
    assert log_in(client, user.username, PASSWORD).status_code == 302


def test_someone_failing_elsewhere_does_not_lock_the_owner_out(client, user):
    fail(client, user.username, 10, address="198.51.100.66")
    assert log_in(client, user.username, PASSWORD, address="203.0.113.7").status_code == 302


def test_trying_many_accounts_from_one_address_is_paused_too(client, settings):
    settings.LOGIN_THROTTLE_ADDRESS_FAILURES = 6
    users = UserFactory.create_batch(3)
    for user in users[:2]:
        fail(client, user.username, 3)
    response = log_in(client, users[2].username, PASSWORD)
    assert response.status_code == 429
    assert "try again in 15 minutes" in response.text


def test_the_admin_log_in_is_throttled_too(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": staff.username, "password": "wrong"})
    response = client.post(url, {"username": staff.username, "password": PASSWORD})
    assert "Too many failed log-in attempts" in response.text
    assert not client.get(reverse("home")).context["user"].is_authenticated
