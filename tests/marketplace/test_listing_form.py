import io
import random
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from marketplace.models import Listing, ListingImage
from tests.factories import ListingFactory, ListingImageFactory, category, image_upload

pytestmark = pytest.mark.django_db


def noisy_upload(name: str) -> SimpleUploadedFile:
    """A PNG of random pixels: it doesn't compress, so it is big for its size in pixels."""
    buffer = io.BytesIO()
    pixels = random.Random(0).randbytes(200 * 200 * 3)  # seeded, so the file size is fixed
    Image.frombytes("RGB", (200, 200), pixels).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def listing_data(**overrides) -> dict:
    data = {
        "title": "Samsung Galaxy S21",
        "category": category("phones").pk,
        "price": "320",
        "currency": "EUR",
        "condition": "good",
        "city": "Mainz",
        "description": "Small crack in the corner.\nBattery is fine.",
        "attr_brand": "Samsung",
        "attr_model": "Galaxy S21",
        "attr_storage_gb": "128",
        "attr_colour": "grey",
        "action": "publish",
    }
    data.update(overrides)
    return data


def test_posting_needs_an_account(client):
    response = client.get(reverse("listing_create"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_form_renders_with_the_city_prefilled_and_both_buttons(user_client, user):
    response = user_client.get(reverse("listing_create"))
    html = response.text
    assert response.status_code == 200
    assert f'value="{user.city}"' in html
    assert 'name="action" value="publish"' in html
    assert 'name="action" value="draft"' in html
    assert 'type="file" name="photos"' in html
    assert "multiple" in html
    assert f'hx-get="{reverse("listing_attribute_fields")}"' in html
    assert '<option value="EUR" selected>€ EUR</option>' in html


def test_publishing_a_new_listing(user_client, user):
    response = user_client.post(reverse("listing_create"), listing_data(), follow=True)
    listing = Listing.objects.get()
    assert listing.seller == user
    assert listing.status == Listing.Status.ACTIVE
    assert listing.published_at is not None
    assert listing.price == Decimal("320")
    assert listing.attributes == {
        "brand": "Samsung",
        "model": "Galaxy S21",
        "storage_gb": 128,
        "colour": "grey",
    }
    assert response.redirect_chain[-1][0] == listing.get_absolute_url()
    assert "Your listing is live." in response.text


def test_bidi_overrides_and_control_characters_are_removed_from_what_a_seller_posts(user_client):
    data = listing_data(
        title="\u202eSamsung\u202c Galaxy\x00 S21",
        description="Small crack.\r\n\u2066Battery\u2069 is fine.\x1b",
        city="Ma\u200binz",
        attr_model="Galaxy\u202e S21",
    )
    user_client.post(reverse("listing_create"), data)
    listing = Listing.objects.get()
    assert listing.title == "Samsung Galaxy S21"
    assert listing.description == "Small crack.\nBattery is fine."
    assert listing.city == "Mainz"
    assert listing.attributes["model"] == "Galaxy S21"


def test_saving_a_draft(user_client):
    response = user_client.post(reverse("listing_create"), listing_data(action="draft"))
    listing = Listing.objects.get()
    assert listing.status == Listing.Status.DRAFT
    assert listing.published_at is None
    assert response["Location"] == reverse("listing_edit", args=[listing.pk])


def test_missing_fields_keep_what_was_typed(user_client):
    response = user_client.post(reverse("listing_create"), listing_data(title="", price="-3"))
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert "Ensure this value is greater than or equal to 0." in response.text
    assert 'value="Mainz"' in response.text
    assert 'value="Samsung"' in response.text
    assert not Listing.objects.exists()


@pytest.mark.catalogue
def test_goods_need_a_condition_but_jobs_have_none(user_client):
    response = user_client.post(reverse("listing_create"), listing_data(condition=""))
    assert "Choose the item&#x27;s condition." in response.text
    job = listing_data(
        category=category("jobs").pk,
        condition="new",
        attr_employment="part-time",
        attr_remote="yes",
    )
    user_client.post(reverse("listing_create"), job)
    listing = Listing.objects.get()
    assert listing.condition == ""
    assert listing.attributes == {"employment": "part-time", "remote": "yes"}


@pytest.mark.catalogue
def test_the_condition_is_marked_required_for_goods_only(user_client):
    url = reverse("listing_attribute_fields")
    phones = user_client.get(url, {"category": category("phones").pk}).text
    assert 'Condition <span class="required" aria-hidden="true">*</span>' in phones
    jobs = user_client.get(url, {"category": category("jobs").pk}).text
    assert 'name="condition"' not in jobs


def test_attributes_are_validated_against_the_category(user_client):
    response = user_client.post(
        reverse("listing_create"),
        listing_data(attr_storage_gb="lots", attr_colour="plaid"),
    )
    assert response.status_code == 200
    assert "Enter a number." in response.text
    assert "Select a valid choice. plaid is not one of the available choices." in response.text
    assert not Listing.objects.exists()


def test_unknown_attributes_are_dropped_and_blank_ones_left_out(user_client):
    user_client.post(
        reverse("listing_create"),
        listing_data(attr_mileage_km="1000", attr_is_admin="yes", attr_model="", attr_colour=""),
    )
    assert Listing.objects.get().attributes == {"brand": "Samsung", "storage_gb": 128}


def test_the_attribute_fields_follow_the_chosen_category(user_client):
    response = user_client.get(
        reverse("listing_attribute_fields"),
        {"category": category("vehicles").pk, "attr_model": "Golf", "attr_brand": "VW"},
    )
    html = response.text
    assert response.status_code == 200
    assert 'name="attr_make"' in html
    assert 'name="attr_year"' in html
    assert 'type="number" name="attr_mileage_km"' in html
    assert '<option value="diesel">Diesel</option>' in html
    assert 'value="Golf"' in html  # kept: vehicles have a model too
    assert 'name="attr_brand"' not in html  # vehicles have a make, not a brand
    assert '<span id="price-label" hx-swap-oob="true">Price</span>' in html


def test_the_attribute_fields_for_no_or_an_unknown_category_ask_to_choose_one(user_client):
    for params in ({}, {"category": "999999"}, {"category": "x"}):
        response = user_client.get(reverse("listing_attribute_fields"), params)
        assert response.status_code == 200
        assert "Choose a category" in response.text


def test_uploading_photos(user_client):
    photos = [image_upload("one.png"), image_upload("two.jpg", fmt="JPEG")]
    user_client.post(reverse("listing_create"), {**listing_data(), "photos": photos})
    listing = Listing.objects.get()
    images = list(listing.images.all())
    assert [image.position for image in images] == [0, 1]
    assert all(str(image.image.name).endswith(".jpg") for image in images)
    assert images[0].thumbnail.width == 480


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("cv.pdf", b"%PDF-1.4 not a picture", content_type="image/png"),
            "“cv.pdf” is not an image we can read.",
        ),
        (noisy_upload("huge.png"), "“huge.png” is 117.5\xa0KB; photos can be at most 48.8\xa0KB."),
        (
            image_upload("bomb.png", size=(10_000, 10_000), mode="1"),
            "“bomb.png” has too many pixels to be a photo.",
        ),
    ],
    ids=["not-an-image", "too-large", "decompression-bomb"],
)
def test_a_refused_photo_shows_why_and_keeps_the_rest_of_the_form(
    user_client, settings, upload, message
):
    settings.LISTING_IMAGE_MAX_PIXELS = 40_000_000
    settings.LISTING_IMAGE_MAX_BYTES = 50_000
    response = user_client.post(
        reverse("listing_create"), {**listing_data(), "photos": [image_upload("ok.png"), upload]}
    )
    assert response.status_code == 200
    assert message in response.text
    assert "Your new photos were not saved: choose them again." in response.text
    assert 'value="Samsung Galaxy S21"' in response.text
    assert "Small crack in the corner." in response.text
    assert not Listing.objects.exists()
    assert not ListingImage.objects.exists()


