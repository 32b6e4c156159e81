from datetime import timedelta
from typing import cast

import factory
from django.utils import timezone

from experiments.models import Experiment, Metric, Variant
from tests.factories import ModelFactory


class MetricFactory(ModelFactory[Metric]):
    class Meta:
        model = Metric
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"metric_{n}")
    name = factory.LazyAttribute(lambda m: m.key.replace("_", " ").capitalize())
    event_name = "purchase"
    kind = Metric.Kind.CONVERSION


class ExperimentFactory(ModelFactory[Experiment]):
    """A running 50/50 experiment with a control and a treatment."""

    class Meta:
        model = Experiment
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"exp_{n}")
    name = factory.LazyAttribute(lambda e: f"Experiment {e.key}")
    unit_type = "visitor"
    status = Experiment.Status.RUNNING
    primary_metric = factory.SubFactory(MetricFactory)
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))

    @factory.post_generation
    def variants(self, create, extracted, **kwargs):
        if not create:
            return
        specs = extracted or [
            ("control", 0.5, {"enabled": False}),
            ("treatment", 0.5, {"enabled": True}),
        ]
        for position, (key, weight, config) in enumerate(specs):
            Variant.objects.create(
                experiment=cast(Experiment, self),  # post_generation's self: the experiment
                key=key,
                name=key.title(),
                weight=weight,
                is_control=position == 0,
                position=position,
                config=config,
            )
