"""The enrichment job's prompt: a published listing classified, the attributes it states found,
and screened for prohibited items and scam patterns (marketplace/enrichment.py runs it)."""

from __future__ import annotations

from pathlib import Path

import llm

from .. import offline, site
from ..scoring import (
    ENRICHMENT_FIGURES,
    EnrichmentExpectation,
    check_expected_category,
    score_enrichment,
)
from .schemas import ListingEnrichmentInput, ListingEnrichmentOutput

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
    )
)
