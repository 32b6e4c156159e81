"""Experiments an app defines in code: their metrics, variants and flags, created as drafts.

An app names what it tests once, where its pages are (``marketplace/ab_tests.py``)::

    experiments.definitions.register(
        metrics=[MetricDefinition("publish_rate", "Listing published", "listing_published")],
        experiments=[ExperimentDefinition(key="ai_listing_assistant", ...)],
    )

``create_missing`` (run by ``manage.py sync_site``, and after every ``migrate``) creates the
metrics, experiments (as drafts: starting one is a decision, made in the admin) and flags that do
not exist yet, and leaves the rows that exist as the admin left them. Every AI feature that names
an experiment feature (``llm.Feature.experiment``) and has no definition of its own gets the
usual prompt experiment: its ``production`` label against its ``candidate``, on a conversion
metric of the event ``<feature>_used``, which its view tracks when a person uses an answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .models import Experiment, Flag, Metric, UnitType, Variant


@dataclass(frozen=True)
class MetricDefinition:
    key: str
    name: str
    event_name: str
    kind: str = Metric.Kind.CONVERSION
    direction: str = Metric.Direction.HIGHER
    description: str = ""


@dataclass(frozen=True)
class ExperimentDefinition:
    key: str  # the feature code asks for, and its first experiment's key
    name: str
    hypothesis: str
    unit_type: str
    variants: list[tuple[str, str, bool, dict]]  # key, name, is_control, config (equal weights)
    primary: str  # a metric key
    secondary: list[str] = field(default_factory=list)
    guardrails: list[str] = field(default_factory=list)
    flag: str = ""  # a waffle flag that follows this feature's experiments
    prompt_name: str = ""  # for variants that differ by prompt label: the prompt they version
    minimum_detectable_effect: float = 0.10


_metrics: dict[str, MetricDefinition] = {}
_experiments: dict[str, ExperimentDefinition] = {}


def register(
    *,
    metrics: list[MetricDefinition] | tuple[MetricDefinition, ...] = (),
    experiments: list[ExperimentDefinition] | tuple[ExperimentDefinition, ...] = (),
) -> None:
    for metric in metrics:
        _metrics[metric.key] = metric
    for experiment in experiments:
        _experiments[experiment.key] = experiment


def prompt_experiment(feature: Any) -> tuple[MetricDefinition, ExperimentDefinition]:
    """The usual experiment of an AI feature's prompt versions (``feature``: an
    ``llm.Feature``): production against candidate, on whether people use its answers."""
    used = MetricDefinition(
        key=f"{feature.name}_used",
        name=f"Used a {feature.name.replace('_', ' ')} answer",
        event_name=f"{feature.name}_used",
        description=f"Share of units who used at least one answer of {feature.name}.",
    )
    experiment = ExperimentDefinition(
        key=feature.experiment,
        name=f"{feature.name.replace('_', ' ').capitalize()} prompt: production vs candidate",
        hypothesis=(
            f"If {feature.name} answers with its candidate prompt version, more people use its "
            "answers, because the offline evaluation scored it higher."
        ),
        unit_type=UnitType.USER,
        variants=[
            ("control", "Production prompt", True, {"prompt_label": "production"}),
            ("treatment", "Candidate prompt", False, {"prompt_label": "candidate"}),
        ],
        primary=used.key,
        prompt_name=feature.name,
    )
    return used, experiment


def definitions() -> tuple[dict[str, MetricDefinition], dict[str, ExperimentDefinition]]:
    """Every metric and experiment defined in code: the apps' own, and each AI feature's usual
    prompt experiment unless an app defines that feature's experiment itself."""
    from llm import features

    metrics, experiments = dict(_metrics), dict(_experiments)
    for feature in features.all_features():
        if feature.experiment and feature.experiment not in experiments:
            metric, experiment = prompt_experiment(feature)
            metrics.setdefault(metric.key, metric)
            experiments[experiment.key] = experiment
    return metrics, experiments


def create_missing(using: str = "default") -> list[Experiment]:
    """Create the metrics, experiments (drafts) and flags defined in code that the database
    does not have yet; returns the experiments created."""
    metric_definitions, experiment_definitions = definitions()
    metrics = {}
    for metric in metric_definitions.values():
        metrics[metric.key], _ = Metric.objects.using(using).get_or_create(
            key=metric.key,
            defaults={
                "name": metric.name,
                "event_name": metric.event_name,
                "kind": metric.kind,
                "direction": metric.direction,
                "description": metric.description,
            },
        )
    created = []
    for definition in experiment_definitions.values():
        experiment = Experiment.objects.using(using).filter(feature=definition.key).first()
        if experiment is None:
            experiment = _create(definition, metrics, using)
            created.append(experiment)
        if definition.flag:
            Flag.objects.using(using).get_or_create(
                name=definition.flag,
                defaults={
                    "feature": definition.key,
                    "superusers": False,
                    "note": f"Follows the experiments on {definition.key} while one runs.",
                },
            )
    return created


def _create(definition: ExperimentDefinition, metrics: dict[str, Metric], using: str) -> Experiment:
    missing = {definition.primary, *definition.secondary, *definition.guardrails} - set(metrics)
    if missing:
        raise ValueError(
            f"experiment {definition.key!r} names metrics nobody defined: {', '.join(missing)}"
        )
    experiment = Experiment.objects.using(using).create(
        key=definition.key,
        feature=definition.key,
        name=definition.name,
        hypothesis=definition.hypothesis,
        unit_type=definition.unit_type,
        primary_metric=metrics[definition.primary],
        minimum_detectable_effect=definition.minimum_detectable_effect,
        prompt_name=definition.prompt_name,
    )
    experiment.secondary_metrics.set([metrics[key] for key in definition.secondary])
    experiment.guardrail_metrics.set([metrics[key] for key in definition.guardrails])
    Variant.objects.using(using).bulk_create(
        Variant(
            experiment=experiment,
            key=key,
            name=name,
            is_control=is_control,
            config=config,
            weight=1 / len(definition.variants),
            position=position,
        )
        for position, (key, name, is_control, config) in enumerate(definition.variants)
    )
    return experiment
