"""A search that finds nothing says what would find something: each filter dropped and each word
alone, with how many listings each shows; a search with results pays nothing for it."""

import re
from decimal import Decimal

import pytest

from experiments.models import Flag
from marketplace.ab_tests import AI_SEARCH
from tests.factories import ListingFactory, category

pytestmark = pytest.mark.django_db


@pytest.fixture
def phones():
    ListingFactory.create(title="iPhone 12 black", price=Decimal(250), city="Munich")
    ListingFactory.create(title="iPhone 14 Pro", price=Decimal(800), city="Berlin")
    ListingFactory.create(title="iPhone 11", price=Decimal(200), city="Munich")
    ListingFactory.create(
        title="Grey sofa", price=Decimal(100), city="Berlin", category=category("home-garden")
    )


def relaxations(page) -> list[tuple[str, str, str]]:
    """(label, link, count) of each suggestion, as the page shows them."""
    block = re.search(r'<nav class="relaxations".*?</nav>', page.text, re.S)
    if block is None:
        return []
    return [
        (label, link.replace("&amp;", "&"), count)
        for link, label, count in re.findall(
            r'<a href="([^"]*)">([^<]*)</a> <span class="muted">([^<]*)</span>', block.group()
        )
    ]


def test_the_plain_search_of_a_natural_query_suggests_its_words_alone(client, phones):
    """The search experiment's control group gets the buyer's words taken literally: no listing
    has them all, but some have one ("berlin" is in no title or description; "in", "under",
    "cheap" and "300" are not worth suggesting)."""
    page = client.get("/search/", {"q": "cheap iphone in berlin under 300"})
    assert "No listings match your search" in page.text
    assert relaxations(page) == [("“iphone” alone", "/search/?q=iphone", "3 listings")]
    followed = client.get("/search/?q=iphone")
    assert "iPhone 12 black" in followed.text
    assert relaxations(followed) == []  # results: no suggestions, and no counting


def test_an_understood_search_that_finds_nothing_offers_to_drop_each_filter(client, phones):
    Flag.objects.filter(name=AI_SEARCH).update(everyone=True)
    response = client.get("/search/", {"q": "iphone under €300 in Berlin"})
    page = client.get(response.url)
    assert "0</strong> listings" in page.text
    found = relaxations(page)
    assert [(label, count) for label, _, count in found] == [
        ("without under €300", "1 listing"),
        ("without Berlin", "2 listings"),
    ]
    without_berlin = client.get(found[1][1])
    assert "iPhone 12 black" in without_berlin.text
    assert "iPhone 11" in without_berlin.text
    assert "Remove Berlin" not in without_berlin.text  # its chip went with it
    assert "Remove under €300" in without_berlin.text


def test_a_category_page_keeps_its_category_and_drops_the_other_filters(client, phones):
    page = client.get("/c/phones/", {"city": "Hamburg"})
    assert relaxations(page) == [("without Hamburg", "/c/phones/?", "3 listings")]


def test_nothing_is_suggested_when_nothing_would_help(client, phones):
    page = client.get("/search/", {"q": "unicorn"})
    assert "No listings match your search" in page.text
    assert relaxations(page) == []


def test_only_a_search_without_results_pays_for_suggestions(
    client, phones, django_assert_max_num_queries
):
    """A search with results makes no query for them; one without, one COUNT per suggestion
    tried (here: without Munich, and each of the two words alone). The search counts its own
    results in its page query, so every COUNT is a suggestion's."""

    def counts(queries: list[dict]) -> int:
        return sum(q["sql"].startswith("SELECT COUNT(*)") for q in queries)

    client.get("/search/", {"q": "iphone", "city": "Munich"})  # warm the caches (categories…)
    with django_assert_max_num_queries(50) as found:
        client.get("/search/", {"q": "iphone", "city": "Munich"})
    assert counts(found.captured_queries) == 0
    with django_assert_max_num_queries(50) as found:
        page = client.get("/search/", {"q": "iphone sofa", "city": "Munich"})
    assert [label for label, _, _ in relaxations(page)] == ["“iphone” alone"]
    assert counts(found.captured_queries) == 3
