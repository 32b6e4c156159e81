"""Text handling shared by the offline model: normalising, tokens, phrases, sentences."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Generic, TypeVar

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Typographic quotes and dashes, and the multiplication sign, as people type them on a keyboard.
_QUOTES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
     "\u00d7": "x"}
)  # fmt: skip


def normalise(text: str) -> str:
    """Lowercase, NFC, typographic quotes and dashes made plain, spaces collapsed."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES).lower()
    return " ".join(text.split())


@lru_cache(maxsize=65536)  # texts repeat their words; a cached answer is a dict lookup
def stem(token: str) -> str:
    """A light plural stripper, applied alike to texts and to the lexicon (so only consistency
    matters): puppies → puppy, watches → watch, shoes → shoe, skis → ski; glass stays."""
    if len(token) <= 3 or token.isdigit():
        return token
    if token.endswith("ies"):
        return token[:-3] + "y"
    if token.endswith(("ches", "shes", "xes", "sses")):
        return token[:-2]
    if token.endswith("s") and not token.endswith(("ss", "us")):
        return token[:-1]
    return token


def tokens(text: str) -> list[str]:
    """Stemmed word tokens of ``text`` (already normalised or not)."""
    return [stem(word) for word in _WORD.findall(normalise(text))]


def phrase_key(phrase: str) -> tuple[str, ...]:
    """How a lexicon phrase is looked up: the same tokens a text would give."""
    return tuple(tokens(phrase))


T = TypeVar("T")


def word_positions(words: list[str]) -> dict[str, list[int]]:
    positions: dict[str, list[int]] = {}
    for position, word in enumerate(words):
        positions.setdefault(word, []).append(position)
    return positions


class PhraseIndex(Generic[T]):
    """Phrases → values, found in a text by their first word.

    One dictionary lookup per word of the text, whatever the size of the lexicon; only a word
    that starts some phrase costs more (a comparison per phrase starting with it). A regular
    expression per phrase would instead scan the text once per phrase.
    """

    def __init__(self, entries: Iterable[tuple[str, T]]) -> None:
        by_first: dict[str, dict[tuple[str, ...], list[T]]] = {}
        for phrase, value in entries:
            key = phrase_key(phrase)
            if key:
                by_first.setdefault(key[0], {}).setdefault(key, []).append(value)
        # For each first word: (phrase, values), the shortest phrases first.
        self._by_first: dict[str, list[tuple[tuple[str, ...], list[T]]]] = {
            first: sorted(phrases.items(), key=lambda item: len(item[0]))
            for first, phrases in by_first.items()
        }

    def find(
        self, words: list[str], positions: dict[str, list[int]] | None = None
    ) -> list[tuple[int, tuple[str, ...], T]]:
        """(position, phrase, value) for each occurrence, in text order.

        ``positions`` (word → where it occurs, see ``word_positions``) saves the scan of the
        text when several indexes search the same one.
        """
        if positions is None:
            positions = word_positions(words)
        found: list[tuple[int, tuple[str, ...], T]] = []
        for word in positions.keys() & self._by_first.keys():
            for phrase, values in self._by_first[word]:
                size = len(phrase)
                for start in positions[word]:
                    if size == 1 or tuple(words[start : start + size]) == phrase:
                        found.extend((start, phrase, value) for value in values)
        found.sort(key=lambda match: (match[0], len(match[1])))
        return found

    def first(self, words: list[str], positions: dict[str, list[int]] | None = None) -> T | None:
        """The value of the earliest phrase in the text, the longest one where several start."""
        found = self.find(words, positions)
        if not found:
            return None
        return min(found, key=lambda match: (match[0], -len(match[1])))[2]


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?<![\w.,])(?:\+|00|0)\d[\d\s\-/().]{7,}\d")
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+|\b[\w-]+\.(?:com|net|org|ru|xyz|io|info|biz)\b\S*")
_URL_HINTS = ("http", "www.", ".com", ".net", ".org", ".ru", ".xyz", ".io", ".info", ".biz")
_CONTACT_WORDS = re.compile(
    r"\b(?:call|text|whatsapp|email|e-mail|contact|reach)\s+(?:me|us)\s+(?:at|on|via)\s*[:\-]?\s*$",
    re.I,
)
# A price with its currency, and the words around it ("only 150 EUR", "€1,200 warm", "5k o.n.o.").
# The lookahead lets the engine skip, in one test, the positions where no price can start.
_PRICE = re.compile(
    r"(?=[\d€$£fapjoc])(?:\b(?:for|at|only|just|price|asking|costs?)\s*:?\s*)?"
    r"(?:(?:€|\$|£)\s?\d[\d.,]*(?:\s?k\b)?|\b\d[\d.,]*\s?(?:k\s?)?(?:€|eur\b|euros?\b|usd\b|\$|£|gbp\b|dollars?\b|pounds?\b))"
    r"(?:\s?(?:o\.?n\.?o\.?|obo|vb|negotiable|or best offer|warm|cold|incl\.?|all inclusive|"
    r"per month|/\s?month|a month|monthly|p\.?m\.?))?",
    re.I,
)
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_REPEATED_PUNCTUATION = re.compile(r"([!?.])\1+")


def tidy(text: str) -> str:
    """The seller's text without markup, contact details, prices, shouting or repeated
    punctuation. Each expression runs only when a cheap test says it may match."""
    if is_shouting(text):
        text = text.lower()
    if "<" in text:
        text = _TAG.sub(" ", text)  # an ad is plain text: markup is noise (or worse)
    if "@" in text:
        text = _EMAIL.sub("", text)
    text = _PHONE.sub("", text)
    lowered = text.lower()
    if any(hint in lowered for hint in _URL_HINTS):
        text = _URL.sub("", text)
    text = _PRICE.sub("", text)
    text = _REPEATED_PUNCTUATION.sub(r"\1", text)
    lines = []
    for line in text.splitlines():
        line = " ".join(line.split())
        for mark in ",.!?;:":
            line = line.replace(f" {mark}", mark)
        if " me " in line or " us " in line:
            line = _CONTACT_WORDS.sub("", line)
        line = line.rstrip(" ,;:-")
        if line:
            lines.append(line)
    return "\n".join(lines)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def is_shouting(text: str) -> bool:
    letters = sum(map(str.isalpha, text))
    return letters >= 12 and sum(map(str.isupper, text)) / letters > 0.6


def sentence_case(sentence: str) -> str:
    """First letter up, unless the first word is written in its own way ("iPhone", "eBay")."""
    first = sentence.split(" ", 1)[0]
    if not first or any(char.isupper() for char in first[1:]):
        return sentence
    return sentence[:1].upper() + sentence[1:]
