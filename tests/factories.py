import io
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import User
from marketplace.models import Category, Favourite, Listing, ListingImage, Message, Thread

T = TypeVar("T")


class ModelFactory(factory.django.DjangoModelFactory[T]):
    """A model factory whose call, ``UserFactory(...)``, mypy knows returns the model (a User),
    as it does at run time; factory-boy types it as the factory itself."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> T: ...  # type: ignore[misc]


# Every factory-made user's password, for tests that log in through the form.
PASSWORD = "correct-horse-battery"


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    city = "Berlin"
    # Hashed when built, so the row is saved with it (a post-generation set_password would not
    # be, and force_login sessions would then be flushed as stale on the next request).
    password = factory.django.Password(PASSWORD)


def category(slug: str = "phones") -> Category:
    """Categories come from the catalog (created on migrate), so tests look them up."""
    return Category.objects.get(slug=slug)


class ListingFactory(ModelFactory[Listing]):
    class Meta:
        model = Listing

    seller = factory.SubFactory(UserFactory)
    category = factory.LazyFunction(category)
    title = factory.Sequence(lambda n: f"iPhone 12 64GB black #{n}")
    description = "Works perfectly, a few scratches on the back. Charger included."
    price = Decimal("350.00")
    condition = Listing.Condition.GOOD
    city = "Berlin"
    attributes = factory.LazyFunction(
        lambda: {"brand": "Apple", "model": "iPhone 12", "storage_gb": 64}
    )
    status = Listing.Status.ACTIVE
    published_at = factory.LazyFunction(timezone.now)


class ListingImageFactory(ModelFactory[ListingImage]):
    class Meta:
        model = ListingImage

    listing = factory.SubFactory(ListingFactory)
    image = factory.django.ImageField(width=800, height=600, format="JPEG", filename="photo.jpg")
    thumbnail = factory.django.ImageField(
        width=480, height=360, format="JPEG", filename="photo-thumb.jpg"
    )
    position = factory.Sequence(lambda n: n)


def image_upload(
    name: str = "photo.png", size: tuple[int, int] = (800, 600), fmt: str = "PNG", mode: str = "RGB"
) -> SimpleUploadedFile:
    """An uploaded image file, as a browser would send it."""
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 80, 40) if mode == "RGB" else 0).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


class FavouriteFactory(ModelFactory[Favourite]):
    class Meta:
        model = Favourite

    user = factory.SubFactory(UserFactory)
    listing = factory.SubFactory(ListingFactory)


class ThreadFactory(ModelFactory[Thread]):
    class Meta:
        model = Thread

    listing = factory.SubFactory(ListingFactory)
    buyer = factory.SubFactory(UserFactory)


class MessageFactory(ModelFactory[Message]):
    class Meta:
        model = Message

    thread = factory.SubFactory(ThreadFactory)
    sender = factory.LazyAttribute(lambda m: m.thread.buyer)
    body = "Hi, is this still available?"
