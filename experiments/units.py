"""Units of randomisation: who an experiment assigns and counts.

``visitor``: a random id in a signed first-party cookie that ``VisitorMiddleware`` gives every
browser for a year, so it survives logging in and out. ``user``: the account id, so it follows a
person across browsers. Each experiment says which one it uses.

Not every request is a unit (``counted_unit_id``). A visitor id counts once the browser has sent
its cookie back: a client that keeps no cookies (most bots, load tests, link previews) would
otherwise be a new unit on every request. And a request from a known bot is nobody's unit.
Those requests get the default and are never exposed (docs/experiment-results.md).
"""

from __future__ import annotations

import re
import uuid

from django.http import HttpRequest, HttpResponse

VISITOR_COOKIE = "bz_vid"
VISITOR_COOKIE_SALT = "experiments.visitor"
VISITOR_COOKIE_MAX_AGE = 365 * 24 * 60 * 60


def visitor_unit_id(request: HttpRequest) -> str:
    return getattr(request, "visitor_id", "")


def user_unit_id(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return str(user.pk)
    return ""


# Crawlers, link previews, monitors and HTTP libraries name themselves in the User-Agent.
# Headless browsers count too: people do not browse with them (the browser tests set a usual one).
KNOWN_BOT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|scrap|archiver|curl/|wget/|httpie|python-|python/|aiohttp|"
    r"httpx|go-http-client|java/|okhttp|libwww|node-fetch|axios/|facebookexternalhit|embedly|"
    r"preview|monitor|pingdom|uptime|lighthouse|pagespeed|headless|phantomjs|wrk/|apachebench|locust",
    re.IGNORECASE,
)


def is_known_bot(request: HttpRequest) -> bool:
    return bool(KNOWN_BOT.search(request.META.get("HTTP_USER_AGENT", "")))


def unit_id_for(request: HttpRequest, unit_type: str) -> str:
    """The request's id for ``unit_type``, or "" when it has none (an anonymous user)."""
    return user_unit_id(request) if unit_type == "user" else visitor_unit_id(request)


def counted_unit_id(request: HttpRequest, unit_type: str) -> str:
    """The id under which this request takes part in experiments of ``unit_type``, or "" when it
    takes part in none: an anonymous user, a visitor id minted for this very request (its browser
    has not shown it keeps cookies), a known bot."""
    if is_known_bot(request):
        return ""
    if unit_type == "visitor" and getattr(request, "visitor_is_new", False):
        return ""
    return unit_id_for(request, unit_type)


class VisitorMiddleware:
    """Give every browser a stable, signed visitor id (``request.visitor_id``).

    A cookie whose signature does not check out is replaced, so a visitor cannot pick their own
    id (and with it their variant).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        visitor_id = request.get_signed_cookie(VISITOR_COOKIE, "", salt=VISITOR_COOKIE_SALT) or ""
        is_new = not _looks_like_visitor_id(visitor_id)
        if is_new:
            visitor_id = uuid.uuid4().hex
        request.visitor_id = visitor_id  # type: ignore[attr-defined]
        request.visitor_is_new = is_new  # type: ignore[attr-defined]
        response = self.get_response(request)
        if is_new:
            response.set_signed_cookie(
                VISITOR_COOKIE,
                visitor_id,
                salt=VISITOR_COOKIE_SALT,
                max_age=VISITOR_COOKIE_MAX_AGE,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


def _looks_like_visitor_id(value: str) -> bool:
    return len(value) == 32 and all(c in "0123456789abcdef" for c in value)
