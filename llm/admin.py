"""The prompt registry and the call log in Django's admin.

Versions are read-only (they are synced from files); labels move only through the "move" form
or the "point a label" action, both of which record who moved what; calls are a read-only log
with totals for the current filter.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from . import features
from .admin_extensions import version_panels
from .evaluation import admin as evaluation_admin  # noqa: F401  (registers its model admins)
from .evaluation.models import EvalRun
from .evaluation.services import EvaluationError, add_calls_to_dataset, expected_from_call
from .forms import DiffForm, MoveLabelForm, PointLabelForm
from .health import WINDOWS, Health, health, version_health, window
from .models import LLMCall, Prompt, PromptLabel, PromptLabelMove, PromptVersion, Score
from .scores import scales
from .services import move_label


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PromptLabelInline(ReadOnlyInline):
    model = PromptLabel
    fields = ("name", "version", "updated_at")
    readonly_fields = fields


class PromptVersionInline(ReadOnlyInline):
    model = PromptVersion
    fields = ("number", "content_hash", "model", "temperature", "max_tokens", "created_at")
    readonly_fields = fields


@admin.register(Prompt)
class PromptAdmin(admin.ModelAdmin):
    list_display = ("name", "description", "version_count", "label_summary")
    search_fields = ("name", "description")
    readonly_fields = ("name", "description", "created_at")
    inlines = [PromptLabelInline, PromptVersionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Prompt]:
        return (
            super()
            .get_queryset(request)
            .annotate(_versions=Count("versions", distinct=True))
            .prefetch_related("labels__version")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # prompts come from the features' prompt.toml through sync_prompts

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="versions", ordering="_versions")
    def version_count(self, obj: Prompt) -> int:
        return obj._versions  # type: ignore[attr-defined]

    @admin.display(description="labels")
    def label_summary(self, obj: Prompt) -> str:
        return ", ".join(f"{label.name} → v{label.version.number}" for label in obj.labels.all())


def version_text(version: PromptVersion) -> list[str]:
    """Everything that makes a version behave as it does, as lines to diff."""
    settings_lines = [
        f"model = {version.model or '(settings.LLM_MODEL)'}",
        f"temperature = {version.temperature}",
        f"max_tokens = {version.max_tokens}",
        f"input_schema = {version.input_schema}",
        f"output_schema = {version.output_schema}",
    ]
    schema = json.dumps(version.output_json_schema, indent=2, sort_keys=True)
    return [
        *settings_lines,
        "",
        "[system]",
        *version.system_template.strip("\n").splitlines(),
        "",
        "[user]",
        *version.user_template.strip("\n").splitlines(),
        "",
        "[output JSON schema]",
        *schema.splitlines(),
    ]


def diff_lines(old: PromptVersion, new: PromptVersion) -> list[tuple[str, str]]:
    """(css class, line) of a unified diff with three lines of context."""
    lines = []
    for line in difflib.unified_diff(
        version_text(old), version_text(new), str(old), str(new), lineterm="", n=3
    ):
        if line.startswith(("---", "+++")):
            kind = "header"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "added"
        elif line.startswith("-"):
            kind = "removed"
        else:
            kind = "context"
        lines.append((kind, line))
    return lines


COMPARED_LABELS = ("production", "candidate")
MAX_TRACE_STEPS = 200


@dataclass
class HealthColumn:
    """One version's production figures, as a column of the version page's health table."""

    version: PromptVersion
    heading: str
    health: Health

    @property
    def calls_url(self) -> str:
        url = reverse("admin:llm_llmcall_changelist")
        return f"{url}?prompt_version__id__exact={self.version.pk}"

    scores: dict[str, dict[str, Any]] = field(default_factory=dict)

    def worst_calls_url(self, name: str) -> str:
        """The call log of this version, its calls with score ``name`` lowest first."""
        return f"{self.calls_url}&score={name}"

    @property
    def input_tokens_per_call(self) -> float | None:
        return self.health.per_call(self.health.input_tokens)

    @property
    def output_tokens_per_call(self) -> float | None:
        return self.health.per_call(self.health.output_tokens)

    @property
    def cost_per_call(self) -> float | None:
        return self.health.cost_per_call

    @property
    def calls_per_day(self) -> float | None:
        return self.health.per_day(self.health.calls)

    @property
    def tokens_per_day(self) -> float | None:
        return self.health.per_day(self.health.tokens)

    @property
    def cost_per_day(self) -> float | None:
        return self.health.per_day(self.health.cost)


def window_days(request: HttpRequest) -> int:
    """The health window the page asks for (``?days=``), one of ``WINDOWS``."""
    asked = request.GET.get("days", "")
    return int(asked) if asked.isdigit() and int(asked) in WINDOWS else WINDOWS[0]


def health_columns(version: PromptVersion, days: int) -> list[HealthColumn]:
    """This version's figures, then those of the versions labelled production and candidate
    (each once: a version that is this one, or both, is not repeated)."""
    headings: dict[int, list[str]] = {version.pk: ["this version"]}
    versions = {version.pk: version}
    for label in (
        PromptLabel.objects.filter(prompt_id=version.prompt_id, name__in=COMPARED_LABELS)
        .select_related("version__prompt")
        .order_by("name")
    ):
        headings.setdefault(label.version_id, []).append(label.name)
        versions.setdefault(label.version_id, label.version)
    since, until = window(days)
    columns = []
    for pk, names in headings.items():
        title = f"{versions[pk]} ({', '.join(names)})"
        scores = Score.objects.filter(
            call__prompt_version_id=pk, call__created_at__gte=since, call__created_at__lt=until
        ).aggregates()
        columns.append(
            HealthColumn(versions[pk], title, version_health(pk, days=days), scores=scores)
        )
    return columns


def score_rows(columns: list[HealthColumn]) -> list[tuple[str, list[tuple[Any, str]]]]:
    """(score name, [(each column's aggregate or None, its worst calls' URL)]) for every score
    any column has."""
    names = sorted({name for column in columns for name in column.scores})
    return [
        (name, [(column.scores.get(name), column.worst_calls_url(name)) for column in columns])
        for name in names
    ]


def wrappable(name: str) -> str:
    """``listing_enrichment@1`` as HTML that may wrap after its underscores: a narrow column in
    a list instead of one as wide as the longest name."""
    return format_html_join(mark_safe("_<wbr>"), "{}", ((part,) for part in name.split("_")))


@admin.register(PromptVersion)
class PromptVersionAdmin(admin.ModelAdmin):
    # "listing_assistant@2" names the prompt and the number: no columns of their own, so that the
    # labels (what the walkthrough reads) stay in view at 1280 px beside the filters.
    list_display = ("__str__", "labels_here", "model", "short_hash", "created_at")
    list_filter = ("prompt",)
    list_select_related = ("prompt",)
    search_fields = ("prompt__name", "content_hash")
    ordering = ("prompt__name", "-number")
    actions = ["compare_two", "point_label"]
    fields = (
        "prompt",
        "number",
        "content_hash",
        "model",
        "temperature",
        "max_tokens",
        "input_schema",
        "output_schema",
        "system_template",
        "user_template",
        "pretty_schema",
        "source_path",
        "source_text",
        "created_at",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[PromptVersion]:
        return super().get_queryset(request).prefetch_related("labels")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # immutable: new content is a new version

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="labels")
    def labels_here(self, obj: PromptVersion) -> str:
        return ", ".join(label.name for label in obj.labels.all())

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """The version, with its latest evaluation per dataset and what other apps say about
        it online (``llm.admin_extensions``)."""
        version = self.get_object(request, object_id)
        if version is not None and self.has_view_permission(request, version):
            days = window_days(request)
            columns = health_columns(version, days)
            extra_context = {
                **(extra_context or {}),
                "health_days": days,
                "health_windows": WINDOWS,
                "health_columns": columns,
                "score_rows": score_rows(columns),
                "eval_runs": EvalRun.objects.filter(prompt_version=version).latest_per_dataset(),
                "version_panels": version_panels(request, version),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="output JSON schema")
    def pretty_schema(self, obj: PromptVersion) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.output_json_schema, indent=2))

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "diff/", self.admin_site.admin_view(self.diff_view), name="llm_promptversion_diff"
            ),
            *super().get_urls(),
        ]

    def diff_view(self, request: HttpRequest) -> HttpResponse:
        """Two versions side by side as a unified diff of everything that affects behaviour."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = DiffForm(request.GET or None)
        lines: list[tuple[str, str]] = []
        if form.is_valid():
            lines = diff_lines(form.cleaned_data["old"], form.cleaned_data["new"])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Compare prompt versions",
            "form": form,
            "lines": lines,
            "compared": form.is_valid(),
        }
        return TemplateResponse(request, "admin/llm/promptversion/diff.html", context)

    @admin.action(description="Compare the two selected versions")
    def compare_two(
        self, request: HttpRequest, queryset: QuerySet[PromptVersion]
    ) -> HttpResponse | None:
        versions = list(queryset.order_by("prompt__name", "number")[:3])
        if len(versions) != 2:
            self.message_user(request, "Select exactly two versions.", messages.WARNING)
            return None
        url = reverse("admin:llm_promptversion_diff")
        return HttpResponseRedirect(f"{url}?old={versions[0].pk}&new={versions[1].pk}")

    @admin.action(description="Point a label at the selected version")
    def point_label(
        self, request: HttpRequest, queryset: QuerySet[PromptVersion]
    ) -> HttpResponse | None:
        if not request.user.has_perm("llm.change_promptlabel"):
            raise PermissionDenied
        versions = list(queryset.select_related("prompt")[:2])
        if len(versions) != 1:
            self.message_user(request, "Select exactly one version.", messages.WARNING)
            return None
        version = versions[0]
        form = PointLabelForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            moved = move_label(
                version.prompt.name,
                form.cleaned_data["label"],
                version,
                user=request.user,
                note=form.cleaned_data["note"],
            )
            label = f"{version.prompt.name}:{form.cleaned_data['label']}"
            if moved is None:
                self.message_user(request, f"{label} already points at {version}.")
            else:
                self.message_user(request, f"{label} now points at {version}.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Point a label at {version}",
            "form": form,
            "version": version,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/llm/promptversion/point_label.html", context)


class PromptLabelMoveInline(ReadOnlyInline):
    model = PromptLabelMove
    fields = ("moved_at", "from_version", "to_version", "moved_by", "note")
    readonly_fields = fields
    show_change_link = False


@admin.register(PromptLabel)
class PromptLabelAdmin(admin.ModelAdmin):
    list_display = ("__str__", "prompt", "name", "version", "updated_at", "move_link")
    list_filter = ("prompt", "name")
    list_select_related = ("prompt", "version__prompt")
    readonly_fields = ("prompt", "name", "version", "updated_at")
    inlines = [PromptLabelMoveInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a new label is pointed from a version ("Point a label" action)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # labels move through move_view, which records the move

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # code resolves labels; removing one would break it at run time

    @admin.display(description="")
    def move_link(self, obj: PromptLabel) -> str:
        url = reverse("admin:llm_promptlabel_move", args=[obj.pk])
        return format_html('<a class="button" href="{}">Move</a>', url)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/move/",
                self.admin_site.admin_view(self.move_view),
                name="llm_promptlabel_move",
            ),
            *super().get_urls(),
        ]

    def move_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm("llm.change_promptlabel"):
            raise PermissionDenied
        label = get_object_or_404(PromptLabel.objects.select_related("prompt", "version"), pk=pk)
        form = MoveLabelForm(
            request.POST or None, prompt=label.prompt, initial={"version": label.version}
        )
        if request.method == "POST" and form.is_valid():
            moved = move_label(
                label.prompt.name,
                label.name,
                form.cleaned_data["version"],
                user=request.user,
                note=form.cleaned_data["note"],
            )
            if moved is None:
                self.message_user(request, f"{label} already points at that version.")
            else:
                self.message_user(
                    request, f"{label} moved from {moved.from_version} to {moved.to_version}."
                )
            return HttpResponseRedirect(reverse("admin:llm_promptlabel_change", args=[label.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Move {label}",
            "label": label,
            "form": form,
            "moves": label.moves.select_related("from_version", "to_version", "moved_by")[:20],
        }
        return TemplateResponse(request, "admin/llm/promptlabel/move.html", context)


class ScoreFilter(admin.SimpleListFilter):
    """Calls with a given score, the lowest first: where to look for what went wrong."""

    title = "score (lowest first)"
    parameter_name = "score"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(name, name) for name in sorted(scales())]

    def queryset(self, request: HttpRequest, queryset: QuerySet[LLMCall]) -> QuerySet[LLMCall]:
        if not self.value():
            return queryset
        # LLMCallAdmin.get_queryset annotates each call's lowest score of that name.
        return queryset.filter(Q(score_value__isnull=False))


class ScoreInline(ReadOnlyInline):
    model = Score
    fields = ("name", "value", "source", "comment", "created_by", "created_at")
    readonly_fields = fields
    show_change_link = False


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    """Scores are read on their call's page; staff add one here ("Add a score" on a call),
    checked against its declared range."""

    list_display = ("created_at", "call", "name", "value", "source", "created_by")
    list_filter = ("name", "source")
    list_select_related = ("call__prompt_version__prompt", "created_by")
    raw_id_fields = ("call",)
    fields = ("call", "name", "value", "comment")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a score is what was said then; say it again with a new one

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "name":
            choices = [(name, f"{name} ({scale.minimum:g} to {scale.maximum:g})")
                       for name, scale in sorted(scales().items())]  # fmt: skip
            return forms.ChoiceField(choices=choices, label="Score")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Score, form: Any, change: bool) -> None:
        obj.source = Score.Source.PERSON
        obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    def response_add(
        self, request: HttpRequest, obj: Score, post_url_continue: str | None = None
    ) -> HttpResponse:
        self.message_user(request, f"Added {obj}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:llm_llmcall_change", args=[obj.call_id]))


