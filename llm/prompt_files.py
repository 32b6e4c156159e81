"""Prompt source files: each AI feature's ``prompt.toml`` (``llm.features``).

A file holds ``description``, ``model`` (empty: the setting ``LLM_MODEL``), ``temperature``,
``max_tokens`` and the ``system`` and ``user`` templates (see ``llm.rendering``); its feature
gives its name and its input and output schemas. ``sync_prompts`` turns each new content into a
``PromptVersion``.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template import TemplateSyntaxError

from . import features
from .rendering import compile_template
from .schemas import strict_json_schema

REQUIRED = {"system", "user"}
# ``name``, ``input_schema`` and ``output_schema`` may be given; they must be the feature's.
OPTIONAL = {"name", "description", "model", "temperature", "max_tokens", "input_schema"}
OPTIONAL |= {"output_schema"}


class PromptFileError(ValueError):
    """A prompt file that cannot become a version; the message names the file and the problem."""


@dataclass(frozen=True)
class PromptSource:
    name: str
    description: str
    model: str
    temperature: float | None
    max_tokens: int | None
    input_schema: str
    output_schema: str
    system: str
    user: str
    path: str
    text: str

    @cached_property
    def output_json_schema(self) -> dict[str, Any]:
        return strict_json_schema(features.output_schema(self.output_schema))

    @cached_property
    def content_hash(self) -> str:
        """sha256 over everything that changes what is sent or accepted.

        The output schema's JSON is part of it, so a change to the pydantic model in
        the feature's schemas makes a new version too. The description and the file's comments
        and layout are not: they change nothing a model sees.
        """
        behaviour = {
            "model": self.model,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "input_schema": self.input_schema,
            "output_schema": self.output_schema,
            "output_json_schema": self.output_json_schema,
            "system": self.system,
            "user": self.user,
        }
        canonical = json.dumps(behaviour, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def load_prompt_file(path: Path, feature: features.Feature) -> PromptSource:
    """The prompt of ``feature``, from ``path`` (its ``prompt.toml``, or a file that stands in
    for it)."""
    shown = _display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PromptFileError(f"{shown}: {exc}") from exc

    missing = REQUIRED - data.keys()
    unknown = data.keys() - REQUIRED - OPTIONAL
    if missing:
        raise PromptFileError(f"{shown}: missing {', '.join(sorted(missing))}")
    if unknown:
        raise PromptFileError(f"{shown}: unknown keys {', '.join(sorted(unknown))}")
    given = {
        "name": feature.name,
        "input_schema": feature.input_schema.__name__,
        "output_schema": feature.output_schema.__name__,
    }
    for key, value in given.items():
        if key in data and data[key] != value:
            raise PromptFileError(f"{shown}: {key} {data[key]!r} is not its feature's ({value!r})")
    temperature = data.get("temperature")
    if temperature is not None and not (
        isinstance(temperature, int | float) and 0 <= temperature <= 2
    ):
        raise PromptFileError(f"{shown}: temperature must be a number from 0 to 2")
    max_tokens = data.get("max_tokens")
    if max_tokens is not None and not (isinstance(max_tokens, int) and max_tokens > 0):
        raise PromptFileError(f"{shown}: max_tokens must be a positive integer")
    for part in ("system", "user"):
        try:
            compile_template(data[part])
        except TemplateSyntaxError as exc:
            raise PromptFileError(f"{shown}: {part} template: {exc}") from exc

    return PromptSource(
        name=feature.name,
        description=str(data.get("description", "")).strip(),
        model=str(data.get("model", "")).strip(),
        temperature=float(temperature) if temperature is not None else None,
        max_tokens=max_tokens,
        input_schema=given["input_schema"],
        output_schema=given["output_schema"],
        system=data["system"],
        user=data["user"],
        path=shown,
        text=text,
    )


def load_prompts(directory: Path | None = None) -> list[PromptSource]:
    """Every feature's prompt, by name. From ``directory``, the files ``NAME.toml`` there stand
    in for the features' own (a copy to try an edit on); a file with no feature is an error."""
    if directory is None:
        return [
            load_prompt_file(feature.prompt_file, feature) for feature in features.all_features()
        ]
    sources = []
    for path in sorted(directory.glob("*.toml")):
        feature = features.find(path.stem)
        if feature is None:
            known = ", ".join(f.name for f in features.all_features()) or "none"
            raise PromptFileError(f"{path.name}: no AI feature named {path.stem!r} ({known})")
        sources.append(load_prompt_file(path, feature))
    return sources


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


def export_prompts(directory: Path) -> list[Path]:
    """Copy every feature's prompt into ``directory`` as ``NAME.toml``: a place to try an edit
    and sync it with ``sync_prompts --dir DIRECTORY``. Returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for feature in features.all_features():
        target = directory / f"{feature.name}.toml"
        target.write_text(feature.prompt_file.read_text(encoding="utf-8"), encoding="utf-8")
        written.append(target)
    return written
