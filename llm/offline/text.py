"""Text handling shared by the offline model: normalising, tokens, phrases, sentences."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
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


def ngrams(words: list[str], longest: int = 3) -> Iterator[tuple[str, ...]]:
    for size in range(1, longest + 1):
        for start in range(len(words) - size + 1):
            yield tuple(words[start : start + size])


T = TypeVar("T")


class PhraseIndex(Generic[T]):
    """Phrases → values, matched against every 1- to 3-word sequence of a text.

    A dictionary lookup per sequence: a 100-word text costs ~300 lookups whatever the size of
    the lexicon, where a regular expression per phrase would cost one scan per phrase.
    """

    def __init__(self, entries: Iterable[tuple[str, T]]) -> None:
        self._index: dict[tuple[str, ...], list[T]] = {}
        self.longest = 1
        for phrase, value in entries:
            key = phrase_key(phrase)
            if key:
                self._index.setdefault(key, []).append(value)
                self.longest = max(self.longest, len(key))

    def find(self, words: list[str]) -> list[tuple[int, tuple[str, ...], T]]:
        """(position, phrase, value) for each occurrence, in text order."""
        found: list[tuple[int, tuple[str, ...], T]] = []
        for start in range(len(words)):
            for size in range(1, self.longest + 1):
                if start + size > len(words):
                    break
                key = tuple(words[start : start + size])
                for value in self._index.get(key, ()):
                    found.append((start, key, value))
        return found

    def first(self, words: list[str]) -> T | None:
        """The value of the earliest phrase in the text, the longest one where several start."""
        found = self.find(words)
        if not found:
            return None
        return min(found, key=lambda match: (match[0], -len(match[1])))[2]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def is_shouting(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return len(letters) >= 12 and sum(char.isupper() for char in letters) / len(letters) > 0.6


def sentence_case(sentence: str) -> str:
    """First letter up, unless the first word is written in its own way ("iPhone", "eBay")."""
    first = sentence.split(" ", 1)[0]
    if not first or any(char.isupper() for char in first[1:]):
        return sentence
    return sentence[:1].upper() + sentence[1:]
