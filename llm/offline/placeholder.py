"""A schema-valid answer for a feature with no offline model of its own.

So a new feature works with no key and no network (``make run``, ``llm_run``, ``run_eval``, the
site) before anyone writes rules for it: every field gets the plainest value its type allows
(null where null is allowed, the first choice of a fixed set, zero, false, an empty list, a text
that says what it is). It is deterministic, answers nothing about the input, and says so: the UI
names it "offline placeholder", and an evaluation of it measures the plumbing, not the prompt.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo

PLACEHOLDER_TEXT = "Offline placeholder: no model answered."


def placeholder_answer(schema: type[BaseModel]) -> dict[str, Any]:
    """The plainest answer ``schema`` accepts, as JSON data."""
    return {name: _value(field.annotation, field) for name, field in schema.model_fields.items()}


def _value(annotation: Any, field: FieldInfo | None = None) -> Any:
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _value(arguments[0], field)
    if origin in (Union, types.UnionType):
        if type(None) in arguments:
            return None
        return _value(arguments[0], field)
    if origin is Literal:
        return arguments[0]
    if origin in (list, set, frozenset, tuple) or annotation in (list, set, tuple):
        return []
    if origin is dict or annotation is dict:
        return {}
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return placeholder_answer(annotation)
    if annotation is bool:
        return False
    if annotation in (int, float):
        return _least_number(annotation, field)
    return PLACEHOLDER_TEXT


def _least_number(kind: type, field: FieldInfo | None) -> int | float:
    """Zero, or the least value the field's bounds allow."""
    least: int | float = 0
    for bound in field.metadata if field is not None else []:
        if getattr(bound, "ge", None) is not None:
            least = max(least, bound.ge)
        if getattr(bound, "gt", None) is not None:
            least = max(least, bound.gt + 1)
    return kind(least)
