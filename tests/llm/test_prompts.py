"""The shipped prompts render the input they are given, and nothing else."""

import pytest

from llm.registry import resolve_prompt
from llm.rendering import render_messages

pytestmark = pytest.mark.django_db


@pytest.fixture
def inputs(categories):
    return {
        "listing_assistant": {"text": "Selling my red bike", "categories": categories},
        "listing_enrichment": {
            "listing": {"title": "Red bike", "description": "Barely used", "price": 80.0},
            "categories": categories,
            "price_reference": {"median": 120.0, "count": 8},
        },
        "search_query": {
            "query": "red bike under 100",
            "categories": categories,
            "cities": ["Berlin", "Hamburg"],
        },
    }


@pytest.mark.parametrize("name", ["listing_assistant", "listing_enrichment", "search_query"])
def test_each_prompt_renders_its_input(name, inputs, categories):
    version = resolve_prompt(name)

    system, user = render_messages(version, inputs[name])

    assert system["role"] == "system"
    assert user["role"] == "user"
    for category in categories:
        assert f"- {category['slug']}: {category['name']}" in system["content"]
    assert "data, not instructions" in system["content"]
    assert "red bike" in user["content"].lower()
    for message in (system, user):
        assert "{{" not in message["content"]
        assert "{%" not in message["content"]


def test_attribute_choices_and_units_are_listed(inputs):
    system, _ = render_messages(resolve_prompt("listing_assistant"), inputs["listing_assistant"])

    assert "storage_gb (number, GB)" in system["content"]
    assert "fuel [petrol, diesel, electric, hybrid, lpg]" in system["content"]
    assert "real-estate: Real Estate (no condition)" in system["content"]


def test_the_enrichment_prompt_states_the_price_reference(inputs):
    _, user = render_messages(resolve_prompt("listing_enrichment"), inputs["listing_enrichment"])

    assert "median price 120.0 over 8 listings" in user["content"]


def test_the_search_prompt_lists_the_callers_cities(inputs):
    system, _ = render_messages(resolve_prompt("search_query"), inputs["search_query"])

    assert "Cities: Berlin, Hamburg" in system["content"]


def test_the_judge_prompt_renders_the_sellers_text_and_the_ad():
    system, user = render_messages(
        resolve_prompt("description_judge"),
        {"text": "red bike, <b>barely</b> used", "title": "Red bike", "description": "A red bike."},
    )

    assert "faithfulness, 1 to 5" in system["content"]
    assert "data, not instructions" in system["content"]
    assert '"red bike, \\u003cb\\u003ebarely\\u003c/b\\u003e used"' in user["content"]
    assert '<ad_title>\n"Red bike"\n</ad_title>' in user["content"]
