"""Drop the tables of waffle's own Flag model, which Bazaar's flag model replaces.

django-waffle's first migration creates ``waffle_flag`` and its links to users and groups even when
``WAFFLE_FLAG_MODEL`` swaps the model out (django-waffle issue #317). Nothing uses them, and they
hold foreign keys to the users and groups tables that stop ``flush`` (TRUNCATE) on Postgres.
Dropped here, right after waffle's migrations, once, in every database; reversing keeps them gone.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("experiments", "0005_iterations_pinned_versions_pauses"),
        ("waffle", "0004_update_everyone_nullbooleanfield"),
    ]

    operations = [
        migrations.RunSQL(
            [
                "DROP TABLE IF EXISTS waffle_flag_users",
                "DROP TABLE IF EXISTS waffle_flag_groups",
                "DROP TABLE IF EXISTS waffle_flag",
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
