"""What the site gives every call of the catalogue features: its categories, as the prompts take
them (``llm.Feature.site_input``; an evaluation run keeps a copy)."""

from __future__ import annotations

from typing import Any

# A category that fits the prompts' schema, to check a dataset's inputs with when the site has none.
CATEGORIES_EXAMPLE: dict[str, Any] = {
    "categories": [{"slug": "placeholder", "name": "Placeholder"}]
}


def categories() -> dict[str, Any]:
    from marketplace.ai import category_options  # the site's categories, cached

    return {"categories": category_options()}
