"""The one module that talks to a model over the network, through the openai SDK.

It speaks OpenAI Chat Completions with a strict JSON-schema response format, so it works with any
compatible server (``OPENAI_BASE_URL``: OpenAI, Ollama, vLLM, LM Studio, a proxy). Every failure
comes out as one of the typed errors of ``llm.errors``. The API key is handed to the SDK and to
nothing else: error texts are scrubbed of it before they reach a log or the database.

Two ways to wait for a model:

- without a budget (Celery tasks, evaluations): the SDK's own way, ``LLM_TIMEOUT_SECONDS`` per
  attempt and ``LLM_MAX_RETRIES`` retries, honouring Retry-After up to two minutes;
- with a budget (``CompletionRequest.timeout``: a web request, where a person waits): the whole
  call ends within it. The SDK makes single attempts and this module retries, each attempt limited
  to what is left of the budget, and never waits for a Retry-After or a backoff that would not
  leave time for another attempt: it fails at once instead, so the person is told at once.
"""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import openai
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from openai.types.chat import ChatCompletion

from .errors import (
    LLMConnectionError,
    LLMError,
    LLMInvalidOutput,
    LLMRateLimited,
    LLMRequestRejected,
    LLMServerError,
    LLMTimeout,
)
from .providers import CompletionRequest, ProviderReply

DEFAULT_ENDPOINT = "api.openai.com"
# Servers echo keys back in error messages, masked or not ("Incorrect API key provided: sk-…").
_KEY_LIKE = re.compile(r"\b(sk|key|api[-_]?key)-[A-Za-z0-9_*.\-]{6,}", re.IGNORECASE)
# Within a budget: the backoff before retrying a failure that came with no Retry-After (the SDK's
# own figures), and the least time worth starting another attempt with.
BACKOFF_SECONDS, MAX_BACKOFF_SECONDS = 0.5, 8.0
MIN_ATTEMPT_SECONDS = 0.25


@lru_cache(maxsize=4)
def _sdk_client(api_key: str, base_url: str, timeout: float, max_retries: int) -> openai.OpenAI:
    """One SDK client (and its connection pool) per configuration, shared across calls."""
    return openai.OpenAI(
        api_key=api_key,
        base_url=base_url or None,
        timeout=timeout,
        max_retries=max_retries,
    )


def preload() -> None:
    """Import what the SDK otherwise imports on a client's first request, and build the
    configured client (its TLS context takes tens of milliseconds); no network.

    Called in the process that forks the Celery workers, each child inherits both; the client's
    connection pool is still empty, so no connection is shared across processes.
    """
    client = OpenAIProvider.from_settings().client()
    client.chat.completions.with_raw_response  # noqa: B018 (the access itself loads modules)


def endpoint_of(base_url: str) -> str:
    """host[:port] of a base URL, without any user:password part."""
    if not base_url:
        return DEFAULT_ENDPOINT
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    return f"{host}:{parts.port}" if parts.port else host


def _retry_after(headers: Any) -> float | None:
    """Seconds the server asked us to wait (``retry-after-ms`` or ``retry-after``), if any."""
    for header, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(header) if headers is not None else None
        if value is None:
            continue
        try:
            seconds = float(value) / divisor
        except ValueError:
            continue
        if seconds >= 0:
            return seconds
    return None


class _AttemptTimedOut(Exception):
    """The SDK gave up waiting (its timeout, after its retries); the caller words the error."""


def _past_budget(error: LLMError, budget: float, wait: float) -> LLMError:
    """``error`` again, saying why it was not retried: the wait would not fit the budget."""
    asked = "a Retry-After of" if error.retry_after is not None else "a backoff of"
    message = (
        f"{error.message} (not retried: {asked} {wait:g} s does not fit the {budget:g} s budget)"
    )
    return type(error)(message, retry_after=error.retry_after, raw_output=error.raw_output)


