"""Turning a prompt version and an input into the messages sent to a model.

Templates use Django's template language with autoescaping off (the messages are not HTML). Text
from people (a seller's words, a search query) goes in through the ``json`` filter: a JSON string
literal in which ``<``, ``>`` and ``&`` are escaped as ``\\u003c``… (as ``json_script`` does), so
that nothing in the text can close the delimiter tags around it or pass for the prompt's own
words. A template that names a variable the input doesn't have renders it empty; the tests render
every shipped prompt to catch that.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.template import Context, Engine, Library, Template

if TYPE_CHECKING:
    from .models import PromptVersion

register = Library()

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@register.filter(name="json")
def json_literal(value: Any) -> str:
    """``value`` as JSON that cannot contain a tag: safe to put between delimiters."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True).translate(_JSON_ESCAPES)


_engine = Engine(autoescape=False, builtins=["llm.rendering"], loaders=[])


@lru_cache(maxsize=256)
def compile_template(source: str) -> Template:
    """A compiled template; raises ``django.template.TemplateSyntaxError`` on a bad one."""
    return _engine.from_string(source)


def render_template(source: str, data: dict[str, Any]) -> str:
    return compile_template(source).render(Context(data, autoescape=False)).strip()


def render_messages(version: PromptVersion, data: dict[str, Any]) -> list[dict[str, str]]:
    """The chat messages of ``version`` for an input already validated by its input schema."""
    return [
        {"role": "system", "content": render_template(version.system_template, data)},
        {"role": "user", "content": render_template(version.user_template, data)},
    ]
