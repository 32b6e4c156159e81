from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import User
from marketplace.models import Category, Favourite, Listing, Message, Thread


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    city = "Berlin"
    password = factory.django.Password("correct-horse-battery")


def category(slug: str = "phones") -> Category:
    """Categories come from the catalog (created on migrate), so tests look them up."""
    return Category.objects.get(slug=slug)


class ListingFactory(factory.django.DjangoModelFactory):
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


class FavouriteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Favourite

    user = factory.SubFactory(UserFactory)
    listing = factory.SubFactory(ListingFactory)


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    listing = factory.SubFactory(ListingFactory)
    buyer = factory.SubFactory(UserFactory)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    thread = factory.SubFactory(ThreadFactory)
    sender = factory.LazyAttribute(lambda m: m.thread.buyer)
    body = "Hi, is this still available?"
