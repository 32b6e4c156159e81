from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace import images
from marketplace.images import THUMBNAIL_SIZE, process_listing_image, process_listing_images
from tests.factories import image_upload


def test_it_reencodes_a_photo_as_jpeg_with_a_thumbnail():
    processed = process_listing_image(image_upload(size=(3200, 2400)))
    photo = Image.open(processed.image)
    assert photo.format == "JPEG"
    assert max(photo.size) == 1600
    assert (processed.width, processed.height) == photo.size
    assert Image.open(processed.thumbnail).size == THUMBNAIL_SIZE


def test_it_refuses_a_file_that_is_not_an_image():
    upload = SimpleUploadedFile("cv.pdf", b"%PDF-1.4 not a picture", content_type="image/png")
    with pytest.raises(ValidationError, match="not an image"):
        process_listing_image(upload)


def test_it_refuses_a_truncated_image():
    data = image_upload(fmt="JPEG", name="broken.jpg").read()
    upload = SimpleUploadedFile("broken.jpg", data[: len(data) // 3], content_type="image/jpeg")
    with pytest.raises(ValidationError, match="not an image"):
        process_listing_image(upload)


def test_it_refuses_a_file_over_the_size_limit(settings):
    settings.LISTING_IMAGE_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="at most"):
        process_listing_image(image_upload())


def test_it_refuses_a_decompression_bomb(settings):
    # A few kilobytes of PNG that decode to 100 megapixels.
    settings.LISTING_IMAGE_MAX_PIXELS = 40_000_000
    bomb = image_upload(name="bomb.png", size=(10_000, 10_000), mode="1")
    assert bomb.size is not None
    assert bomb.size < 100_000
    with pytest.raises(ValidationError, match="too many pixels"):
        process_listing_image(bomb)


def test_an_upload_over_the_pixel_budget_is_refused_before_anything_is_decoded(
    settings, monkeypatch
):
    settings.LISTING_UPLOAD_MAX_PIXELS = 1_000_000
    decoded = []
    monkeypatch.setattr(images, "_process", lambda photo, stem: decoded.append(photo))
    uploads = [image_upload(f"{n}.png", size=(800, 600)) for n in range(3)]  # 1.44 Mpx in all
    with pytest.raises(ValidationError) as caught:
        process_listing_images(uploads, ["a", "b", "c"])
    assert caught.value.messages == [
        "Together these photos have 1.4 million pixels to process; one upload can take at most "
        "1.0 million. Add fewer photos at a time, or smaller ones."
    ]
    assert decoded == []


def test_a_jpeg_counts_at_the_size_it_is_decoded_at(settings):
    """libjpeg decodes a 12-megapixel photo at half its sides for a 1600-pixel copy."""
    settings.LISTING_UPLOAD_MAX_PIXELS = 4_000_000
    jpeg = image_upload("phone.jpg", size=(4032, 3024), fmt="JPEG")
    [processed] = process_listing_images([jpeg], ["phone"])
    assert (processed.width, processed.height) == (1600, 1200)

    png = image_upload("phone.png", size=(4032, 3024))
    with pytest.raises(ValidationError, match="12 million pixels to process"):
        process_listing_images([png], ["phone"])


def test_photos_left_when_the_time_budget_is_spent_are_refused(settings, monkeypatch):
    settings.LISTING_UPLOAD_SECONDS = 10
    clock = iter(range(0, 100, 6))  # every photo takes six seconds
    monkeypatch.setattr(images, "time", SimpleNamespace(monotonic=lambda: next(clock)))
    uploads = [image_upload(f"{n}.png") for n in range(4)]
    with pytest.raises(ValidationError, match="took too long to process, so none were added"):
        process_listing_images(uploads, ["a", "b", "c", "d"])
