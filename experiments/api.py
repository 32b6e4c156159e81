"""What the rest of the code calls: ``variant_for`` to decide, ``track`` to record what people do.

Code names a stable *feature* (``variant_for(request, "ai_search")``), never one experiment:
whichever iteration runs on the feature answers, so the next A/B test needs no code change.
Deciding needs no database write and no randomness: the experiment's definition comes from the
cache, the variant from a hash of the unit id (experiments/assignment.py). The one write is the
unit's first exposure, recorded once per experiment and unit.
"""

from __future__ import annotations

import json
import logging
import math
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from .assignment import bucket, bucket_ranges, choose_variant
from .models import Event, Experiment, Exposure, Variant
from .units import counted_unit_id, user_unit_id, visitor_unit_id

logger = logging.getLogger(__name__)

# Set by the traffic simulator while it drives the site's own views (experiments/simulation.py):
# the exposures and events they write are marked simulated, tagged with the run's experiment.
# A context variable, so nothing from outside the process can set it.
SIMULATION: ContextVar[str] = ContextVar("experiments_simulation", default="")

SPEC_CACHE_SECONDS = 30
EXPOSED_CACHE_SECONDS = 24 * 60 * 60
FORCE_PARAM_PREFIX = "xp_"  # ?xp_<feature>=treatment (staff only)


@dataclass(frozen=True)
class VariantSpec:
    id: int
    key: str
    name: str
    weight: float
    is_control: bool
    config: dict[str, Any]
    prompt_ref: str = ""  # "name@number": the prompt version pinned when the experiment started


@dataclass(frozen=True)
class ExperimentSpec:
    """A feature's current experiment as ``variant_for`` needs it: plain data, cheap to cache.

    The current experiment of a feature is the iteration that runs or is paused, else the latest
    concluded one, else the newest draft. ``default`` is what everyone outside a running
    experiment gets: the variant the feature's latest concluded iteration shipped (its control
    when it shipped nothing); None before any iteration was concluded.
    """

    id: int
    key: str
    feature: str
    status: str
    unit_type: str
    seed: str
    coverage: float
    variants: tuple[VariantSpec, ...]
    prompt_name: str = ""
    default: VariantSpec | None = None

    @property
    def control(self) -> VariantSpec:
        return next((v for v in self.variants if v.is_control), self.variants[0])

    def variant(self, key: str) -> VariantSpec | None:
        return next((v for v in self.variants if v.key == key), None)

    @property
    def ranges(self) -> list[tuple[float, float]]:
        return bucket_ranges([v.weight for v in self.variants], self.coverage)

    def assign(self, unit_id: str) -> VariantSpec | None:
        """The variant this unit is in, or None when coverage leaves it out."""
        index = choose_variant(bucket(self.seed, unit_id), self.ranges)
        return None if index is None else self.variants[index]


