"""Search understanding: a buyer's words become filters they can see, undo, or switch off."""

import json
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest

import llm
from experiments.assignment import assign
from experiments.models import Event, Experiment, Exposure, Flag
from llm import fake_server
from llm.models import LLMCall
from marketplace import ai
from marketplace.ab_tests import AI_SEARCH
from marketplace.understanding import COOKIE
from tests.factories import ListingFactory, category

pytestmark = pytest.mark.django_db

QUERY = "cheap iphone in berlin under 300"


@pytest.fixture
def smart_search():
    Flag.objects.filter(name=AI_SEARCH).update(everyone=True)


@pytest.fixture
def phones():
    return {
        "berlin_cheap": ListingFactory.create(title="iPhone 12 black", price=Decimal(250)),
        "berlin_dear": ListingFactory.create(title="iPhone 14 Pro", price=Decimal(800)),
        "munich": ListingFactory.create(title="iPhone 11", price=Decimal(200), city="Munich"),
        "sofa": ListingFactory.create(
            title="Sofa for an iphone lover", price=Decimal(100), category=category("home-garden")
        ),
    }


def params(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlparse(url).query).items()}


def test_a_query_becomes_visible_filters(client, smart_search, phones):
    response = client.get("/search/", {"q": QUERY})
    assert response.status_code == 302
    understood = params(response.url)
    assert understood["q"] == "iphone"
    assert understood["category"] == "phones"
    assert understood["max_price"] == "300"
    assert understood["city"] == "Berlin"
    assert understood["from"] == QUERY

    page = client.get(response.url)
    assert "iPhone 12 black" in page.text
    assert "iPhone 14 Pro" not in page.text  # too dear
    assert "iPhone 11" not in page.text  # Munich
    assert "Sofa" not in page.text  # another category
    for chip in ("Phones", "under €300", "Berlin"):
        assert f'<span class="chip">{chip}' in page.text
    assert "Search for these exact words instead" in page.text


def test_a_chip_removes_its_filter(client, smart_search, phones):
    understood_url = client.get("/search/", {"q": QUERY}).url
    page = client.get(understood_url)
    city_chip = page.context["chips"][[c.label for c in page.context["chips"]].index("Berlin")]
    without_city = client.get(city_chip.remove_url)
    assert "iPhone 11" in without_city.text  # Munich is back
    assert "Berlin" not in [chip.label for chip in without_city.context["chips"]]
    assert without_city.context["filters"].max_price == Decimal(300)


def test_the_buyers_own_filters_win(client, smart_search, phones):
    response = client.get("/search/", {"q": QUERY, "city": "Munich"})
    assert params(response.url)["city"] == "Munich"
    assert "city" not in params(response.url)["understood"].split(",")


def test_the_literal_search_link_and_the_switch_turn_it_off(client, smart_search, phones):
    literal = client.get("/search/", {"q": QUERY, "ai": "0"})
    assert literal.status_code == 200  # not understood: the words as they are
    client.post("/search/smart/", {"smart": "off", "next": "/search/?q=x"})
    assert client.cookies[COOKIE].value == "off"
    assert client.get("/search/", {"q": QUERY}).status_code == 200
    assert "Smart search is off" in client.get("/search/", {"q": QUERY}).text
    client.post("/search/smart/", {"smart": "on"})
    assert client.get("/search/", {"q": QUERY}).status_code == 302


def test_the_switch_leads_to_the_plain_search_of_the_buyers_words(client, smart_search, phones):
    """Off: not the understood page with the model's filters still on; on: understood afresh."""
    understood_url = client.get("/search/", {"q": QUERY, "condition": "good"}).url
    page = client.get(understood_url)
    switch_next = page.context["smart_search_next"]
    assert params(switch_next) == {"q": QUERY, "condition": "good"}  # the buyer's own filter
    switched_off = client.post("/search/smart/", {"smart": "off", "next": switch_next})
    plain = client.get(switched_off.url)
    assert plain.status_code == 200
    assert plain.context["chips"] == []
    assert plain.context["filters"].max_price is None

    literal = client.get("/search/", {"q": QUERY, "ai": "0"})
    switched_on = client.post(
        "/search/smart/", {"smart": "on", "next": literal.context["smart_search_next"]}
    )
    assert client.get(switched_on.url).status_code == 302  # understood again


def test_the_switch_goes_to_the_search_page_when_next_is_not_a_path(client):
    response = client.post("/search/smart/", {"smart": "off", "next": "smart_search_switch"})
    assert response["Location"] == "/search/"


def test_words_without_filters_need_no_redirect(client, smart_search, phones):
    response = client.get("/search/", {"q": "zebra"})
    assert response.status_code == 200
    assert response.context["chips"] == []


@pytest.mark.parametrize(
    "reply",
    [
        fake_server.error(500, "boom"),
        fake_server.answer("{broken"),
        fake_server.answer({"oops": 1}),
    ],
)
def test_plain_search_still_works_when_the_model_fails(
    client, smart_search, phones, fake_openai, reply
):
    fake_openai.queue(reply, reply)
    response = client.get("/search/", {"q": "iphone"})
    assert response.status_code == 200
    assert "Smart search is unavailable right now" in response.text
    assert "iPhone 12 black" in response.text


