"""``/healthz``: whether this process can serve, for Docker's and load balancers' health checks.

Answered by the first middleware, before anything that could refuse or redirect a probe for
reasons that say nothing about the process's health: the HTTPS redirect (the probe speaks plain
HTTP inside the container), the allowed-hosts check (it asks for 127.0.0.1, not the site's name),
sessions and the visitor cookie (a probe every few seconds would otherwise write session rows
and look like a stream of new visitors).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse

HEALTH_PATH = "/healthz"

logger = logging.getLogger(__name__)


class HealthCheckMiddleware:
    """Answers ``/healthz`` with 200 "ok" when the database answers, 503 when it does not;
    every other request goes on down the stack untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info != HEALTH_PATH:
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            logger.exception("health check: the database does not answer")
            return _plain("database unavailable\n", status=503)
        return _plain("ok\n", status=200)


def _plain(text: str, *, status: int) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    # A cached "ok" would hide an outage from the next probe.
    response["Cache-Control"] = "no-store"
    return response
