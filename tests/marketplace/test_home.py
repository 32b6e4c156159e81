import pytest

from marketplace.models import Category, Listing
from tests.factories import ListingFactory

pytestmark = pytest.mark.django_db


def test_every_catalog_category_exists_after_migrate():
    assert Category.objects.count() == 10
    assert Category.objects.get(slug="phones").attribute_keys == [
        "brand",
        "model",
        "storage_gb",
        "colour",
    ]


def test_home_shows_active_listings_only(client):
    ListingFactory(title="Vintage road bike")
    ListingFactory(title="Hidden draft", status=Listing.Status.DRAFT)
    response = client.get("/")
    assert response.status_code == 200
    assert "Vintage road bike" in response.text
    assert "Hidden draft" not in response.text