def test_plain_search_still_works_when_the_model_is_slow(
    client, smart_search, phones, fake_openai, settings
):
    settings.AI_SEARCH_TIMEOUT_SECONDS = 0.3
    fake_openai.queue(fake_server.answer({"keywords": ["iphone"]}, delay=2))
    response = client.get("/search/", {"q": "iphone"})
    assert response.status_code == 200
    assert "Smart search is unavailable right now" in response.text
    assert LLMCall.objects.get().status == LLMCall.Status.TIMEOUT


def test_understanding_is_rate_limited_to_plain_search(client, smart_search, phones, settings):
    settings.AI_RATE_LIMITS = {**settings.AI_RATE_LIMITS, "search": "1/minute"}
    assert client.get("/search/", {"q": QUERY}).status_code == 302
    response = client.get("/search/", {"q": "used iphone under 200"})
    assert response.status_code == 200
    assert "resting for a moment" in response.text


def test_hostile_queries_are_shown_as_text(client, smart_search):
    response = client.get("/search/", {"q": "<script>alert(1)</script> iphone"}, follow=True)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text


def test_a_nul_in_the_search_query_gives_results_not_a_500(client, phones):
    """Issue 13: the search event stored the raw query in JSONB, which refuses NUL (PostgreSQL)."""
    response = client.get("/search/", {"q": "ipho\x00ne 14", "ai": "0"})
    assert response.status_code == 200
    assert [listing.title for listing in response.context["page_obj"]] == ["iPhone 14 Pro"]
    assert Event.objects.get(name="search").properties["q"] == "iphone 14"


def test_smart_search_reads_the_query_without_its_control_characters(client, smart_search, phones):
    response = client.get("/search/", {"q": "cheap\x00 iphone \u202ein berlin under 300"})
    assert response.status_code == 302
    assert params(response.url)["from"] == "cheap iphone in berlin under 300"
    assert "\\u0000" not in json.dumps(LLMCall.objects.get().messages)  # NUL, as JSON writes it


def test_a_query_longer_than_the_form_allows_gives_plain_results_not_a_500(
    client, smart_search, phones
):
    """Issue 13: understanding ran before the form's 200-character limit and failed on the
    prompt's own 300-character limit (LLMInputError)."""
    response = client.get("/search/", {"q": "cheap iphone " * 30})
    assert response.status_code == 200
    assert "Ensure this value has at most 200 characters" in response.text
    assert not LLMCall.objects.exists()


def test_a_query_the_prompt_refuses_gives_plain_results_with_a_note(
    client, smart_search, phones, monkeypatch
):
    def refuse(query, **kwargs):
        raise llm.LLMInputError("search_query@1: the input does not fit SearchQueryInput")

    monkeypatch.setattr(ai, "understand_query", refuse)
    response = client.get("/search/", {"q": QUERY})
    assert response.status_code == 200
    assert "Smart search could not read this query" in response.text


def test_hostile_understood_parameters_give_plain_results_not_a_500(client, phones):
    response = client.get(
        "/search/",
        {"q": "iphone", "from": "bi\x00ke", "understood": "category,q", "category": "pho\x00nes"},
    )
    assert response.status_code == 200
    assert [chip.label for chip in response.context["chips"]] == ["Phones"]  # q is no filter
    assert response.context["understood_from"] == "bike"


def test_the_experiment_decides_who_gets_it_and_records_exposures(client, phones):
    experiment = Experiment.objects.get(key=AI_SEARCH)
    experiment.status = Experiment.Status.RUNNING
    experiment.save()
    outcomes = []
    for _ in range(16):
        client.cookies.clear()
        client.get("/")  # a new browser gets its cookie; it is a unit from the next request
        response = client.get("/search/", {"q": QUERY})
        visitor = client.cookies["bz_vid"].value.split(":")[0]
        treatment = assign(experiment.hash_seed, visitor, [0.5, 0.5]) == 1
        outcomes.append((treatment, response.status_code))
    assert all(status == (302 if treatment else 200) for treatment, status in outcomes)
    assert Exposure.objects.filter(experiment=experiment).count() == 16


def test_searches_are_tracked_with_their_result_counts(client):
    ListingFactory.create(title="Road bike")
    client.get("/search/", {"q": "bike"})
    client.get("/search/", {"q": "unicorn"})
    searches = Event.objects.filter(name="search").order_by("id")
    assert [(e.properties["q"], e.properties["results"]) for e in searches] == [
        ("bike", 1),
        ("unicorn", 0),
    ]
    assert Event.objects.filter(name="search_no_results").count() == 1


@pytest.mark.slow
def test_pages_that_decide_nothing_expose_nobody(client, phones):
    """Item 7 of issue 12: the top bar used to carry the treatment, so every page view (bots and
    cookieless requests too) exposed a unit whom search understanding never touched."""
    experiment = Experiment.objects.get(key=AI_SEARCH)
    experiment.status = Experiment.Status.RUNNING
    experiment.save()
    listing = phones["berlin_cheap"]
    for _ in range(12):
        client.cookies.clear()
        for path in ("/", listing.get_absolute_url(), "/search/", "/search/?category=phones"):
            page = client.get(path, follow=True).text
            assert 'placeholder="e.g. iphone under €400 in Munich"' in page
    assert not Exposure.objects.filter(experiment=experiment).exists()
    client.get("/search/", {"q": QUERY})  # a search that understanding decides: exposed
    assert Exposure.objects.filter(experiment=experiment).count() == 1
