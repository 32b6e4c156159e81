"""The example in the search boxes, on the demo data a newcomer gets from ``make run``: smart
search answers it, and plain search (the experiment's control) points to what would."""

import io
import re

import pytest
from django.core.management import call_command

from experiments.api import load_spec
from marketplace.ab_tests import AI_SEARCH
from marketplace.understanding import SEARCH_EXAMPLE

pytestmark = [pytest.mark.django_db, pytest.mark.catalogue]


@pytest.fixture
def demo():
    """The demo as ``make run`` seeds it (the same seed and size; photos left out)."""
    call_command("seed_demo", "--no-images", stdout=io.StringIO())


def visitor_in(client, group: str):
    """``client`` as a new visitor whom the running search experiment puts in ``group``."""
    spec = load_spec(AI_SEARCH)
    assert spec is not None, "the demo starts the search experiment"
    for _ in range(40):
        client.cookies.clear()
        client.get("/")  # a new browser gets its visitor cookie here
        variant = spec.assign(client.cookies["bz_vid"].value.split(":")[0])
        if (variant.key if variant else "control") == group:
            return client
    raise AssertionError(f"no visitor in the {group} group after 40 tries")


def results(page) -> int:
    found = re.search(
        r'id="results-count" class="results-count"><strong>([\d,]+)</strong>', page.text
    )
    assert found is not None
    return int(found.group(1).replace(",", ""))


def test_the_search_boxes_show_the_example(client, demo):
    home = client.get("/").text
    assert f'placeholder="What are you looking for? e.g. {SEARCH_EXAMPLE}"' in home
    assert f'placeholder="e.g. {SEARCH_EXAMPLE}"' in home


def test_smart_search_finds_listings_for_the_example(client, demo):
    response = visitor_in(client, "treatment").get("/search/", {"q": SEARCH_EXAMPLE})
    assert response.status_code == 302
    page = client.get(response.url)
    assert results(page) > 0
    for chip in ("Phones", "under €400", "Munich"):
        assert f"Remove {chip}" in page.text


def test_plain_search_of_the_example_points_to_listings(client, demo):
    page = visitor_in(client, "control").get("/search/", {"q": SEARCH_EXAMPLE})
    assert page.status_code == 200
    assert results(page) == 0  # plain search wants every word, "under" and "€400" too
    alone = re.search(r'<a href="([^"]*)">“iphone” alone</a>', page.text)
    assert alone is not None
    assert results(client.get(alone.group(1).replace("&amp;", "&"))) > 0


def test_the_issues_query_finds_nothing_in_berlin_and_says_where_there_is(client, demo):
    """No iPhone under €300 is on sale in Berlin in the demo: the page offers the same search
    without Berlin, with its count, and the link shows them."""
    visitor_in(client, "treatment")
    page = client.get(client.get("/search/", {"q": "iphone under €300 in Berlin"}).url)
    assert results(page) == 0
    without_berlin = re.search(
        r'<a href="([^"]*)">without Berlin</a> <span class="muted">(\d+) listings?</span>',
        page.text,
    )
    assert without_berlin is not None
    count = int(without_berlin.group(2))
    assert count > 0
    assert results(client.get(without_berlin.group(1).replace("&amp;", "&"))) == count
