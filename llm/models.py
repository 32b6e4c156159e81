from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Avg, Count, Max, Min, Q, Sum
from django.utils import timezone

LABEL_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
PRODUCTION = "production"


class Prompt(models.Model):
    """A named prompt; its content lives in immutable versions, synced from each feature's
    ``prompt.toml``."""

    name = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImmutableVersionError(Exception):
    """A saved prompt version is never changed: new content becomes a new version."""


class PromptVersion(models.Model):
    """One content of a prompt: what was sent to the model, frozen under a number and a hash."""

    prompt = models.ForeignKey(Prompt, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    # sha256 of everything that changes behaviour; see llm.prompt_files.PromptSource.content_hash
    content_hash = models.CharField(max_length=64)
    model = models.CharField(max_length=100, blank=True, help_text="Empty: settings.LLM_MODEL.")
    temperature = models.FloatField(null=True, blank=True)
    max_tokens = models.PositiveIntegerField(null=True, blank=True)
    input_schema = models.CharField(max_length=80)
    output_schema = models.CharField(max_length=80)
    output_json_schema = models.JSONField(help_text="The strict JSON schema sent to the model.")
    system_template = models.TextField()
    user_template = models.TextField()
    source_path = models.CharField(max_length=200)
    source_text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["prompt__name", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["prompt", "number"], name="prompt_version_number"),
            models.UniqueConstraint(fields=["prompt", "content_hash"], name="prompt_version_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.prompt.name}@{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableVersionError(f"{self} is immutable; sync a new version instead")
        super().save(*args, **kwargs)

    @property
    def short_hash(self) -> str:
        return self.content_hash[:10]


class PromptLabel(models.Model):
    """A movable name (``production``, ``candidate``, …) pointing at one version of a prompt."""

    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="labels")
    name = models.CharField(
        max_length=40,
        validators=[RegexValidator(LABEL_PATTERN, "Lowercase letters, digits, '-' and '_' only.")],
    )
    version = models.ForeignKey(PromptVersion, on_delete=models.PROTECT, related_name="labels")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["prompt__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["prompt", "name"], name="prompt_label_name"),
        ]

    def __str__(self) -> str:
        return f"{self.prompt.name}:{self.name}"


class PromptLabelMove(models.Model):
    """The history of a label: who pointed it from which version to which, and why."""

    label = models.ForeignKey(PromptLabel, on_delete=models.CASCADE, related_name="moves")
    from_version = models.ForeignKey(
        PromptVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_version = models.ForeignKey(PromptVersion, on_delete=models.PROTECT, related_name="+")
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    moved_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-moved_at", "-id"]

    def __str__(self) -> str:
        start = f"v{self.from_version.number}" if self.from_version else "nothing"
        return f"{self.label}: {start} → v{self.to_version.number}"


def describe_provider(provider: str, model: str, endpoint: str) -> str:
    """What the UI says answered: "offline model", "offline placeholder (no model)" or
    "gpt-4o-mini via api.openai.com"."""
    if provider == "offline":
        from .offline import PLACEHOLDER_MODEL

        return "offline placeholder (no model)" if model == PLACEHOLDER_MODEL else "offline model"
    return f"{model} via {endpoint}" if endpoint else model


class LLMCallQuerySet(models.QuerySet["LLMCall"]):
    def totals(self) -> dict[str, Any]:
        """Calls, tokens, cost and mean latency of the answered (non-cached) calls, one query."""
        return self.aggregate(
            calls=Count("id"),
            cached_calls=Count("id", filter=Q(cached=True)),
            failed_calls=Count("id", filter=~Q(status=LLMCall.Status.SUCCESS)),
            # Names unlike the fields': an aggregate may not shadow a field another one filters on.
            tokens_in=Sum("input_tokens"),
            tokens_out=Sum("output_tokens"),
            cost_usd=Sum("cost"),
            unpriced_calls=Count("id", filter=Q(cost__isnull=True)),
            mean_latency_ms=Avg("latency_ms", filter=Q(cached=False)),
        )


class LLMCall(models.Model):
    """One request for an answer, answered or not, from a model or from the cache."""

    class Status(models.TextChoices):
        SUCCESS = "success", "Success"
        TIMEOUT = "timeout", "Timeout"
        RATE_LIMITED = "rate_limited", "Rate limited"
        SERVER_ERROR = "server_error", "Server error"
        CONNECTION_ERROR = "connection_error", "Connection error"
        REJECTED = "rejected", "Request rejected"
        INVALID_OUTPUT = "invalid_output", "Invalid output"
        REFUSAL = "refusal", "Refusal"

    prompt_version = models.ForeignKey(
        PromptVersion, on_delete=models.PROTECT, related_name="calls"
    )
    provider = models.CharField(max_length=20)
    model = models.CharField(max_length=100)
    # host[:port] of the server that answered; never a URL with credentials, never a key
    endpoint = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=40, blank=True)
    input = models.JSONField()
    input_hash = models.CharField(max_length=64)
    cache_key = models.CharField(max_length=64)
    messages = models.JSONField()
    raw_output = models.TextField(blank=True)
    parsed_output = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    error = models.TextField(blank=True)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cost = models.DecimalField(
        max_digits=14, decimal_places=8, null=True, blank=True, help_text="USD; empty: unknown."
    )
    latency_ms = models.FloatField()
    cached = models.BooleanField(default=False)
    response_id = models.CharField(max_length=100, blank=True)
    context = models.JSONField(default=dict, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    # The piece of work it was a step of (llm.tracing): an enrichment job, an evaluation run;
    # and the call it served, for a judge grading an answer.
    trace_id = models.UUIDField(null=True, blank=True)
    trace_name = models.CharField(max_length=80, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="steps"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = LLMCallQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "LLM call"
        indexes = [
            models.Index(fields=["-created_at"], name="llmcall_created"),
            models.Index(fields=["prompt_version", "-created_at"], name="llmcall_version_created"),
            models.Index(fields=["status", "-created_at"], name="llmcall_status_created"),
            models.Index(fields=["provider", "-created_at"], name="llmcall_provider_created"),
            models.Index(fields=["content_type", "object_id"], name="llmcall_target"),
            models.Index(
                fields=["trace_id", "created_at"],
                name="llmcall_trace",
                condition=Q(trace_id__isnull=False),
            ),
            # The persistent side of the answer cache: successful answers from a model.
            models.Index(
                fields=["cache_key", "-created_at"],
                name="llmcall_cache_key",
                condition=Q(status="success", cached=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prompt_version} {self.status} #{self.pk}"

    @property
    def provider_label(self) -> str:
        return describe_provider(self.provider, self.model, self.endpoint)

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


class ScoreQuerySet(models.QuerySet["Score"]):
    def aggregates(self) -> dict[str, dict[str, Any]]:
        """Per score name: how many, mean, lowest and highest, in one ``GROUP BY``."""
        rows = (
            self.order_by()
            .values("name")
            .annotate(count=Count("id"), mean=Avg("value"), low=Min("value"), high=Max("value"))
        )
        return {row.pop("name"): row for row in rows}


class Score(models.Model):
    """What someone or something said about one call, as a number on a declared scale
    (``llm.scores``): a seller's reaction, a judge's grade, a staff member's rating."""

    class Source(models.TextChoices):
        PERSON = "person", "Person"
        JUDGE = "judge", "Judge"
        RULE = "rule", "Rule"

    call = models.ForeignKey(LLMCall, on_delete=models.CASCADE, related_name="scores")
    name = models.SlugField(max_length=40)
    value = models.FloatField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PERSON)
    comment = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["call", "name"], name="score_call_name"),
            models.Index(fields=["name", "value"], name="score_name_value"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.value:g} on call #{self.call_id}"

    def clean(self) -> None:
        from .scores import ScoreError, check_score

        if self.value is None or not self.name:
            return
        try:
            check_score(self.name, self.value)
        except ScoreError as exc:
            raise ValidationError({"value": str(exc)}) from None


# The evaluation's tables live in their own module and belong to this app.
from .evaluation.models import EvalCase, EvalDataset, EvalResult, EvalRun  # noqa: E402, F401
