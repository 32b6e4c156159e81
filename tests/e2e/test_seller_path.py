"""A new seller signs up, posts a phone with two photos, changes the cover and sells it."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import photo_file, same_document

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Pixel 7, 128 GB, obsidian"


def test_a_new_seller_posts_an_ad_with_photos_edits_it_and_marks_it_sold(
    new_page: Callable[..., Page], tmp_path: Path
):
    seller = new_page()
    seller.goto("/")
    seller.get_by_role("link", name="Sign up").click()
    seller.get_by_label("Username").fill("mia")
    seller.get_by_label("Email").fill("mia@example.com")
    seller.get_by_label("City").fill("Hamburg")
    seller.get_by_role("textbox", name="Password", exact=True).fill("a-long-enough-secret")
    seller.get_by_label("Password confirmation").fill("a-long-enough-secret")
    seller.get_by_role("button", name="Sign up").click()
    expect(seller.get_by_role("status")).to_have_text("Welcome to Bazaar, mia!")

    seller.get_by_role("banner").get_by_role("link", name="Post an ad").click()
    expect(seller.get_by_role("heading", level=1)).to_have_text("Post an ad")
    form = seller.get_by_role("main")  # the top bar has a category picker too
    expect(form.get_by_label("City")).to_have_value("Hamburg")

    # Each category brings its own fields (and price label) into the form, in place.
    price_label = seller.locator("#price-label")
    with same_document(seller):
        form.get_by_label("Category").select_option(label="Real Estate")
        expect(form.get_by_label("Rooms")).to_be_visible()
        expect(form.get_by_label("Condition")).to_have_count(0)
        expect(price_label).to_have_text("Price or monthly rent")

        form.get_by_label("Category").select_option(label="Phones")
        expect(form.get_by_label("Storage (GB)")).to_be_visible()
        expect(form.get_by_label("Rooms")).to_have_count(0)
        expect(price_label).to_have_text("Price")

    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("Condition").select_option(label="Like new")
    form.get_by_label("Brand").fill("Google")
    form.get_by_label("Model").fill("Pixel 7")
    form.get_by_label("Storage (GB)").fill("128")
    form.get_by_label("Colour").select_option(label="Black")
    form.get_by_label(re.compile(r"^Price")).fill("380")
    form.get_by_label("Description").fill("Always in a case, no scratches.\nCharger included.")
    form.get_by_label(re.compile(r"Add photos")).set_input_files(
        [
            photo_file(tmp_path, "front.png", (37, 99, 235)),
            photo_file(tmp_path, "back.png", (22, 163, 74)),
        ]
    )
    seller.get_by_role("button", name="Publish").click()

    expect(seller.get_by_role("status")).to_have_text("Your listing is live.")
    expect(seller.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(seller.locator(".detail-price")).to_have_text("€380")
    expect(seller.get_by_alt_text(f"{TITLE}, photo 2 of 2")).to_have_count(1)
    details = seller.locator("table.attributes")
    for label, value in [
        ("Condition", "Like new"),
        ("Brand", "Google"),
        ("Storage", "128 GB"),
        ("Colour", "Black"),
        ("Location", "Hamburg"),
    ]:
        expect(details.get_by_role("row", name=re.compile(rf"^{label}"))).to_contain_text(value)

    visitor = new_page()
    visitor.goto("/")
    visitor.get_by_role("searchbox", name="Search listings").fill("pixel")
    visitor.get_by_role("searchbox", name="Search listings").press("Enter")
    expect(visitor.locator(".card-title")).to_have_text([TITLE])

    # Editing: the second photo becomes the cover.
    seller.get_by_role("link", name="Edit").click()
    expect(seller.get_by_role("heading", level=1)).to_have_text("Edit your listing")
    photos = seller.locator(".photo-manager li")
    expect(photos).to_have_count(2)
    expect(photos.nth(0).locator(".badge-cover")).to_have_text("Cover")
    second_photo = photos.nth(1).get_by_role("img").get_attribute("src")
    photos.nth(1).get_by_role("button", name="Make cover").click()
    expect(seller.get_by_role("status")).to_have_text("Cover photo changed.")
    expect(photos.nth(0).get_by_role("img")).to_have_attribute("src", second_photo or "")
    expect(photos.nth(0).locator(".badge-cover")).to_have_text("Cover")

    form.get_by_label(re.compile(r"^Price")).fill("350")
    seller.get_by_role("button", name="Save changes").click()
    expect(seller.get_by_role("status")).to_have_text("Your changes are saved.")
    expect(seller.locator(".detail-price")).to_have_text("€350")
    cover_thumb = seller.get_by_role("link", name="Show photo 1").get_by_role("img")
    expect(cover_thumb).to_have_attribute("src", second_photo or "")

    seller.get_by_role("button", name="Mark as sold").click()
    expect(seller.get_by_role("status")).to_have_text("Marked as sold. Congratulations!")
    expect(seller.get_by_text("You marked this listing as sold.")).to_be_visible()
    seller.get_by_role("link", name="All your listings").click()
    sold_tab = seller.get_by_role("link", name=re.compile(r"^Sold"))
    expect(sold_tab).to_have_text(re.compile(r"Sold\s+1"))
    expect(seller.locator(".dashboard-row")).to_contain_text(["Sold"])