def test_photos_over_the_uploads_pixel_budget_are_refused_and_nothing_is_saved(
    user_client, settings
):
    settings.LISTING_UPLOAD_MAX_PIXELS = 1_000_000
    photos = [image_upload(f"{n}.png", size=(800, 600)) for n in range(3)]
    response = user_client.post(reverse("listing_create"), {**listing_data(), "photos": photos})
    assert response.status_code == 200
    assert "Together these photos have 1.4 million pixels to process" in response.text
    assert "Your new photos were not saved: choose them again." in response.text
    assert not Listing.objects.exists()
    assert not ListingImage.objects.exists()


def test_at_most_the_configured_number_of_photos(user_client, user, settings):
    settings.LISTING_IMAGES_PER_LISTING = 3
    listing = ListingFactory.create(seller=user)
    ListingImageFactory.create_batch(2, listing=listing)
    response = user_client.post(
        reverse("listing_edit", args=[listing.pk]),
        {**listing_data(action="save"), "photos": [image_upload("a.png"), image_upload("b.png")]},
    )
    assert "You chose 2 photos but can add only 1 more (at most 3 per listing)." in response.text
    assert listing.images.count() == 2


def test_editing_a_listing_keeps_its_publication_date(user_client, user):
    listing = ListingFactory.create(seller=user)
    published_at = listing.published_at
    response = user_client.post(
        reverse("listing_edit", args=[listing.pk]),
        listing_data(title="Galaxy S21, price drop", price="280", action="save"),
        follow=True,
    )
    listing.refresh_from_db()
    assert listing.title == "Galaxy S21, price drop"
    assert listing.price == Decimal("280")
    assert listing.status == Listing.Status.ACTIVE
    assert listing.published_at == published_at
    assert "Your changes are saved." in response.text


