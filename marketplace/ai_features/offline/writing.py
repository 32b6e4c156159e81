"""A tidy title and description from the seller's own words and the facts found in them.

Nothing is invented: the title is either the facts (brand, model, specs) or the seller's first
phrase; the description is the seller's text, tidied, followed by the facts as a list. Contact
details are dropped (buyers write through Bazaar), and so are prices (the price has its own
field).
"""

from __future__ import annotations

import re

from llm.schemas import clean_text

from ..schemas import CategoryOption
from .attributes import PRODUCT_LINE_NAMES, Facts, Value
from .lexicon import AMBIGUOUS_BRANDS, AMBIGUOUS_MAKES, BRANDS, CAR_MAKES, CONDITION_LABELS
from .text import sentence_case, sentences

TITLE_LENGTH = 80

_GREETING = re.compile(
    r"^(?:hi|hello|hey|hallo|good (?:morning|evening))\b[\w ]{0,12}?[,!.:-]+\s*", re.I
)
_SELLING = re.compile(
    r"^(?:(?:i'?m|i am|we'?re|we are|i|we)\s+(?:(?:would like|want|wish) to\s+)?"
    r"(?:selling|sell|offering|giving away)|selling|for sale|wts|sale|offering)\b[\s:,-]*",
    re.I,
)
_ARTICLE = re.compile(r"^(?:my|our|a|an|the|this|these|some)\s+", re.I)
# Brands that are everyday words as well, in a sentence more often than not ("supreme quality").
_ORDINARY_WORDS = {"supreme", "canyon", "omega", "converse", "fender", "esprit", "giant"}


def _written_forms() -> dict[str, str]:
    """Every name the lexicon knows, lowercase → as its owner writes it: brands ("ikea" → "IKEA",
    "hp" → "HP", "north face" → "North Face"), car makes and product lines ("iphone" → "iPhone").

    Only the case changes, never the word: "vw" stays "vw" rather than becoming "Volkswagen",
    and a name that the lexicon writes with more words ("The North Face") lends its tail. Words
    that are ordinary words too ("apple", "head", "seat") are left alone.
    """
    ambiguous = AMBIGUOUS_BRANDS | AMBIGUOUS_MAKES | _ORDINARY_WORDS
    forms = {}
    for key, name in [*BRANDS.items(), *CAR_MAKES.items(), *PRODUCT_LINE_NAMES.items()]:
        if key in ambiguous:
            continue
        if name.casefold() == key:
            forms[key] = name
        elif name.casefold().endswith(" " + key):
            forms[key] = name[-len(key) :]
    return forms


_WRITTEN_FORMS = _written_forms()
# Lowercase only (a seller's own capitals are theirs), the longest names first; a two-letter name
# ("hp", "lg") not right after a number, where it is a unit ("150 hp").
_NOT_AFTER_A_NUMBER = r"(?<!\d )(?<!\d)"
_NAMES = re.compile(
    "|".join(
        r"(?<![\w&'-])"
        + (_NOT_AFTER_A_NUMBER if len(key) <= 2 else "")
        + re.escape(key)
        + r"(?![\w&'-])"
        for key in sorted(_WRITTEN_FORMS, key=len, reverse=True)
    )
)


def _brand_case(text: str) -> str:
    """Names as their owners write them: "samsung" → "Samsung", "ikea" → "IKEA", "iphone" →
    "iPhone". Words written with capitals are left as the seller wrote them."""
    return _NAMES.sub(lambda match: _WRITTEN_FORMS[match.group()], text)


def _without_opening(sentence: str) -> str:
    return _ARTICLE.sub("", _SELLING.sub("", _GREETING.sub("", sentence)))


# Parts of an opening phrase that are about the deal, not the item.
_LOGISTICS = re.compile(
    r"\b(?:pick ?up|collection|collect|shipping|delivery|ship|call|contact|message|price|"
    r"negotiable|cash|available|located|location)\b",
    re.I,
)


def first_phrase(facts: Facts) -> str:
    """The seller's opening words about the item, without greetings, "selling my" and the
    parts about pick-up or payment."""
    for sentence in sentences(facts.tidied):
        phrase = _without_opening(sentence).strip(" .,!?:;-")
        if len(phrase) < 3:
            continue
        parts = [part for part in phrase.split(", ") if part]
        kept = [parts[0]]
        for part in parts[1:]:
            if _LOGISTICS.search(part) or len(", ".join([*kept, part])) > 50:
                break
            kept.append(part)
        return ", ".join(kept)
    return ""


def _shorten(title: str) -> str:
    if len(title) <= TITLE_LENGTH:
        return title
    cut = title[:TITLE_LENGTH]
    for separator in (", ", " - ", "; ", " with ", " and "):
        position = cut.rfind(separator)
        if position >= 25:
            return cut[:position]
    return clean_text(title, max_length=TITLE_LENGTH)


def _format(value: Value, unit: str = "") -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = f"{value:,}" if isinstance(value, int) and value >= 10_000 else str(value)
    return f"{text} {unit}".strip()


def build_title(facts: Facts, category: CategoryOption | None, attributes: dict[str, Value]) -> str:
    head = _facts_title(category, attributes) if category else ""
    title = head or _brand_case(first_phrase(facts))
    return _shorten(sentence_case(title)) or "Item for sale"


def _facts_title(category: CategoryOption, attributes: dict[str, Value]) -> str:
    """A title made of the facts, for the kinds of item whose facts make the best title."""
    get = attributes.get
    if get("make") and get("model"):
        parts = [f"{get('make')} {get('model')}"]
        if get("year"):
            parts.append(str(get("year")))
        if get("mileage_km"):
            parts.append(_format(get("mileage_km") or 0, "km"))
        if get("fuel"):
            parts.append(str(get("fuel")))
        return ", ".join(parts)
    if get("model"):
        brand, model = str(get("brand") or ""), str(get("model"))
        parts = [f"{brand} {model}".strip() if not model.startswith(brand) else model]
        if get("storage_gb"):
            parts.append(_format(get("storage_gb") or 0, "GB"))
        if get("colour"):
            parts.append(str(get("colour")))
        return ", ".join(parts)
    if get("rooms") and get("type"):
        title = f"{_format(get('rooms') or 0)}-room {get('type')}"
        if get("offer"):
            title += f" for {get('offer')}"
        if get("area_m2"):
            title += f", {_format(get('area_m2') or 0, 'm²')}"
        return title
    return ""


def build_description(
    facts: Facts,
    category: CategoryOption | None,
    attributes: dict[str, Value],
    condition: str | None,
) -> str:
    """The seller's sentences, tidied, then the facts found in them as a list."""
    body: list[str] = []
    for sentence in sentences(facts.tidied):
        if not body:
            sentence = _without_opening(sentence)
        sentence = sentence.strip(" ,;-")
        if len(sentence) < 2:
            continue
        if sentence[-1] not in ".!?:":
            sentence += "."
        body.append(sentence_case(_brand_case(sentence)))
    details = []
    if category:
        for option in category.attributes:
            if option.key in attributes:
                label = option.label or option.key.replace("_", " ").capitalize()
                details.append(f"- {label}: {_format(attributes[option.key], option.unit)}")
    if condition:
        details.append(f"- Condition: {CONDITION_LABELS[condition]}")
    text = " ".join(body)
    if details:
        text = f"{text}\n\nDetails:\n" + "\n".join(details) if text else "\n".join(details)
    return clean_text(text, max_length=5000, multiline=True)
