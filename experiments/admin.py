from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from waffle.admin import FlagAdmin as WaffleFlagAdmin
from waffle.admin import SampleAdmin, SwitchAdmin
from waffle.models import Sample, Switch

from . import services
from .models import (
    DailyResult,
    Event,
    Experiment,
    ExperimentChange,
    Exposure,
    Flag,
    Metric,
    Pause,
    ResultSnapshot,
    Variant,
    validate_weights,
)

RESHUFFLE_FIELDS = ("weight", "position")
CONFIRM_FIELD = "confirm_reshuffle"


def _is_live(experiment: Experiment) -> bool:
    return bool(experiment.pk) and experiment.is_live


class ExperimentForm(forms.ModelForm):
    confirm_reshuffle = forms.BooleanField(
        required=False,
        label="I understand this reshuffles units",
        help_text=(
            "Changing the seed, the weights or the set of variants of a running experiment moves "
            "units from one variant to another, which spoils the comparison. Tick this to do it "
            "anyway; the change is recorded."
        ),
    )

    class Meta:
        model = Experiment
        fields = (
            "key",
            "feature",
            "name",
            "hypothesis",
            "unit_type",
            "seed",
            "coverage",
            "primary_metric",
            "secondary_metrics",
            "guardrail_metrics",
            "minimum_detectable_effect",
            "alpha",
            "power",
            "stats_engine",
            "sequential_tuning",
            "correction",
            "cuped",
            "cuped_lookback_days",
            "prompt_name",
            "decision_notes",
        )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        self.reshuffles: list[str] = []
        if _is_live(self.instance) and "seed" in self.changed_data:
            old = self.initial.get("seed") or self.instance.key
            self.reshuffles.append(f"seed {old!r} → {cleaned.get('seed') or self.instance.key!r}")
            if not cleaned.get(CONFIRM_FIELD):
                self.add_error(
                    "seed", "This reshuffles every unit of a running experiment; confirm below."
                )
        return cleaned


class VariantFormSet(BaseInlineFormSet):
    """Checks the variants as a whole: weights add up to 1, one control, no silent reshuffle."""

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        if self.instance.status == Experiment.Status.CONCLUDED:
            return  # its variants are read-only: nothing was posted to check
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept:
            return
        validate_weights([f.cleaned_data["weight"] for f in kept])
        if sum(bool(f.cleaned_data.get("is_control")) for f in kept) != 1:
            raise ValidationError("Exactly one variant must be the control.")

        self.reshuffles: list[str] = []
        if not _is_live(self.instance):
            return
        for form in self.forms:
            old_label = (form.initial.get("config") or {}).get("prompt_label")
            new_config = form.cleaned_data.get("config") if form.cleaned_data else None
            new_label = new_config.get("prompt_label") if isinstance(new_config, dict) else None
            if form.instance.pk and "config" in form.changed_data and old_label != new_label:
                raise ValidationError(
                    f"Variant {form.instance.key!r} is pinned to "
                    f"{form.instance.prompt_version or 'its version'} while the experiment runs; "
                    "to test another prompt version, conclude it and start the next iteration."
                )
        for form in self.forms:
            key = form.cleaned_data.get("key") if form.cleaned_data else None
            if form.cleaned_data.get("DELETE") and form.instance.pk:
                self.reshuffles.append(f"removed variant {form.instance.key!r}")
            elif not form.instance.pk and form.has_changed():
                self.reshuffles.append(f"added variant {key!r}")
            else:
                for name in RESHUFFLE_FIELDS:
                    if name in form.changed_data:
                        old = form.initial.get(name)
                        self.reshuffles.append(f"{key}.{name} {old} → {form.cleaned_data[name]}")
        if self.reshuffles and self.data.get(CONFIRM_FIELD) != "on":
            raise ValidationError(
                "These changes move units between variants of a running experiment: "
                + "; ".join(self.reshuffles)
                + ". Tick “I understand this reshuffles units” to save them."
            )


