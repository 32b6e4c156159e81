"""A visitor in the search understanding experiment gets their words turned into filters they
can see and undo; the control group searches the plain way."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from experiments.api import load_spec
from experiments.models import Experiment
from experiments.services import start_experiment
from marketplace.ab_tests import AI_SEARCH
from tests.e2e.steps import visitor_cookie
from tests.factories import ListingFactory, category

pytestmark = pytest.mark.django_db(transaction=True)

QUERY = "cheap iphone in munich under 400"


@pytest.fixture
def phones_in_two_cities() -> None:
    """The search understanding experiment running, and iPhones and others in two cities."""
    start_experiment(Experiment.objects.get(key=AI_SEARCH))
    ListingFactory(title="iPhone 11, 64 GB", price=Decimal(250), city="Munich")
    ListingFactory(title="iPhone 12, 128 GB", price=Decimal(350), city="Munich")
    ListingFactory(title="iPhone 14 Pro, 256 GB", price=Decimal(690), city="Munich")
    ListingFactory(title="iPhone 12 mini", price=Decimal(300), city="Berlin")
    ListingFactory(title="Samsung Galaxy S21", price=Decimal(200), city="Munich", attributes={})
    ListingFactory(
        title="Sofa for an iphone lover",
        price=Decimal(90),
        city="Munich",
        category=category("home-garden"),
    )


def visitor_in(group: str) -> str:
    """A visitor id that the running ``ai_search`` experiment puts in ``group``."""
    spec = load_spec(AI_SEARCH)
    assert spec is not None
    for number in range(1, 200):
        visitor_id = f"{number:032x}"
        variant = spec.assign(visitor_id)
        if variant is not None and variant.key == group:
            return visitor_id
    raise AssertionError(f"no visitor id in the {group} group")


def search(page: Page, words: str) -> None:
    box = page.get_by_role("banner").get_by_role("searchbox", name="Search listings")
    box.fill(words)
    box.press("Enter")


def card_titles(page: Page) -> Locator:
    return page.locator(".card-title")


def understood(page: Page) -> Locator:
    return page.get_by_role("group", name="Filters understood from your search")


@pytest.mark.usefixtures("phones_in_two_cities")
def test_a_visitor_with_smart_search_sees_understood_filters_and_can_undo_them(
    new_page: Callable[..., Page], live_server: Any
):
    buyer = new_page()
    buyer.context.add_cookies([visitor_cookie(visitor_in("treatment"), live_server.url)])
    buyer.goto("/")
    search(buyer, QUERY)

    chips = understood(buyer).locator(".chip")
    expect(chips).to_have_text(["Phones", "under €400", "Munich", "Cheapest first"])
    expect(understood(buyer)).to_contain_text(f"Understood from “{QUERY}”")
    expect(buyer.get_by_role("heading", level=1)).to_have_text("Results for “iphone”")
    expect(card_titles(buyer)).to_have_text(["iPhone 11, 64 GB", "iPhone 12, 128 GB"])
    expect(buyer.get_by_label("Maximum price")).to_have_value("400")
    expect(buyer.get_by_label("City")).to_have_value("Munich")

    # Each × takes one filter away and searches again without it.
    understood(buyer).get_by_role("link", name="Remove Munich").click()
    expect(chips).to_have_text(["Phones", "under €400", "Cheapest first"])
    expect(card_titles(buyer)).to_have_text(
        ["iPhone 11, 64 GB", "iPhone 12 mini", "iPhone 12, 128 GB"]
    )
    expect(buyer.get_by_label("City")).to_have_value("")

    understood(buyer).get_by_role("link", name="Remove under €400").click()
    expect(chips).to_have_text(["Phones", "Cheapest first"])
    expect(card_titles(buyer)).to_have_text(
        ["iPhone 11, 64 GB", "iPhone 12 mini", "iPhone 12, 128 GB", "iPhone 14 Pro, 256 GB"]
    )

    # The exact words instead: a plain search for what the buyer typed, no chips.
    buyer.get_by_role("link", name="Search for these exact words instead").click()
    expect(buyer.get_by_role("heading", level=1)).to_have_text(f"Results for “{QUERY}”")
    expect(understood(buyer)).to_have_count(0)
    expect(buyer.get_by_role("searchbox", name="Search listings")).to_have_value(QUERY)


@pytest.mark.usefixtures("phones_in_two_cities")
def test_switching_smart_search_off_leads_to_the_plain_search_and_stays_off(
    new_page: Callable[..., Page], live_server: Any
):
    buyer = new_page()
    buyer.context.add_cookies([visitor_cookie(visitor_in("treatment"), live_server.url)])
    buyer.goto("/")
    search(buyer, QUERY)
    expect(understood(buyer).locator(".chip")).to_have_count(4)
    expect(buyer.get_by_text("Smart search is on.")).to_be_visible()

    buyer.get_by_role("button", name="Turn it off").click()
    expect(buyer.get_by_text("Smart search is off.")).to_be_visible()
    expect(buyer.get_by_role("heading", level=1)).to_have_text(f"Results for “{QUERY}”")
    expect(understood(buyer)).to_have_count(0)
    expect(buyer.get_by_label("City")).to_have_value("")

    search(buyer, "iphone under 400")
    expect(buyer.get_by_role("heading", level=1)).to_have_text("Results for “iphone under 400”")
    expect(understood(buyer)).to_have_count(0)

    buyer.get_by_role("button", name="Turn it on").click()
    expect(buyer.get_by_text("Smart search is on.")).to_be_visible()
    expect(understood(buyer).locator(".chip")).to_have_text(["Phones", "under €400"])


@pytest.mark.usefixtures("phones_in_two_cities")
def test_a_visitor_in_the_control_group_gets_the_plain_search(
    new_page: Callable[..., Page], live_server: Any
):
    buyer = new_page()
    buyer.context.add_cookies([visitor_cookie(visitor_in("control"), live_server.url)])
    buyer.goto("/")
    search(buyer, QUERY)
    expect(buyer.get_by_role("heading", level=1)).to_have_text(f"Results for “{QUERY}”")
    expect(buyer.locator("#results-count")).to_be_visible()
    expect(understood(buyer)).to_have_count(0)
    expect(buyer.get_by_text("Smart search is")).to_have_count(0)


def relaxations(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Listings you would find instead")


@pytest.mark.usefixtures("phones_in_two_cities")
def test_a_search_that_finds_nothing_offers_what_would_find_something(
    new_page: Callable[..., Page], live_server: Any
):
    # With smart search: no iPhone under €250 in Berlin; without Berlin, or without the price.
    buyer = new_page()
    buyer.context.add_cookies([visitor_cookie(visitor_in("treatment"), live_server.url)])
    buyer.goto("/")
    search(buyer, "iphone under €250 in Berlin")
    expect(buyer.locator("#results-count")).to_have_text("0 listings")
    expect(relaxations(buyer).get_by_role("listitem")).to_have_text(
        ["without under €250 1 listing", "without Berlin 1 listing"]
    )
    relaxations(buyer).get_by_role("link", name="without Berlin").click()
    expect(card_titles(buyer)).to_have_text(["iPhone 11, 64 GB"])
    expect(understood(buyer).locator(".chip")).to_have_text(["Phones", "under €250"])
    expect(relaxations(buyer)).to_have_count(0)

    # The plain search (the experiment's control) wants every word; one word alone finds some.
    other = new_page()
    other.context.add_cookies([visitor_cookie(visitor_in("control"), live_server.url)])
    other.goto("/")
    search(other, QUERY)
    expect(other.locator("#results-count")).to_have_text("0 listings")
    relaxations(other).get_by_role("link", name="“iphone” alone").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Results for “iphone”")
    expect(card_titles(other)).to_have_count(5)
