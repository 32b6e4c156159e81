"""What the marketplace's AI features share: the catalogue in the prompts' shapes.

A prompt that picks a category gets the site's categories in its input (``CatalogInput``), and
its answer is checked against them (``CategorisedOutput``): the category must be one the caller
allowed (handed to validation as pydantic context), attributes are kept only for keys of that
category, numbers are parsed for numeric attributes, and values of attributes with fixed choices
must be one of the choices.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from llm.schemas import BaseInput, clean_text

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


class CatalogInput(BaseInput):
    """The input of a prompt whose answer picks a category: the categories it may use."""

    categories: list[CategoryOption] = Field(min_length=1, max_length=100)

    def validation_context(self) -> dict[str, Any]:
        return {"categories": {category.slug: category for category in self.categories}}


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


def check_category(value: str | None, info: ValidationInfo) -> str | None:
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

    _category = field_validator("category")(check_category)

    @model_validator(mode="after")
    def _attributes_of_the_category(self, info: ValidationInfo) -> CategorisedOutput:
        allowed = _allowed_categories(info)
        category = allowed.get(self.category) if self.category else None
        self.attributes = clean_attributes(self.attributes, category)
        return self

    def attribute_dict(self) -> dict[str, str | int | float]:
        return {attribute.key: attribute.value for attribute in self.attributes}


Condition = Literal["new", "like_new", "good", "fair", "for_parts"]