class VariantInline(admin.TabularInline):
    model = Variant
    formset = VariantFormSet
    extra = 0
    min_num = 2
    fields = ("key", "name", "is_control", "weight", "position", "config", "pinned_prompt")
    readonly_fields = ("pinned_prompt",)

    @admin.display(description="pinned prompt version")
    def pinned_prompt(self, obj: Variant) -> str:
        if obj.prompt_version_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:llm_promptversion_change", args=[obj.prompt_version_id]),
            str(obj.prompt_version),
        )

    def _frozen(self, obj: Experiment | None) -> bool:
        """A concluded experiment's variants are its record: they no longer change."""
        return obj is not None and obj.status == Experiment.Status.CONCLUDED

    def get_readonly_fields(self, request, obj=None):
        if self._frozen(obj):
            return self.fields
        return self.readonly_fields

    def has_add_permission(self, request, obj=None) -> bool:
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(Metric)
class MetricAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "event_name", "kind", "direction", "capping")
    fields = (
        "name",
        "key",
        "event_name",
        "kind",
        "denominator_event",
        "direction",
        "capping",
        "cap_value",
        "description",
    )
    list_filter = ("kind", "direction")
    search_fields = ("name", "key", "event_name")

    # What changes a metric's per-unit value: the stored days of its experiments are recomputed.
    VALUE_FIELDS = {"event_name", "kind", "denominator_event", "capping", "cap_value"}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and self.VALUE_FIELDS & set(form.changed_data):
            experiments = Experiment.objects.filter(
                Q(primary_metric=obj) | Q(secondary_metrics=obj) | Q(guardrail_metrics=obj)
            ).distinct()
            for experiment in experiments:
                services.forget_results(experiment)

    prepopulated_fields = {"key": ("name",)}


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    form = ExperimentForm
    inlines = [VariantInline]
    list_display = (
        "name",
        "feature",
        "iteration",
        "status",
        "unit_type",
        "started_at",
        "exposure_count",
        "results_link",
    )
    list_filter = ("status", "unit_type", "feature")
    search_fields = ("name", "key", "feature", "hypothesis")
    readonly_fields = (
        "status",
        "iteration",
        "started_at",
        "ended_at",
        "created_at",
        "updated_at",
        "decision",
        "shipped",
    )
    filter_horizontal = ("secondary_metrics", "guardrail_metrics")
    actions = [
        "start_selected",
        "pause_selected",
        "create_next_iteration_of_selected",
        "refresh_results_of_selected",
    ]
    fieldsets = (
        (
            None,
            {
                "fields": ("key", "feature", "iteration", "name", "hypothesis", "status"),
                "description": (
                    "The status changes only through Start, Pause and Conclude: each runs its "
                    "checks and is recorded in the experiment's history."
                ),
            },
        ),
        ("Assignment", {"fields": ("unit_type", "seed", "coverage", CONFIRM_FIELD)}),
        (
            "Metrics and statistics",
            {
                "fields": (
                    "primary_metric",
                    "secondary_metrics",
                    "guardrail_metrics",
                    "minimum_detectable_effect",
                    "alpha",
                    "power",
                )
            },
        ),
        (
            "How the results are read",
            {
                "fields": (
                    "stats_engine",
                    "sequential_tuning",
                    "correction",
                    "cuped",
                    "cuped_lookback_days",
                ),
                "description": (
                    "<b>Fixed horizon</b>: the classic test; it names a winner only once the "
                    "planned sample size is reached, because reading it at every refresh and "
                    "stopping at the first p &lt; alpha finds false winners about one time in "
                    "five. <b>Sequential</b>: intervals that stay valid however often you look, "
                    "so you may stop as soon as it is clear, at the price of wider intervals. "
                    "<b>Bayesian</b>: the chance that the treatment is better and the risk (the "
                    "expected loss) of choosing it. Both are chosen before the start and kept. "
                    "<b>Multiple comparisons</b>: with many metrics and arms, some look "
                    "significant by chance; Holm keeps the chance of any false finding at "
                    "alpha, Benjamini–Hochberg the share of false findings. <b>CUPED</b>: uses "
                    "what each unit did before the experiment to remove noise, so the same "
                    "traffic detects smaller effects."
                ),
            },
        ),
        (
            "Decision",
            {
                "fields": ("prompt_name", "decision", "shipped", "decision_notes"),
                "description": "Set by “Conclude…” on the results page.",
            },
        ),
        ("Dates", {"fields": ("started_at", "ended_at", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_exposures=Count("exposures"))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "cuped_lookback_days" in form.changed_data:
            services.forget_results(obj)  # the stored days' history covers another lookback

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != Experiment.Status.DRAFT:
            # What code and the analysis key on stays put once the experiment has started.
            fields += ("key", "feature", "unit_type", "prompt_name")
            # The reading rule is chosen before the data: picking it afterwards picks the answer.
            fields += ("stats_engine", "sequential_tuning")
        return fields

    def get_urls(self):
        def view(name: str):
            def wrapper(request, object_id):
                # Imported on the first request, not by every manage.py command that loads the
                # admin: the results pages bring the statistics, the charts and the analysis.
                from . import admin_results

                return getattr(admin_results, name)(request, object_id, model_admin=self)

            return self.admin_site.admin_view(wrapper)

        return [
            path(
                "<path:object_id>/results/",
                view("results_view"),
                name="experiments_experiment_results",
            ),
            path(
                "<path:object_id>/results/refresh/",
                view("refresh_view"),
                name="experiments_experiment_refresh",
            ),
            path(
                "<path:object_id>/conclude/",
                view("conclude_view"),
                name="experiments_experiment_conclude",
            ),
            path(
                "<path:object_id>/lifecycle/<str:operation>/",
                self.admin_site.admin_view(self.lifecycle_view),
                name="experiments_experiment_lifecycle",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="shipped variant")
    def shipped(self, obj: Experiment) -> str:
        """In the words of the conclude form ("Candidate prompt (treatment, listing_assistant@2)"),
        not the variant's key ("listing_prompt_version:treatment")."""
        from .admin_results import variant_label

        variant = obj.shipped_variant
        return variant_label(variant) if variant is not None else "-"

    @admin.display(description="results")
    def results_link(self, obj: Experiment) -> str:
        url = reverse("admin:experiments_experiment_results", args=[obj.pk])
        return format_html('<a href="{}">Results</a>', url)

    @admin.display(ordering="_exposures", description="exposed units")
    def exposure_count(self, obj: Experiment) -> int:
        return obj._exposures  # type: ignore[attr-defined]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        reshuffles = list(getattr(form, "reshuffles", []))
        for formset in formsets:
            reshuffles.extend(getattr(formset, "reshuffles", []))
        if reshuffles:
            services.record_reshuffle(form.instance, "; ".join(reshuffles), user=request.user)
            self.message_user(
                request,
                "Units were reshuffled; the change is recorded in the experiment's history.",
                messages.WARNING,
            )

    @admin.action(description="Start (or resume) the selected experiments", permissions=["change"])
    def start_selected(self, request, queryset) -> None:
        self._run_each(request, queryset, services.start_experiment, "started")

    @admin.action(description="Pause the selected experiments", permissions=["change"])
    def pause_selected(self, request, queryset) -> None:
        self._run_each(request, queryset, services.pause_experiment, "paused")

    @admin.action(
        description="Create the next iteration of the selected concluded experiments",
        permissions=["change"],
    )
    def create_next_iteration_of_selected(self, request, queryset) -> HttpResponse | None:
        created = []
        for experiment in queryset:
            try:
                created.append(services.create_next_iteration(experiment, user=request.user))
            except ValidationError as error:
                self.message_user(
                    request, f"{experiment}: {' '.join(error.messages)}", messages.ERROR
                )
        for following in created:
            self.message_user(
                request,
                f"Created “{following}” ({following.key}) as a draft: check it, then Start.",
                messages.SUCCESS,
            )
        if len(created) == 1:
            return redirect("admin:experiments_experiment_change", created[0].pk)
        return None

    @admin.action(
        description="Refresh the results of the selected experiments", permissions=["change"]
    )
    def refresh_results_of_selected(self, request, queryset) -> None:
        from .admin_results import refresh_now

        for experiment in queryset:
            refresh_now(experiment)
        self.message_user(
            request, f"Results refreshed for {len(queryset)} experiment(s).", messages.SUCCESS
        )

    LIFECYCLE = {
        "start": (services.start_experiment, "started"),
        "pause": (services.pause_experiment, "paused"),
        "next-iteration": (services.create_next_iteration, "followed by a new draft"),
    }

    def lifecycle_view(self, request: HttpRequest, object_id: str, operation: str) -> HttpResponse:
        """The change page's Start, Pause and Next iteration buttons (POST)."""
        if request.method != "POST" or operation not in self.LIFECYCLE:
            return HttpResponseNotAllowed(["POST"])
        experiment = self.get_object(request, object_id)
        if experiment is None:
            raise Http404("No such experiment.")
        if not self.has_change_permission(request, experiment):
            raise PermissionDenied
        function, done = self.LIFECYCLE[operation]
        try:
            result = function(experiment, user=request.user)
        except ValidationError as error:
            self.message_user(request, f"{experiment}: {' '.join(error.messages)}", messages.ERROR)
            return redirect("admin:experiments_experiment_change", experiment.pk)
        if isinstance(result, Experiment):
            self.message_user(
                request,
                f"Created “{result}” ({result.key}) as a draft: check it, then Start.",
                messages.SUCCESS,
            )
            return redirect("admin:experiments_experiment_change", result.pk)
        self.message_user(request, f"{experiment}: {done}.", messages.SUCCESS)
        return redirect("admin:experiments_experiment_change", experiment.pk)

    def _run_each(self, request, queryset, operation, done: str) -> None:
        for experiment in queryset:
            try:
                operation(experiment, user=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{experiment}: {' '.join(error.messages)}", messages.ERROR
                )
            else:
                self.message_user(request, f"{experiment}: {done}.", messages.SUCCESS)


@admin.register(ExperimentChange)
class ExperimentChangeAdmin(admin.ModelAdmin):
    list_display = ("experiment", "changed_at", "changed_by", "summary")
    list_filter = ("experiment",)
    list_select_related = ("experiment", "changed_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Exposures and events are facts: the admin shows them and never edits them."""

    show_full_result_count = False  # these tables grow large; skip the extra COUNT(*)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Pause)
class PauseAdmin(ReadOnlyAdmin):
    """When experiments were paused: the analysis leaves these spans out."""

    list_display = ("experiment", "paused_at", "resumed_at")
    list_filter = ("experiment",)
    list_select_related = ("experiment",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Exposure)
class ExposureAdmin(ReadOnlyAdmin):
    list_display = ("unit_id", "experiment", "variant", "first_seen_at", "is_simulated")
    list_filter = ("experiment", "is_simulated")
    search_fields = ("unit_id",)
    list_select_related = ("experiment", "variant")


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("name", "timestamp", "visitor_id", "user_id", "value", "is_simulated")
    list_filter = ("name", "is_simulated")
    search_fields = ("visitor_id", "user_id", "idempotency_key")
    date_hierarchy = "timestamp"


@admin.register(ResultSnapshot)
class ResultSnapshotAdmin(ReadOnlyAdmin):
    """The stored results, one row per refresh; the experiment's Results page reads them."""

    list_display = ("experiment", "computed_at", "window_end", "has_simulated_data")
    list_filter = ("experiment", "has_simulated_data")
    list_select_related = ("experiment",)
    date_hierarchy = "computed_at"


@admin.register(DailyResult)
class DailyResultAdmin(ReadOnlyAdmin):
    """The cumulative-lift chart's points: per-variant statistics at the end of each day."""

    list_display = ("experiment", "day", "window_end", "computed_at")
    list_filter = ("experiment",)
    list_select_related = ("experiment",)
    date_hierarchy = "day"


@admin.register(Flag)
class FlagAdmin(WaffleFlagAdmin):
    list_display = (*WaffleFlagAdmin.list_display, "feature")  # type: ignore[assignment]
    raw_id_fields = ("users",)


# WAFFLE_ENABLE_ADMIN_PAGES is off so that the custom flag model gets this admin; waffle's
# switches and samples keep theirs.
admin.site.register(Sample, SampleAdmin)
admin.site.register(Switch, SwitchAdmin)
