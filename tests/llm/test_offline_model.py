"""The offline model on hand-written examples: unit tests, not an evaluation set."""

import json

import pytest

import llm
from llm.models import LLMCall
from marketplace.ai_features.offline import classifier, forget_corpus, register_corpus
from tests.factories import ListingFactory, category

pytestmark = [pytest.mark.django_db, pytest.mark.catalogue]


def assist(text: str, categories: list[dict]):
    return llm.run("listing_assistant", {"text": text, "categories": categories}).output


def enrich(categories: list[dict], title: str, description: str = "", **listing):
    data = {"listing": {"title": title, "description": description, **listing}}
    return llm.run("listing_enrichment", {**data, "categories": categories}).output


def search(query: str, categories: list[dict], **extra):
    return llm.run("search_query", {"query": query, "categories": categories, **extra}).output


def test_it_drafts_a_phone_listing(categories):
    output = assist(
        "Selling my iPhone 12 Pro 128GB, space grey, works perfectly, a few scratches.",
        categories,
    )

    assert output.category == "phones"
    assert output.attribute_dict() == {
        "brand": "Apple",
        "model": "iPhone 12 Pro",
        "storage_gb": 128,
        "colour": "grey",
    }
    assert output.condition == "good"
    assert output.title == "Apple iPhone 12 Pro, 128 GB, grey"
    assert output.description.startswith("iPhone 12 Pro 128GB, space grey, works perfectly")
    assert "- Storage: 128 GB" in output.description


def test_it_drafts_a_car_listing(categories):
    output = assist("VW Golf 7 GTI, first registration 2015, 120.000 km, diesel", categories)

    assert output.category == "vehicles"
    assert output.attribute_dict() == {
        "make": "Volkswagen",
        "model": "Golf 7 GTI",
        "year": 2015,
        "mileage_km": 120000,
        "fuel": "diesel",
    }
    assert output.title == "Volkswagen Golf 7 GTI, 2015, 120,000 km, diesel"


def test_it_drafts_a_flat_and_a_job_and_a_jacket(categories):
    flat = assist("Bright 3-room apartment for rent, 75 m², balcony, 1200 EUR warm", categories)
    job = assist("We are hiring a barista, part-time, in our cafe in Hamburg", categories)
    jacket = assist("North Face winter jacket, mens, size L, black, worn twice", categories)

    assert flat.category == "real-estate"
    assert flat.attribute_dict() == {
        "type": "apartment",
        "rooms": 3,
        "area_m2": 75,
        "offer": "rent",
    }
    assert flat.title == "3-room apartment for rent, 75 m²"
    assert flat.condition is None  # real estate has no condition
    assert job.category == "jobs"
    assert job.attribute_dict() == {"employment": "part-time", "field": "hospitality"}
    assert jacket.category == "fashion"
    assert jacket.attribute_dict() == {
        "brand": "The North Face",
        "size": "L",
        "colour": "black",
        "gender": "men",
    }


def test_it_keeps_to_the_sellers_words_and_drops_contact_details_and_prices(categories):
    output = assist(
        "Hi! Selling our grey 3-seater sofa from IKEA, 2 years old, pick up in Berlin. "
        "Only 150 EUR. Call me at 0176 12345678 or mail sofa.seller@example.com",
        categories,
    )

    assert output.category == "home-garden"
    assert output.title == "Grey 3-seater sofa from IKEA, 2 years old"
    assert "0176" not in output.description
    assert "example.com" not in output.description
    assert "150" not in output.description
    assert output.attribute_dict() == {"type": "sofa", "colour": "grey"}  # no invented brand


def test_a_text_about_nothing_gets_no_category(categories):
    output = assist("hello, is anyone there?", categories)

    assert output.category is None
    assert output.attributes == []


def test_shouting_is_calmed(categories):
    output = assist("BRAND NEW PS5 SLIM WITH TWO CONTROLLERS!!!", categories)

    assert output.category == "electronics"
    assert output.condition == "new"
    assert output.title == "Sony PS5 Slim"
    assert output.description.startswith("Brand new ps5 slim with two controllers!")


