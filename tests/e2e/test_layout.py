"""Pages fit their screens: the admin lists and the experiment page at 1280 px (the columns the
walkthrough reads are in view, nothing scrolls sideways), and on a 390 px phone the listing's
panels are one width and the listing assistant comes before the Publish button."""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect

from accounts.models import User
from experiments.models import Experiment
from experiments.services import start_experiment
from marketplace import ai
from marketplace.ab_tests import AI_LISTING_ASSISTANT, AI_SEARCH, assistant_group
from marketplace.enrichment import queue_enrichment
from marketplace.models import Listing
from tests.e2e.steps import log_in
from tests.factories import PASSWORD, ListingFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LONG_TITLE = "Room available from 1 September in Giesing, furnished, close to the U-Bahn"


def overflow(page: Page) -> dict[str, int]:
    """How wide the page is against the window, and how much a list's table is wider than the
    box that holds it (Django's admin clips a wide list and scrolls it inside that box)."""
    return page.evaluate(
        """() => {
          const results = document.querySelector("#changelist .results");
          return {
            page: document.documentElement.scrollWidth - innerWidth,
            list: results ? results.scrollWidth - results.clientWidth : 0,
          };
        }"""
    )


def log_in_to_admin(page: Page) -> None:
    UserFactory(username="ada", is_staff=True, is_superuser=True)
    page.goto("/admin/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def model_at_work() -> None:
    """Rows in the LLM call log and in the enrichment jobs, with long names, as a site has."""
    for _ in range(2):
        listing = ListingFactory(title=LONG_TITLE, price=Decimal(650))
        with transaction.atomic():
            queue_enrichment(listing)  # runs at once without a worker: a job and its call
    ai.suggest_listing("selling my ikea billy bookcase, white, 40 euro")


@pytest.mark.usefixtures("model_at_work")
def test_the_admins_lists_and_experiment_page_fit_1280_px(new_page: Callable[..., Page]):
    admin = new_page()  # 1280 × 800
    log_in_to_admin(admin)

    admin.goto("/admin/llm/promptversion/")
    expect(admin.get_by_role("columnheader", name="Labels")).to_be_in_viewport()
    expect(admin.get_by_role("cell", name="production").first).to_be_in_viewport()
    assert overflow(admin) == {"page": 0, "list": 0}

    for path in ("/admin/llm/llmcall/", "/admin/marketplace/enrichmentjob/"):
        admin.goto(path)
        expect(admin.locator("#result_list tbody tr").first).to_be_visible()
        assert overflow(admin) == {"page": 0, "list": 0}, path

    experiment = Experiment.objects.get(key=AI_SEARCH)
    admin.goto(f"/admin/experiments/experiment/{experiment.pk}/change/")
    expect(admin.get_by_role("heading", name="Variants")).to_be_visible()
    assert overflow(admin)["page"] == 0


def panel_widths(page: Page) -> list[tuple[str, int]]:
    """(class, width) of the photos and each panel, top to bottom."""
    return [
        (name, width)
        for name, width in page.evaluate(
            """() => Array.from(
              document.querySelectorAll(".detail-layout .gallery, .detail-layout .panel")
            ).map((box) => [box.className, Math.round(box.getBoundingClientRect().width)])"""
        )
    ]


def test_a_listing_on_a_phone_has_panels_of_one_width(new_page: Callable[..., Page]):
    listing = ListingFactory(title=LONG_TITLE, price=Decimal(650))
    buyer = new_page(viewport=PHONE)
    buyer.goto(listing.get_absolute_url())
    expect(buyer.get_by_role("heading", level=1)).to_have_text(LONG_TITLE)
    assert overflow(buyer)["page"] == 0
    widths = panel_widths(buyer)
    names = [name for name, _ in widths]
    assert names.count("panel") == 2  # the details and the description
    assert {"gallery", "panel seller-card", "panel contact-panel"} <= set(names)
    assert len({width for _, width in widths}) == 1, widths

    seller = new_page(viewport=PHONE)
    seller.goto("/")
    log_in(seller, listing.seller.username)
    seller.goto(listing.get_absolute_url())
    expect(seller.get_by_role("heading", name="Your listing")).to_be_visible()
    assert overflow(seller)["page"] == 0
    widths = panel_widths(seller)
    assert "panel owner-panel" in [name for name, _ in widths]
    assert len({width for _, width in widths}) == 1, widths


def seller_with_the_assistant() -> User:
    start_experiment(Experiment.objects.get(key=AI_LISTING_ASSISTANT))
    for _ in range(40):
        user = UserFactory()
        if assistant_group(user.pk) == "treatment":
            return user
    raise AssertionError("no user in the treatment group after 40 tries")


def test_on_a_phone_the_assistant_comes_before_the_publish_button(new_page: Callable[..., Page]):
    seller = new_page(viewport=PHONE)
    seller.goto("/")
    log_in(seller, seller_with_the_assistant().username)
    seller.goto("/listings/new/")
    assistant = seller.get_by_role("region", name="Write it for me")
    publish = seller.get_by_role("button", name="Publish")
    expect(assistant).to_be_visible()
    assert overflow(seller)["page"] == 0
    assistant_box, form_box = (
        assistant.bounding_box(),
        seller.locator("#listing-form").bounding_box(),
    )
    publish_box = publish.bounding_box()
    assert assistant_box is not None
    assert form_box is not None
    assert publish_box is not None
    # Above the whole form, so above its Publish button wherever that one sticks.
    assert assistant_box["y"] + assistant_box["height"] <= form_box["y"]
    assert assistant_box["y"] < publish_box["y"]
    assert Listing.objects.count() == 0
