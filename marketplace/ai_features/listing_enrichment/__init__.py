"""The enrichment job's prompt: a published listing classified, the attributes it states found,
and screened for prohibited items and scam patterns (marketplace/enrichment.py runs it)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import llm

from .. import offline, site
from ..scoring import (
    ENRICHMENT_FIGURES,
    EnrichmentExpectation,
    check_expected_category,
    score_enrichment,
)
from .schemas import ListingEnrichmentInput, ListingEnrichmentOutput


def expected_from_answer(answer: Mapping[str, Any]) -> dict[str, Any]:
    """A case's expectation from an answer (a production call made a case): what is scored."""
    return {
        "category": answer.get("category"),
        "attributes": {item["key"]: item["value"] for item in answer.get("attributes") or []},
        "verdict": (answer.get("moderation") or {}).get("verdict"),
    }


FEATURE = llm.register(
    llm.Feature(
        name="listing_enrichment",
        folder=Path(__file__).parent,
        description="A published listing → category, attributes, moderation verdict.",
        input_schema=ListingEnrichmentInput,
        output_schema=ListingEnrichmentOutput,
        site_input=site.categories,
        site_input_example=site.CATEGORIES_EXAMPLE,
        offline=offline.listing_enrichment,
        expectation=EnrichmentExpectation,
        scorer=score_enrichment,
        check_expected=check_expected_category,
        accuracy_figure="category_accuracy",
        figures=ENRICHMENT_FIGURES,
        expected_from_answer=expected_from_answer,
    )
)
