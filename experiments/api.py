"""What the rest of the code calls: ``variant_for`` to decide, ``track`` to record what people do.

Deciding needs no database write and no randomness: the experiment's definition comes from the
cache, the variant from a hash of the unit id (experiments/assignment.py). The one write is the
unit's first exposure, recorded once per experiment and unit.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from .assignment import bucket, bucket_ranges, choose_variant
from .models import Event, Experiment, Exposure, Variant
from .units import unit_id_for, user_unit_id, visitor_unit_id

logger = logging.getLogger(__name__)

SPEC_CACHE_SECONDS = 30
EXPOSED_CACHE_SECONDS = 24 * 60 * 60
FORCE_PARAM_PREFIX = "xp_"  # ?xp_ai_search=treatment (staff only)


@dataclass(frozen=True)
class VariantSpec:
    id: int
    key: str
    name: str
    weight: float
    is_control: bool
    config: dict[str, Any]


@dataclass(frozen=True)
class ExperimentSpec:
    """An experiment as ``variant_for`` needs it: plain data, cheap to cache."""

    id: int
    key: str
    status: str
    unit_type: str
    seed: str
    coverage: float
    variants: tuple[VariantSpec, ...]
    shipped_variant_id: int | None = None

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
    """The answer of ``variant_for``: which variant, what it changes, and whether it counts."""

    experiment_key: str
    variant_key: str
    config: dict[str, Any] = field(default_factory=dict)
    is_control: bool = True
    in_experiment: bool = False  # the unit is part of the running experiment (exposure recorded)
    forced: bool = False  # a staff member chose this variant with ?xp_<key>=<variant>
    live: bool = False  # the experiment runs or is concluded (a draft or paused one is not)

    def __getitem__(self, name: str) -> Any:
        return self.config[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.config.get(name, default)


# --- Reading experiments ------------------------------------------------------------------------


def _spec_cache_key(key: str) -> str:
    return f"experiments:spec:{key}"


def _exposed_cache_key(experiment_key: str, unit_id: str) -> str:
    """Where the cache remembers that a unit's exposure is written; the value is the
    experiment's id, so a deleted and re-created experiment does not inherit it."""
    return f"experiments:exposed:{experiment_key}:{unit_id}"


def load_spec(key: str, cached: Any = None) -> ExperimentSpec | None:
    """The experiment ``key`` as ``variant_for`` needs it (``cached``: what the cache already
    gave for it, if the caller read it)."""
    cache_key = _spec_cache_key(key)
    spec = cached if cached is not None else cache.get(cache_key)
    if spec is None:
        experiment = Experiment.objects.filter(key=key).first()
        spec = _build_spec(experiment) if experiment else False  # cache misses too
        cache.set(cache_key, spec, SPEC_CACHE_SECONDS)
    return spec or None


def _build_spec(experiment: Experiment) -> ExperimentSpec | bool:
    variants = tuple(
        VariantSpec(v.pk, v.key, v.name, v.weight, v.is_control, dict(v.config))
        for v in experiment.variants.order_by("position", "id")
    )
    if not variants:
        return False
    return ExperimentSpec(
        id=experiment.pk,
        key=experiment.key,
        status=experiment.status,
        unit_type=experiment.unit_type,
        seed=experiment.hash_seed,
        coverage=experiment.coverage,
        variants=variants,
        shipped_variant_id=experiment.shipped_variant_id,
    )


@receiver([post_save, post_delete], sender=Experiment)
@receiver([post_save, post_delete], sender=Variant)
def _forget_cached_spec(sender, instance, **kwargs) -> None:
    experiment = instance if isinstance(instance, Experiment) else instance.experiment
    cache.delete(_spec_cache_key(experiment.key))
    if isinstance(instance, Experiment) and instance.pk:
        for flag in instance.flags.all():  # waffle's cached flags carry the experiment's key
            flag.flush()


# --- Deciding -----------------------------------------------------------------------------------