def test_it_answers_the_same_every_time(categories):
    text = "Trek mountain bike, frame size M, 29 inch wheels, shimano gears, well maintained"

    outputs = {json.dumps(assist(text, categories).model_dump(), sort_keys=True) for _ in range(3)}

    assert len(outputs) == 1


def test_it_reports_itself_as_the_offline_model(categories):
    result = llm.run("listing_assistant", {"text": "red bike", "categories": categories})

    call = LLMCall.objects.get()
    assert result.provider == "offline"
    assert result.provider_label == "offline model"
    assert (call.provider, call.model) == ("offline", "offline-v1")
    assert (call.input_tokens, call.output_tokens, call.cost) == (0, 0, 0)
    assert call.latency_ms > 0


def test_it_declines_to_grade_prose_and_says_so():
    judge_input = {"text": "red bike", "title": "Red bike", "description": "A red bike."}

    with pytest.raises(llm.LLMRequestRejected, match="cannot answer description_judge"):
        llm.run("description_judge", judge_input)

    assert LLMCall.objects.get().status == LLMCall.Status.REJECTED


@pytest.mark.parametrize(
    ("title", "description", "verdict", "codes"),
    [
        ("IKEA Billy bookcase", "White, good condition, pick up only.", "ok", []),
        ("Glue gun and nail gun", "Both work, with spare glue sticks.", "ok", []),
        ("Kitten heels, size 38", "Black faux leather, worn once.", "ok", []),
        ("Fake leather jacket", "Brown, size M.", "ok", []),
        ("Glock 17 pistol", "With ammunition.", "reject", ["prohibited_item"]),
        ("Replica Rolex Submariner", "AAA quality, looks real.", "reject", ["prohibited_item"]),
        ("Weed, best quality", "Discreet delivery.", "reject", ["prohibited_item"]),
        ("Cute puppies for sale", "Labrador puppies, 8 weeks.", "review", ["restricted_item"]),
        ("Airsoft rifle", "With spare magazines.", "review", ["restricted_item"]),
        ("Ford Escort, 1998", "Runs fine.", "ok", []),
        ("iPhone 13", "Shipping only, no pickup.", "review", ["payment_scam"]),
        (
            "MacBook Pro M2",
            "Pay by Western Union and message me on WhatsApp.",
            "reject",
            ["payment_scam", "off_platform_contact"],
        ),
        ("Sofa", "Write to sofa.deals@example.com for details", "review", ["off_platform_contact"]),
    ],
)
def test_it_screens_listings(categories, title, description, verdict, codes):
    moderation = enrich(categories, title, description).moderation

    assert moderation.verdict == verdict
    assert [reason.code for reason in moderation.reasons] == codes


def test_a_price_far_below_comparable_listings_is_suspicious(categories):
    data = {
        "listing": {"title": "iPhone 14 Pro", "price": 90, "category": "phones"},
        "categories": categories,
        "price_reference": {"median": 700, "count": 25},
    }

    moderation = llm.run("listing_enrichment", data).output.moderation

    assert moderation.verdict == "review"
    assert moderation.reasons[0].code == "suspicious_price"
    assert "700" in moderation.reasons[0].detail


def test_enrichment_classifies_and_extracts(categories):
    output = enrich(categories, "Samsung Galaxy S21 Ultra 256GB", "Phantom black, like new")

    assert output.category == "phones"
    assert output.attribute_dict() == {
        "brand": "Samsung",
        "model": "Galaxy S21 Ultra",
        "storage_gb": 256,
        "colour": "black",
    }
    assert output.moderation.verdict == "ok"


