"""A buyer finds a phone, saves it and writes to the seller, who answers."""

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.steps import log_in, same_document
from tests.factories import PASSWORD, ListingFactory, ListingImageFactory, UserFactory, category

pytestmark = pytest.mark.django_db(transaction=True)

WANTED = "iPhone 13, 128 GB, blue"


@pytest.fixture
def phones_for_sale():
    """Four phones (three iPhones, one over the buyer's budget) and a table elsewhere."""
    sofia = UserFactory(username="sofia", first_name="Sofia")
    wanted = ListingFactory(seller=sofia, title=WANTED, price=Decimal("420"))
    for position, colour in enumerate(["#2563eb", "#16a34a", "#f59e0b"]):
        ListingImageFactory(listing=wanted, position=position, image__color=colour)
    ListingFactory(title="iPhone 11, 64 GB", price=Decimal("250"))
    ListingFactory(title="iPhone 14 Pro, 256 GB", price=Decimal("890"))
    ListingFactory(title="Samsung Galaxy S21", price=Decimal("300"), attributes={})
    ListingFactory(title="Oak dining table", price=Decimal("150"), category=category("home-garden"))


def card_titles(page: Page) -> list[str]:
    return page.locator(".card-title").all_inner_texts()


def messages_link(page: Page) -> Locator:
    """The top bar's "Messages", with its unread count when there is one."""
    return page.get_by_role("link", name=re.compile(r"^Messages"))


@pytest.mark.usefixtures("phones_for_sale")
def test_a_buyer_finds_a_phone_saves_it_and_messages_the_seller_who_replies(
    new_page: Callable[..., Page],
):
    UserFactory(username="jonas", first_name="Jonas")
    buyer = new_page()

    buyer.goto("/")
    categories = buyer.get_by_role("region", name="Browse categories")
    categories.get_by_role("link", name=re.compile(r"^Phones")).click()
    expect(buyer.get_by_role("heading", level=1)).to_have_text("Phones")
    expect(buyer.locator("#results-count")).to_have_text("4 listings")

    # The top bar's search, still scoped to the category the buyer is in.
    buyer.get_by_role("searchbox", name="Search listings").fill("iphone")
    buyer.get_by_role("searchbox", name="Search listings").press("Enter")
    expect(buyer.get_by_role("heading", level=1)).to_have_text("Results for “iphone”")
    expect(buyer.locator("#results-count")).to_have_text("3 listings")

    buyer.get_by_label("Maximum price").fill("500")
    buyer.get_by_role("button", name="Show results").click()
    expect(buyer.locator("#results-count")).to_have_text("2 listings")
    assert "iPhone 14 Pro, 256 GB" not in card_titles(buyer)

    buyer.get_by_label("Sort by").select_option(label="Price: high to low")
    expect(buyer).to_have_url(re.compile(r"sort=price_desc"))
    assert card_titles(buyer) == [WANTED, "iPhone 11, 64 GB"]
    buyer.get_by_label("Sort by").select_option(label="Price: low to high")
    expect(buyer).to_have_url(re.compile(r"sort=price_asc"))
    assert card_titles(buyer) == ["iPhone 11, 64 GB", WANTED]
    expect(buyer.get_by_label("Maximum price")).to_have_value("500")

    buyer.get_by_role("heading", name=WANTED).click()
    expect(buyer.get_by_role("heading", level=1)).to_have_text(WANTED)

    # The thumbnails scroll the big photo strip; the chosen one is marked.
    third_thumb = buyer.get_by_role("link", name="Show photo 3")
    third_thumb.click()
    expect(third_thumb).to_have_attribute("aria-current", "true")
    expect(buyer.get_by_role("link", name="Show photo 1")).not_to_have_attribute(
        "aria-current", "true"
    )
    expect(buyer.get_by_alt_text(f"{WANTED}, photo 3 of 3")).to_be_in_viewport(ratio=0.9)
    expect(buyer.get_by_alt_text(f"{WANTED}, photo 1 of 3")).not_to_be_in_viewport()

    # Saving needs an account: the heart leads to the login and back to the listing.
    buyer.get_by_role("link", name="Save", exact=True).click()
    expect(buyer.get_by_role("heading", name="Log in")).to_be_visible()
    buyer.get_by_label("Username").fill("jonas")
    buyer.get_by_label("Password").fill(PASSWORD)
    buyer.get_by_role("button", name="Log in").click()
    expect(buyer.get_by_role("heading", level=1)).to_have_text(WANTED)

    with same_document(buyer):
        buyer.get_by_role("button", name="Save", exact=True).click()
        saved = buyer.get_by_role("button", name="Saved", exact=True)
        expect(saved).to_have_attribute("aria-pressed", "true")

    buyer.get_by_label("Your message").fill("Hi Sofia, is it still available? I can come today.")
    buyer.get_by_role("button", name="Send message").click()
    expect(buyer.get_by_role("status")).to_contain_text("Message sent to Sofia.")
    expect(buyer).to_have_url(re.compile(r"/me/messages/\d+/#latest$"))
    expect(buyer.locator(".bubble")).to_have_text([re.compile("is it still available")])

    # The seller, in another browser, finds the message waiting and answers it.
    seller = new_page()
    seller.goto("/")
    log_in(seller, "sofia")
    expect(messages_link(seller).locator(".count-badge")).to_have_text("1")
    messages_link(seller).click()
    conversation = seller.get_by_role("link", name=re.compile(r"^Jonas"))
    expect(conversation).to_contain_text(WANTED)
    expect(conversation).to_have_class(re.compile(r"\bis-unread\b"))
    conversation.click()
    expect(seller.locator(".bubble")).to_have_text([re.compile("is it still available")])
    expect(messages_link(seller).locator(".count-badge")).to_have_count(0)

    seller.get_by_label("Your reply").fill("Yes, it is. Come by after six.")
    seller.get_by_role("button", name="Send", exact=True).click()
    expect(seller.locator(".bubble-mine p")).to_have_text(["Yes, it is. Come by after six."])

    buyer.goto("/")
    expect(messages_link(buyer).locator(".count-badge")).to_have_text("1")
