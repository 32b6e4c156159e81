"""The inputs and outputs of Bazaar's prompts, as pydantic models.

A prompt file names its ``input_schema`` and ``output_schema`` by class name. The input model
checks what a caller passes before any model is asked. The output model is the contract with the
model: its JSON schema is sent as a strict structured output, and every answer (from the API,
the offline model or the cache) is validated against it again, because output is data, never
trusted:

- extra fields are refused; text is plain, stripped of control and bidi-override characters and
  cut to a bounded length (templates escape it when they render it);
- the category must be one the caller allowed (passed in the input, handed to validation as
  pydantic context); attributes are kept only for keys of that category, numbers are parsed for
  numeric attributes, and values of attributes with fixed choices must be one of the choices.

Length bounds are enforced here rather than written into the JSON schema, because OpenAI's
strict mode refuses schemas with ``maxLength``.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
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


def _text(max_length: int, *, multiline: bool = False) -> AfterValidator:
    return AfterValidator(partial(clean_text, max_length=max_length, multiline=multiline))


Line = Annotated[str, _text(120)]
ShortLine = Annotated[str, _text(80)]
Paragraphs = Annotated[str, _text(5000, multiline=True)]

SLUG_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"


# --- What callers pass --------------------------------------------------------------------------


class AttributeOption(BaseModel):
    """One attribute of a category, in the shape of ``Category.attribute_specs``."""

    key: str = Field(pattern=SLUG_PATTERN, max_length=40)
    label: str = Field(default="", max_length=80)
    choices: list[str] = Field(default_factory=list, max_length=50)
    numeric: bool = False
    unit: str = Field(default="", max_length=20)


class CategoryOption(BaseModel):
    """A category the answer may use, with its attributes."""

    slug: str = Field(pattern=SLUG_PATTERN, max_length=50)
    name: str = Field(max_length=80)
    attributes: list[AttributeOption] = Field(default_factory=list, max_length=30)
    uses_condition: bool = True

    def attribute(self, key: str) -> AttributeOption | None:
        return next((option for option in self.attributes if option.key == key), None)


class BaseInput(BaseModel):
    """What every prompt's input is: checked before any model is asked, nothing extra."""

    model_config = ConfigDict(extra="forbid")

    def validation_context(self) -> dict[str, Any]:
        """What output validation needs to know about this input (the allowed values)."""
        return {}


class PromptInput(BaseInput):
    """The input of a prompt whose answer picks a category: the categories it may use."""

    categories: list[CategoryOption] = Field(min_length=1, max_length=100)

    def validation_context(self) -> dict[str, Any]:
        return {"categories": {category.slug: category for category in self.categories}}


class ListingAssistantInput(PromptInput):
    text: str = Field(min_length=1, max_length=5000, description="The seller's rough text.")


class ListingFacts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=5000)
    price: float | None = Field(default=None, ge=0)
    currency: str = Field(default="EUR", max_length=3)
    city: str = Field(default="", max_length=80)
    category: str = Field(default="", max_length=50, description="The seller's category slug.")
    condition: str = Field(default="", max_length=12)
    attributes: dict[str, str | int | float | bool | None] = Field(default_factory=dict)


class PriceReference(BaseModel):
    """Prices of comparable active listings, so that a suspiciously low price can be noticed."""

    model_config = ConfigDict(extra="forbid")

    median: float = Field(gt=0)
    count: int = Field(ge=1)


class ListingEnrichmentInput(PromptInput):
    listing: ListingFacts
    price_reference: PriceReference | None = None


class SearchQueryInput(PromptInput):
    query: str = Field(min_length=1, max_length=300)
    cities: list[str] = Field(default_factory=list, max_length=500)

    def validation_context(self) -> dict[str, Any]:
        return {**super().validation_context(), "cities": self.cities}


class DescriptionJudgeInput(BaseInput):
    """A seller's text and the ad a model wrote from it, for the judge to grade."""

    text: str = Field(min_length=1, max_length=5000, description="The seller's rough text.")
    title: str = Field(max_length=200)
    description: str = Field(max_length=5000)


# --- What the model answers ---------------------------------------------------------------------


class AttributeValue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(description="An attribute key of the chosen category.")
    value: str | int | float


def _allowed_categories(info: ValidationInfo) -> dict[str, CategoryOption]:
    context = info.context or {}
    if "categories" not in context:
        # Never validate an answer without knowing what it may contain.
        raise ValueError("cannot validate a category without the allowed categories")
    return context["categories"]


def _check_category(value: str | None, info: ValidationInfo) -> str | None:
    allowed = _allowed_categories(info)
    if value is None:
        return None
    slug = value.strip().lower()
    if slug not in allowed:
        raise ValueError(f"{value[:50]!r} is not one of the allowed categories")
    return slug


_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def _clean_attribute(option: AttributeOption, value: str | int | float) -> str | int | float | None:
    """The value in the form the category expects, or None when it doesn't fit."""
    if option.numeric:
        if isinstance(value, bool):
            return None
        if isinstance(value, str):
            match = _NUMBER.search(value.replace("\u00a0", "").replace(" ", ""))
            if not match:
                return None
            value = float(match.group().replace(",", "."))
        if value < 0 or value > 1e9:
            return None
        return int(value) if float(value).is_integer() else round(float(value), 2)
    text = clean_text(str(value), max_length=80)
    if not text:
        return None
    if option.choices:
        by_lower = {choice.lower(): choice for choice in option.choices}
        return by_lower.get(text.lower())
    return text


