"""A seller in the listing assistant's experiment gets an ad written from a rough text; the
control group never sees the assistant; a failing model costs the seller nothing."""

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import Locator, Page, Response, expect

from accounts.models import User
from experiments.models import Event, Experiment
from experiments.services import start_experiment
from llm import fake_server
from marketplace.ab_tests import AI_LISTING_ASSISTANT, AI_SUGGESTION_ACCEPTED, assistant_group
from marketplace.models import AssistantSuggestion, Listing
from tests.e2e.steps import log_in, same_document
from tests.factories import ListingFactory, UserFactory, category

pytestmark = pytest.mark.django_db(transaction=True)

ROUGH_TEXT = "selling my iphone 12 64gb, a bit scratched, black, berlin"
SUGGESTED_TITLE = "Apple iPhone 12, 64 GB, black"


@pytest.fixture
def assistant_experiment() -> Experiment:
    """The assistant's experiment running, and four iPhone 12s on sale to price against."""
    experiment = Experiment.objects.get(key=AI_LISTING_ASSISTANT)
    start_experiment(experiment)
    for price in (300, 320, 350, 380):
        ListingFactory(price=Decimal(price))
    return experiment


def seller_in(group: str) -> User:
    """A new seller whom the running experiment puts in ``group`` (assignment hashes the id)."""
    for _ in range(40):
        user = UserFactory()
        if assistant_group(user.pk) == group:
            return user
    raise AssertionError(f"no user in the {group} group after 40 tries")


def open_post_form(new_page: Callable[..., Page], user: User) -> Page:
    page = new_page()
    page.goto("/")
    log_in(page, user.username)
    page.get_by_role("banner").get_by_role("link", name="Post an ad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Post an ad")
    return page


def assistant_panel(page: Page) -> Locator:
    return page.get_by_role("region", name=re.compile(r"^Write it for me"))


def suggested(assistant: Locator, what: str) -> Locator:
    """One part of the assistant's answer ("Title", "Category"…): its value and Use button."""
    term = assistant.page.locator("dt").get_by_text(what, exact=True)
    return assistant.locator(".suggestion-item").filter(has=term)


def accepting(*fields: str) -> Callable[[Response], bool]:
    """The response to the assistant's accept request that reports exactly ``fields``."""
    expected = "&".join(f"field={field}" for field in fields)
    return lambda response: (
        response.url.endswith("/accept/") and response.request.post_data == expected
    )


