"""The evaluation in Django's admin: datasets and their cases, runs, a run's page, comparison.

Cases are editable while their dataset version has no runs; after that they are what runs were
scored on, and a change is a new version (``load_eval_dataset --replace``). Runs are started
from the shell (``run_eval``) and read here: progress, figures, cases, and two runs side by side.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from .. import features
from . import datasets
from .figures import Figure
from .models import EvalCase, EvalDataset, EvalResult, EvalRun
from .services import cancel_run, refresh_content_hash
from .summary import JUDGE_ACCOUNTING, deltas, figure_rows

RESULTS_PER_PAGE = 100


def _frozen(dataset: EvalDataset | None) -> bool:
    """A dataset version that has runs keeps its cases as they were scored."""
    return dataset is not None and dataset.runs.exists()


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _pretty(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=2)


class EvalCaseInline(admin.TabularInline):
    model = EvalCase
    fields = ("position", "text", "expected_compact", "tags")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("position",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # cases are added on their own page, with their input and expectation

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="expected")
    def expected_compact(self, obj: EvalCase) -> str:
        return _compact(obj.expected)


@admin.register(EvalDataset)
class EvalDatasetAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "prompt",
        "is_holdout",
        "case_count",
        "run_count",
        "source_path",
        "created_at",
    )
    list_filter = ("prompt", "is_holdout")
    search_fields = ("name", "description")
    fields = (
        "name",
        "version",
        "prompt",
        "is_holdout",
        "description",
        "source_path",
        "content_hash",
        "pretty_shared_input",
        "created_at",
    )
    readonly_fields = tuple(field for field in fields if field != "description")
    inlines = [EvalCaseInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[EvalDataset]:
        return (
            super()
            .get_queryset(request)
            .select_related("prompt")
            .annotate(_cases=Count("cases", distinct=True), _runs=Count("runs", distinct=True))
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # datasets come from files: manage.py load_eval_dataset

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_delete_permission(request, obj)

    @admin.display(description="cases", ordering="_cases")
    def case_count(self, obj: EvalDataset) -> int:
        return obj._cases  # type: ignore[attr-defined]

    @admin.display(description="runs", ordering="_runs")
    def run_count(self, obj: EvalDataset) -> str:
        count = obj._runs  # type: ignore[attr-defined]
        url = reverse("admin:llm_evalrun_changelist") + f"?dataset__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, count)

    @admin.display(description="shared input")
    def pretty_shared_input(self, obj: EvalDataset) -> str:
        return format_html("<pre>{}</pre>", _pretty(obj.shared_input))


class EvalCaseForm(forms.ModelForm):
    """A case checked as a line of a dataset file is."""

    class Meta:
        model = EvalCase
        fields = ("dataset", "position", "input", "expected", "tags")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Django's JSON field parses NaN and Infinity, which Postgres then refuses to store.
        for name in ("input", "expected", "tags"):
            problem = datasets.json_value_problem(cleaned.get(name))
            if problem:
                self.add_error(name, problem)
        dataset = cleaned.get("dataset")
        if dataset is None or self.errors:
            return cleaned
        if _frozen(dataset):
            raise forms.ValidationError(
                f"{dataset} has runs: its cases stay as they were scored. Change the file and "
                "load it with --replace to make a new version."
            )
        feature = features.find(dataset.prompt.name)
        if feature is None:
            raise forms.ValidationError(f"{dataset.prompt} is no AI feature's prompt")
        problems = datasets.check_case(
            {"input": cleaned["input"], "expected": cleaned["expected"], "tags": cleaned["tags"]},
            feature=feature,
            site_input=feature.current_site_input(),
            shared_input=dataset.shared_input,
        )
        if problems:
            raise forms.ValidationError(problems)
        return cleaned


@admin.register(EvalCase)
class EvalCaseAdmin(admin.ModelAdmin):
    form = EvalCaseForm
    list_display = ("__str__", "text", "expected_answer", "tags")
    list_filter = ("dataset",)
    list_select_related = ("dataset",)
    search_fields = ("input", "expected")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        frozen = obj is not None and _frozen(obj.dataset)
        return not frozen and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        frozen = obj is not None and _frozen(obj.dataset)
        return not frozen and super().has_delete_permission(request, obj)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = dict(super().get_changeform_initial_data(request))
        dataset_id = _int(str(initial.get("dataset", "")))
        if dataset_id is not None:
            last = EvalCase.objects.filter(dataset_id=dataset_id).aggregate(last=Max("position"))
            initial["position"] = (last["last"] or 0) + 1
        return initial

    def save_model(self, request: HttpRequest, obj: EvalCase, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        refresh_content_hash(obj.dataset)

    def delete_model(self, request: HttpRequest, obj: EvalCase) -> None:
        dataset = obj.dataset
        super().delete_model(request, obj)
        refresh_content_hash(dataset)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[EvalCase]) -> None:
        touched = set(EvalDataset.objects.filter(cases__in=queryset))
        if any(_frozen(dataset) for dataset in touched):
            raise PermissionDenied
        super().delete_queryset(request, queryset)
        for dataset in touched:
            refresh_content_hash(dataset)

    @admin.display(description="expected")
    def expected_answer(self, obj: EvalCase) -> str:
        """What the case expects, in short: its first stated values."""
        stated = [(key, value) for key, value in obj.expected.items() if key != "note"]
        text = ", ".join(f"{key} {json.dumps(value, ensure_ascii=False)}" for key, value in stated)
        return text if len(text) <= 80 else text[:79] + "…"


def _rate(value: Any) -> str:
    return "–" if value is None else f"{value:.3f}"


@admin.register(EvalRun)
class EvalRunAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "status",
        "progress",
        "accuracy",
        "pass_rate",
        "f1",
        "latency_p50",
        "cost",
        "provider_model",
        "created_at",
    )
    list_filter = ("status", "dataset", "prompt_version__prompt", "provider", "is_holdout")
    list_select_related = ("dataset", "prompt_version__prompt")
    actions = ["compare_two", "cancel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # runs are started from the shell: manage.py run_eval

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a run is a record of what happened

    @admin.display(description="progress")
    def progress(self, obj: EvalRun) -> str:
        return format_html(
            '<progress max="100" value="{}"></progress> {}%', obj.progress_percent,
            obj.progress_percent,
        )  # fmt: skip

    @admin.display(description="accuracy")
    def accuracy(self, obj: EvalRun) -> str:
        return _rate(obj.accuracy)

    @admin.display(description="pass rate")
    def pass_rate(self, obj: EvalRun) -> str:
        return _rate(obj.figure("pass_rate"))

    @admin.display(description="F1")
    def f1(self, obj: EvalRun) -> str:
        return _rate(obj.f1)

    @admin.display(description="p50")
    def latency_p50(self, obj: EvalRun) -> str:
        value = obj.figure("latency_p50_ms")
        if value is None:
            return "–"
        return f"{value:.1f} ms" if value < 10 else f"{value:,.0f} ms"

    @admin.display(description="cost")
    def cost(self, obj: EvalRun) -> str:
        value = obj.figure("cost_usd")
        return "–" if value is None else f"${value:,.4f}"

    @admin.display(description="provider")
    def provider_model(self, obj: EvalRun) -> str:
        return f"{obj.provider} {obj.model}".strip()

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "compare/",
                self.admin_site.admin_view(self.compare_view),
                name="llm_evalrun_compare",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """A run's page: its figures, its breakdown by tag and its cases."""
        run = self.get_object(request, object_id)
        if run is None:
            raise Http404(f"There is no evaluation run {object_id}.")
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        show = request.GET.get("show", "all")
        results = (
            run.results.select_related("case", "call")
            .order_by("case__position")
            .filter(**RESULT_FILTERS.get(show, {}))
        )
        page = Paginator(results, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(run),
            "run": run,
            "figures": figure_rows(run.summary, _own_figures(run)),
            "part_figures": [
                (key.removesuffix("_accuracy"), name, value)
                for key, parts in run.summary.items()
                if key.endswith("_accuracy") and isinstance(parts, dict)
                for name, value in parts.items()
            ],
            "accuracy_label": run.accuracy_figure.replace("_", " ") or "accuracy",
            "page": page,
            "show": show,
            "filters": RESULT_FILTER_LABELS.items(),
            "rows": [ResultView(result) for result in page],
        }
        return TemplateResponse(request, "admin/llm/evalrun/detail.html", context)

    def compare_view(self, request: HttpRequest) -> HttpResponse:
        """Two runs of one dataset side by side: the figures' deltas, then case by case, the
        cases whose outcome changed first."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        runs = EvalRun.objects.select_related("dataset", "prompt_version__prompt")
        before, after = (
            runs.filter(pk=pk).first() if (pk := _int(request.GET.get(key))) is not None else None
            for key in ("a", "b")
        )
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Compare evaluation runs",
            "before": before,
            "after": after,
        }
        if before is None or after is None:
            context["problem"] = (
                "Pick two runs in the list and use “Compare the two selected runs”."
            )
        elif before.dataset_id != after.dataset_id:
            context["problem"] = (
                f"{before} and {after} ran on different datasets: compare runs of one dataset "
                "version, case by case."
            )
        else:
            groups = compare_cases(before, after)
            context.update(
                deltas=deltas(before.summary, after.summary, _own_figures(after)),
                groups=groups,
                changed=sum(len(group.rows) for group in groups if group.changed),
                same_site_input=before.site_input_hash == after.site_input_hash,
            )
        return TemplateResponse(request, "admin/llm/evalrun/compare.html", context)

    @admin.action(description="Compare the two selected runs")
    def compare_two(self, request: HttpRequest, queryset: QuerySet[EvalRun]) -> HttpResponse | None:
        runs = list(queryset.order_by("created_at", "id")[:3])
        if len(runs) != 2:
            self.message_user(request, "Select exactly two runs.", messages.WARNING)
            return None
        url = reverse("admin:llm_evalrun_compare")
        return HttpResponseRedirect(f"{url}?a={runs[0].pk}&b={runs[1].pk}")

    @admin.action(description="Cancel the selected runs")
    def cancel(self, request: HttpRequest, queryset: QuerySet[EvalRun]) -> None:
        if not request.user.has_perm("llm.change_evalrun"):
            raise PermissionDenied
        cancelled = sum(cancel_run(run) for run in queryset)
        self.message_user(request, f"Cancelled {cancelled} runs; their finished cases are kept.")


def _own_figures(run: EvalRun) -> tuple[Figure, ...]:
    """The figures the run's feature names (shown first, with its labels)."""
    feature = features.find(run.prompt_version.prompt.name)
    return feature.figures if feature is not None else ()


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


