"""The description judge: grades (faithfulness, clarity) of an ad a model wrote from a seller's
text, for the listing assistant's evaluation runs. Grading prose needs a real model: the offline
model refuses it, and runs on the offline model say the grades are not applicable."""

from __future__ import annotations

from pathlib import Path

import llm

from .schemas import DescriptionJudgeInput, DescriptionJudgeOutput

FEATURE = llm.register(
    llm.Feature(
        name="description_judge",
        folder=Path(__file__).parent,
        description="A seller's text and the ad written from it → faithfulness and clarity.",
        input_schema=DescriptionJudgeInput,
        output_schema=DescriptionJudgeOutput,
        needs_real_model=True,
        # Its grades, recorded as scores on the graded call when it judges production calls.
        scores=(
            llm.Scale("faithfulness", 1, 5, "5: every fact is in the seller's text."),
            llm.Scale("clarity", 1, 5, "5: clear, well organised, easy to read."),
        ),
    )
)
