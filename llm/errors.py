"""What can go wrong when Bazaar asks a model, as types a caller can act on.

``LLMError`` and its subclasses are failures of a call: each one has been logged as an ``LLMCall``
row (``error.call``) before it is raised. The Celery tasks retry ``retryable`` ones with backoff,
waiting at least ``retry_after`` seconds when the server said so.

``PromptRefError`` and ``LLMInputError`` are mistakes of the caller (a prompt that doesn't
exist, an input that doesn't fit the prompt): no model was asked, nothing was logged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from .models import LLMCall


class LLMError(Exception):
    """A call to a model that did not give a valid answer."""

    status: ClassVar[str] = "error"
    retryable: ClassVar[bool] = False

    def __init__(
        self, message: str, *, retry_after: float | None = None, raw_output: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
        self.raw_output = raw_output  # what the server sent, when it sent something unusable
        self.call: LLMCall | None = None  # set once the failure is logged


class LLMTimeout(LLMError):
    """The model did not answer within ``LLM_TIMEOUT_SECONDS`` (after the SDK's retries), or
    within the caller's time budget (``llm.run(..., timeout=...)``)."""

    status = "timeout"
    retryable = True


class LLMRateLimited(LLMError):
    """HTTP 429. ``retry_after`` holds the server's Retry-After in seconds, when it sent one."""

    status = "rate_limited"
    retryable = True


class LLMServerError(LLMError):
    """HTTP 5xx from the model's server."""

    status = "server_error"
    retryable = True


class LLMConnectionError(LLMError):
    """The server could not be reached (refused, DNS, TLS, connection dropped)."""

    status = "connection_error"
    retryable = True


class LLMRequestRejected(LLMError):
    """Another 4xx: a bad key, an unknown model, a refused schema. Retrying won't help."""

    status = "rejected"


class LLMInvalidOutput(LLMError):
    """An answer that is not JSON, breaks the output schema, or was cut off at max_tokens."""

    status = "invalid_output"


class LLMRefusal(LLMError):
    """The model refused to answer (an explicit refusal, or the provider's content filter)."""

    status = "refusal"


class PromptRefError(LookupError):
    """A prompt reference that names no prompt, label or version, or is not well formed."""


class LLMInputError(ValueError):
    """An input that does not fit the prompt's input schema."""
