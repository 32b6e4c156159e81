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


def make_call(version, **fields):
    """An LLMCall row of ``version`` as the runner writes one, with ``fields`` overriding."""
    from decimal import Decimal

    from llm.models import LLMCall

    row = {
        "prompt_version": version,
        "provider": "openai",
        "model": "gpt-4o-mini",
        "purpose": "assistant",
        "input": {"text": "iphone 12 64gb"},
        "input_hash": "0" * 64,
        "cache_key": "0" * 64,
        "messages": [],
        "status": LLMCall.Status.SUCCESS,
        "input_tokens": 100,
        "output_tokens": 20,
        "cost": Decimal("0.0001"),
        "latency_ms": 100.0,
        **fields,
    }
    return LLMCall.objects.create(**row)
