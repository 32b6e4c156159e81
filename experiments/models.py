"""Experiments: what is being tested on whom, who saw what, and what they did.

The tables are deliberately plain so that the analysis can run as SQL aggregates:
``Exposure`` has one row per experiment and unit (the unit's first exposure), ``Event`` one row
per thing a person did. ``experiments`` knows nothing about listings: the marketplace calls
``variant_for`` and ``track`` (experiments/api.py).
"""

from __future__ import annotations

import copy
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from waffle.models import AbstractUserFlag

UNIT_FRACTION = [MinValueValidator(0.0), MaxValueValidator(1.0)]
WEIGHT_TOLERANCE = 1e-6


class UnitType(models.TextChoices):
    USER = "user", "User (logged-in account)"
    VISITOR = "visitor", "Visitor (first-party cookie)"


class Metric(models.Model):
    """A number per unit, derived from events after the unit's first exposure."""

    class Kind(models.TextChoices):
        CONVERSION = "conversion", "Conversion (did it at least once)"
        COUNT = "count", "Count per unit"
        SUM = "sum", "Sum of value per unit"
        RATIO = "ratio", "Ratio: events per denominator event (e.g. messages per listing view)"

    class Capping(models.TextChoices):
        NONE = "none", "No cap"
        ABSOLUTE = "absolute", "Cap each unit's value at a number"
        PERCENTILE = "percentile", "Cap each unit's value at a percentile of all units"

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)
    event_name = models.CharField(max_length=60, help_text="The event this metric counts.")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CONVERSION)
    direction = models.CharField(max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    denominator_event = models.CharField(
        max_length=60,
        blank=True,
        help_text="Ratio metrics only: the event that divides (e.g. listing_viewed).",
    )
    capping = models.CharField(
        max_length=10,
        choices=Capping.choices,
        default=Capping.NONE,
        help_text="Count and sum metrics: limit each unit's value, so a few whales or bots do not "
        "swamp the mean.",
    )
    cap_value = models.FloatField(
        null=True,
        blank=True,
        help_text="The cap: a number (absolute), or a percentile between 0 and 1, e.g. 0.99.",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def higher_is_better(self) -> bool:
        return self.direction == self.Direction.HIGHER

    @property
    def is_ratio(self) -> bool:
        return self.kind == self.Kind.RATIO

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == self.Kind.RATIO and not self.denominator_event:
            errors["denominator_event"] = "A ratio metric needs the event that divides."
        if self.kind != self.Kind.RATIO and self.denominator_event:
            errors["denominator_event"] = "Only a ratio metric has a denominator event."
        if self.capping != self.Capping.NONE:
            if self.kind not in (self.Kind.COUNT, self.Kind.SUM):
                errors["capping"] = "Only count and sum metrics are capped."
            elif self.cap_value is None or not math.isfinite(self.cap_value):
                errors["cap_value"] = "Give the cap."
            elif self.capping == self.Capping.ABSOLUTE and self.cap_value < 0:
                errors["cap_value"] = "A cap below 0 would cap every unit's value to nothing."
            elif self.capping == self.Capping.PERCENTILE and not 0 < self.cap_value < 1:
                errors["cap_value"] = "A percentile is between 0 and 1 (0.99 is the 99th)."
        elif self.cap_value is not None:
            errors["cap_value"] = "No cap is used: choose how to cap, or leave this empty."
        if errors:
            raise ValidationError(errors)


class ExperimentQuerySet(models.QuerySet["Experiment"]):
    def running(self) -> ExperimentQuerySet:
        return self.filter(status=Experiment.Status.RUNNING)

    def live(self) -> ExperimentQuerySet:
        """Running or paused: started and not concluded, so it holds its feature."""
        return self.filter(status__in=Experiment.LIVE_STATUSES)

    def on_feature(self, feature: str) -> ExperimentQuerySet:
        return self.filter(feature=feature)


class Experiment(models.Model):
    class StatsEngine(models.TextChoices):
        FIXED = "fixed", "Frequentist, fixed horizon"
        SEQUENTIAL = "sequential", "Frequentist, sequential (always valid)"
        BAYESIAN = "bayesian", "Bayesian"

    class Correction(models.TextChoices):
        NONE = "none", "None"
        HOLM = "holm", "Holm–Bonferroni (family-wise error)"
        BH = "bh", "Benjamini–Hochberg (false discovery rate)"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        CONCLUDED = "concluded", "Concluded"

    class Decision(models.TextChoices):
        SHIP = "ship", "Ship a variant"
        KEEP_CONTROL = "keep_control", "Keep control"
        INCONCLUSIVE = "inconclusive", "Inconclusive: stop without shipping"

    key = models.SlugField(
        max_length=60,
        unique=True,
        help_text="This iteration's own name: in URLs, the simulator and the results' history.",
    )
    feature = models.SlugField(
        max_length=60,
        blank=True,
        help_text=(
            "What code asks for: variant_for(request, feature). Every iteration of a test shares "
            "it, and at most one runs at a time. Empty: the key."
        ),
    )
    iteration = models.PositiveSmallIntegerField(
        default=1, editable=False, help_text="1 for a feature's first experiment, then 2, 3…"
    )
    name = models.CharField(max_length=120)
    hypothesis = models.TextField(
        blank=True, help_text="If we change X for Y, then metric Z moves, because …"
    )
    unit_type = models.CharField(max_length=10, choices=UnitType.choices, default=UnitType.USER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    seed = models.CharField(
        max_length=60,
        blank=True,
        help_text="Hash seed; empty means the key. Changing it reshuffles every unit.",
    )
    coverage = models.FloatField(
        default=1.0,
        validators=UNIT_FRACTION,
        help_text="Share of units in the experiment (0–1). Raising it moves no unit elsewhere.",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    minimum_detectable_effect = models.FloatField(
        default=0.05,
        validators=[MinValueValidator(0.001)],
        help_text="Smallest relative lift worth detecting (0.05 = 5%); sets the sample size.",
    )
    alpha = models.FloatField(
        default=0.05, validators=[MinValueValidator(0.0001), MaxValueValidator(0.5)]
    )
    power = models.FloatField(
        default=0.8, validators=[MinValueValidator(0.5), MaxValueValidator(0.999)]
    )
    stats_engine = models.CharField(
        "statistics",
        max_length=10,
        choices=StatsEngine.choices,
        default=StatsEngine.FIXED,
        help_text="Fixed horizon: no verdict before the planned sample size. Sequential: a verdict "
        "may come at any look, with wider intervals. Bayesian: chance to win and risk.",
    )
    sequential_tuning = models.PositiveIntegerField(
        default=5000,
        validators=[MinValueValidator(1)],
        help_text="Sequential only: the units at which its intervals are tightest (GrowthBook's "
        "default, 5,000).",
    )
    correction = models.CharField(
        "multiple comparisons",
        max_length=6,
        choices=Correction.choices,
        default=Correction.NONE,
        help_text="Adjust p-values across all metrics and treatment arms read at once.",
    )
    cuped = models.BooleanField(
        "CUPED",
        default=False,
        help_text="Reduce variance with each unit's value of the metric before its exposure.",
    )
    cuped_lookback_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="CUPED: how many days before a unit's first exposure count as its history.",
    )
    primary_metric = models.ForeignKey(
        Metric, null=True, blank=True, on_delete=models.PROTECT, related_name="primary_for"
    )
    secondary_metrics = models.ManyToManyField(Metric, blank=True, related_name="secondary_for")
    guardrail_metrics = models.ManyToManyField(Metric, blank=True, related_name="guardrail_for")
    prompt_name = models.SlugField(
        max_length=60,
        blank=True,
        help_text=(
            "For an experiment between versions of one prompt (variants configured with "
            "{\"prompt_label\": …}): the prompt's name. Shipping a variant then moves the prompt's "
            "production label to that variant's version."
        ),
    )
    decision = models.CharField(max_length=12, choices=Decision.choices, blank=True)
    decision_notes = models.TextField(blank=True)
    shipped_variant = models.ForeignKey(
        "Variant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="After the experiment is concluded, everyone gets this variant.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExperimentQuerySet.as_manager()

    LIVE_STATUSES = (Status.RUNNING, Status.PAUSED)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The database's word on "no other running experiment on the same feature": two
            # Start clicks at once cannot both win.
            models.UniqueConstraint(
                fields=["feature"],
                condition=Q(status__in=["running", "paused"]),
                name="one_live_experiment_per_feature",
            ),
            models.UniqueConstraint(
                fields=["feature", "iteration"], name="one_iteration_number_per_feature"
            ),
        ]

    def __str__(self) -> str:
        return self.name if self.iteration == 1 else f"{self.name} (iteration {self.iteration})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.feature:
            self.feature = self.key
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "feature"}
        super().save(*args, **kwargs)

    @property
    def hash_seed(self) -> str:
        return self.seed or self.key

    @property
    def is_running(self) -> bool:
        return self.status == self.Status.RUNNING

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES


def validate_weights(weights: list[float]) -> None:
    """Variant weights must be non-negative and add up to 1 (100%)."""
    if not weights:
        raise ValidationError("An experiment needs at least two variants.")
    if any(w < 0 for w in weights):
        raise ValidationError("Variant weights cannot be negative.")
    total = math.fsum(weights)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        raise ValidationError(
            f"Variant weights add up to {total:.4g}, not 1. "
            "Give them as fractions of the traffic, e.g. 0.5 and 0.5."
        )


class Variant(models.Model):
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="variants")
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=80)
    weight = models.FloatField(
        validators=UNIT_FRACTION, help_text="Share of the experiment's traffic (0–1)."
    )
    is_control = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the bucket layout; changing it reshuffles units."
    )
    config = models.JSONField(
        default=dict,
        blank=True,
        help_text='What the variant changes: {"enabled": true}, {"prompt_label": "candidate"}…',
    )
    prompt_version = models.ForeignKey(
        "llm.PromptVersion",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=(
            "The version its prompt label pointed at when the experiment started: what its units "
            "get until the end, however the label moves."
        ),
    )

    class Meta:
        ordering = ["experiment", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["experiment", "key"], name="variant_key_per_experiment"
            ),
            models.UniqueConstraint(
                fields=["experiment"],
                condition=Q(is_control=True),
                name="one_control_per_experiment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.experiment.key}:{self.key}"


class Pause(models.Model):
    """A time an experiment was paused. Nobody is exposed then, and the analysis leaves out what
    units did between ``paused_at`` and ``resumed_at`` (still open: until the window's end), since
    they were all served the default meanwhile, whatever their variant."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="pauses")
    paused_at = models.DateTimeField()
    resumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["experiment", "paused_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["experiment"],
                condition=Q(resumed_at__isnull=True),
                name="one_open_pause_per_experiment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.experiment.key} paused at {self.paused_at:%Y-%m-%d %H:%M}"


class Exposure(models.Model):
    """The first time a unit saw its variant of an experiment. One row per experiment and unit."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="exposures")
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="exposures")
    unit_id = models.CharField(max_length=64)
    first_seen_at = models.DateTimeField(db_index=True)
    is_simulated = models.BooleanField(default=False)
    # What the unit was at its first exposure, for breakdowns: device ("mobile", "desktop"),
    # visitor ("new", "returning"), category (the slug of the page's category, if any).
    dimensions = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            # Its index also gives the analysis an experiment's exposures in unit order.
            models.UniqueConstraint(fields=["experiment", "unit_id"], name="one_exposure_per_unit"),
        ]
        indexes = [models.Index(fields=["experiment", "variant"], name="exposure_exp_variant")]

    def __str__(self) -> str:
        return f"{self.unit_id} saw {self.variant}"


