"""A stored, generated ``tsvector`` column for listing search, on Postgres only.

Migration 0002 indexed the search vector as an expression, so finding the matches was an index
scan, but Postgres still recomputed ``to_tsvector`` of the title and description of every
matching row to recheck and rank it (90 of the 106 ms of a broad query at 50,000 listings, see
docs/benchmarks.md). A STORED generated column computes the vector once per write; the GIN
index moves onto it and ``marketplace.search`` reads it. SQLite has neither and is unchanged
(its search is a plain ``icontains``), so the column is not a model field: the model stays the
same on both databases and ``marketplace.search.StoredSearchDocument`` names the column.
"""

from importlib import import_module

from django.db import migrations

INDEX_0002 = "marketplace.migrations.0002_listing_search_index"

# The very expression of marketplace.search.listing_search_vector() (title weighted A,
# description B, English configuration), as Postgres stores it.
ADD_COLUMN = """
ALTER TABLE marketplace_listing ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(description, '')), 'B')
) STORED
"""
CREATE_INDEX = (
    "CREATE INDEX listing_search_document_gin ON marketplace_listing USING gin (search_document)"
)
DROP_EXPRESSION_INDEX = "DROP INDEX IF EXISTS listing_search_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(ADD_COLUMN)
    schema_editor.execute(CREATE_INDEX)
    schema_editor.execute(DROP_EXPRESSION_INDEX)  # nothing queries the expression any more


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Migration 0002's index over the expression first, so search stays indexed on the way back.
    listing = apps.get_model("marketplace", "Listing")
    schema_editor.add_index(listing, import_module(INDEX_0002).search_index())
    schema_editor.execute("ALTER TABLE marketplace_listing DROP COLUMN search_document")


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0006_moderation_rejected")]

    operations = [migrations.RunPython(forwards, backwards)]
