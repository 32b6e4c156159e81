"""Online judging: a sampled share of production calls graded by their feature's judge, the
grades recorded as scores on the call (source "judge").

Never on the request path: a sampled call only queues ``llm.tasks.judge_call`` once its
transaction commits, and the task, rate-limited, asks the judge. ``LLM_ONLINE_JUDGE_SHARE`` is
0 by default, so nothing is judged (nor costs a token) until someone decides it should be. The
sample is a hash of the call's id, not a random draw: which calls were judged can be told again.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from . import features
from .errors import LLMError
from .features import Feature
from .models import LLMCall, Score
from .scores import check_score
from .tracing import trace

if TYPE_CHECKING:
    from .runner import LLMResult

log = logging.getLogger(__name__)

# Calls that are not production traffic: the evaluation's, and the judge's own.
NOT_PRODUCTION = {"eval", "eval-judge", "online-judge", "bench"}
PURPOSE = "online-judge"


def sampled(call_id: int, share: float) -> bool:
    """Whether call ``call_id`` is in the judged share (the same answer every time)."""
    if share <= 0:
        return False
    digest = hashlib.sha256(f"online-judge:{call_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def judges(feature: Feature | None, call: LLMCall) -> bool:
    return (
        feature is not None
        and bool(feature.judge)
        and feature.judge_input is not None
        and call.purpose not in NOT_PRODUCTION
        and not call.cached
        and call.status == LLMCall.Status.SUCCESS
    )


def maybe_queue(call: LLMCall) -> None:
    """Queue the judging of ``call`` on commit if it is in the sampled share. Costs nothing
    (no query, no hash) when the share is 0."""
    share = settings.LLM_ONLINE_JUDGE_SHARE
    if share <= 0 or not sampled(call.pk, share):
        return
    if not judges(features.find(call.prompt_version.prompt.name), call):
        return
    from .tasks import judge_call

    transaction.on_commit(lambda: judge_call.delay(call.pk))


def judge(call_id: int) -> list[Score]:
    """Grade one call with its feature's judge and record each grade the judge declares as a
    scale (``Feature.scores``) as a score. A call graded already is not graded again."""
    call = LLMCall.objects.select_related("prompt_version__prompt").get(pk=call_id)
    if call.scores.filter(source=Score.Source.JUDGE).exists():
        return []
    feature = features.get(call.prompt_version.prompt.name)
    if not judges(feature, call) or call.parsed_output is None:
        return []
    assert feature.judge_input is not None
    validated_input = feature.input_schema.model_validate(call.input)
    answer = feature.output_schema.model_validate(
        call.parsed_output, context=validated_input.validation_context()
    )
    judge_feature = features.get(feature.judge)
    with trace(f"online judging of call #{call.pk}", parent=call):
        result = _ask(feature.judge, feature.judge_input(call.input, answer))
    if result is None:
        return []
    grades = result.output.model_dump(mode="json")
    comment = str(grades.get("reason", ""))[:2000]
    scores = []
    for scale in judge_feature.scores:
        value = grades.get(scale.name)
        if isinstance(value, int | float):
            check_score(scale.name, value)
            scores.append(
                Score(call=call, name=scale.name, value=value, source="judge", comment=comment)
            )
    return Score.objects.bulk_create(scores)


def _ask(judge_name: str, judge_input: dict[str, Any]) -> LLMResult | None:
    from .runner import run

    try:
        return run(judge_name, judge_input, purpose=PURPOSE)
    except LLMError as error:
        if error.retryable:
            raise  # the task tries again later
        log.warning("online judging failed: %s", error.message)
        return None