def test_the_sellers_category_breaks_ties_but_not_strong_cues(categories):
    vague = enrich(categories, "Blue thing, barely used", category="kids")
    clear = enrich(categories, "Dining table, oak, seats six", category="kids")

    assert vague.category == "kids"
    assert clear.category == "home-garden"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "cheap iphone in berlin under 300",
            {"keywords": ["iphone"], "category": "phones", "max_price": 300.0, "city": "Berlin",
             "sort": "price_asc"},
        ),
        (
            "used mountain bike 300-500 eur munich",
            {"keywords": ["mountain", "bike"], "category": "sports-hobbies", "min_price": 300.0,
             "max_price": 500.0, "city": "Munich", "condition": "used"},
        ),
        (
            "sofa max 200€",
            {"keywords": ["sofa"], "category": "home-garden", "max_price": 200.0},
        ),
        (
            "brand new playstation 5 at least 1k newest",
            {"keywords": ["playstation", "5"], "category": "electronics", "min_price": 1000.0,
             "condition": "new", "sort": "newest"},
        ),
        ("apartment in Hamburg", {"keywords": [], "category": "real-estate", "city": "Hamburg"}),
        ("vintage lamp", {"keywords": ["vintage", "lamp"], "category": "home-garden"}),
    ],
)  # fmt: skip
def test_it_reads_search_queries(categories, query, expected):
    defaults = {"min_price": None, "max_price": None, "city": None, "condition": None, "sort": None}

    assert search(query, categories).model_dump() == {**defaults, **expected}


def test_search_only_knows_the_cities_it_is_given(categories):
    output = search("bike in springfield", categories, cities=["Springfield", "Shelbyville"])

    assert output.city == "Springfield"
    assert output.keywords == ["bike"]


def test_it_learns_new_categories_from_the_corpus_hook(categories, monkeypatch):
    boats = {"slug": "boats", "name": "Boats", "attributes": []}
    text = "Old wooden dinghy with oars and trailer"
    assert assist(text, [*categories, boats]).category != "boats"

    monkeypatch.setattr(classifier, "_providers", [])
    register_corpus(
        lambda limit: [
            ("Sailing dinghy, 4 m, with sail and oars", "boats"),
            ("Inflatable dinghy with outboard motor", "boats"),
            ("Rowing boat, wooden, oars included", "boats"),
            ("Kids bike 16 inch", "sports-hobbies"),
            ("Road bike, carbon frame", "sports-hobbies"),
        ]
    )
    try:
        assert assist(text, [*categories, boats]).category == "boats"
    finally:
        forget_corpus()


def test_it_learns_from_the_active_listings_of_the_marketplace(categories):
    text = "Handmade didgeridoo, eucalyptus"
    assert assist(text, categories).category is None

    for title in ("Didgeridoo in C", "Didgeridoo, eucalyptus, with bag", "Beginner didgeridoo"):
        ListingFactory(title=title, description="Deep sound.", category=category("sports-hobbies"))
    ListingFactory(title="Phone case", description="Deep blue.", category=category("phones"))

    assert assist(text, categories).category == "sports-hobbies"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("selling my ikea billy bookcase, white", "IKEA billy bookcase, white"),
        ("kitchenaid mixer, red, barely used", "KitchenAid mixer, red, barely used"),
        ("hp laptop 15 inch, works fine", "HP laptop 15 inch, works fine"),
        ("north face jacket for kids", "North Face jacket for kids"),
        ("my old ipad and airpods", "Apple iPad"),
        ("lego star wars set, complete", "LEGO star wars set, complete"),
    ],
)
def test_its_titles_write_brands_as_their_owners_do(categories, text, title):
    assert assist(text, categories).title == title


def test_it_leaves_ordinary_words_and_the_sellers_own_capitals_alone(categories):
    output = assist(
        "Apple tree cutting, head-high, from my garden. Bought at Ikea; 150 hp of love", categories
    )

    assert output.title.startswith("Apple tree cutting, head-high")
    assert "Bought at Ikea; 150 hp of love" in output.description
    assert "IKEA" not in output.description


def test_brands_in_the_description_are_cased_too(categories):
    output = assist("ikea kallax shelf. bought at ikea in 2020, smoke-free home", categories)

    assert output.title == "IKEA kallax shelf"
    assert "Bought at IKEA in 2020" in output.description
