"""Finding a prompt version from a reference: ``name``, ``name:label`` or ``name@number``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache

from .errors import PromptRefError
from .models import PRODUCTION, Prompt, PromptLabel, PromptLabelMove, PromptVersion

_REF = re.compile(
    r"^(?P<name>[a-z0-9][a-z0-9_-]*)(?:@(?P<number>\d+)|:(?P<label>[a-z0-9][a-z0-9_-]*))?$"
)


def parse_ref(ref: str) -> tuple[str, str | None, int | None]:
    """(name, label, number); a bare name means its ``production`` label."""
    match = _REF.match(ref.strip())
    if not match:
        raise PromptRefError(
            f"{ref!r} is not a prompt reference: use NAME, NAME:LABEL or NAME@VERSION"
        )
    number = int(match["number"]) if match["number"] else None
    label = match["label"] or (None if number is not None else PRODUCTION)
    return match["name"], label, number


def _cache_key(name: str, label: str | None, number: int | None) -> str:
    return f"llm:prompt:{name}@{number}" if number is not None else f"llm:prompt:{name}:{label}"


def forget_label(prompt_name: str, label: str) -> None:
    """Make the next resolution of ``prompt_name:label`` read the database."""
    cache.delete(_cache_key(prompt_name, label, None))


def resolve_prompt(ref: str) -> PromptVersion:
    """The version ``ref`` points at, with its prompt.

    Resolutions are kept in Django's cache for ``LLM_PROMPT_CACHE_SECONDS``, so a busy page does
    not pay a join per model call; ``move_label`` forgets the label it moves, so with a shared
    cache (Redis) a move is seen at once everywhere, and with a per-process one (local memory)
    other processes see it within that time. ``name@number`` never changes: versions are
    immutable.
    """
    name, label, number = parse_ref(ref)
    key = _cache_key(name, label, number)
    cached = cache.get(key)
    if cached is not None:
        return cached
    versions = PromptVersion.objects.select_related("prompt").filter(prompt__name=name)
    if number is not None:
        version = versions.filter(number=number).first()
    else:
        version = versions.filter(labels__name=label, labels__prompt__name=name).first()
    if version is not None:
        cache.set(key, version, timeout=settings.LLM_PROMPT_CACHE_SECONDS)
        return version

    # Say precisely what is missing.
    if not Prompt.objects.filter(name=name).exists():
        known = ", ".join(Prompt.objects.values_list("name", flat=True)) or "none"
        raise PromptRefError(
            f"no prompt named {name!r} (known: {known}); is it synced (manage.py sync_prompts)?"
        )
    if number is not None:
        latest = PromptVersion.objects.filter(prompt__name=name).order_by("-number").first()
        last = latest.number if latest else 0
        raise PromptRefError(f"{name} has no version {number} (versions 1 to {last})")
    labels = ", ".join(PromptLabel.objects.filter(prompt__name=name).values_list("name", flat=True))
    raise PromptRefError(f"{name} has no label {label!r} (labels: {labels or 'none'})")


@dataclass(frozen=True)
class LabelPeriod:
    """A time when a label pointed at a version: from ``since`` until ``until`` (None: now)."""

    label: str
    since: datetime
    until: datetime | None

    def overlaps(self, start: datetime, end: datetime | None) -> bool:
        """Whether the label pointed here at some time in [start, end) (end None: now)."""
        return (end is None or self.since < end) and (self.until is None or start < self.until)


def label_periods(version: PromptVersion) -> list[LabelPeriod]:
    """Every time a label of the version's prompt pointed at it, from the labels' move history.

    So "the version an experiment's label used" is known for any past experiment, however the
    label has moved since.
    """
    moves = (
        PromptLabelMove.objects.filter(label__prompt_id=version.prompt_id)
        .order_by("label_id", "moved_at", "id")
        .values_list("label__name", "to_version_id", "moved_at")
    )
    periods: list[LabelPeriod] = []
    open_since: dict[str, datetime] = {}
    for label, to_version, moved_at in moves:
        since = open_since.pop(label, None)
        if since is not None:
            periods.append(LabelPeriod(label, since, moved_at))
        if to_version == version.pk:
            open_since[label] = moved_at
    periods += [LabelPeriod(label, since, None) for label, since in open_since.items()]
    return sorted(periods, key=lambda period: (period.since, period.label))