class Event(models.Model):
    """Something a person did: a search, a listing view, a publish.

    It carries both unit ids a person can have, so any experiment can count it whatever its unit
    type. Both are plain strings, not foreign keys: analytics rows outlive accounts, and the
    traffic simulator's synthetic units need no accounts.
    """

    name = models.CharField(max_length=60)
    visitor_id = models.CharField(max_length=64, blank=True)
    user_id = models.CharField(max_length=64, blank=True, help_text="The account id, if logged in.")
    timestamp = models.DateTimeField()
    value = models.FloatField(null=True, blank=True)
    properties = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    is_simulated = models.BooleanField(default=False)

    class Meta:
        # Unit first: the analysis merges an experiment's exposures with the events in unit
        # order (experiments/analysis.py), reading the events from these indexes alone: the value
        # is included so that sums need no table access (Postgres; SQLite ignores INCLUDE).
        indexes = [
            models.Index(
                fields=["visitor_id", "name", "timestamp"],
                include=["value"],
                name="event_visitor_name_time",
            ),
            models.Index(
                fields=["user_id", "name", "timestamp"],
                include=["value"],
                name="event_user_name_time",
            ),
            models.Index(fields=["timestamp"], name="event_time"),
        ]

    def __str__(self) -> str:
        return f"{self.name} by {self.user_id or self.visitor_id}"


