"""``llm.run``: ask a prompt for an answer, and log the call whatever happens.

    result = llm.run("ticket_triage", {"text": ...}, target=ticket)
    result.output      # the validated pydantic object
    result.call        # the LLMCall row
    result.provider_label  # "offline model", "gpt-4o-mini via api.openai.com"

Every call writes one ``LLMCall`` row, a cache hit and a failure included; a failure raises its
typed ``LLMError`` after the row is written. ``run`` is ``prepare`` (database reads), ``send``
(the model; no database) and ``record`` (the row) in a row; a caller that runs many calls at
once (the evaluation) runs ``send`` in threads and the other two on one.

The row is written with the caller's database connection, so inside an ``atomic`` block that
later rolls back it goes too: call models outside transactions (the Celery tasks do).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from pydantic import BaseModel, ValidationError

from . import cache, features, online_judging, tracing
from .errors import LLMError, LLMInputError, LLMInvalidOutput, LLMRefusal
from .models import LLMCall, PromptVersion
from .providers import CompletionRequest, Provider, ProviderReply, get_provider
from .registry import resolve_prompt
from .rendering import render_messages

log = logging.getLogger(__name__)

_PER_MILLION = Decimal(1_000_000)
_COST_PLACES = Decimal("0.00000001")


@dataclass(frozen=True)
class LLMResult:
    output: Any  # an instance of the version's output schema
    call: LLMCall
    version: PromptVersion
    provider: str
    cached: bool

    @property
    def model(self) -> str:
        return self.call.model

    @property
    def provider_label(self) -> str:
        return self.call.provider_label


def estimate_cost(model: str, input_tokens: int, output_tokens: int) -> Decimal | None:
    """USD from ``settings.LLM_PRICES`` (per million tokens); None for a model without a price."""
    price = settings.LLM_PRICES.get(model)
    if price is None:
        return None
    cost = (
        Decimal(input_tokens) * Decimal(str(price["input"]))
        + Decimal(output_tokens) * Decimal(str(price["output"]))
    ) / _PER_MILLION
    return cost.quantize(_COST_PLACES)


def summarise_validation_error(error: ValidationError, limit: int = 5) -> str:
    """The first few problems as "field: message", without echoing the (untrusted) values."""
    problems = [
        f"{'.'.join(str(part) for part in item['loc']) or 'answer'}: {item['msg']}"
        for item in error.errors(include_url=False, include_input=False)[:limit]
    ]
    more = error.error_count() - limit
    return "; ".join(problems) + (f"; and {more} more" if more > 0 else "")


def parse_reply(
    reply: ProviderReply, output_schema: type[BaseModel], context: dict[str, Any]
) -> BaseModel:
    """The validated answer in ``reply``, or ``LLMRefusal`` / ``LLMInvalidOutput``."""
    if reply.refusal:
        raise LLMRefusal(f"the model refused: {reply.refusal[:500]}", raw_output=reply.refusal)
    if reply.finish_reason == "content_filter":
        raise LLMRefusal("the provider's content filter stopped the answer")
    if reply.finish_reason == "length":
        raise LLMInvalidOutput(
            "the answer was cut off at max_tokens", raw_output=reply.content or ""
        )
    if not reply.content:
        raise LLMInvalidOutput("the answer is empty")
    try:
        data = json.loads(reply.content)
    except ValueError as exc:
        raise LLMInvalidOutput(f"the answer is not JSON: {exc}", raw_output=reply.content) from None
    try:
        return output_schema.model_validate(data, context=context)
    except ValidationError as exc:
        raise LLMInvalidOutput(
            f"the answer breaks the schema: {summarise_validation_error(exc)}",
            raw_output=reply.content,
        ) from None


def _target_fields(target: models.Model | None) -> dict[str, Any]:
    if target is None:
        return {}
    if not isinstance(target.pk, int):
        raise TypeError("an LLM call can point at objects with integer primary keys only")
    return {"content_type": ContentType.objects.get_for_model(target), "object_id": target.pk}


def _trace_fields() -> dict[str, Any]:
    """The trace the call is a step of (``llm.tracing``), when one is open."""
    step = tracing.current()
    if step is None:
        return {}
    return {"trace_id": step.trace_id, "trace_name": step.name, "parent_id": step.parent_id}


@dataclass
class PreparedCall:
    """A call ready to send: the version, the provider, the request and the log row's fields.

    ``prepare`` builds it (database reads), ``send`` asks the model (network only, so it may run
    in a thread of its own), ``record`` parses the answer and writes the ``LLMCall`` row.
    ``llm.run`` is the three in a row; the evaluation runs ``send`` in a thread pool and keeps
    the database work on one thread (SQLite takes one writer at a time).
    """

    version: PromptVersion
    backend: Provider
    request: CompletionRequest
    row: dict[str, Any]
    output_schema: type[BaseModel]
    validation_context: dict[str, Any]


@dataclass(frozen=True)
class Attempt:
    """What came back from one ``send``: a reply, or the error that stopped it."""

    reply: ProviderReply | None
    error: LLMError | None
    latency_ms: float


def prepare(
    prompt_ref: str | PromptVersion,
    input: dict[str, Any],
    *,
    target: models.Model | None = None,
    purpose: str = "",
    provider: str | None = None,
    model: str | None = None,
    context: dict[str, Any] | None = None,
    timeout: float | None = None,
) -> PreparedCall:
    """Everything ``send`` needs, from the arguments of ``run``. Raises ``PromptRefError`` or
    ``LLMInputError``; asks no model."""
    version = prompt_ref if isinstance(prompt_ref, PromptVersion) else resolve_prompt(prompt_ref)
    input_schema = features.input_schema(version.input_schema)
    output_schema = features.output_schema(version.output_schema)
    try:
        validated_input = input_schema.model_validate(input)
    except ValidationError as exc:
        raise LLMInputError(
            f"{version}: the input does not fit {version.input_schema}: "
            f"{summarise_validation_error(exc)}"
        ) from None
    payload = validated_input.model_dump(mode="json")

    backend = get_provider(provider)
    model_name = backend.model_for(
        model or version.model or settings.LLM_MODEL, prompt=version.prompt.name
    )
    input_sha = cache.input_hash(payload)
    messages = render_messages(version, payload)
    row: dict[str, Any] = {
        "prompt_version": version,
        "provider": backend.name,
        "model": model_name,
        "endpoint": backend.endpoint,
        "purpose": purpose[:40],
        "input": payload,
        "input_hash": input_sha,
        "cache_key": cache.cache_key(
            version.pk, backend.name, backend.endpoint, model_name, input_sha
        ),
        "messages": messages,
        "context": context or {},
        **_target_fields(target),
        **_trace_fields(),
    }
    request = CompletionRequest(
        messages=messages,
        model=model_name,
        temperature=version.temperature,
        max_tokens=version.max_tokens,
        schema_name=version.output_schema,
        json_schema=version.output_json_schema,
        prompt=version.prompt.name,
        input=validated_input,
        timeout=timeout,
    )
    return PreparedCall(
        version=version,
        backend=backend,
        request=request,
        row=row,
        output_schema=output_schema,
        validation_context=validated_input.validation_context(),
    )


def send(prepared: PreparedCall) -> Attempt:
    """Ask the model. Touches no database (for a provider that talks to a server) and raises
    nothing a model can cause: a failed call comes back as ``Attempt.error``."""
    started = time.perf_counter()
    try:
        reply = prepared.backend.complete(prepared.request)
    except LLMError as error:
        return Attempt(None, error, (time.perf_counter() - started) * 1000)
    return Attempt(reply, None, (time.perf_counter() - started) * 1000)


def record(prepared: PreparedCall, attempt: Attempt) -> LLMResult:
    """The validated answer of ``attempt``, logged as an ``LLMCall``; or its ``LLMError``,
    raised after the failed call is logged."""
    if attempt.error is not None:
        _log_failure(attempt.error, prepared.row, attempt.latency_ms, reply=None)
        raise attempt.error
    reply = attempt.reply
    assert reply is not None
    try:
        output = parse_reply(reply, prepared.output_schema, prepared.validation_context)
    except LLMError as error:
        _log_failure(error, prepared.row, attempt.latency_ms, reply=reply)
        raise

    row = prepared.row
    parsed = output.model_dump(mode="json")
    call = LLMCall.objects.create(
        **row,
        status=LLMCall.Status.SUCCESS,
        raw_output=reply.content or "",
        parsed_output=parsed,
        input_tokens=reply.input_tokens,
        output_tokens=reply.output_tokens,
        cost=estimate_cost(row["model"], reply.input_tokens, reply.output_tokens),
        latency_ms=attempt.latency_ms,
        response_id=reply.response_id,
    )
    if prepared.backend.cacheable:
        cache.store(row["cache_key"], reply.content or "", parsed)
    online_judging.maybe_queue(call)
    return LLMResult(output, call, prepared.version, prepared.backend.name, cached=False)


def run(
    prompt_ref: str | PromptVersion,
    input: dict[str, Any],
    *,
    target: models.Model | None = None,
    purpose: str = "",
    use_cache: bool = True,
    provider: str | None = None,
    model: str | None = None,
    context: dict[str, Any] | None = None,
    timeout: float | None = None,
) -> LLMResult:
    """The validated answer of a prompt (``name``, ``name:label``, ``name@3`` or a version).

    ``target`` is what the call was for (a row of the app's, an evaluation case); ``purpose`` a tag
    ("assistant", "enrichment", "eval"); ``context`` anything worth keeping with the call (an
    experiment's variant). ``provider`` and ``model`` override the settings and the prompt file;
    ``timeout`` is the time budget of a caller that cannot wait (a web request): the whole call,
    retries and Retry-After included, ends within it, and a call that cannot is logged as failed.
    Raises ``PromptRefError`` or ``LLMInputError`` before any call, an ``LLMError`` after a
    failed one.
    """
    prepared = prepare(
        prompt_ref,
        input,
        target=target,
        purpose=purpose,
        provider=provider,
        model=model,
        context=context,
        timeout=timeout,
    )
    if use_cache and prepared.backend.cacheable and cache.ttl_seconds() > 0:
        found = _answer_from_cache(
            prepared.row, prepared.output_schema, prepared.validation_context
        )
        if found is not None:
            output, call = found
            return LLMResult(output, call, prepared.version, prepared.backend.name, cached=True)
    return record(prepared, send(prepared))


def _answer_from_cache(
    row: dict[str, Any], output_schema: type[BaseModel], context: dict[str, Any]
) -> tuple[BaseModel, LLMCall] | None:
    """The stored answer for the call described by ``row``, validated again and logged as a
    cached call; None on a miss."""
    started = time.perf_counter()
    hit = cache.lookup(row["cache_key"])
    if hit is None:
        return None
    try:
        output = output_schema.model_validate(hit.parsed_output, context=context)
    except ValidationError:
        return None  # stored under an older schema: ask again
    call = LLMCall.objects.create(
        **row,
        status=LLMCall.Status.SUCCESS,
        raw_output=hit.raw_output,
        parsed_output=output.model_dump(mode="json"),
        cost=Decimal(0),
        latency_ms=(time.perf_counter() - started) * 1000,
        cached=True,
    )
    return output, call


def _log_failure(
    error: LLMError, row: dict[str, Any], latency_ms: float, *, reply: ProviderReply | None
) -> None:
    """Write the failed call's row and attach it to ``error``. Tokens spent are still counted."""
    input_tokens = reply.input_tokens if reply else 0
    output_tokens = reply.output_tokens if reply else 0
    error.call = LLMCall.objects.create(
        **row,
        status=error.status,
        error=error.message,
        raw_output=error.raw_output,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cost=estimate_cost(row["model"], input_tokens, output_tokens),
        latency_ms=latency_ms,
        response_id=reply.response_id if reply else "",
    )
    log.warning(
        "LLM call %s to %s failed (%s): %s",
        error.call.pk,
        row["prompt_version"],
        error.status,
        error.message,
    )
