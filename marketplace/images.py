"""Listing photos: validating uploads and producing the stored image and its thumbnail.

Every photo is decoded and re-encoded as JPEG, so what we store is a plain image whatever was
uploaded (no scripts, no EXIF location data), at most ``MAX_SIDE`` pixels on its long side,
plus a 4:3 thumbnail for listing cards.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
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


def process_listing_image(upload, name_stem: str = "photo") -> ProcessedImage:
    """Validate an uploaded file and return the re-encoded photo and its thumbnail.

    Raises ``ValidationError`` with a message a seller can act on when the file is too large,
    is not an image, or is a decompression bomb (a small file that decodes to a huge image).
    """
    max_bytes = settings.LISTING_IMAGE_MAX_BYTES
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            f"“{upload.name}” is {filesizeformat(upload.size)}; photos can be at most "
            f"{filesizeformat(max_bytes)}.",
            code="too_large",
        )
    original = _open_checked(upload)
    photo = _to_rgb(ImageOps.exif_transpose(original))
    photo.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    thumbnail = ImageOps.fit(photo, THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
    return ProcessedImage(
        image=ContentFile(_jpeg_bytes(photo, quality=85), name=f"{name_stem}.jpg"),
        thumbnail=ContentFile(_jpeg_bytes(thumbnail, quality=80), name=f"{name_stem}-thumb.jpg"),
        width=photo.width,
        height=photo.height,
    )


def _open_checked(upload) -> Image.Image:
    not_an_image = ValidationError(
        f"“{upload.name}” is not an image we can read. Upload a JPEG, PNG, WebP or GIF photo.",
        code="not_an_image",
    )
    too_many_pixels = ValidationError(
        f"“{upload.name}” has too many pixels to be a photo. Upload a smaller image.",
        code="too_many_pixels",
    )
    max_pixels = settings.LISTING_IMAGE_MAX_PIXELS
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that; treat it as an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(upload)
            if probe.format not in ACCEPTED_FORMATS:
                raise not_an_image
            if probe.width * probe.height > max_pixels:
                raise too_many_pixels  # refused from the header, before decoding anything
            probe.verify()  # checks the file's structure; the image must be reopened after
            upload.seek(0)
            image = Image.open(upload)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise not_an_image from None
    finally:
        upload.seek(0)
    return image


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
