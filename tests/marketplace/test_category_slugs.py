"""Category slugs are what the AI prompts name categories by: only lowercase ones get in."""

import pytest
from django.urls import reverse

from marketplace import ai
from marketplace.catalog import AttributeSpec, CategorySpec
from marketplace.enrichment import queue_enrichment, run_enrichment
from marketplace.models import Category, EnrichmentJob
from tests.factories import ListingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    return client


def add_category(client, **fields):
    data = {
        "name": "Vintage Toys",
        "slug": "vintage-toys",
        "icon": "box",
        "position": 20,
        "uses_condition": "on",
        "price_label": "Price",
        "attribute_specs": "[]",
        **fields,
    }
    return client.post(reverse("admin:marketplace_category_add"), data)


def test_the_admin_refuses_a_slug_with_capitals_and_suggests_one(staff_client):
    response = add_category(staff_client, slug="Vintage-Toys")
    assert response.status_code == 200
    assert "Use lowercase letters and digits" in response.text
    assert "such as “vintage-toys”" in response.text
    assert not Category.objects.filter(name="Vintage Toys").exists()


def test_the_admin_takes_a_lowercase_slug(staff_client):
    assert add_category(staff_client).status_code == 302
    assert "vintage-toys" in {option["slug"] for option in ai.category_options()}


def test_the_admin_refuses_attribute_keys_the_prompts_cannot_take(staff_client):
    specs = '[{"key": "Brand Name", "label": "Brand"}]'
    response = add_category(staff_client, attribute_specs=specs)
    assert response.status_code == 200
    assert "attributes.0.key: String should match pattern" in response.text
    assert not Category.objects.filter(slug="vintage-toys").exists()


@pytest.mark.parametrize(
    "make",
    [
        lambda: CategorySpec("Vintage-Toys", "Vintage toys", "box"),
        lambda: AttributeSpec("Storage GB", "Storage"),
    ],
    ids=["slug", "attribute-key"],
)
def test_the_catalog_refuses_a_slug_the_prompts_cannot_take(make):
    with pytest.raises(ValueError, match="must be lowercase letters and digits"):
        make()


def test_a_bad_category_saved_before_the_check_leaves_the_ai_features_working(caplog):
    # As an admin could save it before slugs were checked.
    Category.objects.create(slug="Vintage-Toys", name="Vintage Toys", icon="box")
    assert "Vintage-Toys" not in {option["slug"] for option in ai.category_options()}
    assert "Category 'Vintage-Toys' is left out of the AI features" in caplog.text

    assert ai.suggest_listing("iPhone 12, 64 GB, black, works well").category == "phones"
    job = queue_enrichment(ListingFactory.create(), enqueue=False)
    assert run_enrichment(job.pk, may_retry=False).status == "succeeded"
    assert EnrichmentJob.objects.get().status == EnrichmentJob.Status.SUCCEEDED
