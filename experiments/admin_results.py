"""The experiment's results and conclusion pages in the admin.

``ExperimentAdmin.get_urls`` routes three views here: the results page (anyone who may view the
experiment), and two writes for those who may change it: "Refresh results" (POST) and the
conclusion form. The page shows the latest ``ResultSnapshot`` as it was stored; it computes
nothing but the presentation, so it is fast whatever the traffic and never fails on a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from . import charts, services, tasks, verdicts
from .models import Experiment, Metric, ResultSnapshot, Variant
from .results import (
    ArmResult,
    ExperimentResults,
    MetricResult,
    UnreadableResults,
    lift_by_day,
    stats_from_json,
)
from .stats import SRM_ALPHA

# --- What the page shows ------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One variant's line in a metric's table, every number already in words."""

    name: str
    is_control: bool
    units: str
    mean: str
    lift: str
    interval: str
    p_value: str
    adjusted_p_value: str
    chance_to_win: str
    risk: str
    verdict: str
    tone: str  # good, bad or neutral: the colour of the verdict
    guardrail_alarm: bool
    wrong_way: bool


@dataclass(frozen=True)
class Table:
    metric: MetricResult
    kind: str
    direction: str
    rows: list[Row]
    variance_reduction: str = ""  # CUPED's, in words


@dataclass(frozen=True)
class Progress:
    required: str
    units: str
    percent: int
    additional: str


def tone(arm: ArmResult) -> str:
    if not arm.significant:
        return "neutral"
    return "bad" if arm.wrong_way else "good"


def table(metric: MetricResult) -> Table:
    rows = []
    reduction = metric.variance_reduction
    for arm in metric.arms:
        relative = arm.relative
        comparison = arm.comparison
        rows.append(
            Row(
                name=arm.name,
                is_control=arm.is_control,
                units=f"{arm.stats.n:,}",
                mean=verdicts.mean(arm.mean, is_rate=metric.is_rate),
                lift=verdicts.lift(relative) if relative else "",
                interval=verdicts.bounds(relative) if relative else "",
                p_value=verdicts.p_value(relative.p_value) if relative else "",
                adjusted_p_value=(
                    verdicts.p_value(arm.adjusted_p_value)
                    if arm.adjusted_p_value is not None
                    else ""
                ),
                chance_to_win=(
                    verdicts.chance(comparison.chance_to_win)
                    if comparison and comparison.enough_data
                    else ""
                ),
                risk=(
                    f"{verdicts.percent(comparison.risk[1], 2)} "
                    f"(control {verdicts.percent(comparison.risk[0], 2)})"
                    if comparison and comparison.risk
                    else ""
                ),
                verdict=arm.verdict,
                tone=tone(arm),
                guardrail_alarm=arm.guardrail_alarm,
                wrong_way=arm.wrong_way,
            )
        )
    return Table(
        metric=metric,
        kind=Metric.Kind(metric.kind).label,
        direction=Metric.Direction(metric.direction).label,
        rows=rows,
        variance_reduction=(
            f"CUPED removed {verdicts.percent(reduction, 0)} of the variance of the effect, "
            "with what each unit did before its exposure."
            if reduction is not None
            else ""
        ),
    )


# How each setting reads the results, in the words the page says them.
METHOD_NOTES = {
    "fixed": (
        "Frequentist, fixed horizon: Welch's t-test, valid when read once, at the planned sample "
        "size. Before it, a significant result is shown as “too early”: stopping at the first "
        "p < alpha of a daily read finds a false winner about one time in five."
    ),
    "sequential": (
        "Frequentist, sequential: always-valid intervals (GrowthBook's, tuned for {tuning} units), "
        "so the result may be read and acted on at any refresh; the price is wider intervals."
    ),
    "bayesian": (
        "Bayesian (flat prior): the chance that the treatment is better, a credible interval of "
        "the lift, and the risk: the expected loss, in lift, of shipping it if it is in fact worse."
    ),
}
CORRECTION_NOTES = {
    "holm": (
        "p-values adjusted with Holm–Bonferroni over the {count} comparison{s} of the primary and "
        "secondary metrics: the chance of any false finding among them stays at alpha."
    ),
    "bh": (
        "p-values adjusted with Benjamini–Hochberg over the {count} comparison{s} of the primary "
        "and secondary metrics: the expected share of false findings among them stays at alpha."
    ),
}


def reading_notes(results: ExperimentResults) -> list[str]:
    """How these results were read, a sentence per choice (the experiment's settings)."""
    notes = [METHOD_NOTES[results.method].format(tuning=f"{results.sequential_tuning:,}")]
    if results.correction in CORRECTION_NOTES:
        if results.method == "bayesian":
            notes.append("No multiple-comparison correction: a Bayesian result has no p-value.")
        else:
            count = sum(len(m.treatments) for m in results.metrics if m.role != "guardrail")
            notes.append(
                CORRECTION_NOTES[results.correction].format(
                    count=count, s="" if count == 1 else "s"
                )
            )
    if results.cuped:
        notes.append(
            "CUPED: each metric is adjusted with the unit's own value of it in the days before "
            "its exposure, which removes noise that has nothing to do with the variant."
        )
    return notes


