"""An evaluation run keeps the site input its feature was given (``site_input``), whatever it is:
what was a list of the marketplace's categories becomes ``{"categories": [...]}``, and its hash
is recomputed. Datasets are named after their feature."""

import hashlib
import json

from django.db import migrations, models


def _hash(data):
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def forwards(apps, schema_editor):
    EvalRun = apps.get_model("llm", "EvalRun")
    for run in EvalRun.objects.only("pk", "site_input").iterator():
        site_input = {"categories": run.site_input} if run.site_input else {}
        EvalRun.objects.filter(pk=run.pk).update(site_input=site_input, site_input_hash=_hash(site_input))


def backwards(apps, schema_editor):
    EvalRun = apps.get_model("llm", "EvalRun")
    for run in EvalRun.objects.only("pk", "site_input").iterator():
        categories = (run.site_input or {}).get("categories", [])
        EvalRun.objects.filter(pk=run.pk).update(site_input=categories, site_input_hash=_hash(categories))


class Migration(migrations.Migration):

    dependencies = [
        ("llm", "0002_evaluation"),
    ]

    operations = [
        migrations.RenameField(model_name="evalrun", old_name="categories", new_name="site_input"),
        migrations.RenameField(
            model_name="evalrun", old_name="categories_hash", new_name="site_input_hash"
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AlterField(
            model_name="evalrun",
            name="site_input",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name="evaldataset",
            name="name",
            field=models.SlugField(
                help_text="Its feature's name (NAME_holdout: its held-out part).", max_length=80
            ),
        ),
        migrations.AlterField(
            model_name="evaldataset",
            name="shared_input",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Added to every case's input (the feature's shared_input.json).",
            ),
        ),
    ]