class AddToDatasetForm(forms.Form):
    """The dataset and, per call, the expected answer (its answer, or a person's correction)."""

    dataset = forms.SlugField(
        max_length=80,
        help_text="A dataset of this prompt (its name: the feature's, or NAME_holdout); a new "
        "name starts a dataset.",
    )

    def __init__(self, *args: Any, calls: list[LLMCall], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls = calls
        for call in calls:
            try:
                initial = expected_from_call(call)
            except EvaluationError:
                initial = None
            self.fields[f"expected_{call.pk}"] = forms.JSONField(
                label=f"call #{call.pk}",
                initial=initial,
                required=False,
                widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
            )

    def rows(self) -> list[tuple[LLMCall, str, Any]]:
        """(call, its input as JSON without what a run adds, its expected answer's field)."""
        rows = []
        for call in self.calls:
            feature = features.find(call.prompt_version.prompt.name)
            added = feature.site_input_example.keys() if feature is not None else set()
            shown = {key: value for key, value in call.input.items() if key not in added}
            text = json.dumps(shown, ensure_ascii=False, indent=1)[:2000]
            rows.append((call, text, self[f"expected_{call.pk}"]))
        return rows

    def expected(self) -> dict[int, Any]:
        return {
            call.pk: value
            for call in self.calls
            if (value := self.cleaned_data.get(f"expected_{call.pk}")) is not None
        }


@admin.register(LLMCall)
class LLMCallAdmin(admin.ModelAdmin):
    # Few, narrow columns: the list fits 1280 px beside its filters (the purpose is a filter,
    # cached is in the status, input and output tokens share one column).
    list_display = (
        "created_at",
        "version_shown",
        "provider_label",
        "status_shown",
        "tokens",
        "cost",
        "latency",
    )
    list_filter = (
        ("prompt_version__prompt", admin.RelatedFieldListFilter),
        "prompt_version",
        "status",
        "provider",
        "cached",
        "purpose",
        ScoreFilter,
    )
    list_select_related = ("prompt_version__prompt",)
    inlines = [ScoreInline]
    actions = ["add_to_dataset"]
    search_fields = ("error", "response_id", "cache_key", "input_hash")
    date_hierarchy = "created_at"
    show_full_result_count = False
    fields = (
        "created_at",
        "prompt_version",
        "provider",
        "model",
        "endpoint",
        "purpose",
        "target_link",
        "trace_steps",
        "status",
        "error",
        "cached",
        "input_tokens",
        "output_tokens",
        "cost",
        "latency_ms",
        "add_score_link",
        "response_id",
        "pretty_messages",
        "raw_output",
        "pretty_parsed_output",
        "pretty_input",
        "pretty_context",
        "input_hash",
        "cache_key",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Add to an evaluation dataset (a new version)")
    def add_to_dataset(
        self, request: HttpRequest, queryset: QuerySet[LLMCall]
    ) -> HttpResponse | None:
        if not request.user.has_perm("llm.add_evalcase"):
            raise PermissionDenied
        calls = list(queryset.select_related("prompt_version__prompt").order_by("pk")[:101])
        if len(calls) > 100:
            self.message_user(request, "Select at most 100 calls at a time.", messages.WARNING)
            return None
        prompts = sorted({call.prompt_version.prompt.name for call in calls})
        if len(prompts) != 1:
            self.message_user(
                request,
                f"Select calls of one prompt: a dataset is for one ({', '.join(prompts)}).",
                messages.ERROR,
            )
            return None
        feature = features.find(prompts[0])
        if feature is None or not feature.has_dataset_schema:
            self.message_user(
                request,
                f"{prompts[0]} has no dataset schema (no expectation= in its registration and "
                "no dataset file): its calls cannot become evaluation cases.",
                messages.ERROR,
            )
            return None
        form = AddToDatasetForm(
            request.POST if "apply" in request.POST else None,
            calls=calls,
            initial={"dataset": prompts[0]},
        )
        if form.is_valid():
            try:
                added = add_calls_to_dataset(
                    calls, form.cleaned_data["dataset"], expected=form.expected()
                )
            except (EvaluationError, ValueError) as exc:
                form.add_error(None, str(exc))
            else:
                skipped = "".join(f" Skipped call #{pk}: {why}." for pk, why in added.skipped)
                self.message_user(
                    request,
                    f"Added {added.added} case{'s' if added.added != 1 else ''} to "
                    f"{added.dataset}.{skipped} Write it to its file with: manage.py "
                    f"dump_eval_dataset {added.dataset.name} PATH",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:llm_evaldataset_change", args=[added.dataset.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Add {len(calls)} call{'s' if len(calls) != 1 else ''} of {prompts[0]} "
            "to an evaluation dataset",
            "form": form,
            "rows": form.rows(),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/llm/llmcall/add_to_dataset.html", context)

    def get_list_display(self, request: HttpRequest) -> Any:
        shown = super().get_list_display(request)
        return (*shown, "score_value_shown") if request.GET.get("score") else shown

    def get_queryset(self, request: HttpRequest) -> QuerySet[LLMCall]:
        """With ``?score=NAME`` (``ScoreFilter``): each call's lowest score of that name, the
        worst first. The annotation comes before the ordering that reads it."""
        queryset = self.model._default_manager.get_queryset()
        name = request.GET.get("score")
        if name in scales():
            queryset = queryset.annotate(
                score_value=Min("scores__value", filter=Q(scores__name=name))
            )
        return queryset.order_by(*(self.get_ordering(request) or ()))

    def get_ordering(self, request: HttpRequest) -> Any:
        if request.GET.get("score") in scales():
            return ("score_value", "-created_at")
        return super().get_ordering(request)

    @admin.display(description="score")
    def score_value_shown(self, obj: LLMCall) -> str:
        value = getattr(obj, "score_value", None)
        return "-" if value is None else f"{value:g}"

    @admin.display(description="scores")
    def add_score_link(self, obj: LLMCall) -> str:
        url = reverse("admin:llm_score_add") + f"?call={obj.pk}"
        return format_html('<a class="button" href="{}">Add a score</a>', url)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context is not None and "cl" in context:
            # The totals of the current filter, in one aggregate query, and its health: error
            # kinds and latency percentiles, computed by the database.
            context["totals"] = context["cl"].queryset.totals()
            figures = health(context["cl"].queryset, with_days=False)
            context["health"] = figures
            context["health_per_call"] = {
                "tokens": figures.per_call(figures.tokens),
                "cost": figures.cost_per_call,
            }
            context["health_per_day"] = {
                "calls": figures.per_day(figures.calls),
                "cost": figures.per_day(figures.cost),
            }
        return response

    @admin.display(description="prompt version", ordering="prompt_version")
    def version_shown(self, obj: LLMCall) -> str:
        return wrappable(str(obj.prompt_version)) if obj.prompt_version_id else "-"

    @admin.display(description="status", ordering="status")
    def status_shown(self, obj: LLMCall) -> str:
        return f"{obj.status} (cached)" if obj.cached else obj.status

    @admin.display(description="tokens in → out", ordering="input_tokens")
    def tokens(self, obj: LLMCall) -> str:
        return f"{obj.input_tokens:,} → {obj.output_tokens:,}"

    @admin.display(description="latency", ordering="latency_ms")
    def latency(self, obj: LLMCall) -> str:
        return f"{obj.latency_ms:,.1f} ms"

    @admin.display(description="trace")
    def trace_steps(self, obj: LLMCall) -> str:
        """The steps of the work this call was part of, in order, with their total time and
        cost: one job's calls seen together."""
        if obj.trace_id is None:
            return "-"
        steps = list(
            LLMCall.objects.filter(trace_id=obj.trace_id)
            .select_related("prompt_version__prompt")
            .order_by("created_at", "id")[:MAX_TRACE_STEPS]
        )
        totals = LLMCall.objects.filter(trace_id=obj.trace_id).aggregate(
            calls=Count("id"), latency=Sum("latency_ms"), cost=Sum("cost"),
            first=Min("created_at"), last=Max("created_at"),
        )  # fmt: skip
        span = (totals["last"] - totals["first"]).total_seconds() if steps else 0
        url = reverse("admin:llm_llmcall_changelist") + f"?trace_id={obj.trace_id}"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td><a href='{}'>#{}</a></td><td>{}</td><td>{}</td><td>{}</td>"
            "<td class='num'>{} ms</td><td class='num'>{}</td></tr>",
            (
                (
                    "→" if step.pk == obj.pk else "",
                    reverse("admin:llm_llmcall_change", args=[step.pk]),
                    step.pk,
                    step.prompt_version,
                    f"step of #{step.parent_id}" if step.parent_id else "",
                    step.status,
                    f"{step.latency_ms:,.1f}",
                    "-" if step.cost is None else f"${step.cost:.6f}",
                )
                for step in steps
            ),
        )
        cost = "-" if totals["cost"] is None else f"${totals['cost']:.6f}"
        return format_html(
            "<p><strong>{}</strong>: <a href='{}'>{} call{}</a>, {} ms of model time over {} s, "
            "cost {}</p><table>{}</table>",
            obj.trace_name or obj.trace_id,
            url,
            totals["calls"],
            "s" if totals["calls"] != 1 else "",
            f"{totals['latency'] or 0:,.1f}",
            f"{span:,.1f}",
            cost,
            rows,
        )

    @admin.display(description="for")
    def target_link(self, obj: LLMCall) -> str:
        if obj.content_type is None:
            return "-"
        target = obj.target
        if target is None:
            return f"{obj.content_type} #{obj.object_id} (deleted)"
        try:
            url = reverse(
                f"admin:{obj.content_type.app_label}_{obj.content_type.model}_change",
                args=[obj.object_id],
            )
        except NoReverseMatch:  # a model without an admin page
            return str(target)
        return format_html('<a href="{}">{}</a>', url, target)

    @staticmethod
    def _json(value: Any) -> str:
        return format_html("<pre>{}</pre>", json.dumps(value, indent=2, ensure_ascii=False))

    @admin.display(description="messages")
    def pretty_messages(self, obj: LLMCall) -> str:
        return format_html_join(
            "",
            "<p><strong>{}</strong></p><pre style='white-space:pre-wrap'>{}</pre>",
            ((message.get("role", ""), message.get("content", "")) for message in obj.messages),
        )

    @admin.display(description="parsed output")
    def pretty_parsed_output(self, obj: LLMCall) -> str:
        return self._json(obj.parsed_output) if obj.parsed_output is not None else "-"

    @admin.display(description="input")
    def pretty_input(self, obj: LLMCall) -> str:
        return self._json(obj.input)

    @admin.display(description="context")
    def pretty_context(self, obj: LLMCall) -> str:
        return self._json(obj.context)
