"""Search understanding: a buyer's free text becomes filters for the listing search plus the
words left to match (marketplace/understanding.py shows them as chips)."""

from __future__ import annotations

from pathlib import Path

import llm

from .. import offline, site
from ..scoring import SEARCH_FIGURES, SearchExpectation, check_expected_category, score_search
from .schemas import SearchQueryInput, SearchQueryOutput

FEATURE = llm.register(
    llm.Feature(
        name="search_query",
        folder=Path(__file__).parent,
        description="A buyer's free-text query → category, price range, city, condition, sort.",
        input_schema=SearchQueryInput,
        output_schema=SearchQueryOutput,
        site_input=site.categories,
        site_input_example=site.CATEGORIES_EXAMPLE,
        offline=offline.search_query,
        expectation=SearchExpectation,
        scorer=score_search,
        check_expected=check_expected_category,
        accuracy_figure="category_accuracy",
        figures=SEARCH_FIGURES,
        # Just below the offline model's scores on an empty site (make eval-gate).
        gate=llm.Gate(min_accuracy=0.73, min_pass_rate=0.52),
    )
)
