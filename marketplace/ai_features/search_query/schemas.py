"""Search understanding's input (a buyer's words) and answer (filters and keywords)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from llm.schemas import clean_text

from ..schemas import CatalogInput, check_category


class SearchQueryInput(CatalogInput):
    query: str = Field(min_length=1, max_length=300)
    cities: list[str] = Field(default_factory=list, max_length=500)

    def validation_context(self) -> dict[str, Any]:
        return {**super().validation_context(), "cities": self.cities}


class SearchQueryOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keywords: list[str] = Field(
        description="Words to match in listings, without the ones turned into filters."
    )
    category: str | None = Field(description="A listed category slug, or null.")
    min_price: float | None
    max_price: float | None
    city: str | None = Field(description="One of the listed cities if the query names one.")
    condition: Literal["new", "used"] | None
    sort: Literal["relevance", "newest", "price_asc", "price_desc"] | None

    _category = field_validator("category")(check_category)

    @field_validator("keywords")
    @classmethod
    def _tidy_keywords(cls, keywords: list[str]) -> list[str]:
        tidy: list[str] = []
        for keyword in keywords:
            word = clean_text(keyword, max_length=40).lower()
            if word and word not in tidy:
                tidy.append(word)
        return tidy[:8]

    @field_validator("min_price", "max_price")
    @classmethod
    def _not_negative(cls, price: float | None) -> float | None:
        if price is not None and not 0 <= price <= 1e9:
            raise ValueError("a price must be between 0 and 1,000,000,000")
        return price

    @field_validator("city")
    @classmethod
    def _known_city(cls, city: str | None, info: ValidationInfo) -> str | None:
        if city is None:
            return None
        city = clean_text(city, max_length=80)
        known = (info.context or {}).get("cities") or []
        if not known:
            return city or None
        by_lower = {name.lower(): name for name in known}
        if city.lower() not in by_lower:
            raise ValueError(f"{city[:50]!r} is not one of the listed cities")
        return by_lower[city.lower()]

    @model_validator(mode="after")
    def _price_range(self) -> SearchQueryOutput:
        if (
            self.min_price is not None
            and self.max_price is not None
            and self.min_price > self.max_price
        ):
            raise ValueError("min_price is above max_price")
        return self