RESULT_FILTERS: dict[str, dict[str, Any]] = {
    "all": {},
    "failed": {"status": EvalResult.Status.FAILED},
    "not-passed": {"passed": False, "status__in": [EvalResult.Status.OK, EvalResult.Status.FAILED]},
    "passed": {"passed": True},
}
RESULT_FILTER_LABELS = {
    "all": "All",
    "not-passed": "Not passed",
    "failed": "Failed calls",
    "passed": "Passed",
}


class ResultView:
    """One result as a row of the run's page or the comparison."""

    def __init__(self, result: EvalResult | None) -> None:
        self.result = result

    @property
    def outcome(self) -> str:
        result = self.result
        if result is None or result.status not in (EvalResult.Status.OK, EvalResult.Status.FAILED):
            return "not run"
        if result.status == EvalResult.Status.FAILED:
            return f"failed: {result.error_kind}"
        return "passed" if result.passed else "not passed"

    @property
    def answer(self) -> str:
        result = self.result
        if result is None:
            return ""
        if result.output is None:
            return result.error
        return _pretty(result.output)

    @property
    def score_line(self) -> str:
        """The scores that explain the outcome, in a line: what was right or wrong, the F1s, the
        parts that were wrong, the judge's grades."""
        scores = self.result.scores if self.result else {}
        # In a fixed order (right or wrong, then F1s, then wrong parts; by name within each), as
        # Postgres keeps a JSON object's keys in an order of its own.
        checks, f1s, wrongs = [], [], []
        for name, value in sorted(scores.items()):
            if name == "passed":
                continue
            if isinstance(value, bool):
                checks.append(f"{name} {'✓' if value else '✗'}")
            elif name.endswith("_f1") and isinstance(value, int | float):
                f1s.append(f"{name.removesuffix('_f1')} F1 {value:.2f}")
            elif (
                isinstance(value, dict)
                and value
                and all(isinstance(v, bool) for v in value.values())
            ):
                wrong = [part for part, right in sorted(value.items()) if not right]
                if wrong:
                    wrongs.append(f"wrong: {', '.join(wrong)}")
        parts = checks + f1s + wrongs
        grades = {
            name: value
            for name, value in (scores.get("judge") or {}).items()
            if name not in JUDGE_ACCOUNTING
            and isinstance(value, int)
            and "error" not in scores["judge"]
        }
        if grades:
            parts.append(f"judge {'/'.join(str(value) for value in grades.values())}")
        return " · ".join(parts)


