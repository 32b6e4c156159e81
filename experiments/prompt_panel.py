"""A prompt version's online record, on its admin page: the experiments whose variants used it.

``llm`` may not import ``experiments``, so this panel is registered with
``llm.admin_extensions.register_version_panel`` in ``ExperimentsConfig.ready``. A variant uses the
version it was pinned to when its experiment started (``Variant.prompt_version``). Variants of
experiments started before versions were pinned have only their config,
``{"prompt_label": "candidate"}``, of the prompt their experiment names; for them the version is
the one the label pointed at while the experiment ran, from the label's move history
(``llm.registry.label_periods``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import HttpRequest
from django.template.loader import render_to_string

from llm.models import PromptVersion
from llm.registry import LabelPeriod, label_periods

from .models import Experiment, ResultSnapshot, Variant
from .results import ExperimentResults, MetricResult, UnreadableResults


@dataclass
class VariantRow:
    variant: Variant
    exposed: int
    used_here: bool  # this variant's label pointed at the version while the experiment ran


@dataclass
class ExperimentRow:
    experiment: Experiment
    variants: list[VariantRow]
    snapshot: ResultSnapshot | None = None
    primary: MetricResult | None = None  # the primary metric in the latest results


def _latest_results(experiment: Experiment) -> tuple[ResultSnapshot | None, MetricResult | None]:
    snapshot = ResultSnapshot.objects.latest_for(experiment)
    if snapshot is None:
        return None, None
    try:
        return snapshot, ExperimentResults.from_json(snapshot.results).primary
    except UnreadableResults:  # stored by an older version of the results code
        return snapshot, None


def _used_here(variant: Variant, version: PromptVersion, periods: list[LabelPeriod]) -> bool:
    if variant.prompt_version_id is not None:  # pinned when it started: what its units got
        return variant.prompt_version_id == version.pk
    config = variant.config if isinstance(variant.config, dict) else {}
    experiment = variant.experiment
    if experiment.prompt_name and experiment.prompt_name != version.prompt.name:
        return False
    assert experiment.started_at is not None
    return any(
        period.label == config.get("prompt_label")
        and period.overlaps(experiment.started_at, experiment.ended_at)
        for period in periods
    )


def experiments_using(version: PromptVersion) -> list[ExperimentRow]:
    """The started experiments with a variant that used ``version``, newest first, with every
    variant's exposed units."""
    periods = label_periods(version)
    candidates = Variant.objects.filter(
        Q(prompt_version=version)
        | Q(
            prompt_version__isnull=True,
            config__prompt_label__in=sorted({period.label for period in periods}),
        ),
        experiment__started_at__isnull=False,
    ).select_related("experiment")
    used = {
        variant.pk: variant.experiment_id
        for variant in candidates
        if _used_here(variant, version, periods)
    }
    experiments = (
        Experiment.objects.filter(pk__in=set(used.values()))
        .prefetch_related("variants")
        .order_by("-started_at")
    )
    exposed = dict(
        Variant.objects.filter(experiment__in=experiments)
        .annotate(units=Count("exposures"))
        .values_list("pk", "units")
    )
    return [
        ExperimentRow(
            experiment,
            [
                VariantRow(variant, exposed.get(variant.pk, 0), variant.pk in used)
                for variant in experiment.variants.all()
            ],
            *_latest_results(experiment),
        )
        for experiment in experiments
    ]


def prompt_version_panel(request: HttpRequest, version: PromptVersion) -> str:
    """The panel's HTML, for staff who may see experiments."""
    if not request.user.has_perm("experiments.view_experiment"):
        return ""
    return render_to_string(
        "admin/experiments/prompt_version_panel.html",
        {"version": version, "rows": experiments_using(version)},
        request=request,
    )
