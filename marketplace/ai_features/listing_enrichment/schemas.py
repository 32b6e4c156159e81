"""The enrichment job's input (a published listing, and what comparable listings ask) and answer
(its category, attributes and a moderation verdict)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from llm.schemas import tidy_text

from ..schemas import CatalogInput, CategorisedOutput


class ListingFacts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=5000)
    price: float | None = Field(default=None, ge=0)
    currency: str = Field(default="EUR", max_length=3)
    city: str = Field(default="", max_length=80)
    category: str = Field(default="", max_length=50, description="The seller's category slug.")
    condition: str = Field(default="", max_length=12)
    attributes: dict[str, str | int | float | bool | None] = Field(default_factory=dict)


class PriceReference(BaseModel):
    """Prices of comparable active listings, so that a suspiciously low price can be noticed."""

    model_config = ConfigDict(extra="forbid")

    median: float = Field(gt=0)
    count: int = Field(ge=1)


class ListingEnrichmentInput(CatalogInput):
    listing: ListingFacts
    price_reference: PriceReference | None = None


class ModerationReason(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Literal[
        "prohibited_item",
        "restricted_item",
        "payment_scam",
        "off_platform_contact",
        "suspicious_price",
        "other",
    ]
    detail: Annotated[str, tidy_text(200)]


class Moderation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: Literal["ok", "review", "reject"]
    reasons: list[ModerationReason] = Field(description="Empty when the verdict is ok.")

    @model_validator(mode="after")
    def _reasons_explain_the_verdict(self) -> Moderation:
        if self.verdict != "ok" and not self.reasons:
            raise ValueError(f"a {self.verdict!r} verdict needs at least one reason")
        self.reasons = self.reasons[:5]
        return self


class ListingEnrichmentOutput(CategorisedOutput):
    moderation: Moderation
