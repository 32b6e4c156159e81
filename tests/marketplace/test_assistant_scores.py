"""The seller's reactions to a suggestion become scores on the call that answered it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from llm.models import Score
from marketplace.models import AssistantSuggestion
from tests.factories import UserFactory, category
from tests.marketplace.test_assistant import assistant_for_everyone, seller_client, suggest

pytestmark = pytest.mark.django_db
__all__ = ["assistant_for_everyone", "seller_client"]  # fixtures
LLM_TABLE = re.compile(r'(FROM|INTO|JOIN|UPDATE) "llm_')


def test_using_parts_is_a_score_on_the_suggestions_call_at_the_cost_of_one_insert(
    seller_client,
):
    suggest(seller_client)
    record = AssistantSuggestion.objects.get()
    url = reverse("assistant_accept", args=[record.pk])

    with CaptureQueriesContext(connection) as queries:
        assert seller_client.post(url, {"field": ["title", "category"]}).status_code == 204

    score = Score.objects.get()
    assert score.call_id == record.llm_call_id
    assert (score.name, score.value, score.source) == ("fields_used", 2.0, "person")
    assert score.comment == "title, category"
    llm_queries = [q["sql"] for q in queries.captured_queries if LLM_TABLE.search(q["sql"])]
    assert len(llm_queries) == 1
    assert llm_queries[0].startswith('INSERT INTO "llm_score"')


def test_parts_used_before_score_nothing_again(seller_client):
    suggest(seller_client)
    record = AssistantSuggestion.objects.get()
    url = reverse("assistant_accept", args=[record.pk])
    seller_client.post(url, {"field": ["title"]})

    seller_client.post(url, {"field": ["title"]})

    assert Score.objects.count() == 1


def test_dismissing_a_suggestion_is_a_score(seller_client):
    suggest(seller_client)
    record = AssistantSuggestion.objects.get()

    response = seller_client.post(reverse("assistant_dismiss", args=[record.pk]))

    assert response.status_code == 204
    assert Score.objects.get().name == "dismissed"
    assert Score.objects.get().call_id == record.llm_call_id


def test_nobody_else_can_dismiss_a_sellers_suggestion(seller_client, client):
    suggest(seller_client)
    record = AssistantSuggestion.objects.get()
    client.force_login(UserFactory.create())

    response = client.post(reverse("assistant_dismiss", args=[record.pk]))

    assert response.status_code == 404
    assert not Score.objects.exists()


def test_the_page_offers_to_dismiss_a_suggestion(seller_client):
    response = suggest(seller_client)

    assert "data-dismiss" in response.text


@pytest.mark.parametrize(("action", "scored"), [("publish", True), ("draft", False)])
def test_a_listing_that_goes_live_with_the_suggestion_is_a_score(seller_client, action, scored):
    suggest(seller_client)
    record = AssistantSuggestion.objects.get()
    data = {
        "title": "iPhone 12 64GB",
        "category": category("phones").pk,
        "price": "300",
        "currency": "EUR",
        "condition": "good",
        "city": "Berlin",
        "description": "Works fine.",
        "action": action,
        "suggestion": str(record.pk),
    }

    seller_client.post(reverse("listing_create"), data)

    published = Score.objects.filter(name="published_with_suggestion", call=record.llm_call_id)
    assert published.exists() is scored


def test_a_call_becomes_a_case_expecting_what_the_seller_published(seller_client):
    from llm.evaluation.services import add_calls_to_dataset

    suggest(seller_client)
    record = AssistantSuggestion.objects.get()
    data = {
        "title": "iPhone 12 64GB",
        "category": category("phones").pk,
        "price": "300",
        "currency": "EUR",
        "condition": "fair",  # the seller's own judgement, not the suggestion's
        "city": "Berlin",
        "description": "Works fine.",
        "attr_brand": "Apple",
        "action": "publish",
        "suggestion": str(record.pk),
    }
    seller_client.post(reverse("listing_create"), data)
    record.refresh_from_db()

    added = add_calls_to_dataset([record.llm_call], "assistant_from_sellers")

    case = added.dataset.cases.get()
    assert case.input == {"text": record.text}
    assert case.expected == {
        "category": "phones",
        "attributes": {"brand": "Apple"},
        "condition": "fair",
        "note": f"as the seller published it (listing #{record.listing_id})",
    }


def test_a_draft_written_with_the_suggestion_scores_when_it_is_published_once(seller_client):
    suggest(seller_client)
    record = AssistantSuggestion.objects.get()
    data = {
        "title": "iPhone 12 64GB",
        "category": category("phones").pk,
        "price": "300",
        "currency": "EUR",
        "condition": "good",
        "city": "Berlin",
        "description": "Works fine.",
        "action": "draft",
        "suggestion": str(record.pk),
    }
    seller_client.post(reverse("listing_create"), data)
    record.refresh_from_db()
    edit = reverse("listing_edit", args=[record.listing_id])

    seller_client.post(edit, {**data, "action": "publish"})
    seller_client.post(edit, {**data, "action": "draft"})
    seller_client.post(edit, {**data, "action": "publish"})

    published = Score.objects.filter(name="published_with_suggestion", call=record.llm_call_id)
    assert published.count() == 1
