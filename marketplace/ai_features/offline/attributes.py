"""Attributes from text: regular expressions and known brands, models and vocabularies.

Each attribute key of the catalog has an extractor; a key without one (a fork's new attribute)
is filled only when it has fixed choices and one of them is written in the text. Values are
returned as found; the output schema then checks them against the category's specification.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ..schemas import AttributeOption, CategoryOption
from . import lexicon
from .text import PhraseIndex, normalise, tidy, tokens, word_positions

Value = str | int | float


class Facts:
    """A text, prepared once for every extractor.

    (Plain attributes computed on first use rather than ``cached_property``, whose lock costs
    more than most of what it caches here.)
    """

    __slots__ = ("_product", "_tidied", "original", "positions", "text", "words")

    def __init__(self, original: str) -> None:
        self.original = original
        self.text = normalise(original)
        self.words = tokens(original)
        self.positions = word_positions(self.words)
        self._tidied: str | None = None
        self._product: Product | bool | None = False  # False: not looked for yet

    @property
    def tidied(self) -> str:
        """The original without markup, contact details, prices and shouting."""
        if self._tidied is None:
            self._tidied = tidy(self.original)
        return self._tidied

    @property
    def product(self) -> Product | None:
        if self._product is False:
            self._product = find_product(self)
        return self._product  # type: ignore[return-value]


_COLOURS = PhraseIndex(lexicon.COLOURS.items())
_MATERIALS = PhraseIndex(lexicon.MATERIALS.items())
_SPORTS = PhraseIndex(lexicon.SPORTS.items())
_JOB_FIELDS = PhraseIndex(lexicon.JOB_FIELDS.items())
_SERVICES = PhraseIndex(lexicon.SERVICES.items())
_BRANDS = PhraseIndex(lexicon.BRANDS.items())
_CHOICES = {key: PhraseIndex(words.items()) for key, words in lexicon.CHOICE_SYNONYMS.items()}
_PRODUCTS = [
    (brand, frozenset(hints), re.compile(pattern), category)
    for brand, hints, pattern, category in lexicon.PRODUCT_MODELS
]
# Every product's hints in one expression: one scan tells which product expressions to try.
_PRODUCT_HINTS = re.compile(
    "|".join(re.escape(hint) for _, hints, _, _ in lexicon.PRODUCT_MODELS for hint in hints)
)


# --- Brands and models --------------------------------------------------------------------------

_MODEL_WORDS = {
    "iphone": "iPhone", "ipad": "iPad", "imac": "iMac", "macbook": "MacBook", "airpods": "AirPods",
    "playstation": "PlayStation", "xbox": "Xbox", "thinkpad": "ThinkPad", "ideapad": "IdeaPad",
    "zenbook": "ZenBook", "vivobook": "VivoBook", "elitebook": "EliteBook", "probook": "ProBook",
    "oneplus": "OnePlus", "se": "SE", "xr": "XR", "xs": "XS", "fe": "FE", "oled": "OLED",
    "rog": "ROG", "tuf": "TUF", "xps": "XPS", "eos": "EOS", "rtx": "RTX", "gtx": "GTX",
    "ti": "Ti", "gti": "GTI", "tdi": "TDI", "tsi": "TSI", "mac": "Mac",
}  # fmt: skip
# The product lines among them, names a seller may write on their own ("my old ipad").
PRODUCT_LINE_NAMES = {word: name for word, name in _MODEL_WORDS.items() if len(word) >= 4}


def pretty_model(raw: str) -> str:
    """How a model is written: "iphone 13 pro max" → "iPhone 13 Pro Max", "ps5" → "PS5"."""
    words = []
    for word in raw.split():
        if word in _MODEL_WORDS:
            words.append(_MODEL_WORDS[word])
        elif re.fullmatch(r"i\d+", word) or re.fullmatch(r"\d+[a-z]{1,2}", word):
            words.append(word)  # Hyundai i30, BMW 320d, Xiaomi 13t stay as they are written
        elif re.fullmatch(r"[a-z]{1,3}\d+[a-z]?|ps\d", word):
            words.append(word.upper())  # S21, A52, X1, XC60, PS5
        else:
            words.append(word[:1].upper() + word[1:])
    return " ".join(words)


@dataclass(frozen=True)
class Product:
    brand: str
    model: str
    category: str


def find_product(facts: Facts) -> Product | None:
    """The first known phone/electronics model in the text, with its brand."""
    hinted = set(_PRODUCT_HINTS.findall(facts.text))
    if not hinted:
        return None
    best: tuple[int, Product] | None = None
    for brand, hints, pattern, category in _PRODUCTS:
        if hints.isdisjoint(hinted):
            continue
        match = pattern.search(facts.text)
        if match and (best is None or match.start() < best[0]):
            model = " ".join(match.group(1).split())
            best = (match.start(), Product(brand, pretty_model(model), category))
    return best[1] if best else None


def _capitalised_in_original(facts: Facts, phrase: tuple[str, ...]) -> bool:
    pattern = r"\b" + r"\W+".join(re.escape(word) for word in phrase)
    return any(m.group()[:1].isupper() for m in re.finditer(pattern, facts.original, re.I))


def find_brand(facts: Facts) -> str | None:
    if facts.product:
        return facts.product.brand
    for _, phrase, brand in _BRANDS.find(facts.words, facts.positions):
        # "Head", "Giant", "Apple": a brand only when written as a name.
        if " ".join(phrase) in lexicon.AMBIGUOUS_BRANDS and not _capitalised_in_original(
            facts, phrase
        ):
            continue
        return str(brand)
    return None


_MODEL_ALONE: dict[str, str] = {}
for _make, _models in lexicon.CAR_MODELS.items():
    for _model in _models:
        if len(_model) >= 3 and not _model.isdigit():  # "3", "500": too common to stand alone
            _MODEL_ALONE.setdefault(_model, _make)
_MODEL_ALONE_PATTERN = re.compile(
    r"(?<![\w-])("
    + "|".join(re.escape(model) for model in sorted(_MODEL_ALONE, key=len, reverse=True))
    + r")(?![\w-])"
)
_CAR_WORDS = re.compile(r"[^\s,;:!?()\"/]+")


def find_car(facts: Facts) -> tuple[str | None, str | None]:
    """(make, model) of a vehicle: a make and the model after it, or a known model alone."""
    words = [word.rstrip(".") for word in _CAR_WORDS.findall(facts.text)]
    for index in range(len(words)):
        for size in (2, 1):
            phrase = " ".join(words[index : index + size])
            make = lexicon.CAR_MAKES.get(phrase)
            if make is None:
                continue
            model = _model_after(make, words[index + size : index + size + 3])
            if model is None and phrase in lexicon.AMBIGUOUS_MAKES:
                continue
            return make, model
    alone = _MODEL_ALONE_PATTERN.search(facts.text)
    if alone:
        return _MODEL_ALONE[alone.group(1)], pretty_model(alone.group(1))
    return None, None


# What may follow a model name: a generation ("Golf 7", "Golf VII") or a trim ("GTI", "AMG").
_TRIM = re.compile(
    r"^(?:\d|[ivx]{1,4}|gti|gtd|gte|tdi|tsi|tfsi|r|rs\d?|st|amg|sport|variant|estate|avant|"
    r"touring|cabrio|convertible|plus|hybrid)$"
)


def _model_after(make: str, following: list[str]) -> str | None:
    models = lexicon.CAR_MODELS.get(make, ())
    for size in (3, 2, 1):
        candidate = " ".join(following[:size])
        if candidate in models:
            trims = []
            for word in following[size : size + 2]:
                if not _TRIM.match(word):
                    break
                trims.append(word)
            return pretty_model(" ".join([candidate, *trims]))
    return None


# --- Numbers with units -------------------------------------------------------------------------

_STORAGE = re.compile(r"\b(\d{1,4})\s?(gb|tb)\b(?!\s*(?:of\s+)?(?:ram|memory|ddr))")
_RAM_BEFORE = re.compile(r"(?:ram|memory)\s*:?\s*$")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_MILEAGE = re.compile(
    r"\b(\d{1,3}(?:[.,' ]\d{3})+|\d+(?:[.,]\d+)?)\s?(k|tkm|tsd\.?)?\s?"
    r"(km|kms|kilomet(?:er|re)s?|miles|mi)\b"
)
_MILEAGE_LABEL = re.compile(r"\b(?:mileage|odometer|km stand)\s*:?\s*(\d{1,3}(?:[.,' ]\d{3})+|\d+)")
_ROOMS = re.compile(r"\b(\d{1,2}(?:[.,]5)?)\s?-?\s?(?:rooms?|room\b|zimmer|zi\b)")
_AREA = re.compile(
    r"\b(\d{1,5}(?:[.,]\d{1,2})?)\s?(?:m²|m2|sqm|sq\.? ?m\b|qm\b|square met(?:er|re)s?)"
)
_AREA_FEET = re.compile(r"\b(\d{2,6})\s?(?:sq\.? ?ft|square feet)")


def _number(text: str) -> float:
    """ "120.000" → 120000, "1,5" → 1.5, "85,000" → 85000."""
    text = text.replace("'", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        return float(re.sub(r"[.,]", "", text))
    return float(text.replace(",", "."))


def find_storage_gb(facts: Facts) -> int | None:
    sizes = []
    for match in _STORAGE.finditer(facts.text):
        if _RAM_BEFORE.search(facts.text[: match.start()][-12:]):
            continue
        gigabytes = int(match.group(1)) * (1024 if match.group(2) == "tb" else 1)
        if 4 <= gigabytes <= 8192:
            sizes.append(gigabytes)
    return max(sizes) if sizes else None  # "8 GB RAM, 256 GB": the bigger one is the storage


def find_year(facts: Facts) -> int | None:
    this_year = date.today().year
    for match in _YEAR.finditer(facts.text):
        year = int(match.group(1))
        if year <= this_year + 1:
            return year
    return None


def find_mileage_km(facts: Facts) -> int | None:
    match = _MILEAGE.search(facts.text)
    if match:
        value = _number(match.group(1))
        if match.group(2):
            value *= 1000
        if match.group(3) in ("miles", "mi"):
            value *= 1.609344
        return round(value) if value < 2_000_000 else None
    labelled = _MILEAGE_LABEL.search(facts.text)
    return round(_number(labelled.group(1))) if labelled else None


def find_rooms(facts: Facts) -> float | None:
    match = _ROOMS.search(facts.text)
    if not match:
        return None
    rooms = _number(match.group(1))
    return rooms if 0 < rooms <= 30 else None


def find_area_m2(facts: Facts) -> float | None:
    match = _AREA.search(facts.text)
    if match:
        return _number(match.group(1))
    feet = _AREA_FEET.search(facts.text)
    return round(_number(feet.group(1)) * 0.092903, 1) if feet else None


# --- Sizes and ages -----------------------------------------------------------------------------

_LETTER_SIZE = re.compile(r"(?<![\w-])(XXS|XS|S|M|L|XL|XXL|XXXL|3XL)(?![\w-])")
_SIZE_LABEL = re.compile(
    r"\bsize\s*:?\s*(xxs|xs|s|m|l|xl|xxl|xxxl|3xl|(?:eu|uk|us)\s?\d{1,2}(?:[.,]5)?|\d{1,3}(?:[.,]5)?)\b"
)
_SHOE_SIZE = re.compile(r"\b(eu|uk|us)\s?(\d{1,2}(?:[.,]5)?)\b")
_JEANS_SIZE = re.compile(r"\bw\s?(\d{2})\s?/?\s?l\s?(\d{2})\b")
_FRAME_SIZE = re.compile(
    r"\b(?:frame(?:\s?size)?\s*:?\s*(\d{2}(?:[.,]5)?\s?cm|xs|s|m|l|xl)|(\d{2})\s?cm frame)\b"
)


def find_size(facts: Facts) -> str | None:
    jeans = _JEANS_SIZE.search(facts.text)
    if jeans:
        return f"W{jeans.group(1)} L{jeans.group(2)}"
    frame = _FRAME_SIZE.search(facts.text)
    if frame:
        size = frame.group(1) or f"{frame.group(2)} cm"
        return size.upper() if size.isalpha() else size
    labelled = _SIZE_LABEL.search(facts.text)
    if labelled:
        size = labelled.group(1)
        return size.upper() if not size[0].isdigit() else size
    shoe = _SHOE_SIZE.search(facts.text)
    if shoe:
        return f"{shoe.group(1).upper()} {shoe.group(2)}"
    letter = _LETTER_SIZE.search(facts.original)
    return letter.group(1) if letter else None


_AGE = re.compile(
    r"\b(\d{1,2})\s?(?:-|to)?\s?(\d{1,2})?\s?(months?|mos?|m|years?|yrs?|y)\b(?:\s?old)?"
)
_BABY_SIZE = re.compile(r"\bsize\s*:?\s*(\d{2,3})\b")


def _age_group(years: float) -> str:
    if years < 1:
        return "0-1"
    if years < 3:
        return "1-3"
    if years < 6:
        return "3-6"
    if years < 12:
        return "6-12"
    return "12+"


def find_age_group(facts: Facts) -> str | None:
    if re.search(r"\b(newborn|new born|infant)\b", facts.text):
        return "0-1"
    if "toddler" in facts.text:
        return "1-3"
    match = _AGE.search(facts.text)
    if match:
        low = int(match.group(1))
        in_months = match.group(3).startswith("m")
        return _age_group(low / 12 if in_months else low)
    size = _BABY_SIZE.search(facts.text)
    if size and 44 <= int(size.group(1)) <= 176:
        # European children's sizes are heights in cm: 50-74 a first year, 80-92 up to three…
        height = int(size.group(1))
        return (
            "0-1"
            if height <= 74
            else "1-3"
            if height <= 98
            else "3-6"
            if height <= 116
            else ("6-12" if height <= 152 else "12+")
        )
    return None


# --- Words from vocabularies --------------------------------------------------------------------


def _vocabulary(index: PhraseIndex) -> Callable[[Facts], Value | None]:
    def find(facts: Facts) -> Value | None:
        value = index.first(facts.words, facts.positions)
        return str(value) if value is not None else None

    return find


def find_choice(facts: Facts, option: AttributeOption) -> str | None:
    """A value among ``option.choices``: through the synonyms of its key, or written as is."""
    allowed = set(option.choices)
    index = _CHOICES.get(option.key)
    if index is not None:
        found = [match for match in index.find(facts.words, facts.positions) if match[2] in allowed]
        if found:
            return str(min(found, key=lambda match: (match[0], -len(match[1])))[2])
    for choice in option.choices:
        if re.search(rf"(?<!\w){re.escape(choice.lower())}(?!\w)", facts.text):
            return choice
    return None


EXTRACTORS: dict[str, Callable[[Facts], Value | None]] = {
    "brand": find_brand,
    "storage_gb": find_storage_gb,
    "colour": _vocabulary(_COLOURS),
    "year": find_year,
    "mileage_km": find_mileage_km,
    "rooms": find_rooms,
    "area_m2": find_area_m2,
    "size": find_size,
    "age_group": find_age_group,
    "material": _vocabulary(_MATERIALS),
    "sport": _vocabulary(_SPORTS),
    "field": _vocabulary(_JOB_FIELDS),
    "service": _vocabulary(_SERVICES),
}


def extract_attributes(facts: Facts, category: CategoryOption) -> dict[str, Value]:
    """The attributes of ``category`` that the text states, in the category's order."""
    found: dict[str, Value] = {}
    car: tuple[str | None, str | None] | None = None
    keys = {option.key for option in category.attributes}
    for option in category.attributes:
        value: Value | None
        if option.key in ("make", "model") and ("make" in keys or category.slug == "vehicles"):
            car = car or find_car(facts)
            value = car[0] if option.key == "make" else car[1]
        elif option.key == "model":
            value = facts.product.model if facts.product else None
        elif option.key in EXTRACTORS:
            value = EXTRACTORS[option.key](facts)
        elif option.choices:
            value = find_choice(facts, option)
        else:
            value = None
        if option.choices and value is not None and option.key not in ("make", "model"):
            value = value if value in option.choices else find_choice(facts, option)
        if value is not None:
            found[option.key] = value
    return found


_CONDITIONS = PhraseIndex(
    (phrase, (priority, condition))
    for priority, (condition, phrases) in enumerate(lexicon.CONDITIONS)
    for phrase in phrases
)


def find_condition(facts: Facts) -> str | None:
    """The condition the text states; the most specific phrase wins ("never used" over "used")."""
    found = _CONDITIONS.find(facts.words, facts.positions)
    if not found:
        return None
    _, condition = min(value for _, _, value in found)
    return condition