@pytest.mark.usefixtures("assistant_experiment")
def test_a_seller_with_the_assistant_uses_its_suggestions_and_publishes(
    new_page: Callable[..., Page],
):
    user = seller_in("treatment")
    seller = open_post_form(new_page, user)
    form = seller.locator("#listing-form")
    assistant = assistant_panel(seller)

    with same_document(seller):
        assistant.get_by_label("Describe your item").fill(ROUGH_TEXT)
        assistant.get_by_role("button", name="Suggest").click()
        expect(suggested(assistant, "Title")).to_contain_text(SUGGESTED_TITLE)
    expect(assistant.locator(".badge-ai").last).to_contain_text("offline model")
    expect(suggested(assistant, "Category")).to_contain_text("Phones")
    details = suggested(assistant, "Details")
    for text in ("Apple", "iPhone 12", "64 GB", "Black"):
        expect(details).to_contain_text(text)
    expect(suggested(assistant, "Condition")).to_contain_text("Fair")
    expect(suggested(assistant, "Description")).to_contain_text("a bit scratched")
    price = suggested(assistant, "Price")
    expect(price).to_contain_text("€315 – €360")
    expect(price).to_contain_text("4 similar listings")
    expect(price).to_contain_text("not by the AI")

    # One part at a time: the title, then the category, whose own fields swap into the form.
    with same_document(seller):
        with seller.expect_response(accepting("title")) as accepted:
            suggested(assistant, "Title").get_by_role("button", name="Use").click()
        assert accepted.value.status == 204
        expect(form.get_by_label("Title")).to_have_value(SUGGESTED_TITLE)
        expect(suggested(assistant, "Title").get_by_role("button")).to_have_text("Used")

        # The category's accept goes once its fields have swapped in: wait for that one, not for
        # whichever accept answers first (under load, the title's could come after).
        with seller.expect_response(accepting("category")) as accepted:
            suggested(assistant, "Category").get_by_role("button", name="Use").click()
        assert accepted.value.status == 204
        expect(form.get_by_label("Category")).to_have_value(str(category("phones").pk))
        expect(form.get_by_label("Storage (GB)")).to_be_visible()
        expect(form.get_by_label("Storage (GB)")).to_have_value("")

        # Then everything else, in one go; what was used is told to the server in one request.
        requests: list[str] = []
        seller.on("request", lambda r: requests.append(r.url) if "/accept/" in r.url else None)
        with seller.expect_response(re.compile(r"/accept/$")) as accepted:
            assistant.get_by_role("button", name="Use all suggestions").click()
        assert accepted.value.status == 204
        assert len(requests) == 1
    expect(form.get_by_label("Brand")).to_have_value("Apple")
    expect(form.get_by_label("Model")).to_have_value("iPhone 12")
    expect(form.get_by_label("Storage (GB)")).to_have_value("64")
    expect(form.get_by_label("Colour")).to_have_value("black")
    expect(form.get_by_label("Condition")).to_have_value("fair")
    expect(form.get_by_label(re.compile(r"^Price"))).to_have_value("335")
    expect(form.get_by_label("Description")).to_have_value(re.compile(r"a bit scratched"))
    expect(assistant.get_by_role("button", name="Used")).to_have_count(7)

    seller.get_by_role("button", name="Publish").click()
    expect(seller.get_by_role("status")).to_have_text("Your listing is live.")
    expect(seller.get_by_role("heading", level=1)).to_have_text(SUGGESTED_TITLE)
    expect(seller.locator(".detail-price")).to_have_text("€335")
    table = seller.locator("table.attributes")
    for label, value in [("Condition", "Fair"), ("Brand", "Apple"), ("Storage", "64 GB")]:
        expect(table.get_by_role("row", name=re.compile(rf"^{label}"))).to_contain_text(value)

    record = AssistantSuggestion.objects.get(user=user)
    listing = Listing.objects.get(seller=user)
    assert record.listing == listing
    assert record.text == ROUGH_TEXT
    assert sorted(record.accepted_fields) == sorted(
        ["title", "category", "attributes", "condition", "description", "price"]
    )
    accepted_events = Event.objects.filter(name=AI_SUGGESTION_ACCEPTED, user_id=str(user.pk))
    assert sorted(e.properties["field"] for e in accepted_events) == sorted(record.accepted_fields)


@pytest.mark.usefixtures("assistant_experiment")
def test_use_all_keeps_the_price_the_seller_wrote_in_their_text_or_typed_in_the_form(
    new_page: Callable[..., Page],
):
    user = seller_in("treatment")
    seller = open_post_form(new_page, user)
    form = seller.locator("#listing-form")
    assistant = assistant_panel(seller)
    price_field = form.get_by_label(re.compile(r"^Price"))

    # The price stated in the text is the assistant's price; similar listings only inform.
    with same_document(seller):
        assistant.get_by_label("Describe your item").fill(f"{ROUGH_TEXT}, 40 euro")
        assistant.get_by_role("button", name="Suggest").click()
        expect(suggested(assistant, "Price")).to_contain_text("Your price")
        expect(suggested(assistant, "Price")).to_contain_text("ask €315 – €360")
        with seller.expect_response(re.compile(r"/accept/$")):
            assistant.get_by_role("button", name="Use all suggestions").click()
    expect(price_field).to_have_value("40")
    expect(form.get_by_label("Title")).to_have_value(SUGGESTED_TITLE)

    # A seller who asks again and has typed a price of their own keeps it, and is told so.
    with same_document(seller):
        price_field.fill("45")
        assistant.get_by_label("Describe your item").fill(ROUGH_TEXT)
        assistant.get_by_role("button", name="Suggest").click()
        expect(suggested(assistant, "Price")).to_contain_text("€315 – €360")
        with seller.expect_response(
            accepting("title", "category", "attributes", "condition", "description")
        ):
            assistant.get_by_role("button", name="Use all suggestions").click()
    expect(price_field).to_have_value("45")
    expect(suggested(assistant, "Price").get_by_role("button")).to_have_text("Use instead of yours")
    expect(form.get_by_label("Title")).to_have_value(SUGGESTED_TITLE)

    seller.get_by_role("button", name="Publish").click()
    expect(seller.locator(".detail-price")).to_have_text("€45")
    assert Listing.objects.get(seller=user).price == Decimal(45)


