"""What every AI feature's schemas build on: the input base class, tidy text, strict JSON schemas.

A feature's input model checks what a caller passes before any model is asked. Its output model
is the contract with the model: its JSON schema is sent as a strict structured output, and every
answer (from the API, the offline model or the cache) is validated against it again, because
output is data, never trusted: extra fields are refused, text is plain, stripped of control and
bidi-override characters and cut to a bounded length (``clean_text``; templates escape it when
they render it), and a feature's own validators check the rest with what the input allowed
(``BaseInput.validation_context``, handed to validation as pydantic context).

Length bounds are enforced here rather than written into the JSON schema, because OpenAI's
strict mode refuses schemas with ``maxLength``.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from functools import partial
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
)

# C0/C1 controls (tab and newline are handled below), zero-width characters, bidi embeddings and
# overrides (used to disguise text), the byte-order mark.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(value: str, *, max_length: int, multiline: bool = False) -> str:
    """Plain, tidy text of at most ``max_length`` characters, cut at a word boundary."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    value = _INVISIBLE.sub("", value)
    if multiline:
        lines = (_SPACES.sub(" ", line).strip() for line in value.split("\n"))
        value = _BLANK_LINES.sub("\n\n", "\n".join(lines))
    else:
        value = " ".join(value.split())
    value = value.strip()
    if len(value) > max_length:
        cut = value[:max_length]
        space = cut.rfind(" ")
        value = (cut[:space] if space > max_length // 2 else cut).rstrip(" ,;:-")
    return value


def tidy_text(max_length: int, *, multiline: bool = False) -> AfterValidator:
    """A validator for ``Annotated[str, tidy_text(200)]``: plain text, cut to ``max_length``."""
    return AfterValidator(partial(clean_text, max_length=max_length, multiline=multiline))


Line = Annotated[str, tidy_text(120)]
ShortLine = Annotated[str, tidy_text(80)]
Paragraphs = Annotated[str, tidy_text(5000, multiline=True)]


class BaseInput(BaseModel):
    """What every prompt's input is: checked before any model is asked, nothing extra."""

    model_config = ConfigDict(extra="forbid")

    def validation_context(self) -> dict[str, Any]:
        """What output validation needs to know about this input (the allowed values)."""
        return {}


def strict_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema of ``model`` in the form OpenAI's strict structured outputs accept.

    Every object closes (``additionalProperties: false``) and requires all its properties
    (optional ones are nullable instead); ``null`` defaults go; a ``$ref`` with siblings is
    inlined, since strict mode allows a ``$ref`` only on its own.
    """
    schema = model.model_json_schema()
    root = copy.deepcopy(schema)

    def resolve(ref: str) -> dict[str, Any]:
        node: Any = root
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return copy.deepcopy(node)

    def visit(node: Any) -> Any:
        if isinstance(node, list):
            return [visit(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node and len(node) > 1:
            inlined = {**resolve(node["$ref"]), **{k: v for k, v in node.items() if k != "$ref"}}
            return visit(inlined)
        node = {key: visit(value) for key, value in node.items()}
        if node.get("default", ...) is None:
            del node["default"]
        if node.get("type") == "object" and "properties" in node:
            node["additionalProperties"] = False
            node["required"] = list(node["properties"])
        return node

    result: dict[str, Any] = visit(schema)
    return result
