"""/healthz, as Docker's health checks and load balancers see it."""

import pytest
from django.db import OperationalError
from django.test import override_settings

from experiments.units import VISITOR_COOKIE

pytestmark = pytest.mark.django_db


def test_it_answers_ok_when_the_database_answers(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "no-store"


def test_it_answers_503_and_logs_when_the_database_does_not(client, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable\n"
    assert "the database does not answer" in caplog.text


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["bazaar.example"])
def test_a_probe_over_plain_http_to_the_containers_address_is_answered_not_redirected(client):
    """Inside the container the probe asks http://127.0.0.1:8000/healthz: neither the HTTPS
    redirect nor the allowed-hosts check of a production site may turn it away."""
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    # The rest of the site still redirects and checks hosts as before.
    assert client.get("/", HTTP_HOST="bazaar.example").status_code == 301
    assert client.get("/", HTTP_HOST="127.0.0.1:8000", secure=True).status_code == 400


def test_a_probe_gets_no_session_and_no_visitor_cookie(client):
    response = client.get("/healthz")
    assert VISITOR_COOKIE not in response.cookies
    assert "sessionid" not in response.cookies
    assert not response.cookies


def test_only_the_exact_path_is_the_health_check(client):
    assert client.get("/healthz/").status_code == 404
    assert client.get("/healthzz").status_code == 404