@pytest.mark.usefixtures("assistant_experiment")
def test_use_all_keeps_a_description_the_seller_wrote_and_the_price_it_states(
    new_page: Callable[..., Page],
):
    seller = open_post_form(new_page, seller_in("treatment"))
    form = seller.locator("#listing-form")
    assistant = assistant_panel(seller)
    own_words = "Bought in 2021, always in a case. Price 40 euro, pickup in Berlin."

    with same_document(seller):
        form.get_by_label("Description").fill(own_words)
        assistant.get_by_label("Describe your item").fill(ROUGH_TEXT)
        assistant.get_by_role("button", name="Suggest").click()
        expect(suggested(assistant, "Price").get_by_role("button")).to_have_text("Use €40")
        with seller.expect_response(re.compile(r"/accept/$")):
            assistant.get_by_role("button", name="Use all suggestions").click()
    expect(form.get_by_label("Description")).to_have_value(own_words)
    expect(suggested(assistant, "Description").get_by_role("button")).to_have_text(
        "Use instead of yours"
    )
    expect(form.get_by_label(re.compile(r"^Price"))).to_have_value("40")
    expect(form.get_by_label("Title")).to_have_value(SUGGESTED_TITLE)


@pytest.mark.usefixtures("assistant_experiment")
def test_a_seller_in_the_control_group_gets_no_assistant(new_page: Callable[..., Page]):
    seller = open_post_form(new_page, seller_in("control"))
    expect(seller.get_by_label("Title")).to_be_visible()
    expect(assistant_panel(seller)).to_have_count(0)
    expect(seller.get_by_text("Sell faster")).to_be_visible()


@pytest.mark.usefixtures("assistant_experiment")
def test_when_the_model_fails_the_seller_is_told_and_keeps_what_they_typed(
    new_page: Callable[..., Page], fake_openai: fake_server.FakeOpenAIServer
):
    fake_openai.queue(fake_server.error(500, "boom"), fake_server.error(500, "boom"))
    seller = open_post_form(new_page, seller_in("treatment"))
    form = seller.locator("#listing-form")
    assistant = assistant_panel(seller)

    form.get_by_label("Title").fill("My old phone")
    form.get_by_label("Category").select_option(label="Phones")
    form.get_by_label("Brand").fill("Apple")
    with same_document(seller):
        assistant.get_by_label("Describe your item").fill(ROUGH_TEXT)
        assistant.get_by_role("button", name="Suggest").click()
        expect(assistant.get_by_role("alert")).to_have_text(
            "The assistant could not answer. Your text is still here: "
            "try again, or fill in the form yourself."
        )
    expect(assistant.get_by_label("Describe your item")).to_have_value(ROUGH_TEXT)
    expect(assistant.get_by_role("button", name="Suggest")).to_be_enabled()
    expect(form.get_by_label("Title")).to_have_value("My old phone")
    expect(form.get_by_label("Brand")).to_have_value("Apple")
    assert not AssistantSuggestion.objects.exists()
