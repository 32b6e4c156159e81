"""Where a request may ask to be sent next (edge/redirects.py)."""

import pytest
from django.test import RequestFactory

from edge.redirects import is_site_path, safe_next


@pytest.mark.parametrize(
    "target", ["/", "/search/?q=road+bike&page=2", "/listings/7/road-bike/#contact", "/%E2%82%AC"]
)
def test_paths_of_the_site_are_kept(target):
    assert is_site_path(target)


@pytest.mark.parametrize(
    "target",
    [
        "",
        "home",  # redirect() would look for a view of that name
        "' OR 1=1 --",
        "search/",  # relative: depends on where the form was
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",  # browsers drop the tab
        "https://evil.example/",
        "javascript:alert(1)",
        "/café",  # a real link percent-encodes it
        "/" + "x" * 3000,
    ],
)
def test_anything_else_is_refused(target):
    assert not is_site_path(target)


def test_next_falls_back_when_it_is_not_a_path_or_is_the_page_itself():
    factory = RequestFactory()
    assert safe_next(factory.post("/sold/", {"next": "/me/listings/"}), "/x/") == "/me/listings/"
    assert safe_next(factory.get("/login/", {"next": "/search/"}), "/") == "/search/"
    assert safe_next(factory.post("/sold/", {"next": "my_listings"}), "/x/") == "/x/"
    assert safe_next(factory.get("/login/", {"next": "/login/?again=1"}), "/") == "/"
