"""A GIN index over the listing search vector, on Postgres only.

The index covers the same expression that ``marketplace.search.listing_search_vector`` builds,
so full-text matches are index scans. SQLite has no GIN indexes and searches without one.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "listing_search_gin"


def search_index() -> GinIndex:
    # Frozen copy of marketplace.search.listing_search_vector(): a change there needs a new
    # migration that drops and recreates this index.
    vector = SearchVector("title", weight="A", config="english") + SearchVector(
        "description", weight="B", config="english"
    )
    return GinIndex(vector, name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("marketplace", "Listing"), search_index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("marketplace", "Listing"), search_index())


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