def progress(metric: MetricResult | None) -> Progress | None:
    if metric is None or not metric.required_units_per_variant:
        return None
    required = metric.required_units_per_variant
    additional = max(0, required - metric.units_per_variant)
    return Progress(
        required=f"{required:,}",
        units=f"{metric.units_per_variant:,}",
        percent=min(100, int(100 * metric.units_per_variant / required)),
        additional=verdicts.about(additional),
    )


def forest(results: ExperimentResults) -> SafeString:
    rows = []
    for metric in results.metrics:
        for arm in metric.treatments:
            relative = arm.relative
            label = metric.name if len(metric.treatments) == 1 else f"{metric.name} · {arm.name}"
            rows.append(
                charts.Interval(
                    label=label,
                    estimate=relative.estimate if relative else None,
                    low=relative.ci_low if relative else None,
                    high=relative.ci_high if relative else None,
                    tone=tone(arm),
                    note=arm.verdict if relative else "not enough data",
                    value_text=verdicts.lift(relative) if relative else "",
                )
            )
    level = verdicts.interval_name(results.alpha, results.method)
    return charts.forest_plot(rows, title=f"Relative lift of each metric, with its {level}")


def lift_chart(experiment: Experiment, results: ExperimentResults) -> SafeString | None:
    primary = results.primary
    if primary is None:
        return None
    days = [(row.day, stats_from_json(row.stats)) for row in experiment.daily.order_by("day")]
    today = timezone.localdate(results.window_end)
    points = lift_by_day(results, primary.metric_id, days, today=today)
    series = [
        (
            arm.name,
            [
                charts.DayPoint(
                    p.day,
                    p.relative.estimate if p.relative else None,
                    p.relative.ci_low if p.relative else None,
                    p.relative.ci_high if p.relative else None,
                )
                for p in points
                if p.variant_key == arm.key
            ],
        )
        for arm in primary.treatments
    ]
    level = verdicts.interval_name(results.alpha, results.method)
    return charts.lift_over_time(
        series, title=f"Cumulative lift of {primary.name} by day, with its {level}"
    )


def results_context(experiment: Experiment) -> dict[str, Any]:
    """Everything the results page shows of the latest snapshot, or why there is nothing."""
    snapshot = ResultSnapshot.objects.latest_for(experiment)
    context: dict[str, Any] = {"snapshot": snapshot, "results": None, "unreadable": None}
    if snapshot is None:
        return context
    try:
        results = ExperimentResults.from_json(snapshot.results)
    except UnreadableResults as error:
        context["unreadable"] = str(error)
        return context
    context.update(
        results=results,
        srm_p_value=(
            verdicts.p_value(results.srm_p_value) if results.srm_p_value is not None else None
        ),
        srm_threshold=f"{SRM_ALPHA:g}",
        interval_name=verdicts.interval_name(results.alpha, results.method),
        reading_notes=reading_notes(results),
        tables=[table(metric) for metric in results.metrics],
        progress=progress(results.primary),
        forest=forest(results) if results.metrics else None,
        lift_chart=lift_chart(experiment, results),
        guardrail_alarms=[m.name for m in results.metrics if m.guardrail_alarm],
        simulated_history=(
            experiment.changes.filter(summary__startswith=services.SIMULATED_HISTORY_NOTE).first()
            if results.has_simulated_data
            else None
        ),
    )
    return context


# --- Breakdowns ---------------------------------------------------------------------------------

BREAKDOWNS = {"device": "device", "visitor": "new or returning visitor", "category": "category"}


@dataclass(frozen=True)
class Slice:
    value: str
    rows: list[Row]


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    label: str
    metric: str
    slices: list[Slice]
    comparisons: int


def breakdown(experiment: Experiment, results: ExperimentResults, dimension: str) -> Breakdown:
    """The primary metric per value of one exposure dimension, computed now over the same
    window as the snapshot (one aggregate), read with the experiment's own method."""
    from .analysis import sufficient_stats_by
    from .results import Role, results_from_stats

    metric = experiment.primary_metric
    if metric is None:
        raise ValueError("This experiment has no primary metric to break down.")
    variants = list(experiment.variants.order_by("position", "id"))
    by_value = sufficient_stats_by(experiment, [metric], dimension, until=results.window_end)
    slices = []
    for value, stats in by_value.items():
        sliced = results_from_stats(
            experiment,
            variants,
            [(metric, Role.PRIMARY)],
            stats,
            computed_at=results.computed_at,
            window_end=results.window_end,
        )
        if sliced.primary is not None:
            slices.append(Slice(value=value, rows=table(sliced.primary).rows))
    return Breakdown(
        dimension=dimension,
        label=BREAKDOWNS[dimension],
        metric=metric.name,
        slices=slices,
        comparisons=sum(len(s.rows) - 1 for s in slices),
    )


# --- Views --------------------------------------------------------------------------------------


def _experiment(model_admin: ModelAdmin, request: HttpRequest, object_id: str) -> Experiment:
    # Not model_admin.get_object: the changelist's queryset counts every exposure.
    if not object_id.isdigit():
        raise Http404("No such experiment.")
    experiment = get_object_or_404(Experiment, pk=int(object_id))
    if not model_admin.has_view_permission(request, experiment):
        raise PermissionDenied
    return experiment


