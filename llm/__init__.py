"""Bazaar's LLM layer: the only package that talks to a model (DESIGN.md, "LLM layer").

The door is small::

    import llm

    result = llm.run("ticket_triage", {"text": ...}, target=ticket)
    llm.resolve_prompt("ticket_triage:candidate")
    llm.move_label("ticket_triage", "production", 3, user=request.user)

``ticket_triage`` stands for any AI feature an app registers (``llm.register(llm.Feature(...))``,
see ``llm.features``); ``llm`` itself names none.

and the errors of ``llm.errors`` (``LLMError`` and its subclasses, ``PromptRefError``,
``LLMInputError``). The names below are imported on first use, because this package is imported
while Django is still loading its apps, before models can be.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import (
    LLMConnectionError,
    LLMError,
    LLMInputError,
    LLMInvalidOutput,
    LLMRateLimited,
    LLMRefusal,
    LLMRequestRejected,
    LLMServerError,
    LLMTimeout,
    PromptRefError,
)

if TYPE_CHECKING:
    from .features import Feature, Gate, register
    from .registry import resolve_prompt
    from .runner import LLMResult, run
    from .scores import Scale, ScoreError
    from .services import move_label, record_score, sync_prompts
    from .tracing import trace

_LAZY = {
    "Feature": "llm.features",
    "Gate": "llm.features",
    "register": "llm.features",
    "run": "llm.runner",
    "LLMResult": "llm.runner",
    "resolve_prompt": "llm.registry",
    "move_label": "llm.services",
    "record_score": "llm.services",
    "trace": "llm.tracing",
    "Scale": "llm.scores",
    "ScoreError": "llm.scores",
    "sync_prompts": "llm.services",
}

__all__ = [
    "Feature",
    "Gate",
    "LLMConnectionError",
    "LLMError",
    "LLMInputError",
    "LLMInvalidOutput",
    "LLMRateLimited",
    "LLMRefusal",
    "LLMRequestRejected",
    "LLMResult",
    "LLMServerError",
    "LLMTimeout",
    "PromptRefError",
    "Scale",
    "ScoreError",
    "move_label",
    "record_score",
    "register",
    "resolve_prompt",
    "run",
    "sync_prompts",
    "trace",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'llm' has no attribute {name!r}")
