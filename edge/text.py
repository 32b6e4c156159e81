"""People's text, cleaned once where it comes in, before anything else reads it.

What a person types reaches the site as a form field or a query parameter. The forms clean their
text fields with ``CleanCharField`` (and ModelForms with ``clean_text_formfield``); a view that
reads a parameter outside a form uses ``clean_param``. Either way the text that is stored, shown,
logged, tracked or sent to a model has been through ``clean_text``:

- NUL and the other C0 and C1 control characters go: PostgreSQL refuses NUL in text and in JSONB
  (a 500 from any search), and the others are invisible in a page and dangerous in a terminal.
  Line breaks of every kind become "\\n" in a multi-line field (which keeps tabs too) and spaces
  in a one-line field.
- Bidi overrides, embeddings and isolates (U+202A–U+202E, U+2066–U+2069) go: they reorder the
  text around them, so a title can show other people something it does not say. The bidi *marks*
  (LRM, RLM, ALM) stay: right-to-left writing needs them, and they reorder nothing.
- Invisible characters good only for hiding things go: zero-width space, word joiner and the
  invisible operators, soft hyphen, byte order mark, deprecated and annotation format characters,
  noncharacters, lone surrogates, and tag characters (text that people cannot see and a model
  reads), except in the tag sequence of an emoji flag. Zero-width joiners and variation
  selectors stay: emoji and several scripts need them.
- The result is NFC, so the same words are the same string (for search, for the cache).

Lengths: a form field reports a value that is too long (its ``max_length``), so the person can
fix it; ``clean_param`` cuts a parameter to its bound, since nobody sees an error for those.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.db import models
from django.http import QueryDict

# Everything Python's str.splitlines() breaks at; "\r\n" first, so that it is one break.
_LINE_BREAKS = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_ONE_LINE_SPACES = re.compile("\r\n|[\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_EMOJI_FLAG_TAGS = "\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f"  # 🏴 + tags + cancel tag
_REMOVED = re.compile(
    f"({_EMOJI_FLAG_TAGS})|["
    "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (but tab and line feed) and C1 controls, DEL
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides and isolates
    "\u00ad\u200b\u2060-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb"  # invisible format characters
    "\ufffe\uffff\ud800-\udfff"  # noncharacters, lone surrogates
    "\U000e0000-\U000e007f"  # tag characters
    "]"
)
PARAM_MAX_LENGTH = 200


def _keep_emoji_flags(match: re.Match[str]) -> str:
    return match.group(1) or ""


def clean_text(value: str, *, multiline: bool = False) -> str:
    """``value`` without control, bidi-override and invisible characters, in NFC.

    Surrounding whitespace is left to the caller (form fields strip it themselves).
    """
    value = _LINE_BREAKS.sub("\n", value) if multiline else _ONE_LINE_SPACES.sub(" ", value)
    value = _REMOVED.sub(_keep_emoji_flags, value)
    # Normalised last: a removed character may have stood between a letter and its accent.
    return unicodedata.normalize("NFC", value)


def clean_param(params: QueryDict, name: str, *, max_length: int = PARAM_MAX_LENGTH) -> str:
    """The query (or POST) parameter ``name``, cleaned, stripped and cut to ``max_length``."""
    return clean_text(params.get(name) or "").strip()[:max_length]


class CleanCharField(forms.CharField):
    """A CharField for people's text: cleaned by ``clean_text`` before it is validated.

    ``multiline`` keeps line breaks and tabs (a description, a message).
    """

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = clean_text(value, multiline=self.multiline)
        return super().to_python(value)

    def bound_data(self, data: Any, initial: Any) -> Any:
        # A form shown again with its errors shows the cleaned text, never a control character.
        value = super().bound_data(data, initial)
        return clean_text(value, multiline=self.multiline) if isinstance(value, str) else value


def clean_text_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """A ModelForm's ``Meta.formfield_callback``: its free-text fields clean what people type.

    Only plain CharField and TextField: their subclasses (email, slug, URL) validate a format of
    their own, and fields with choices accept nothing but a choice.
    """
    plain_text = type(db_field) in (models.CharField, models.TextField) and not db_field.choices
    if plain_text and kwargs.setdefault("form_class", CleanCharField) is CleanCharField:
        kwargs.setdefault("multiline", isinstance(db_field, models.TextField))
    return db_field.formfield(**kwargs)