def _results_url(experiment: Experiment) -> str:
    return reverse("admin:experiments_experiment_results", args=[experiment.pk])


def _page(
    model_admin: ModelAdmin, request: HttpRequest, experiment: Experiment, title: str
) -> dict[str, Any]:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": Experiment._meta,
        "original": experiment,
        "experiment": experiment,
        "title": title,
        "subtitle": experiment.name,
        "can_change": model_admin.has_change_permission(request, experiment),
        "can_conclude": (
            _can_conclude(experiment) and model_admin.has_change_permission(request, experiment)
        ),
        "results_url": _results_url(experiment),
        "design": verdicts.design(
            experiment.minimum_detectable_effect, experiment.alpha, experiment.power
        ),
        "variants": experiment.variants.select_related("prompt_version__prompt").order_by(
            "position", "id"
        ),
        "iterations": Experiment.objects.on_feature(experiment.feature)
        .exclude(pk=experiment.pk)
        .order_by("iteration"),
        "pauses": experiment.pauses.all(),
    }


def results_view(request: HttpRequest, object_id: str, model_admin: ModelAdmin) -> HttpResponse:
    experiment = _experiment(model_admin, request, object_id)
    context = _page(model_admin, request, experiment, f"Results: {experiment.name}")
    context.update(results_context(experiment))
    context["breakdowns"] = BREAKDOWNS
    dimension = request.GET.get("breakdown", "")
    if dimension:
        if dimension not in BREAKDOWNS:
            messages.error(
                request,
                f"No breakdown by “{dimension[:40]}”: choose device, visitor or category.",
            )
        elif context.get("results") is not None and experiment.primary_metric is not None:
            context["breakdown"] = breakdown(experiment, context["results"], dimension)
    return TemplateResponse(request, "admin/experiments/experiment/results.html", context)


@require_POST
def refresh_view(request: HttpRequest, object_id: str, model_admin: ModelAdmin) -> HttpResponse:
    experiment = _experiment(model_admin, request, object_id)
    if not model_admin.has_change_permission(request, experiment):
        raise PermissionDenied
    snapshot = refresh_now(experiment)
    units = ExperimentResults.from_json(snapshot.results).units
    messages.success(request, f"Results refreshed: {units:,} exposed units so far.")
    return HttpResponseRedirect(_results_url(experiment))


def refresh_now(experiment: Experiment) -> ResultSnapshot:
    """The results now (one aggregate, in the request), and the chart's missing days in the
    background: the first refresh of a long experiment would otherwise backfill one aggregate per
    day while the person waits. (Tasks run in the request when Celery is eager.)"""
    snapshot = services.refresh_results(experiment, with_days=False)
    tasks.store_daily_results.delay(experiment.pk)
    return snapshot


def variant_label(variant: Variant) -> str:
    """ "Candidate prompt (treatment, listing_assistant@2)": what a person ships, in words."""
    details = [variant.key, *([str(variant.prompt_version)] if variant.prompt_version_id else [])]
    return f"{variant.name} ({', '.join(details)})"


class VariantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return variant_label(obj)


class ConclusionForm(forms.Form):
    decision = forms.ChoiceField(choices=Experiment.Decision.choices, widget=forms.RadioSelect)
    shipped_variant = VariantChoiceField(
        queryset=Variant.objects.none(),
        required=False,
        empty_label="(none)",
        help_text="The variant everyone gets from now on. Needed to ship; control otherwise.",
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text="Why: the numbers you read, the guardrails, anything that weighed.",
    )

    def __init__(self, *args: Any, experiment: Experiment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["shipped_variant"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = experiment.variants.select_related("prompt_version__prompt").order_by(
            "position", "id"
        )


def _can_conclude(experiment: Experiment) -> bool:
    return experiment.status in (Experiment.Status.RUNNING, Experiment.Status.PAUSED)


def conclude_view(request: HttpRequest, object_id: str, model_admin: ModelAdmin) -> HttpResponse:
    experiment = _experiment(model_admin, request, object_id)
    if not model_admin.has_change_permission(request, experiment):
        raise PermissionDenied
    form = ConclusionForm(request.POST or None, experiment=experiment)
    if request.method == "POST" and not _can_conclude(experiment):
        messages.error(
            request,
            f"{experiment} is {experiment.get_status_display().lower()} already: nothing changed.",
        )
        return HttpResponseRedirect(_results_url(experiment))
    if request.method == "POST" and form.is_valid():
        try:
            services.conclude_experiment(
                experiment,
                decision=form.cleaned_data["decision"],
                shipped_variant=form.cleaned_data["shipped_variant"],
                notes=form.cleaned_data["notes"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{experiment} is concluded.")
            return HttpResponseRedirect(_results_url(experiment))
    context = _page(model_admin, request, experiment, f"Conclude: {experiment.name}")
    context.update(results_context(experiment), form=form)
    return TemplateResponse(request, "admin/experiments/experiment/conclude.html", context)
