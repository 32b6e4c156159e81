"""The offline model: deterministic, fast, no network, behind the same interface as a real one.

It answers every prompt of the project from the validated input, with one handler per output
schema: the category from keyword cues and a classifier trained on the site's own listings
(``register_corpus``), attributes from patterns and known brands and models, a tidy title and
description from the seller's words, a moderation verdict from prohibited items and scam
patterns, and filters from a search query. Its answer is serialised to JSON and validated by the
caller exactly like a model's. It is the baseline a real model must beat, and it is written from
general knowledge: nothing in it is fitted to an evaluation set.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import LLMRequestRejected
from ..providers import CompletionRequest, ProviderReply
from ..schemas import (
    BaseInput,
    ListingAssistantInput,
    ListingEnrichmentInput,
    PromptInput,
    SearchQueryInput,
)
from .attributes import Facts, extract_attributes, find_condition
from .classifier import choose_category, forget_corpus, register_corpus
from .moderation import screen
from .search import parse_query
from .writing import build_description, build_title

MODEL_NAME = "offline-v1"

__all__ = ["MODEL_NAME", "OfflineProvider", "answer", "forget_corpus", "register_corpus"]


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


# Output schema → (input schema, handler).
HANDLERS: dict[str, tuple[type[PromptInput], Callable[[Any], dict[str, Any]]]] = {
    "ListingAssistantOutput": (ListingAssistantInput, listing_assistant),
    "ListingEnrichmentOutput": (ListingEnrichmentInput, listing_enrichment),
    "SearchQueryOutput": (SearchQueryInput, search_query),
}


def answer(schema_name: str, data: BaseInput | dict[str, Any]) -> dict[str, Any]:
    """The offline answer for a prompt whose output schema is ``schema_name``, from its input
    (validated already, as ``llm.run`` passes it, or a plain dict)."""
    try:
        input_schema, handler = HANDLERS[schema_name]
    except KeyError:
        raise NotImplementedError(f"the offline model cannot answer {schema_name}") from None
    if not isinstance(data, input_schema):
        data = input_schema.model_validate(data)
    return handler(data)


@dataclass(frozen=True)
class OfflineProvider:
    name: str = "offline"
    cacheable: bool = False
    endpoint: str = ""

    def model_for(self, requested: str) -> str:
        return MODEL_NAME  # whatever model the prompt asks for, this is the one answering

    def complete(self, request: CompletionRequest) -> ProviderReply:
        if request.schema_name not in HANDLERS:
            # The description judge, for one: grading prose needs a real model.
            raise LLMRequestRejected(f"the offline model cannot answer {request.schema_name}")
        if request.input is None:
            raise ValueError("the offline model answers from the validated input")
        content = json.dumps(answer(request.schema_name, request.input), ensure_ascii=False)
        return ProviderReply(content=content)
