"""The category tree Bazaar ships with, and the attributes that matter in each category.

This is the source of truth for the ``Category`` rows: ``post_migrate`` creates any category
that is missing (existing rows, possibly edited in the admin, are left alone). A fork adds a
category here and runs ``migrate``. Slugs and attribute keys are checked when this module is
imported, so a fork's typo ("Vintage-Toys") stops the site from starting instead of reaching the
database, where it would break every AI feature: their prompts take lowercase slugs only.
"""

import re
from dataclasses import dataclass, field

from .ai_features.schemas import SLUG_PATTERN


def _check_slug(value: str, what: str) -> None:
    if not re.fullmatch(SLUG_PATTERN, value):
        raise ValueError(
            f"{what} {value!r} must be lowercase letters and digits, words joined by single "
            "hyphens or underscores (the AI features' prompts take no other)"
        )


@dataclass(frozen=True)
class AttributeSpec:
    key: str
    label: str
    choices: tuple[str, ...] = ()  # empty: free text
    numeric: bool = False
    unit: str = ""

    def __post_init__(self) -> None:
        _check_slug(self.key, "The attribute key")

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "choices": list(self.choices),
            "numeric": self.numeric,
            "unit": self.unit,
        }


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    name: str
    icon: str  # the name of an SVG in static/icons/
    attributes: tuple[AttributeSpec, ...] = field(default_factory=tuple)
    uses_condition: bool = True
    price_label: str = "Price"

    def __post_init__(self) -> None:
        _check_slug(self.slug, "The category slug")


COLOURS = (
    "black",
    "white",
    "grey",
    "silver",
    "blue",
    "red",
    "green",
    "gold",
    "pink",
    "brown",
    "beige",
)
BRAND = AttributeSpec("brand", "Brand")
COLOUR = AttributeSpec("colour", "Colour", COLOURS)

CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(
        "electronics",
        "Electronics",
        "laptop",
        (
            BRAND,
            AttributeSpec("model", "Model"),
            AttributeSpec(
                "type",
                "Type",
                (
                    "laptop",
                    "tablet",
                    "tv",
                    "camera",
                    "headphones",
                    "console",
                    "speaker",
                    "monitor",
                    "other",
                ),
            ),
        ),
    ),
    CategorySpec(
        "phones",
        "Phones",
        "phone",
        (
            BRAND,
            AttributeSpec("model", "Model"),
            AttributeSpec("storage_gb", "Storage", numeric=True, unit="GB"),
            COLOUR,
        ),
    ),
    CategorySpec(
        "vehicles",
        "Vehicles",
        "car",
        (
            AttributeSpec("make", "Make"),
            AttributeSpec("model", "Model"),
            AttributeSpec("year", "Year", numeric=True),
            AttributeSpec("mileage_km", "Mileage", numeric=True, unit="km"),
            AttributeSpec("fuel", "Fuel", ("petrol", "diesel", "electric", "hybrid", "lpg")),
        ),
    ),
    CategorySpec(
        "home-garden",
        "Home & Garden",
        "sofa",
        (
            AttributeSpec(
                "type",
                "Type",
                (
                    "sofa",
                    "table",
                    "chair",
                    "bed",
                    "wardrobe",
                    "shelf",
                    "lamp",
                    "kitchen",
                    "garden",
                    "tools",
                    "other",
                ),
            ),
            AttributeSpec("material", "Material"),
            COLOUR,
        ),
    ),
    CategorySpec(
        "fashion",
        "Fashion",
        "shirt",
        (
            BRAND,
            AttributeSpec("size", "Size"),
            COLOUR,
            AttributeSpec("gender", "For", ("women", "men", "unisex")),
        ),
    ),
    CategorySpec(
        "kids",
        "Kids & Baby",
        "stroller",
        (BRAND, AttributeSpec("age_group", "Age", ("0-1", "1-3", "3-6", "6-12", "12+"))),
    ),
    CategorySpec(
        "sports-hobbies",
        "Sports & Hobbies",
        "bike",
        (BRAND, AttributeSpec("sport", "Sport"), AttributeSpec("size", "Size")),
    ),
    CategorySpec(
        "real-estate",
        "Real Estate",
        "house",
        (
            AttributeSpec(
                "type", "Type", ("apartment", "house", "room", "garage", "plot", "office")
            ),
            AttributeSpec("rooms", "Rooms", numeric=True),
            AttributeSpec("area_m2", "Area", numeric=True, unit="m²"),
            AttributeSpec("offer", "Offer", ("rent", "sale")),
        ),
        uses_condition=False,
        price_label="Price or monthly rent",
    ),
    CategorySpec(
        "jobs",
        "Jobs",
        "briefcase",
        (
            AttributeSpec(
                "employment",
                "Employment",
                ("full-time", "part-time", "mini-job", "freelance", "internship"),
            ),
            AttributeSpec("field", "Field"),
            AttributeSpec("remote", "Remote", ("yes", "no", "hybrid")),
        ),
        uses_condition=False,
        price_label="Monthly salary",
    ),
    CategorySpec(
        "services",
        "Services",
        "wrench",
        (
            AttributeSpec("service", "Service"),
            AttributeSpec("rate", "Rate", ("per hour", "per job", "per day")),
        ),
        uses_condition=False,
        price_label="Rate",
    ),
)

CATEGORY_SLUGS: frozenset[str] = frozenset(spec.slug for spec in CATEGORIES)
