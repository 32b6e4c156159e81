"""The interface every model provider implements, and choosing one from the settings.

Two providers exist: ``openai`` (``llm.client``: the OpenAI Chat Completions wire format, so any
compatible server) and ``offline`` (``llm.offline``: rules and statistics, no network). Both take
the same request and give the same kind of reply; validating that reply is the caller's job
(``llm.runner``), so an offline answer is checked exactly like a model's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .schemas import BaseInput

PROVIDERS = ("openai", "offline")


@dataclass(frozen=True)
class CompletionRequest:
    messages: list[dict[str, str]]
    model: str
    temperature: float | None
    max_tokens: int | None
    schema_name: str
    json_schema: dict[str, Any]
    # The prompt (the AI feature) asked: the offline provider answers by its feature.
    prompt: str = ""
    # The validated input itself: the offline model works from it rather than from the text.
    input: BaseInput | None = None
    # A caller's time budget in seconds (a web request: a person waits), for the whole call:
    # attempts, backoff and Retry-After waits included. None: the SDK's LLM_TIMEOUT_SECONDS per
    # attempt and LLM_MAX_RETRIES retries (tasks, which retry later with their own backoff).
    timeout: float | None = None


@dataclass(frozen=True)
class ProviderReply:
    """What came back: the answer's text (or a refusal), why it stopped, and what it used."""

    content: str | None
    refusal: str | None = None
    finish_reason: str = "stop"
    input_tokens: int = 0
    output_tokens: int = 0
    response_id: str = ""


class Provider(Protocol):
    @property
    def name(self) -> str:
        """``openai`` or ``offline``."""

    @property
    def cacheable(self) -> bool:
        """Whether answers are worth caching: yes for a paid, slow API; no for the offline
        model, which answers faster than a cache lookup and may learn as the site's data changes."""

    @property
    def endpoint(self) -> str:
        """host[:port] of the server, for the log and the UI; empty for a local model."""

    def model_for(self, requested: str, prompt: str = "") -> str:
        """The model that will answer ``prompt`` when ``requested`` is asked for."""

    def complete(self, request: CompletionRequest) -> ProviderReply:
        """An answer, or an ``LLMError`` subclass for a failed call."""


def get_provider(name: str | None = None) -> Provider:
    """The provider called ``name``, or the one of ``settings.LLM_PROVIDER``."""
    name = name or settings.LLM_PROVIDER
    if name == "offline":
        from .offline import OfflineProvider

        return OfflineProvider()
    if name == "openai":
        from .client import OpenAIProvider

        return OpenAIProvider.from_settings()
    raise ImproperlyConfigured(f"LLM provider {name!r} is not one of {', '.join(PROVIDERS)}")
