"""The evaluation's tables. They belong to the ``llm`` app (``llm/models.py`` imports them).

A dataset is versioned: loading a changed file over a dataset that has runs makes a new version
(a new ``EvalDataset`` row with the same name), so that every run keeps the exact cases it was
scored on. A version without runs is a draft: it is replaced in place, and its cases can be
edited in the admin.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class EvalDatasetQuerySet(models.QuerySet["EvalDataset"]):
    def current(self, name: str) -> EvalDataset | None:
        """The newest version of the dataset called ``name``."""
        return self.filter(name=name).order_by("-version").first()


class EvalDataset(models.Model):
    """A set of cases for one prompt: inputs, what the answer should be, and tags."""

    name = models.SlugField(
        max_length=80, help_text="Its feature's name (NAME_holdout: its held-out part)."
    )
    version = models.PositiveIntegerField(default=1)
    prompt = models.ForeignKey("llm.Prompt", on_delete=models.PROTECT, related_name="datasets")
    description = models.TextField(blank=True)
    is_holdout = models.BooleanField(
        default=False,
        help_text="Held out: for the final check of a candidate, never for tuning prompts.",
    )
    source_path = models.CharField(max_length=300, blank=True)
    # sha256 of the cases and the shared input (not of the file's bytes, so layout is free)
    content_hash = models.CharField(max_length=64)
    shared_input = models.JSONField(
        default=dict,
        blank=True,
        help_text="Added to every case's input (the feature's shared_input.json).",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = EvalDatasetQuerySet.as_manager()

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = "evaluation dataset"
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="eval_dataset_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class EvalCase(models.Model):
    """One case: the input the prompt gets (without what the run adds), and the expected answer."""

    dataset = models.ForeignKey(EvalDataset, on_delete=models.CASCADE, related_name="cases")
    position = models.PositiveIntegerField(help_text="The case's place in the dataset, from 1.")
    input = models.JSONField()
    expected = models.JSONField()
    tags = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["dataset", "position"]
        verbose_name = "evaluation case"
        constraints = [
            models.UniqueConstraint(fields=["dataset", "position"], name="eval_case_position"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} #{self.position}"

    @property
    def text(self) -> str:
        """The person's words in the input (its first text), for display."""
        return next((value for value in self.input.values() if isinstance(value, str)), "")


class EvalRunQuerySet(models.QuerySet["EvalRun"]):
    def finished(self) -> EvalRunQuerySet:
        return self.filter(status=EvalRun.Status.SUCCEEDED)

    def latest_per_dataset(self) -> list[EvalRun]:
        """The newest finished run of each dataset version, provider and model among these
        runs (so the offline baseline and a real model each keep their line)."""
        latest: dict[tuple[int, str, str], EvalRun] = {}
        for run in self.finished().select_related("dataset").order_by("-finished_at", "-id"):
            latest.setdefault((run.dataset_id, run.provider, run.model), run)
        return sorted(
            latest.values(),
            key=lambda run: (run.dataset.name, -run.dataset.version, run.provider, run.model),
        )


class EvalRun(models.Model):
    """One prompt version, provider and model over one dataset version."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    dataset = models.ForeignKey(EvalDataset, on_delete=models.PROTECT, related_name="runs")
    prompt_version = models.ForeignKey(
        "llm.PromptVersion", on_delete=models.PROTECT, related_name="eval_runs"
    )
    provider = models.CharField(max_length=20)
    model = models.CharField(max_length=100, blank=True, help_text="Empty: the prompt's model.")
    judge_version = models.ForeignKey(
        "llm.PromptVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="judged_eval_runs",
        help_text="The judge prompt's version, when a real model grades the descriptions.",
    )
    concurrency = models.PositiveSmallIntegerField(default=4)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0, help_text="Cases finished, failed included.")
    failed = models.PositiveIntegerField(default=0)
    # What the site gave every case (the feature's site input: the choices the model had, say),
    # and what makes two runs comparable: a snapshot, because the site changes.
    site_input = models.JSONField(default=dict, blank=True)
    site_input_hash = models.CharField(max_length=64, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, help_text="Why the run failed, when it did.")
    is_holdout = models.BooleanField(default=False)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = EvalRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "evaluation run"
        indexes = [
            models.Index(fields=["prompt_version", "status"], name="evalrun_version_status"),
        ]

    def __str__(self) -> str:
        return f"run #{self.pk}: {self.prompt_version} on {self.dataset}"

    @property
    def progress_percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 100

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED, self.Status.CANCELLED)

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    def figure(self, name: str) -> Any:
        """One figure of the summary (None before the run has finished)."""
        return self.summary.get(name)

    @property
    def accuracy_figure(self) -> str:
        """The figure that is this run's accuracy: its feature's (``Feature.accuracy_figure``)."""
        from ..features import find

        feature = find(self.prompt_version.prompt.name)
        return feature.accuracy_figure if feature is not None else ""

    @property
    def accuracy(self) -> float | None:
        return self.figure(self.accuracy_figure) if self.accuracy_figure else None

    @property
    def by_tag(self) -> list[tuple[str, dict[str, Any]]]:
        """The per-tag figures, each with its ``accuracy`` (the run's accuracy figure)."""
        key = self.accuracy_figure
        return [
            (tag, {**figures, "accuracy": figures.get(key)})
            for tag, figures in (self.summary.get("by_tag") or {}).items()
        ]

    @property
    def f1(self) -> float | None:
        """The run's first F1 figure, if it has one."""
        return next((value for key, value in self.summary.items() if key.endswith("_f1")), None)


class EvalResultQuerySet(models.QuerySet["EvalResult"]):
    def finished(self) -> EvalResultQuerySet:
        return self.filter(status__in=[EvalResult.Status.OK, EvalResult.Status.FAILED])


class EvalResult(models.Model):
    """What one case got in one run: the answer, its scores, and what the call cost."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        OK = "ok", "Answered"
        FAILED = "failed", "Failed"

    run = models.ForeignKey(EvalRun, on_delete=models.CASCADE, related_name="results")
    case = models.ForeignKey(EvalCase, on_delete=models.PROTECT, related_name="results")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    output = models.JSONField(null=True, blank=True, help_text="The validated answer.")
    scores = models.JSONField(default=dict, blank=True)
    passed = models.BooleanField(default=False)
    call = models.ForeignKey(
        "llm.LLMCall", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    judge_call = models.ForeignKey(
        "llm.LLMCall", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    latency_ms = models.FloatField(null=True, blank=True)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cost = models.DecimalField(
        max_digits=14, decimal_places=8, null=True, blank=True, help_text="USD; empty: unknown."
    )
    # The LLMCall status of a failed call (timeout, invalid_output, …), or input / time_limit /
    # internal for a case that failed before or around the call.
    error_kind = models.CharField(max_length=20, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = EvalResultQuerySet.as_manager()

    class Meta:
        ordering = ["run", "case__position"]
        verbose_name = "evaluation result"
        constraints = [
            models.UniqueConstraint(fields=["run", "case"], name="eval_result_per_case"),
        ]
        indexes = [models.Index(fields=["run", "status"], name="evalresult_run_status")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.case}: {self.status}"
