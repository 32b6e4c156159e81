"""The listing assistant's input (a seller's rough text) and answer (a draft of the ad)."""

from __future__ import annotations

from pydantic import Field

from llm.schemas import Line, Paragraphs

from ..schemas import CatalogInput, CategorisedOutput, Condition


class ListingAssistantInput(CatalogInput):
    text: str = Field(min_length=1, max_length=5000, description="The seller's rough text.")


class ListingAssistantOutput(CategorisedOutput):
    title: Line = Field(description="A clear listing title, as long as the rules above allow.")
    description: Paragraphs = Field(
        description="A tidy description in plain text built only from facts the seller gave."
    )
    condition: Condition | None = Field(
        description="The item's condition if the text says it, else null."
    )
