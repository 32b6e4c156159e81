"""The categories, kept in each process: every page's top bar and footer, the search form and
the category page need them, and they change only in the admin.

Per process rather than in the shared cache, so that reading them costs no network call. A
saved or deleted category clears this process's copy at once; other processes reread theirs
within ``CATEGORIES_SECONDS``. The pages get the same objects: they must not change them.
"""

from __future__ import annotations

import time
from threading import Lock
from typing import Any

from .models import Category

CATEGORIES_SECONDS = 60.0

_lock = Lock()
_loaded: tuple[float, list[Category], dict[str, Category], dict[int, Category]] | None = None


def _load() -> tuple[list[Category], dict[str, Category], dict[int, Category]]:
    global _loaded
    with _lock:
        if _loaded is not None and time.monotonic() - _loaded[0] < CATEGORIES_SECONDS:
            return _loaded[1], _loaded[2], _loaded[3]
    categories = list(Category.objects.all())
    by_slug = {category.slug: category for category in categories}
    by_pk = {category.pk: category for category in categories}
    with _lock:
        _loaded = (time.monotonic(), categories, by_slug, by_pk)
    return categories, by_slug, by_pk


def all_categories() -> list[Category]:
    """Every category, in the site's order (``Category.Meta.ordering``)."""
    return _load()[0]


def category_by_slug(slug: str) -> Category | None:
    return _load()[1].get(slug)


def category_by_pk(pk: int) -> Category | None:
    """The category, or None if this process's copy does not have it yet (created elsewhere
    within the last ``CATEGORIES_SECONDS``)."""
    return _load()[2].get(pk)


def forget_categories(**kwargs: Any) -> None:
    """Signal receiver (and the tests'): reread the categories on next use."""
    global _loaded
    with _lock:
        _loaded = None
