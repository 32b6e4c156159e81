import pytest

from marketplace.catalog import CATEGORIES


def catalog_categories() -> list[dict]:
    """The categories a caller passes to the prompts, in the shape of the Category rows."""
    return [
        {
            "slug": spec.slug,
            "name": spec.name,
            "attributes": [attribute.as_dict() for attribute in spec.attributes],
            "uses_condition": spec.uses_condition,
        }
        for spec in CATEGORIES
    ]


@pytest.fixture
def categories() -> list[dict]:
    return catalog_categories()


def search_answer(**overrides) -> dict:
    """A valid search_query answer."""
    return {
        "keywords": ["iphone"],
        "category": "phones",
        "min_price": None,
        "max_price": 300,
        "city": "Berlin",
        "condition": None,
        "sort": "price_asc",
        **overrides,
    }


def assistant_answer(**overrides) -> dict:
    """A valid listing_assistant answer."""
    return {
        "title": "Apple iPhone 12, 64 GB, black",
        "description": "Works perfectly, a few scratches on the back.",
        "category": "phones",
        "attributes": [{"key": "brand", "value": "Apple"}, {"key": "storage_gb", "value": 64}],
        "condition": "good",
        **overrides,
    }
