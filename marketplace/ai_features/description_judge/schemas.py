"""The judge's input (a seller's text and the ad a model wrote from it) and answer (grades)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from llm.schemas import BaseInput, tidy_text


class DescriptionJudgeInput(BaseInput):
    """A seller's text and the ad a model wrote from it, for the judge to grade."""

    text: str = Field(min_length=1, max_length=5000, description="The seller's rough text.")
    title: str = Field(max_length=200)
    description: str = Field(max_length=5000)


Grade = Literal[1, 2, 3, 4, 5]


class DescriptionJudgeOutput(BaseModel):
    """A judge's grades of a written ad: 1 (bad) to 5 (good), and why, in a sentence or two."""

    model_config = ConfigDict(extra="forbid")

    faithfulness: Grade = Field(
        description="5: every fact is in the seller's text; 1: facts were invented or changed."
    )
    clarity: Grade = Field(description="5: clear, tidy and easy to scan; 1: confusing or messy.")
    reason: Annotated[str, tidy_text(300)] = Field(description="One or two sentences: why.")