@dataclass
class CaseRow:
    case: EvalCase
    before: ResultView
    after: ResultView

    @property
    def expected(self) -> str:
        return _pretty(self.case.expected)

    @property
    def sides(self) -> tuple[ResultView, ResultView]:
        return self.before, self.after


@dataclass
class CaseGroup:
    title: str
    changed: bool  # the outcome changed
    folded: bool  # nothing to see: shown folded
    rows: list[CaseRow]


def compare_cases(before: EvalRun, after: EvalRun) -> list[CaseGroup]:
    """The dataset's cases in four groups: passed → not passed (regressions), not passed →
    passed, the same outcome with another answer, and the same answer."""
    results = {
        (result.run_id, result.case_id): result
        for result in EvalResult.objects.filter(run__in=[before, after])
    }
    groups = {
        "worse": CaseGroup("Passed before, not after", changed=True, folded=False, rows=[]),
        "better": CaseGroup("Not passed before, passed after", changed=True, folded=False, rows=[]),
        "other": CaseGroup("Same outcome, another answer", changed=False, folded=False, rows=[]),
        "same": CaseGroup("Same answer", changed=False, folded=True, rows=[]),
    }
    for case in before.dataset.cases.order_by("position"):
        old, new = results.get((before.pk, case.pk)), results.get((after.pk, case.pk))
        row = CaseRow(case, ResultView(old), ResultView(new))
        old_passed, new_passed = bool(old and old.passed), bool(new and new.passed)
        if old_passed and not new_passed:
            key = "worse"
        elif new_passed and not old_passed:
            key = "better"
        elif (old and old.output) != (new and new.output) or row.before.outcome != (
            row.after.outcome
        ):
            key = "other"
        else:
            key = "same"
        groups[key].rows.append(row)
    return list(groups.values())
