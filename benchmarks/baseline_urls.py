"""The page benchmark's URLs: the site's own, plus a one-line view as the baseline.

The baseline goes through the same middleware, URL resolver and test client as every page, and
does nothing else, so "page time / baseline time" says how much the page itself costs.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path


def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns: list[URLPattern | URLResolver] = [
    path("__bench__/ping/", ping, name="bench_ping"),
    path("", include("config.urls")),
]
