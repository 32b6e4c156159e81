"""Offline evaluation: datasets of cases, runs of a prompt version over them, scores, comparison.

See docs/evaluation.md. The pieces, each a module:

- ``models``: ``EvalDataset`` (a versioned set of cases loaded from a JSONL file), ``EvalCase``,
  ``EvalRun`` (a prompt version, provider and model over a dataset) and ``EvalResult``;
- ``datasets``: reading and checking JSONL files (``load_eval_dataset``);
- ``scoring``: pure functions that score one answer against what was expected;
- ``summary``: pure functions that turn the results of a run into its figures;
- ``execution``: running the cases, in threads in this process or as Celery tasks;
- ``services``: the writes (loading a dataset, creating, finishing, cancelling a run).

``llm`` may not import ``marketplace``, yet a case's input needs the site's categories: the
marketplace registers where they come from with ``register_categories``, as it registers the
offline model's corpus. A run stores the categories it was given, so it can be read (and
compared) after the categories change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CategoriesProvider = Callable[[], list[dict[str, Any]]]

_categories_provider: CategoriesProvider | None = None


def register_categories(provider: CategoriesProvider) -> None:
    """Where the site's categories come from, in the prompts' input shape
    (``[{"slug", "name", "attributes", "uses_condition"}]``)."""
    global _categories_provider
    _categories_provider = provider


def site_categories() -> list[dict[str, Any]]:
    """The site's categories, or an empty list when nobody registered them."""
    return _categories_provider() if _categories_provider is not None else []