@dataclass(frozen=True)
class Assignment:
    """The answer of ``variant_for``: which variant, what it changes, and whether it counts.

    ``prompt_ref`` is the prompt version to serve, for a feature whose experiments compare
    prompts: a running experiment's pinned version (``name@number``) for its units, the prompt's
    bare name (its ``production`` label) for everyone else. Serve it rather than a label from
    ``config``: labels move, and a unit must get what its variant was pinned to.
    """

    experiment_key: str
    variant_key: str
    config: dict[str, Any] = field(default_factory=dict)
    is_control: bool = True
    in_experiment: bool = False  # the unit is part of the running experiment (exposure recorded)
    forced: bool = False  # a staff member chose this variant with ?xp_<feature>=<variant>
    live: bool = False  # an experiment of the feature decides (a flag then follows it)
    feature: str = ""
    prompt_ref: str = ""

    def __getitem__(self, name: str) -> Any:
        return self.config[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.config.get(name, default)


# --- Reading experiments ------------------------------------------------------------------------


def _spec_cache_key(feature: str) -> str:
    return f"experiments:feature:{feature}"


def _exposed_cache_key(feature: str, unit_id: str) -> str:
    """Where the cache remembers that a unit's exposure is written; the value is the
    experiment's id, so the next iteration (or a re-created experiment) does not inherit it."""
    return f"experiments:exposed:{feature}:{unit_id}"


def load_spec(feature: str, cached: Any = None) -> ExperimentSpec | None:
    """The current experiment of ``feature`` as ``variant_for`` needs it (``cached``: what the
    cache already gave for it, if the caller read it)."""
    cache_key = _spec_cache_key(feature)
    spec = cached if cached is not None else cache.get(cache_key)
    if spec is None:
        spec = _build_spec(feature) or False  # cache misses too
        cache.set(cache_key, spec, SPEC_CACHE_SECONDS)
    return spec or None


def current_experiment(iterations: list[Experiment]) -> Experiment | None:
    """The iteration that decides for a feature: the live one, else the latest concluded one,
    else the newest draft."""

    def rank(experiment: Experiment) -> tuple[int, int, int]:
        concluded = experiment.status == Experiment.Status.CONCLUDED
        order = 0 if experiment.is_live else 1 if concluded else 2
        return (order, -experiment.iteration, -experiment.pk)

    return min(iterations, key=rank, default=None)


def _build_spec(feature: str) -> ExperimentSpec | None:
    iterations = list(
        Experiment.objects.on_feature(feature).prefetch_related(
            Prefetch(
                "variants",
                Variant.objects.select_related("prompt_version__prompt").order_by("position", "id"),
            )
        )
    )
    experiment = current_experiment(iterations)
    if experiment is None:
        return None
    variants = tuple(_variant_spec(v) for v in experiment.variants.all())
    if not variants:
        return None
    concluded = [e for e in iterations if e.status == Experiment.Status.CONCLUDED]
    last = max(concluded, key=lambda e: (e.iteration, e.pk), default=None)
    default = None
    if last is not None:
        shipped = next(
            (v for v in last.variants.all() if v.pk == last.shipped_variant_id),
            next((v for v in last.variants.all() if v.is_control), None),
        )
        default = _variant_spec(shipped) if shipped else None
    return ExperimentSpec(
        id=experiment.pk,
        key=experiment.key,
        feature=feature,
        status=experiment.status,
        unit_type=experiment.unit_type,
        seed=experiment.hash_seed,
        coverage=experiment.coverage,
        variants=variants,
        prompt_name=experiment.prompt_name,
        default=default,
    )


def _variant_spec(variant: Variant) -> VariantSpec:
    pinned = variant.prompt_version
    return VariantSpec(
        variant.pk,
        variant.key,
        variant.name,
        variant.weight,
        variant.is_control,
        dict(variant.config) if isinstance(variant.config, dict) else {},
        prompt_ref=f"{pinned.prompt.name}@{pinned.number}" if pinned else "",
    )


def forget_feature(feature: str) -> None:
    """Make the next ``variant_for`` of ``feature`` read the database."""
    cache.delete(_spec_cache_key(feature))


@receiver([post_save, post_delete], sender=Experiment)
@receiver([post_save, post_delete], sender=Variant)
def _forget_cached_spec(sender, instance, **kwargs) -> None:
    experiment = instance if isinstance(instance, Experiment) else instance.experiment
    forget_feature(experiment.feature)


# --- Deciding -----------------------------------------------------------------------------------


def variant_for(request: HttpRequest, feature: str) -> Assignment:
    """Decide this request's variant of the experiment running on ``feature``, recording the
    unit's first exposure. Call it where the variant changes what the person sees.

    - running: the unit's hashed variant; the first call per unit writes its ``Exposure``;
    - a unit outside the coverage, a request without a unit id (an anonymous user; a visitor
      whose browser has not sent its cookie back yet) or from a known bot, and every unit while
      no experiment runs on the feature: the default, nothing recorded. The default is what the
      feature's latest concluded iteration shipped, else the control; its prompt is the
      ``production`` label, so a label move (ship, rollback) is what these units get;
    - staff can force any variant with ``?xp_<feature>=<variant key>``; nothing is recorded.
    A feature without experiments is logged and answered with an empty control, so a typo never
    500s.
    """
    memo: dict[str, Assignment] = request.__dict__.setdefault("_experiment_assignments", {})
    if feature in memo:
        return memo[feature]
    # One cache round trip: the experiment, and whether this person's exposure is written (under
    # each unit id the request has, since which one counts is in the experiment).
    unit_ids = {user_unit_id(request), visitor_unit_id(request)} - {""}
    exposed_keys = {unit_id: _exposed_cache_key(feature, unit_id) for unit_id in unit_ids}
    found = cache.get_many([_spec_cache_key(feature), *exposed_keys.values()])
    spec = load_spec(feature, cached=found.get(_spec_cache_key(feature)))
    if spec is None:
        logger.warning("variant_for: no experiment with variants on feature %r", feature)
        assignment = Assignment(feature, "control", feature=feature)
    else:
        exposed = {unit_id for unit_id, key in exposed_keys.items() if found.get(key) == spec.id}
        assignment = _decide(request, spec, exposed)
    memo[feature] = assignment
    return assignment


def live_variant_for(request: HttpRequest, feature: str) -> Assignment | None:
    """``variant_for``, or None while no experiment of the feature decides anything: only
    drafts, or a paused first iteration (a flag then answers from its own settings)."""
    assignment = variant_for(request, feature)
    return assignment if assignment.live else None


def _decide(request: HttpRequest, spec: ExperimentSpec, exposed: set[str]) -> Assignment:
    forced = _forced_variant(request, spec)
    if forced is not None:
        return _answer(
            spec, forced, live=True, forced=True, prompt_ref=_forced_prompt(spec, forced)
        )
    if spec.status == Experiment.Status.RUNNING:
        unit_id = counted_unit_id(request, spec.unit_type)
        variant = spec.assign(unit_id) if unit_id else None
        if variant is not None:
            if unit_id not in exposed:  # variant_for has read the cache's mark already
                _write_exposure(spec, variant, unit_id, dimensions=exposure_dimensions(request))
            return _answer(
                spec, variant, live=True, in_experiment=True, prompt_ref=variant.prompt_ref
            )
    # Outside a running experiment: what the feature shipped, on the production prompt.
    live = spec.default is not None or spec.status == Experiment.Status.RUNNING
    return _answer(spec, spec.default or spec.control, live=live, prompt_ref=spec.prompt_name)


def _forced_variant(request: HttpRequest, spec: ExperimentSpec) -> VariantSpec | None:
    wanted = request.GET.get(FORCE_PARAM_PREFIX + spec.feature) if hasattr(request, "GET") else None
    user = getattr(request, "user", None)
    if not wanted or user is None or not user.is_staff:
        return None
    return spec.variant(wanted)


def _forced_prompt(spec: ExperimentSpec, variant: VariantSpec) -> str:
    """A forced variant's prompt: its pinned version, or (before the experiment started, for QA)
    the version its label points at now."""
    label = variant.config.get("prompt_label")
    if variant.prompt_ref or not spec.prompt_name:
        return variant.prompt_ref
    return f"{spec.prompt_name}:{label}" if label else spec.prompt_name


def _answer(
    spec: ExperimentSpec,
    variant: VariantSpec,
    *,
    live: bool,
    prompt_ref: str,
    in_experiment: bool = False,
    forced: bool = False,
) -> Assignment:
    return Assignment(
        experiment_key=spec.key,
        variant_key=variant.key,
        config=variant.config,
        is_control=variant.is_control,
        in_experiment=in_experiment,
        forced=forced,
        live=live,
        feature=spec.feature,
        prompt_ref=prompt_ref,
    )


def record_exposure(
    spec: ExperimentSpec,
    variant: VariantSpec,
    unit_id: str,
    *,
    when: datetime | None = None,
    simulated: bool = False,
    dimensions: dict[str, str] | None = None,
) -> None:
    """Write the unit's first exposure; later calls are no-ops (cache first, then a unique key).
    ``dimensions``: what the unit was then, for breakdowns (see ``exposure_dimensions``)."""
    if cache.get(_exposed_cache_key(spec.feature, unit_id)) == spec.id:
        return
    _write_exposure(spec, variant, unit_id, when=when, simulated=simulated, dimensions=dimensions)


MOBILE_USER_AGENT = re.compile(r"Mobi|Android")
CATEGORY_URL_NAME = "category"  # marketplace/urls.py: /c/<slug>/


def exposure_dimensions(request: HttpRequest) -> dict[str, str]:
    """What a request's person is, recorded with their first exposure for breakdowns
    (``analysis.sufficient_stats_by``):

    - ``device``: "mobile" if the User-Agent says "Mobi" or "Android" (the usual test: phones'
      browsers say "Mobile", Android tablets at least "Android"), else "desktop";
    - ``visitor``: "returning" if the browser sent a visitor cookie it already had, "new" if this
      request gave it one. A visitor-unit experiment only counts a browser once it has sent its
      cookie back (experiments/units.py), so its units are all "returning": the dimension tells
      something only in user-unit experiments (an account on a new browser is "new");
    - ``category``: the category's slug when the request is the category page (URL name
      ``category``); other pages have no category, and the breakdown puts them under "unknown".
    """
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    dimensions = {"device": "mobile" if MOBILE_USER_AGENT.search(user_agent) else "desktop"}
    is_new = getattr(request, "visitor_is_new", None)  # None: no VisitorMiddleware ran
    if is_new is not None:
        dimensions["visitor"] = "new" if is_new else "returning"
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name == CATEGORY_URL_NAME:
        slug = match.kwargs.get("slug")
        if isinstance(slug, str) and slug:
            dimensions["category"] = slug[:60]
    return dimensions


def _write_exposure(
    spec: ExperimentSpec,
    variant: VariantSpec,
    unit_id: str,
    *,
    when: datetime | None = None,
    simulated: bool = False,
    dimensions: dict[str, str] | None = None,
) -> None:
    Exposure.objects.bulk_create(
        [
            Exposure(
                experiment_id=spec.id,
                variant_id=variant.id,
                unit_id=unit_id,
                first_seen_at=when or timezone.now(),
                is_simulated=simulated or bool(SIMULATION.get()),
                dimensions=dimensions or {},
            )
        ],
        ignore_conflicts=True,  # a concurrent first request already wrote it: the first one wins
    )
    cache.set(_exposed_cache_key(spec.feature, unit_id), spec.id, EXPOSED_CACHE_SECONDS)


def forget_exposures(feature: str, unit_ids: list[str]) -> None:
    """Drop the cache's "exposure written" marks of these units (their exposures were deleted)."""
    keys = [_exposed_cache_key(feature, unit_id) for unit_id in unit_ids]
    for start in range(0, len(keys), 1000):
        cache.delete_many(keys[start : start + 1000])


# --- Recording events ---------------------------------------------------------------------------


def track(
    request: HttpRequest,
    name: str,
    value: float | None = None,
    *,
    idempotency_key: str | None = None,
    **properties: Any,
) -> Event | None:
    """Record that this request's person did ``name``. Returns None for a duplicate key."""
    return record_event(
        name,
        visitor_id=visitor_unit_id(request),
        user_id=user_unit_id(request),
        value=value,
        idempotency_key=idempotency_key,
        properties=properties,
    )


def _storable(value: Any) -> Any:
    """``value`` (parsed JSON) without what PostgreSQL's JSONB refuses: NUL in any string, and
    NaN or infinite numbers. A property taken from a request must never make the request a 500."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list):
        return [_storable(item) for item in value]
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    return value


def _save_without_waiting_for_the_disk(event: Event) -> None:
    """Insert ``event`` in one statement whose commit does not wait for the WAL to reach the
    disk (Postgres ``synchronous_commit`` off, set with ``set_config(..., true)`` inside the
    statement's own transaction, so nothing else is affected).

    A page view or a search writes an event on the request path, and waiting for the disk was
    all of that write: 4.0 ms at the median on the benchmark machine, against 0.12-0.16 ms
    without the wait (docs/benchmarks.md, "Issue 17"). At risk is the last fraction of a
    second of events if the database server itself crashes, never a corrupted or half-written
    row: a fair price for analytics events. One statement, as before: a transaction with a
    ``SET LOCAL`` would be three more round trips. Inside a caller's transaction nothing
    changes: the setting would cover the caller's own writes too, which must stay durable."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        event.save()
        return
    fields = [f for f in Event._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(event, True), connection) for f in fields]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(Event._meta.db_table)} ({columns}) "
            f"SELECT {placeholders} FROM (SELECT set_config('synchronous_commit', 'off', true)) "
            "AS relaxed RETURNING id",
            values,
        )
        event.pk = cursor.fetchone()[0]
    event._state.adding = False


def record_event(
    name: str,
    *,
    visitor_id: str = "",
    user_id: str = "",
    value: float | None = None,
    idempotency_key: str | None = None,
    properties: dict[str, Any] | None = None,
    when: datetime | None = None,
    simulated: bool = False,
) -> Event | None:
    run = SIMULATION.get()
    if run:  # the traffic simulator is driving the site: what the views record is simulated
        simulated, properties = True, {**(properties or {}), "simulation": run}
    event = Event(
        name=name,
        visitor_id=visitor_id,
        user_id=user_id,
        value=value,
        properties=_storable(json.loads(json.dumps(properties or {}, cls=DjangoJSONEncoder))),
        idempotency_key=idempotency_key or None,
        timestamp=when or timezone.now(),
        is_simulated=simulated,
    )
    if idempotency_key is None:
        _save_without_waiting_for_the_disk(event)
        return event
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        return None  # the same key was recorded before: a retry or a double submit
    return event