def clean_attributes(
    attributes: list[AttributeValue], category: CategoryOption | None
) -> list[AttributeValue]:
    """Keep the attributes that belong to ``category``, first value per key, in a clean form."""
    if category is None:
        return []
    kept: dict[str, AttributeValue] = {}
    for attribute in attributes:
        key = attribute.key.strip().lower()
        option = category.attribute(key)
        if option is None or key in kept:
            continue
        value = _clean_attribute(option, attribute.value)
        if value is not None:
            kept[key] = AttributeValue(key=key, value=value)
    return list(kept.values())


class CategorisedOutput(BaseModel):
    """An answer with a category (one the caller allowed) and that category's attributes."""

    model_config = ConfigDict(extra="forbid")

    category: str | None = Field(
        description="The slug of one of the listed categories, or null if none fits."
    )
    attributes: list[AttributeValue] = Field(
        description="Attributes of the chosen category that the text states; leave out the rest."
    )

    _category = field_validator("category")(_check_category)

    @model_validator(mode="after")
    def _attributes_of_the_category(self, info: ValidationInfo) -> CategorisedOutput:
        allowed = _allowed_categories(info)
        category = allowed.get(self.category) if self.category else None
        self.attributes = clean_attributes(self.attributes, category)
        return self

    def attribute_dict(self) -> dict[str, str | int | float]:
        return {attribute.key: attribute.value for attribute in self.attributes}


Condition = Literal["new", "like_new", "good", "fair", "for_parts"]


class ListingAssistantOutput(CategorisedOutput):
    title: Line = Field(description="A clear listing title, at most 80 characters.")
    description: Paragraphs = Field(
        description="A tidy description in plain text built only from facts the seller gave."
    )
    condition: Condition | None = Field(
        description="The item's condition if the text says it, else null."
    )


class ModerationReason(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Literal[
        "prohibited_item",
        "restricted_item",
        "payment_scam",
        "off_platform_contact",
        "suspicious_price",
        "other",
    ]
    detail: Annotated[str, _text(200)]


class Moderation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: Literal["ok", "review", "reject"]
    reasons: list[ModerationReason] = Field(description="Empty when the verdict is ok.")

    @model_validator(mode="after")
    def _reasons_explain_the_verdict(self) -> Moderation:
        if self.verdict != "ok" and not self.reasons:
            raise ValueError(f"a {self.verdict!r} verdict needs at least one reason")
        self.reasons = self.reasons[:5]
        return self


class ListingEnrichmentOutput(CategorisedOutput):
    moderation: Moderation


class SearchQueryOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keywords: list[str] = Field(
        description="Words to match in listings, without the ones turned into filters."
    )
    category: str | None = Field(description="A listed category slug, or null.")
    min_price: float | None
    max_price: float | None
    city: str | None = Field(description="One of the listed cities if the query names one.")
    condition: Literal["new", "used"] | None
    sort: Literal["relevance", "newest", "price_asc", "price_desc"] | None

    _category = field_validator("category")(_check_category)

    @field_validator("keywords")
    @classmethod
    def _tidy_keywords(cls, keywords: list[str]) -> list[str]:
        tidy: list[str] = []
        for keyword in keywords:
            word = clean_text(keyword, max_length=40).lower()
            if word and word not in tidy:
                tidy.append(word)
        return tidy[:8]

    @field_validator("min_price", "max_price")
    @classmethod
    def _not_negative(cls, price: float | None) -> float | None:
        if price is not None and not 0 <= price <= 1e9:
            raise ValueError("a price must be between 0 and 1,000,000,000")
        return price

    @field_validator("city")
    @classmethod
    def _known_city(cls, city: str | None, info: ValidationInfo) -> str | None:
        if city is None:
            return None
        city = clean_text(city, max_length=80)
        known = (info.context or {}).get("cities") or []
        if not known:
            return city or None
        by_lower = {name.lower(): name for name in known}
        if city.lower() not in by_lower:
            raise ValueError(f"{city[:50]!r} is not one of the listed cities")
        return by_lower[city.lower()]

    @model_validator(mode="after")
    def _price_range(self) -> SearchQueryOutput:
        if (
            self.min_price is not None
            and self.max_price is not None
            and self.min_price > self.max_price
        ):
            raise ValueError("min_price is above max_price")
        return self


Grade = Literal[1, 2, 3, 4, 5]


class DescriptionJudgeOutput(BaseModel):
    """A judge's grades of a written ad: 1 (bad) to 5 (good), and why, in a sentence or two."""

    model_config = ConfigDict(extra="forbid")

    faithfulness: Grade = Field(
        description="5: every fact is in the seller's text; 1: facts were invented or changed."
    )
    clarity: Grade = Field(description="5: clear, tidy and easy to scan; 1: confusing or messy.")
    reason: Annotated[str, _text(300)] = Field(description="One or two sentences: why.")


# --- Registry -----------------------------------------------------------------------------------

INPUT_SCHEMAS: dict[str, type[BaseInput]] = {
    model.__name__: model
    for model in (
        ListingAssistantInput,
        ListingEnrichmentInput,
        SearchQueryInput,
        DescriptionJudgeInput,
    )
}
OUTPUT_SCHEMAS: dict[str, type[BaseModel]] = {
    model.__name__: model
    for model in (
        ListingAssistantOutput,
        ListingEnrichmentOutput,
        SearchQueryOutput,
        DescriptionJudgeOutput,
    )
}


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
