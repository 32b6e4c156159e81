"""Prompt source files: one TOML file per prompt in ``llm/prompts/``.

A file holds ``name`` (the file's own name), ``description``, ``model`` (empty: the setting
``LLM_MODEL``), ``temperature``, ``max_tokens``, ``input_schema`` and ``output_schema`` (class
names in ``llm.schemas``) and the ``system`` and ``user`` templates (see ``llm.rendering``).
``sync_prompts`` turns each new content into a ``PromptVersion``.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from django.template import TemplateSyntaxError

from .rendering import compile_template
from .schemas import INPUT_SCHEMAS, OUTPUT_SCHEMAS, strict_json_schema

REQUIRED = {"name", "input_schema", "output_schema", "system", "user"}
OPTIONAL = {"description", "model", "temperature", "max_tokens"}


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
        return strict_json_schema(OUTPUT_SCHEMAS[self.output_schema])

    @cached_property
    def content_hash(self) -> str:
        """sha256 over everything that changes what is sent or accepted.

        The output schema's JSON is part of it, so a change to the pydantic model in
        ``llm/schemas.py`` makes a new version too. The description and the file's comments
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


def load_prompt_file(path: Path) -> PromptSource:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PromptFileError(f"{path.name}: {exc}") from exc

    missing = REQUIRED - data.keys()
    unknown = data.keys() - REQUIRED - OPTIONAL
    if missing:
        raise PromptFileError(f"{path.name}: missing {', '.join(sorted(missing))}")
    if unknown:
        raise PromptFileError(f"{path.name}: unknown keys {', '.join(sorted(unknown))}")
    if data["name"] != path.stem:
        raise PromptFileError(f"{path.name}: name {data['name']!r} must match the file name")
    if data["input_schema"] not in INPUT_SCHEMAS:
        raise PromptFileError(f"{path.name}: no input schema {data['input_schema']!r}")
    if data["output_schema"] not in OUTPUT_SCHEMAS:
        raise PromptFileError(f"{path.name}: no output schema {data['output_schema']!r}")
    temperature = data.get("temperature")
    if temperature is not None and not (
        isinstance(temperature, int | float) and 0 <= temperature <= 2
    ):
        raise PromptFileError(f"{path.name}: temperature must be a number from 0 to 2")
    max_tokens = data.get("max_tokens")
    if max_tokens is not None and not (isinstance(max_tokens, int) and max_tokens > 0):
        raise PromptFileError(f"{path.name}: max_tokens must be a positive integer")
    for part in ("system", "user"):
        try:
            compile_template(data[part])
        except TemplateSyntaxError as exc:
            raise PromptFileError(f"{path.name}: {part} template: {exc}") from exc

    return PromptSource(
        name=data["name"],
        description=str(data.get("description", "")).strip(),
        model=str(data.get("model", "")).strip(),
        temperature=float(temperature) if temperature is not None else None,
        max_tokens=max_tokens,
        input_schema=data["input_schema"],
        output_schema=data["output_schema"],
        system=data["system"],
        user=data["user"],
        path=path.name,
        text=text,
    )


def load_prompt_dir(directory: Path) -> list[PromptSource]:
    """Every ``*.toml`` prompt in ``directory``, by name; the first bad file raises."""
    return [load_prompt_file(path) for path in sorted(directory.glob("*.toml"))]