def variant_for(request: HttpRequest, experiment_key: str) -> Assignment:
    """Decide this request's variant of an experiment, recording the unit's first exposure.

    - running: the unit's hashed variant; the first call per unit writes its ``Exposure``;
    - draft, paused, or a unit outside the coverage or without an id: control, nothing recorded;
    - concluded: the shipped variant (control when none was shipped), nothing recorded;
    - staff can force any variant with ``?xp_<key>=<variant key>``; nothing is recorded.
    A missing experiment is logged and answered with an empty control, so a typo never 500s.
    """
    memo: dict[str, Assignment] = request.__dict__.setdefault("_experiment_assignments", {})
    if experiment_key in memo:
        return memo[experiment_key]
    # One cache round trip: the experiment, and whether this person's exposure is written (under
    # each unit id the request has, since which one counts is in the experiment).
    unit_ids = {user_unit_id(request), visitor_unit_id(request)} - {""}
    exposed_keys = {unit_id: _exposed_cache_key(experiment_key, unit_id) for unit_id in unit_ids}
    found = cache.get_many([_spec_cache_key(experiment_key), *exposed_keys.values()])
    spec = load_spec(experiment_key, cached=found.get(_spec_cache_key(experiment_key)))
    if spec is None:
        logger.warning("variant_for: no experiment %r with variants", experiment_key)
        assignment = Assignment(experiment_key, "control")
    else:
        exposed = {unit_id for unit_id, key in exposed_keys.items() if found.get(key) == spec.id}
        assignment = _decide(request, spec, exposed)
    memo[experiment_key] = assignment
    return assignment


def live_variant_for(request: HttpRequest, experiment_key: str) -> Assignment | None:
    """``variant_for``, or None while the experiment is a draft or paused (a flag linked to it
    then answers from its own settings)."""
    assignment = variant_for(request, experiment_key)
    return assignment if assignment.live else None


def _decide(request: HttpRequest, spec: ExperimentSpec, exposed: set[str]) -> Assignment:
    forced = _forced_variant(request, spec)
    if forced is not None:
        return _answer(spec, forced, in_experiment=False, forced=True)
    if spec.status == Experiment.Status.CONCLUDED:
        shipped = next((v for v in spec.variants if v.id == spec.shipped_variant_id), spec.control)
        return _answer(spec, shipped, in_experiment=False)
    if spec.status != Experiment.Status.RUNNING:
        return _answer(spec, spec.control, in_experiment=False)
    unit_id = unit_id_for(request, spec.unit_type)
    variant = spec.assign(unit_id) if unit_id else None
    if variant is None:
        return _answer(spec, spec.control, in_experiment=False)
    if unit_id not in exposed:  # variant_for has read the cache's mark already
        _write_exposure(spec, variant, unit_id)
    return _answer(spec, variant, in_experiment=True)


def _forced_variant(request: HttpRequest, spec: ExperimentSpec) -> VariantSpec | None:
    wanted = request.GET.get(FORCE_PARAM_PREFIX + spec.key) if hasattr(request, "GET") else None
    user = getattr(request, "user", None)
    if not wanted or user is None or not user.is_staff:
        return None
    return spec.variant(wanted)


def _answer(
    spec: ExperimentSpec, variant: VariantSpec, *, in_experiment: bool, forced: bool = False
) -> Assignment:
    return Assignment(
        experiment_key=spec.key,
        variant_key=variant.key,
        config=variant.config,
        is_control=variant.is_control,
        in_experiment=in_experiment,
        forced=forced,
        live=spec.status in (Experiment.Status.RUNNING, Experiment.Status.CONCLUDED),
    )


def record_exposure(
    spec: ExperimentSpec,
    variant: VariantSpec,
    unit_id: str,
    *,
    when: datetime | None = None,
    simulated: bool = False,
) -> None:
    """Write the unit's first exposure; later calls are no-ops (cache first, then a unique key)."""
    if cache.get(_exposed_cache_key(spec.key, unit_id)) == spec.id:
        return
    _write_exposure(spec, variant, unit_id, when=when, simulated=simulated)


def _write_exposure(
    spec: ExperimentSpec,
    variant: VariantSpec,
    unit_id: str,
    *,
    when: datetime | None = None,
    simulated: bool = False,
) -> None:
    Exposure.objects.bulk_create(
        [
            Exposure(
                experiment_id=spec.id,
                variant_id=variant.id,
                unit_id=unit_id,
                first_seen_at=when or timezone.now(),
                is_simulated=simulated,
            )
        ],
        ignore_conflicts=True,  # a concurrent first request already wrote it: the first one wins
    )
    cache.set(_exposed_cache_key(spec.key, unit_id), spec.id, EXPOSED_CACHE_SECONDS)


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
    event = Event(
        name=name,
        visitor_id=visitor_id,
        user_id=user_id,
        value=value,
        properties=json.loads(json.dumps(properties or {}, cls=DjangoJSONEncoder)),
        idempotency_key=idempotency_key or None,
        timestamp=when or timezone.now(),
        is_simulated=simulated,
    )
    if idempotency_key is None:
        event.save()
        return event
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        return None  # the same key was recorded before: a retry or a double submit
    return event
