"""Writes of the prompt registry: syncing prompt files into versions, moving labels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max

from .errors import PromptRefError
from .models import (
    LABEL_PATTERN,
    PRODUCTION,
    LLMCall,
    Prompt,
    PromptLabel,
    PromptLabelMove,
    PromptVersion,
    Score,
)
from .prompt_files import PromptSource, load_prompts
from .registry import forget_label
from .scores import check_score


@dataclass(frozen=True)
class SyncedPrompt:
    version: PromptVersion
    created: bool


def sync_prompts(directory: Path | None = None) -> list[SyncedPrompt]:
    """Make a new version of each feature's prompt whose content has no version yet (from
    ``directory``: the ``NAME.toml`` files there instead, see ``prompt_files.load_prompts``).

    Idempotent: content seen before (even in an older version) creates nothing. A prompt's first
    version gets the ``production`` label. Labels never move otherwise: that is a decision,
    made with ``move_label`` (or the admin).
    """
    sources = load_prompts(Path(directory) if directory else None)
    with transaction.atomic():
        return [_sync_prompt(source) for source in sources]


def _sync_prompt(source: PromptSource) -> SyncedPrompt:
    prompt, _ = Prompt.objects.get_or_create(name=source.name)
    # Lock the prompt so that two syncs at once cannot take the same version number.
    prompt = Prompt.objects.select_for_update().get(pk=prompt.pk)
    if prompt.description != source.description:
        prompt.description = source.description
        prompt.save(update_fields=["description"])

    existing = prompt.versions.filter(content_hash=source.content_hash).first()
    if existing is not None:
        return SyncedPrompt(existing, created=False)

    last = prompt.versions.aggregate(last=Max("number"))["last"] or 0
    version = PromptVersion.objects.create(
        prompt=prompt,
        number=last + 1,
        content_hash=source.content_hash,
        model=source.model,
        temperature=source.temperature,
        max_tokens=source.max_tokens,
        input_schema=source.input_schema,
        output_schema=source.output_schema,
        output_json_schema=source.output_json_schema,
        system_template=source.system,
        user_template=source.user,
        source_path=source.path,
        source_text=source.text,
    )
    if last == 0:
        move_label(prompt.name, PRODUCTION, version, note="first version")
    return SyncedPrompt(version, created=True)


def move_label(
    prompt_name: str,
    label: str,
    version: int | PromptVersion,
    *,
    user: Any = None,
    note: str = "",
) -> PromptLabelMove | None:
    """Point ``label`` of a prompt at ``version`` (a number or a version), creating the label
    if needed, and record the move. Returns None when the label already points there.

    This is how a prompt is promoted or rolled back, and how an experiment ships its winner.
    """
    if not re.match(LABEL_PATTERN, label) or len(label) > 40:
        raise ValueError(f"{label!r} is not a label name: lowercase letters, digits, '-', '_'")
    with transaction.atomic():
        try:
            prompt = Prompt.objects.select_for_update().get(name=prompt_name)
        except Prompt.DoesNotExist:
            raise PromptRefError(f"no prompt named {prompt_name!r}") from None
        if isinstance(version, PromptVersion):
            if version.prompt_id != prompt.pk:
                raise ValueError(f"{version} is not a version of {prompt_name}")
            target = version
        else:
            try:
                target = prompt.versions.get(number=version)
            except PromptVersion.DoesNotExist:
                raise PromptRefError(f"{prompt_name} has no version {version}") from None

        existing = PromptLabel.objects.filter(prompt=prompt, name=label).first()
        if existing is not None and existing.version_id == target.pk:
            return None
        # Now, for this process, and again once committed, so that nobody caches the old
        # version in between.
        forget_label(prompt.name, label)
        transaction.on_commit(lambda: forget_label(prompt.name, label))
        if existing is None:
            existing = PromptLabel.objects.create(prompt=prompt, name=label, version=target)
            from_version = None
        else:
            from_version = existing.version
            existing.version = target
            existing.save(update_fields=["version", "updated_at"])
        return PromptLabelMove.objects.create(
            label=existing,
            from_version=from_version,
            to_version=target,
            moved_by=user if getattr(user, "is_authenticated", False) else None,
            note=note[:200],
        )


def record_score(
    call: int | LLMCall,
    name: str,
    value: float,
    *,
    source: str = Score.Source.PERSON,
    comment: str = "",
    user: Any = None,
) -> Score:
    """Attach a score to a call (the call or its primary key). Checked against its declared
    scale (``llm.scores.ScoreError`` otherwise) in code, so that recording it is one ``INSERT``
    and nothing else: a web request can afford it.
    """
    check_score(name, value)
    if source not in Score.Source.values:
        raise ValueError(f"a score's source is one of {', '.join(Score.Source.values)}")
    return Score.objects.create(
        call_id=call.pk if isinstance(call, LLMCall) else call,
        name=name,
        value=value,
        source=source,
        comment=comment[:2000],
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