class ExperimentChange(models.Model):
    """An audit record of a change to what the units of a live experiment get: a confirmed
    reshuffle, or the experiment's conclusion."""

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    summary = models.TextField()

    class Meta:
        ordering = ["-changed_at"]

    def __str__(self) -> str:
        return f"{self.experiment.key} at {self.changed_at:%Y-%m-%d %H:%M}"


class ResultSnapshotQuerySet(models.QuerySet["ResultSnapshot"]):
    def latest_for(self, experiment: Experiment) -> ResultSnapshot | None:
        return self.filter(experiment=experiment).order_by("-computed_at", "-id").first()


class ResultSnapshot(models.Model):
    """An experiment's results as computed at one moment (experiments/results.py), as JSON.

    The admin shows the latest; ``services.refresh_results`` keeps a bounded history.
    """

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="snapshots")
    computed_at = models.DateTimeField()
    window_end = models.DateTimeField(help_text="Exposures and events before this moment count.")
    results = models.JSONField()
    has_simulated_data = models.BooleanField(default=False)

    objects = ResultSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-computed_at", "-id"]
        indexes = [
            models.Index(fields=["experiment", "-computed_at"], name="snapshot_exp_time"),
        ]

    def __str__(self) -> str:
        return f"{self.experiment.key} at {self.computed_at:%Y-%m-%d %H:%M}"