@dataclass(frozen=True)
class OpenAIProvider:
    api_key: str
    base_url: str
    timeout: float
    max_retries: int
    name: str = "openai"
    cacheable: bool = True

    @classmethod
    def from_settings(cls) -> OpenAIProvider:
        if not settings.OPENAI_API_KEY:
            raise ImproperlyConfigured(
                "LLM_PROVIDER is openai but OPENAI_API_KEY is empty "
                "(a local OpenAI-compatible server that needs no key accepts any value)"
            )
        return cls(
            api_key=settings.OPENAI_API_KEY,
            base_url=settings.OPENAI_BASE_URL,
            timeout=float(settings.LLM_TIMEOUT_SECONDS),
            max_retries=int(settings.LLM_MAX_RETRIES),
        )

    def __repr__(self) -> str:  # the dataclass default would print the key
        return f"OpenAIProvider(endpoint={self.endpoint!r})"

    @property
    def endpoint(self) -> str:
        return endpoint_of(self.base_url)

    def model_for(self, requested: str, prompt: str = "") -> str:
        return requested

    def redact(self, text: str) -> str:
        if self.api_key:
            text = text.replace(self.api_key, "[redacted]")
        return _KEY_LIKE.sub("[redacted]", text)

    def client(self, *, retries: int | None = None) -> openai.OpenAI:
        """The shared SDK client: ``LLM_MAX_RETRIES`` retries, or ``retries``."""
        max_retries = self.max_retries if retries is None else retries
        return _sdk_client(self.api_key, self.base_url, self.timeout, max_retries)

    def complete(self, request: CompletionRequest) -> ProviderReply:
        params: dict[str, Any] = {
            "model": request.model,
            "messages": request.messages,
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "name": request.schema_name,
                    "schema": request.json_schema,
                    "strict": True,
                },
            },
        }
        if request.temperature is not None:
            params["temperature"] = request.temperature
        if request.max_tokens is not None:
            # `max_tokens` rather than `max_completion_tokens`: every compatible server knows it.
            params["max_tokens"] = request.max_tokens
        if request.timeout is not None:
            return self._complete_within(params, request.timeout)
        try:
            return self._attempt(self.client(), params)
        except _AttemptTimedOut:
            raise LLMTimeout(
                f"no answer within {self.timeout:g} s ({self.max_retries} retries allowed)"
            ) from None

    def _complete_within(self, params: dict[str, Any], budget: float) -> ProviderReply:
        """The answer, with every attempt and every wait inside ``budget`` seconds.

        Each attempt may take what is left of the budget (at most ``LLM_TIMEOUT_SECONDS``); a
        retryable failure is retried (at most ``LLM_MAX_RETRIES`` times) only if its Retry-After,
        or else a short backoff, leaves time for another attempt. The deadline holds for every
        network wait (connecting, sending, each read), so a server that sends nothing is cut at
        it; one that trickles bytes slower than that could still overrun it by one read.
        """
        deadline = time.monotonic() + budget
        client = self.client(retries=0)  # the SDK's retries would not know the deadline
        attempts = 0
        while True:
            attempts += 1
            left = deadline - time.monotonic()
            try:
                return self._attempt(client, params, timeout=min(left, self.timeout))
            except _AttemptTimedOut:
                if deadline - time.monotonic() < MIN_ATTEMPT_SECONDS or attempts > self.max_retries:
                    raise LLMTimeout(
                        f"no answer within the {budget:g} s budget "
                        f"({attempts} attempt{'s' if attempts > 1 else ''})"
                    ) from None
            except LLMError as error:
                if not error.retryable or attempts > self.max_retries:
                    raise
                wait = error.retry_after
                if wait is None:
                    wait = min(MAX_BACKOFF_SECONDS, BACKOFF_SECONDS * 2 ** (attempts - 1))
                    wait *= 1 - 0.25 * random.random()  # spread out the retries of many callers
                if deadline - time.monotonic() < wait + MIN_ATTEMPT_SECONDS:
                    raise _past_budget(error, budget, wait) from None
                time.sleep(wait)

    def _attempt(
        self, client: openai.OpenAI, params: dict[str, Any], *, timeout: float | None = None
    ) -> ProviderReply:
        """One request through ``client`` (with its retries, if it has any)."""
        options: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
        try:
            response = client.chat.completions.with_raw_response.create(**params, **options)
        except openai.APITimeoutError:
            raise _AttemptTimedOut from None
        except openai.APIConnectionError as exc:
            raise LLMConnectionError(
                self.redact(f"cannot reach {self.endpoint}: {exc.__cause__ or exc}")
            ) from None
        except openai.APIStatusError as exc:
            raise self._status_error(exc) from None
        try:
            completion = response.parse()
        except ValueError:  # a 200 whose body is not JSON
            raise LLMInvalidOutput(
                f"{self.endpoint} answered with a body that is not JSON",
                raw_output=self.redact(response.http_response.text[:2000]),
            ) from None

        if not isinstance(completion, ChatCompletion):
            raise LLMInvalidOutput(
                f"{self.endpoint} answered with something other than a chat completion",
                raw_output=self.redact(str(completion)[:2000]),
            )
        usage = completion.usage
        input_tokens = usage.prompt_tokens if usage else 0
        output_tokens = usage.completion_tokens if usage else 0
        if not completion.choices:
            return ProviderReply(
                content=None,
                finish_reason="no_choices",
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                response_id=completion.id or "",
            )
        choice = completion.choices[0]
        return ProviderReply(
            content=choice.message.content,
            refusal=choice.message.refusal,
            finish_reason=choice.finish_reason or "",
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            response_id=(completion.id or "")[:100],
        )

    def _status_error(self, exc: openai.APIStatusError) -> LLMError:
        body = exc.body
        detail = body.get("message") if isinstance(body, dict) else body
        text = self.redact(f"HTTP {exc.status_code} from {self.endpoint}: {detail or exc.message}")
        text = text[:1000]
        retry_after = _retry_after(exc.response.headers)
        if exc.status_code == 429:
            return LLMRateLimited(text, retry_after=retry_after)
        if exc.status_code >= 500:
            return LLMServerError(text, retry_after=retry_after)
        if exc.status_code == 408:
            return LLMTimeout(text, retry_after=retry_after)
        return LLMRequestRejected(text)
