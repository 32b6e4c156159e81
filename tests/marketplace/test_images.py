import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace.images import THUMBNAIL_SIZE, process_listing_image
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
