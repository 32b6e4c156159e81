import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.views.defaults import permission_denied, server_error

pytestmark = pytest.mark.django_db


def test_the_404_page_is_the_site_s_own(client, settings):
    assert settings.DEBUG is False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We can't find that page" in response.text
    assert 'class="topbar"' in response.text
    assert 'action="/search/"' in response.text


def test_a_missing_listing_gets_the_styled_404(client):
    response = client.get("/listings/987654/ghost/")
    assert response.status_code == 404
    assert "The listing may have been sold or taken down" in response.text


def test_the_403_page_is_styled():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "You can't open this page" in response.content.decode()


def test_the_500_page_needs_nothing_but_itself(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert "<style>" in html
    assert "/static/" not in html  # no stylesheet to fail to load
