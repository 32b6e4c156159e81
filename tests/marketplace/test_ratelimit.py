"""Who a rate limit counts: the user, else a returning visitor, else the client's address."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from experiments.models import Flag
from experiments.units import VisitorMiddleware
from llm.models import LLMCall
from marketplace import ratelimit
from marketplace.ab_tests import AI_SEARCH
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit_of_two(settings):
    settings.AI_RATE_LIMITS = {**settings.AI_RATE_LIMITS, "search": "2/hour"}


def through_visitor_middleware(request):
    """The request as the views see it: with the visitor id the middleware gives it."""
    VisitorMiddleware(lambda r: HttpResponse())(request)
    return request


def cookieless(address: str = "203.0.113.7", **meta):
    return through_visitor_middleware(RequestFactory().get("/search/", REMOTE_ADDR=address, **meta))


def allowed(requests) -> list[bool]:
    return [ratelimit.hit(request, "search").allowed for request in requests]


def test_a_client_that_drops_its_cookie_is_counted_by_its_address(limit_of_two):
    assert allowed(cookieless() for _ in range(4)) == [True, True, False, False]
    assert allowed([cookieless("198.51.100.4")]) == [True]  # someone else


def test_a_returning_visitor_has_an_allowance_of_their_own(limit_of_two):
    first = cookieless()
    assert first.visitor_is_new
    response = VisitorMiddleware(lambda r: HttpResponse())(first)
    returning = RequestFactory().get("/search/", REMOTE_ADDR="203.0.113.7")
    returning.COOKIES["bz_vid"] = response.cookies["bz_vid"].value
    through_visitor_middleware(returning)
    assert not getattr(returning, "visitor_is_new")  # noqa: B009  # set by the middleware

    assert allowed([returning, returning, returning]) == [True, True, False]
    assert allowed([cookieless()]) == [True]  # the address has its own count


def test_a_user_is_counted_whatever_their_address(limit_of_two):
    user = UserFactory()
    requests = [cookieless(f"203.0.113.{n}") for n in range(3)]
    for request in requests:
        request.user = user
    assert allowed(requests) == [True, True, False]


def test_forwarded_addresses_are_ignored_unless_proxies_are_trusted(limit_of_two, settings):
    spoofed = [cookieless(HTTP_X_FORWARDED_FOR=f"192.0.2.{n}") for n in range(3)]
    assert allowed(spoofed) == [True, True, False]

    settings.TRUSTED_PROXY_HOPS = 1  # one proxy, which appends the address it saw
    behind_proxy = [
        cookieless("10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.9") for n in range(3)
    ]
    assert allowed(behind_proxy) == [True, True, False]  # counted as 198.51.100.9, not 192.0.2.*


def test_an_ipv6_client_is_counted_by_its_network(limit_of_two):
    addresses = ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3"]
    assert allowed(cookieless(address) for address in addresses) == [True, True, False]


def test_cookieless_searches_stop_calling_the_model_at_the_limit(client, limit_of_two):
    Flag.objects.filter(name=AI_SEARCH).update(everyone=True)
    for n in range(6):
        client.cookies.clear()
        response = client.get("/search/", {"q": f"cheap iphone {n} in berlin"})
        assert response.status_code in (200, 302)
    assert LLMCall.objects.count() == 2


def test_a_new_visitors_first_request_counts_once_they_keep_the_cookie(client, limit_of_two):
    Flag.objects.filter(name=AI_SEARCH).update(everyone=True)
    client.get("/search/", {"q": "cheap iphone in berlin"})  # no cookie yet: it is given one
    client.get("/search/", {"q": "sofa under 100"})
    client.get("/search/", {"q": "used bike in hamburg"})
    assert LLMCall.objects.count() == 2


def test_fresh_cookies_never_make_a_fresh_address(limit_of_two, settings):
    """Each new cookie is a new visitor with their own allowance, but everyone at one address
    shares a ceiling of AI_RATE_LIMIT_ADDRESS_FACTOR allowances."""
    settings.AI_RATE_LIMIT_ADDRESS_FACTOR = 3
    decisions = []
    for _ in range(5):  # a client that takes a new cookie for every two searches
        first = cookieless()
        response = VisitorMiddleware(lambda r: HttpResponse())(first)
        for _ in range(2):
            returning = RequestFactory().get("/search/", REMOTE_ADDR="203.0.113.7")
            returning.COOKIES["bz_vid"] = response.cookies["bz_vid"].value
            decisions.append(ratelimit.hit(through_visitor_middleware(returning), "search").allowed)
    assert decisions == [True] * 6 + [False] * 4  # two allowances each, six for the address
    assert allowed([cookieless("198.51.100.4")]) == [True]  # another address is not affected
