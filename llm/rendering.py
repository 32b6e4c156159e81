"""Turning a prompt version and an input into the messages sent to a model.

Templates use Django's template language with autoescaping off (the messages are not HTML). Text
from people (what someone typed) goes in through the ``json`` filter: a JSON string
literal in which ``<``, ``>`` and ``&`` are escaped as ``\\u003c``… (as ``json_script`` does), so
that nothing in the text can close the delimiter tags around it or pass for the prompt's own
words. A template that names a variable the input doesn't have renders it empty; the tests render
every shipped prompt to catch that.
"""

from __future__ import annotations

import json
import re
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


_NAME = re.compile(r"[A-Za-z_]\w*")
_TAG = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.S)


@lru_cache(maxsize=256)
def _names_used(source: str) -> frozenset[str]:
    """Every name inside the template's tags: a superset of the variables it reads."""
    return frozenset(
        name for match in _TAG.finditer(source) for part in match.groups() if part
        for name in _NAME.findall(part)
    )  # fmt: skip


@lru_cache(maxsize=512)
def _render_cached(source: str, used_data: str) -> str:
    return compile_template(source).render(Context(json.loads(used_data), autoescape=False)).strip()


def render_template(source: str, data: dict[str, Any]) -> str:
    """``source`` rendered with ``data``.

    Rendered text is remembered by the data the template reads: a system message that lists
    the site's choices renders once, not on every call, although the person's text changes.
    """
    used = {key: value for key, value in data.items() if key in _names_used(source)}
    return _render_cached(source, json.dumps(used, sort_keys=True, ensure_ascii=False))


def render_messages(version: PromptVersion, data: dict[str, Any]) -> list[dict[str, str]]:
    """The chat messages of ``version`` for an input already validated by its input schema."""
    return [
        {"role": "system", "content": render_template(version.system_template, data)},
        {"role": "user", "content": render_template(version.user_template, data)},
    ]
