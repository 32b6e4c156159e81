"""The offline provider: every feature answered with no network, behind a model's interface.

A feature with an offline model of its own (``llm.Feature.offline``: rules, statistics, whatever
its app knows) is answered by it; any other is answered by a schema-valid placeholder
(``placeholder.py``), so it works in ``make run``, ``llm_run``, ``run_eval`` and the site before
anyone writes rules for it; a feature that only a real model can do (a judge) is refused. The
answer is serialised to JSON and validated by the caller exactly like a model's. It is the
baseline a real model must beat.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from .. import features
from ..errors import LLMRequestRejected
from ..providers import CompletionRequest, ProviderReply
from .placeholder import placeholder_answer

MODEL_NAME = "offline-v1"
PLACEHOLDER_MODEL = "offline-placeholder"

__all__ = ["MODEL_NAME", "PLACEHOLDER_MODEL", "OfflineProvider"]


@dataclass(frozen=True)
class OfflineProvider:
    name: str = "offline"
    cacheable: bool = False
    endpoint: str = ""

    def model_for(self, requested: str, prompt: str = "") -> str:
        """Whatever model the prompt asks for, this is the one answering: the feature's own
        offline model, or the placeholder."""
        feature = features.find(prompt) if prompt else None
        if feature is not None and feature.offline is None and not feature.needs_real_model:
            return PLACEHOLDER_MODEL
        return MODEL_NAME

    def complete(self, request: CompletionRequest) -> ProviderReply:
        feature = features.get(request.prompt)
        if feature.needs_real_model:
            # The description judge, for one: grading prose needs a real model.
            raise LLMRequestRejected(f"the offline model cannot answer {feature.name}")
        if feature.offline is None:
            answer = placeholder_answer(feature.output_schema)
        elif request.input is None:
            raise ValueError("the offline model answers from the validated input")
        else:
            answer = feature.offline(request.input)
        return ProviderReply(content=json.dumps(answer, ensure_ascii=False))