def test_the_edit_form_shows_the_current_values_and_photos(user_client, user):
    listing = ListingFactory.create(
        seller=user, attributes={"brand": "Fairphone", "storage_gb": 256}
    )
    photo = ListingImageFactory.create(listing=listing)
    html = user_client.get(reverse("listing_edit", args=[listing.pk])).text
    assert 'value="Fairphone"' in html
    assert 'value="256"' in html
    assert photo.thumbnail.url in html
    assert reverse("listing_photo_remove", args=[listing.pk, photo.pk]) in html
    assert 'value="save"' in html


def test_unpublishing_to_a_draft_and_publishing_again(user_client, user):
    listing = ListingFactory.create(seller=user)
    user_client.post(reverse("listing_edit", args=[listing.pk]), listing_data(action="draft"))
    listing.refresh_from_db()
    assert listing.status == Listing.Status.DRAFT
    user_client.post(reverse("listing_edit", args=[listing.pk]), listing_data(action="publish"))
    listing.refresh_from_db()
    assert listing.status == Listing.Status.ACTIVE


def test_adding_photos_on_edit_appends_them(user_client, user):
    listing = ListingFactory.create(seller=user)
    ListingImageFactory.create(listing=listing, position=0)
    user_client.post(
        reverse("listing_edit", args=[listing.pk]),
        {**listing_data(action="save"), "photos": [image_upload()]},
    )
    assert list(listing.images.values_list("position", flat=True)) == [0, 1]


def test_removing_a_photo_deletes_it_and_its_files(
    user_client, user, django_capture_on_commit_callbacks
):
    listing = ListingFactory.create(seller=user)
    photo = ListingImageFactory.create(listing=listing)
    storage, name = photo.image.storage, str(photo.image.name)
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(reverse("listing_photo_remove", args=[listing.pk, photo.pk]))
    assert response["Location"] == reverse("listing_edit", args=[listing.pk]) + "#photos"
    assert not listing.images.exists()
    assert not storage.exists(name)


def test_making_a_photo_the_cover(user_client, user):
    listing = ListingFactory.create(seller=user)
    first, second, third = (
        ListingImageFactory.create(listing=listing, position=n) for n in range(3)
    )
    user_client.post(reverse("listing_photo_cover", args=[listing.pk, third.pk]))
    assert list(listing.images.values_list("pk", flat=True)) == [third.pk, first.pk, second.pk]


def test_other_people_get_404_on_every_owner_page(client, user, other_user):
    listing = ListingFactory.create(seller=user)
    photo = ListingImageFactory.create(listing=listing)
    client.force_login(other_user)
    assert client.get(reverse("listing_edit", args=[listing.pk])).status_code == 404
    assert (
        client.post(reverse("listing_edit", args=[listing.pk]), listing_data()).status_code == 404
    )
    for name in ("listing_photo_remove", "listing_photo_cover"):
        assert client.post(reverse(name, args=[listing.pk, photo.pk])).status_code == 404
    listing.refresh_from_db()
    assert listing.title != "Samsung Galaxy S21"
    assert listing.images.count() == 1


def test_a_photo_of_another_listing_is_404(user_client, user):
    mine = ListingFactory.create(seller=user)
    theirs = ListingImageFactory.create()
    url = reverse("listing_photo_remove", args=[mine.pk, theirs.pk])
    assert user_client.post(url).status_code == 404
    assert ListingImage.objects.filter(pk=theirs.pk).exists()
