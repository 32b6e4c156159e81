"""Iterations of an experiment on one feature, variants pinned to prompt versions, pauses.

Existing experiments become the first iteration of a feature named as their key; flags follow
the feature of the experiment they were linked to; a running or paused experiment between prompt
versions is pinned to the versions its labels point at now (the best record there is of what it
served).
"""

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    Experiment = apps.get_model("experiments", "Experiment")
    Flag = apps.get_model("experiments", "Flag")
    Variant = apps.get_model("experiments", "Variant")
    PromptLabel = apps.get_model("llm", "PromptLabel")
    Experiment.objects.filter(feature="").update(feature=models.F("key"))
    for flag in Flag.objects.exclude(experiment=None).select_related("experiment"):
        flag.feature = flag.experiment.key
        flag.save(update_fields=["feature"])
    live = Experiment.objects.filter(status__in=["running", "paused"]).exclude(prompt_name="")
    for variant in Variant.objects.filter(experiment__in=live).select_related("experiment"):
        config = variant.config if isinstance(variant.config, dict) else {}
        label = PromptLabel.objects.filter(
            prompt__name=variant.experiment.prompt_name,
            name=config.get("prompt_label") or "production",
        ).first()
        if label is not None:
            variant.prompt_version_id = label.version_id
            variant.save(update_fields=["prompt_version"])


def backwards(apps, schema_editor):
    Experiment = apps.get_model("experiments", "Experiment")
    Flag = apps.get_model("experiments", "Flag")
    for flag in Flag.objects.exclude(feature=""):
        flag.experiment = (
            Experiment.objects.filter(feature=flag.feature).order_by("-iteration").first()
        )
        flag.save(update_fields=["experiment"])


class Migration(migrations.Migration):

    dependencies = [
        ('experiments', '0004_analysis_indexes_in_unit_order'),
        ('llm', '0002_evaluation'),
    ]

    operations = [
        migrations.CreateModel(
            name='Pause',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('paused_at', models.DateTimeField()),
                ('resumed_at', models.DateTimeField(blank=True, null=True)),
                ('experiment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pauses', to='experiments.experiment')),
            ],
            options={
                'ordering': ['experiment', 'paused_at'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('resumed_at__isnull', True)), fields=('experiment',), name='one_open_pause_per_experiment')],
            },
        ),
        migrations.AddField(
            model_name='experiment',
            name='feature',
            field=models.SlugField(blank=True, help_text='What code asks for: variant_for(request, feature). Every iteration of a test shares it, and at most one runs at a time. Empty: the key.', max_length=60),
        ),
        migrations.AddField(
            model_name='experiment',
            name='iteration',
            field=models.PositiveSmallIntegerField(default=1, editable=False, help_text="1 for a feature's first experiment, then 2, 3…"),
        ),
        migrations.AddField(
            model_name='flag',
            name='feature',
            field=models.SlugField(blank=True, help_text='An experiment feature: while one of its experiments runs (or after one is concluded), the flag is on for units whose variant config has "enabled": true.', max_length=60),
        ),
        migrations.AddField(
            model_name='variant',
            name='prompt_version',
            field=models.ForeignKey(blank=True, editable=False, help_text='The version its prompt label pointed at when the experiment started: what its units get until the end, however the label moves.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='llm.promptversion'),
        ),
        migrations.AlterField(
            model_name='experiment',
            name='key',
            field=models.SlugField(help_text="This iteration's own name: in URLs, the simulator and the results' history.", max_length=60, unique=True),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(
            model_name='flag',
            name='experiment',
        ),
        migrations.AddConstraint(
            model_name='experiment',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['running', 'paused'])), fields=('feature',), name='one_live_experiment_per_feature'),
        ),
        migrations.AddConstraint(
            model_name='experiment',
            constraint=models.UniqueConstraint(fields=('feature', 'iteration'), name='one_iteration_number_per_feature'),
        ),
    ]