class DailyResult(models.Model):
    """Per-variant sufficient statistics of every metric of an experiment as of the end of a day.

    One row per experiment and finished day: the points of the cumulative-lift chart. A finished
    day's numbers do not change once its events are in, so each is computed once; whatever
    rewrites past traffic (the simulator) deletes the experiment's rows.
    """

    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="daily")
    day = models.DateField()
    window_end = models.DateTimeField(help_text="The end of the day, in the site's time zone.")
    stats = models.JSONField()
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["experiment", "day"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "day"], name="one_result_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.experiment.key} on {self.day}"


class Flag(AbstractUserFlag):
    """Bazaar's feature flag (``WAFFLE_FLAG_MODEL``).

    Everything waffle does still works (``{% flag %}``, ``flag_is_active``, the admin), with two
    changes: a percent rollout is deterministic per unit (a hash, as for experiments, not
    waffle's random draw and cookie), and a flag that names an experiment feature answers with the
    unit's variant of whichever iteration runs on it (recording the exposure), or with what the
    last concluded iteration shipped.
    """

    feature = models.SlugField(
        max_length=60,
        blank=True,
        help_text=(
            "An experiment feature: while one of its experiments runs (or after one is "
            'concluded), the flag is on for units whose variant config has "enabled": true.'
        ),
    )

    class Meta(AbstractUserFlag.Meta):
        swappable = "WAFFLE_FLAG_MODEL"
        verbose_name = _("flag")
        verbose_name_plural = _("flags")

    def is_active(self, request, read_only: bool = False) -> bool | None:
        """Decided once per request and person: a page that asks twice (the search asks for
        smart search in the view and again for its switch) gets the same answer without
        waffle's cache reads again (three a question, each a Redis round trip in production)."""
        user = getattr(request, "user", None)
        key = (self.name, self.pk, getattr(user, "pk", None), read_only)
        answers = request.__dict__.setdefault("_bazaar_flag_answers", {})
        if key not in answers:
            answers[key] = self._decide(request, read_only)
        return answers[key]

    def _decide(self, request, read_only: bool) -> bool | None:
        if self.pk and self.feature:
            from .api import live_variant_for

            assignment = live_variant_for(request, self.feature)
            if assignment is not None:
                return bool(assignment.config.get("enabled", not assignment.is_control))
        if not self.percent or self.percent <= 0:
            return super().is_active(request, read_only=read_only)
        # Waffle draws a percent rollout at random and keeps the draw in a cookie; here it is a
        # hash of the visitor id, as for experiments: the same people every time, no cookie of its
        # own. Waffle decides the rest (everyone, testing, users, groups, languages) without it.
        rest = copy.copy(self)
        rest.percent = None
        if super(Flag, rest).is_active(request, read_only=read_only) or self.everyone is False:
            return self.everyone is not False
        from .assignment import bucket
        from .units import visitor_unit_id

        unit = visitor_unit_id(request)
        return bool(unit) and bucket(f"flag:{self.name}", unit) < float(self.percent) / 100
