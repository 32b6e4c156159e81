"""The answer cache: the same prompt version, provider, endpoint, model and input → the answer
given before, without asking the model again.

Two layers: Django's cache (Redis in services mode, local memory otherwise) answers in
microseconds; behind it, the successful ``LLMCall`` rows themselves are the persistent store (a
partial index on ``cache_key``), so a cleared or cold cache still finds every answer younger than
``LLM_CACHE_TTL_SECONDS``. Failed calls are never stored, so they are never served.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .models import LLMCall

_PREFIX = "llm:answer:"


@dataclass(frozen=True)
class CachedAnswer:
    raw_output: str
    parsed_output: dict[str, Any]


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def input_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(data).encode()).hexdigest()


def cache_key(version_id: int, provider: str, endpoint: str, model: str, input_sha: str) -> str:
    parts = f"{version_id}\n{provider}\n{endpoint}\n{model}\n{input_sha}"
    return hashlib.sha256(parts.encode()).hexdigest()


def ttl_seconds() -> int:
    return int(settings.LLM_CACHE_TTL_SECONDS)


def lookup(key: str) -> CachedAnswer | None:
    """The stored answer for ``key``, or None. At most one indexed query, none on a warm hit."""
    entry = cache.get(_PREFIX + key)
    if entry is not None:
        return CachedAnswer(*entry)
    # The persistent layer: the newest successful answer from a model, if young enough.
    since = timezone.now() - timedelta(seconds=ttl_seconds())
    row = (
        LLMCall.objects.filter(
            cache_key=key, status=LLMCall.Status.SUCCESS, cached=False, created_at__gte=since
        )
        .order_by("-created_at")
        .values_list("raw_output", "parsed_output", "created_at")
        .first()
    )
    if row is None:
        return None
    raw_output, parsed_output, created_at = row
    if not isinstance(parsed_output, dict):
        return None
    remaining = ttl_seconds() - (timezone.now() - created_at).total_seconds()
    cache.set(_PREFIX + key, (raw_output, parsed_output), timeout=max(1, int(remaining)))
    return CachedAnswer(raw_output, parsed_output)


def store(key: str, raw_output: str, parsed_output: dict[str, Any]) -> None:
    cache.set(_PREFIX + key, (raw_output, parsed_output), timeout=ttl_seconds())
