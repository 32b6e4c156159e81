"""Where the database's rows that come from code come from: one place, one function.

The site's categories (``marketplace/catalog.py``), a version of each AI feature's prompt
(``llm.sync_prompts``: each feature's ``prompt.toml``) and the experiments, metrics and flags
defined in code (``experiments.definitions``: ``ab_tests.py`` and each feature's prompt
experiment). ``sync_site`` creates what is missing and leaves what exists as the admin left it.
It runs as ``manage.py sync_site``, and after every ``migrate`` (and the test runner's flushes),
so a fresh database is ready to serve; that signal is its only trigger (``MarketplaceConfig``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections

import llm
from experiments import definitions
from experiments.models import Experiment
from llm.models import PromptVersion
from llm.services import SyncedPrompt

from .catalog import CATEGORIES
from .models import Category


@dataclass(frozen=True)
class SyncReport:
    categories: list[str]
    prompts: list[SyncedPrompt]
    experiments: list[Experiment]


def sync_site(using: str = "default") -> SyncReport:
    """Create the rows from code that the database does not have yet (see the module)."""
    return SyncReport(
        categories=create_missing_categories(using),
        prompts=llm.sync_prompts(),
        experiments=definitions.create_missing(using),
    )


def create_missing_categories(using: str = "default") -> list[str]:
    """The catalogue's categories that the database does not have yet; returns their slugs.
    Rows that exist are left as they are: the admin may have edited them."""
    from .ai import forget_category_options

    existing = set(Category.objects.using(using).values_list("slug", flat=True))
    missing = [
        Category(
            slug=spec.slug,
            name=spec.name,
            icon=spec.icon,
            position=position,
            uses_condition=spec.uses_condition,
            price_label=spec.price_label,
            attribute_specs=[attribute.as_dict() for attribute in spec.attributes],
        )
        for position, spec in enumerate(CATEGORIES)
        if spec.slug not in existing
    ]
    Category.objects.using(using).bulk_create(missing)
    forget_category_options()  # bulk_create sends no post_save
    return [category.slug for category in missing]


def sync_site_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """``post_migrate``: a migrated (or flushed) database gets its rows from code."""
    if PromptVersion._meta.db_table not in connections[using].introspection.table_names():
        return  # migrating to a state before the tables exist
    sync_site(using)
