"""The marketplace's offline model: the baseline a real model has to beat on its AI features.

It answers from the validated input, with no network: the category from keyword cues and a
classifier trained on the site's own listings (``register_corpus``), attributes from patterns and
known brands and models, a tidy title and description from the seller's words, a moderation
verdict from prohibited items and scam patterns, and filters from a search query. Each feature
registers its function here as its ``offline`` answer (``llm.Feature.offline``); ``llm``'s
offline provider serialises the answer and the caller validates it exactly like a model's. It is
written from general knowledge: nothing in it is fitted to an evaluation set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .attributes import Facts, extract_attributes, find_condition
from .classifier import choose_category, forget_corpus, register_corpus
from .moderation import screen
from .search import parse_query
from .writing import build_description, build_title

if TYPE_CHECKING:
    from ..listing_assistant.schemas import ListingAssistantInput
    from ..listing_enrichment.schemas import ListingEnrichmentInput
    from ..search_query.schemas import SearchQueryInput

__all__ = [
    "forget_corpus",
    "listing_assistant",
    "listing_enrichment",
    "register_corpus",
    "search_query",
]


def listing_assistant(request: ListingAssistantInput) -> dict[str, Any]:
    facts = Facts(request.text)
    category = choose_category(facts, request.categories)
    attributes = extract_attributes(facts, category) if category else {}
    uses_condition = category.uses_condition if category else True
    condition = find_condition(facts) if uses_condition else None
    return {
        "title": build_title(facts, category, attributes),
        "description": build_description(facts, category, attributes, condition),
        "category": category.slug if category else None,
        "attributes": [{"key": key, "value": value} for key, value in attributes.items()],
        "condition": condition,
    }


def listing_enrichment(request: ListingEnrichmentInput) -> dict[str, Any]:
    listing = request.listing
    facts = Facts(f"{listing.title}\n{listing.description}")
    category = choose_category(facts, request.categories, prior=listing.category or None)
    attributes = extract_attributes(facts, category) if category else {}
    reference = request.price_reference
    verdict, findings = screen(
        facts,
        price=listing.price,
        reference_median=reference.median if reference else None,
        reference_count=reference.count if reference else 0,
        category=category.slug if category else listing.category or None,
    )
    reasons: dict[str, str] = {}
    for finding in findings:
        reasons.setdefault(finding.code, finding.detail)  # the first finding of each kind
    return {
        "category": category.slug if category else None,
        "attributes": [{"key": key, "value": value} for key, value in attributes.items()],
        "moderation": {
            "verdict": verdict,
            "reasons": [{"code": code, "detail": detail} for code, detail in reasons.items()][:5],
        },
    }


def search_query(request: SearchQueryInput) -> dict[str, Any]:
    return parse_query(request.query, request.categories, request.cities)
