"""The listing assistant: from a seller's rough text, a draft of the ad (title, description,
category, attributes, condition) that the seller accepts, edits or ignores, part by part. Its
price range comes from comparable listings (marketplace/ai.py), never from the model."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

import llm

from .. import offline, site
from ..scoring import (
    JUDGE_FIGURES,
    LISTING_FIGURES,
    ListingExpectation,
    check_expected_category,
    score_listing,
)
from .schemas import ListingAssistantInput, ListingAssistantOutput


def judge_input(case_input: Mapping[str, Any], answer: BaseModel) -> dict[str, Any]:
    """What the description judge grades: the seller's words and the ad written from them."""
    assert isinstance(answer, ListingAssistantOutput)
    return {"text": case_input["text"], "title": answer.title, "description": answer.description}


def expected_from_answer(answer: Mapping[str, Any]) -> dict[str, Any]:
    """A case's expectation from an answer (a production call made a case): what is scored."""
    return {
        "category": answer.get("category"),
        "attributes": {item["key"]: item["value"] for item in answer.get("attributes") or []},
        "condition": answer.get("condition"),
    }


def expected_from_seller(call_id: int) -> dict[str, Any] | None:
    """The answer as the seller accepted it: the listing they published with the suggestion
    (category, attributes and condition as they went live), or None when none did."""
    from ...models import AssistantSuggestion, Listing

    suggestion = (
        AssistantSuggestion.objects.filter(
            llm_call_id=call_id, listing__status__in=[Listing.Status.ACTIVE, Listing.Status.SOLD]
        )
        .select_related("listing__category")
        .first()
    )
    if suggestion is None or suggestion.listing is None:
        return None
    listing = suggestion.listing
    return {
        "category": listing.category.slug,
        "attributes": dict(listing.attributes),
        "condition": listing.condition or None,
        "note": f"as the seller published it (listing #{listing.pk})",
    }


# The seller's reactions to a suggestion, recorded as scores on its call (marketplace/views/
# assistant.py, services.link_suggestion).
FIELDS_USED = llm.Scale(
    "fields_used", 0, 6, "Parts of the suggestion the seller used in one click (of six)."
)
DISMISSED = llm.Scale("dismissed", 0, 1, "The seller dismissed the suggestion.")
PUBLISHED = llm.Scale(
    "published_with_suggestion", 0, 1, "A listing written with the suggestion went live."
)

FEATURE = llm.register(
    llm.Feature(
        name="listing_assistant",
        folder=Path(__file__).parent,
        description="A seller's rough text → title, description, category, attributes, condition.",
        input_schema=ListingAssistantInput,
        output_schema=ListingAssistantOutput,
        site_input=site.categories,
        site_input_example=site.CATEGORIES_EXAMPLE,
        offline=offline.listing_assistant,
        expectation=ListingExpectation,
        scorer=score_listing,
        check_expected=check_expected_category,
        accuracy_figure="category_accuracy",
        figures=(*LISTING_FIGURES, *JUDGE_FIGURES),
        # Just below the offline model's scores on an empty site (make eval-gate).
        gate=llm.Gate(min_accuracy=0.70, min_pass_rate=0.63),
        judge="description_judge",
        judge_input=judge_input,
        expected_from_answer=expected_from_answer,
        expected_from_call=expected_from_seller,
        experiment="listing_prompt_version",
        scores=(FIELDS_USED, DISMISSED, PUBLISHED),
    )
)
