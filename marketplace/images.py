"""Listing photos: validating uploads and producing the stored image and its thumbnail.

Every photo is decoded and re-encoded as JPEG, so what we store is a plain image whatever was
uploaded (no scripts, no EXIF location data), at most ``MAX_SIDE`` pixels on its long side,
plus a 4:3 thumbnail for listing cards.

Decoding is what costs a web worker time and memory (a 131 KB PNG can hold 40 million pixels,
160 MB once decoded), so it is bounded before it starts. Each file is first read only as far as
its header: its format and size are checked, and the pixels it would take to decode are summed
over the upload, against ``LISTING_UPLOAD_MAX_PIXELS``. Then the photos are decoded one at a
time, each shrunk to ``MAX_SIDE`` straight away (a JPEG is even decoded at 1/2, 1/4 or 1/8 of
its size by libjpeg), so one decoded image at most is in memory; and once the upload has taken
``LISTING_UPLOAD_SECONDS``, the photos not yet processed are refused rather than processed.
"""

from __future__ import annotations

import io
import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 1600
THUMBNAIL_SIZE = (480, 360)
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


@dataclass(frozen=True)
class ProcessedImage:
    image: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


@dataclass(frozen=True)
class _Checked:
    """An upload whose header was read: what decoding it will take."""

    upload: UploadedFile
    decoded_pixels: int  # fewer than its size for a JPEG, which libjpeg decodes scaled down


def process_listing_images(
    uploads: Sequence[UploadedFile], name_stems: Sequence[str]
) -> list[ProcessedImage]:
    """Validate and re-encode the photos of one upload, within the upload's budgets.

    Raises ``ValidationError`` (one message per refused file, or one for the whole upload) and
    then none of the photos is kept: the seller chooses them again.
    """
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(_check_header(upload))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    total = sum(photo.decoded_pixels for photo in checked)
    budget = settings.LISTING_UPLOAD_MAX_PIXELS
    if total > budget:
        raise ValidationError(
            f"Together these photos have {_megapixels(total)} million pixels to process; one "
            f"upload can take at most {_megapixels(budget)} million. Add fewer photos at a "
            "time, or smaller ones.",
            code="upload_too_many_pixels",
        )
    started = time.monotonic()
    processed = []
    for photo, stem in zip(checked, name_stems, strict=True):
        if time.monotonic() - started > settings.LISTING_UPLOAD_SECONDS:
            raise ValidationError(
                "Your photos took too long to process, so none were added. Add fewer photos at "
                "a time, or smaller ones.",
                code="upload_too_slow",
            )
        processed.append(_process(photo, stem))
    return processed


def process_listing_image(upload: UploadedFile, name_stem: str = "photo") -> ProcessedImage:
    """One photo on its own (``process_listing_images`` with a single upload)."""
    return process_listing_images([upload], [name_stem])[0]


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.0f}" if pixels >= 10_000_000 else f"{pixels / 1_000_000:.1f}"


def _not_an_image(upload: UploadedFile) -> ValidationError:
    return ValidationError(
        f"“{upload.name}” is not an image we can read. Upload a JPEG, PNG, WebP or GIF photo.",
        code="not_an_image",
    )


def _too_many_pixels(upload: UploadedFile) -> ValidationError:
    return ValidationError(
        f"“{upload.name}” has too many pixels to be a photo. Upload a smaller image.",
        code="too_many_pixels",
    )


def _check_header(upload: UploadedFile) -> _Checked:
    """Refuse a file that is too large, not an image, or has too many pixels, from its bytes
    and its header alone: nothing is decoded here."""
    max_bytes = settings.LISTING_IMAGE_MAX_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            f"“{upload.name}” is {filesizeformat(upload.size)}; photos can be at most "
            f"{filesizeformat(max_bytes)}.",
            code="too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that; treat it as an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(upload)
            if probe.format not in ACCEPTED_FORMATS:
                raise _not_an_image(upload)
            if probe.width * probe.height > settings.LISTING_IMAGE_MAX_PIXELS:
                raise _too_many_pixels(upload)
            _draft(probe)  # only configures the decoder: the size it would decode at
            decoded_pixels = probe.width * probe.height
            upload.seek(0)
            Image.open(upload).verify()  # the file's structure, still without decoding it
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(upload) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _not_an_image(upload) from None
    finally:
        upload.seek(0)
    return _Checked(upload, decoded_pixels)


def _draft(image: Image.Image) -> None:
    """Have libjpeg decode a JPEG at the smallest scale (1/2, 1/4 or 1/8) that still covers the
    size the photo is stored at."""
    if image.format != "JPEG":
        return
    ratio = MAX_SIDE / max(image.size)
    if ratio < 1:
        image.draft(None, (math.ceil(image.width * ratio), math.ceil(image.height * ratio)))


def _process(photo: _Checked, name_stem: str) -> ProcessedImage:
    upload = photo.upload
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(upload)
            _draft(image)
            image.load()
            if image.mode in ("1", "P"):
                # Pillow resizes these with nearest neighbour only: convert first, for quality.
                image = image.convert("L" if image.mode == "1" else "RGBA")
            # Shrink first, in place: every later copy is of at most MAX_SIDE² pixels.
            image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
            photo_image = _to_rgb(ImageOps.exif_transpose(image))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(upload) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _not_an_image(upload) from None
    finally:
        upload.seek(0)
    del image  # the decoded original, before the next photo is decoded
    thumbnail = ImageOps.fit(photo_image, THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
    return ProcessedImage(
        image=ContentFile(_jpeg_bytes(photo_image, quality=85), name=f"{name_stem}.jpg"),
        thumbnail=ContentFile(_jpeg_bytes(thumbnail, quality=80), name=f"{name_stem}-thumb.jpg"),
        width=photo_image.width,
        height=photo_image.height,
    )


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.split()[-1])
        return background
    return image.convert("RGB")


def _jpeg_bytes(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()
