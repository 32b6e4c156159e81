"""The traffic simulator: synthetic units through the real assignment, exposure and tracking code.

Each synthetic unit is bucketed by ``ExperimentSpec.assign`` (the function ``variant_for`` uses),
exposed with ``record_exposure`` and does things through ``record_event`` (the functions behind
``variant_for`` and ``track``). Its behaviour is drawn per event name from the baselines of the
metrics built on that event, each multiplied by ``1 + lift`` in non-control variants for the
metrics given a true effect (see ``EventBehaviour``). Every row it writes is
marked ``is_simulated`` and its unit ids start with ``sim-<experiment>.``, so ``clear_simulated``
removes exactly them. The numbers it produces are simulated and the admin labels them so.

Simulated units are exposed at moments spread over the past ``days``, so a run changes finished
days: both a run and a clear drop the experiment's stored daily results (services.forget_results).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .api import (
    SIMULATION,
    ExperimentSpec,
    forget_exposures,
    load_spec,
    record_event,
    record_exposure,
)
from .models import Event, Experiment, Exposure, Metric, Variant
from .services import backdate_for_simulated_history, forget_results
from .units import VISITOR_COOKIE

CHUNK = 500
# Default baselines when the command is not told otherwise: a conversion rate, a mean count per
# unit, or a mean value per unit, depending on the metric's kind.
DEFAULT_BASELINE = {
    Metric.Kind.CONVERSION: 0.10,
    Metric.Kind.COUNT: 1.5,
    Metric.Kind.SUM: 40.0,
}
# When a count metric shares its event with a conversion metric, a converting unit does the
# event this many times on average, unless the count metric is given a baseline of its own.
EVENTS_PER_CONVERTER = 1.5
# What a plan may ask for (check_plan): enough for any demo or A/A test, not enough to fill the
# database by mistake or to put events in the future.
MAX_UNITS = 1_000_000
MAX_UNITS_THROUGH_SITE = 10_000  # each unit is a few real requests
MAX_DAYS = 365
MAX_LIFT = 10.0  # +1000%
MAX_BASELINE = {
    Metric.Kind.CONVERSION: 1.0,  # a share of units
    Metric.Kind.COUNT: 50.0,  # events per unit
    Metric.Kind.SUM: 1e9,  # value per unit
}
BASELINE_MEANING = {
    Metric.Kind.CONVERSION: "a conversion rate",
    Metric.Kind.COUNT: "a mean count of events per unit",
    Metric.Kind.SUM: "a mean value per unit",
}


@dataclass
class SimulationPlan:
    experiment: Experiment
    units: int
    seed: int = 1
    baselines: dict[str, float] = field(default_factory=dict)  # metric key -> baseline
    effects: dict[str, float] = field(default_factory=dict)  # metric key -> true relative lift
    days: int = 14
    through_site: bool = False  # drive the site's own views (see _SiteRun) instead of the API
    # Also write each unit's events over the experiment's CUPED lookback before its exposure,
    # from a propensity of its own that drives both periods (see _Run.unit).
    pre_exposure: bool = False
    # Move the experiment's start back to ``days`` ago first, if it started later, so that the
    # people spread over the days (services.backdate_for_simulated_history).
    backdate: bool = False

    def baseline_for(self, metric: Metric) -> float:
        return self.baselines.get(metric.key, DEFAULT_BASELINE[Metric.Kind(metric.kind)])


@dataclass
class SimulationReport:
    units: int = 0
    exposed: int = 0
    events: int = 0
    per_variant: dict[str, int] = field(default_factory=dict)
    # Through the site only: events the journey has no page for, and what looked wrong.
    not_driven: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    # With ``backdate``: the start the experiment had before it was moved back, if it was.
    backdated_from: datetime | None = None


def unit_prefix(experiment: Experiment) -> str:
    """``sim-<key>.``: a key is a slug, so the dot keeps ``sim-ai.`` apart from ``sim-ai-2.``
    (the next iteration's), and usernames may contain it."""
    return f"sim-{experiment.key}."


def experiment_metrics(experiment: Experiment) -> list[Metric]:
    metrics: dict[int, Metric] = {}
    if experiment.primary_metric:
        metrics[experiment.primary_metric.pk] = experiment.primary_metric
    for metric in [*experiment.secondary_metrics.all(), *experiment.guardrail_metrics.all()]:
        metrics.setdefault(metric.pk, metric)
    return list(metrics.values())


def simulate(
    plan: SimulationPlan, progress: Callable[[int], None] | None = None
) -> SimulationReport:
    """Drive ``plan.units`` synthetic units through the experiment. Deterministic for a seed."""
    experiment = plan.experiment
    spec = load_spec(experiment.feature)
    if spec is None or spec.id != experiment.pk or experiment.status != Experiment.Status.RUNNING:
        running = Experiment.objects.running().on_feature(experiment.feature).first()
        hint = f" The feature's running iteration is {running.key!r}." if running else ""
        raise ValueError(
            f"Experiment {experiment.key!r} must be running to receive traffic; it is "
            f"{experiment.get_status_display().lower()}.{hint}"
        )
    metrics = experiment_metrics(experiment)
    unknown = (set(plan.effects) | set(plan.baselines)) - {m.key for m in metrics}
    if unknown:
        raise ValueError(
            f"Not metrics of {experiment.key!r}: {', '.join(sorted(unknown))}. "
            f"Its metrics are: {', '.join(m.key for m in metrics) or 'none'}."
        )
    check_plan(plan, metrics)
    backdated_from = None
    if plan.backdate:
        backdated_from = backdate_for_simulated_history(experiment, days=plan.days)
    if plan.through_site:
        report = _SiteRun(plan, spec, metrics).execute(progress)
    else:
        report = _Run(plan, spec, metrics).execute(progress)
    report.backdated_from = backdated_from
    forget_results(experiment)
    return report


def check_plan(plan: SimulationPlan, metrics: list[Metric]) -> None:
    """Refuse a plan whose numbers mean nothing (``ValueError``, saying what is allowed): NaN and
    infinite lifts or baselines, a lift of -100% or less, a rate outside [0, 1], days that would
    date events in the future or overflow the calendar, more units than a run should write."""
    if plan.through_site and plan.pre_exposure:
        raise ValueError(
            "Pre-exposure behaviour is written by the fast path only: the site's pages record "
            "what people do now, not before their exposure."
        )
    if plan.through_site and plan.backdate:
        raise ValueError(
            "--backdate is for the fast path only: people sent through the site's pages arrive "
            "now, not over past days."
        )
    most_units = MAX_UNITS_THROUGH_SITE if plan.through_site else MAX_UNITS
    if not 1 <= plan.units <= most_units:
        how = " through the site" if plan.through_site else ""
        raise ValueError(f"Units{how}: from 1 to {most_units:,}; got {plan.units:,}.")
    if not 1 <= plan.days <= MAX_DAYS:
        raise ValueError(
            f"Days: from 1 to {MAX_DAYS}, the past days over which exposures are spread; "
            f"got {plan.days}."
        )
    for key, lift in sorted(plan.effects.items()):
        if not (math.isfinite(lift) and -1 < lift <= MAX_LIFT):
            raise ValueError(
                f"The effect on {key} must be a relative lift above -1 and at most {MAX_LIFT:g} "
                f"(0.1 is +10%, -0.5 is -50%); got {lift}."
            )
    kinds = {metric.key: Metric.Kind(metric.kind) for metric in metrics}
    for key in sorted({*plan.effects, *plan.baselines}):
        if kinds.get(key) == Metric.Kind.RATIO:
            raise ValueError(
                f"{key} is a ratio metric: the simulator draws events per unit, not ratios. Give "
                "the effect and baseline of a conversion, count or sum metric on its events, or "
                "send people through the site (--through-site)."
            )
    for key, baseline in sorted(plan.baselines.items()):
        kind = kinds[key]
        if not (math.isfinite(baseline) and 0 <= baseline <= MAX_BASELINE[kind]):
            raise ValueError(
                f"The baseline of {key} is {BASELINE_MEANING[kind]}, from 0 to "
                f"{MAX_BASELINE[kind]:g}; got {baseline}."
            )


@dataclass(frozen=True)
class EventBehaviour:
    """How often a unit of one variant does one event, from the metrics built on that event.

    A conversion metric sets the share of units who do it at all; a count metric the mean number
    of times per unit (converting units then do it ``1 + Poisson(count / rate - 1)`` times, so
    both means hold at once); a sum metric the mean total value per unit, spread over the events.
    With a count metric alone the count is Poisson; with a sum metric alone half the units act.
    """

    event_name: str
    rate: float | None = None
    count: float | None = None
    value: float | None = None

    @classmethod
    def for_variant(
        cls, event_name: str, metrics: list[Metric], plan: SimulationPlan, is_control: bool
    ) -> EventBehaviour:
        by_kind = {Metric.Kind(metric.kind): metric for metric in metrics}
        lifts = {
            kind: 0.0 if is_control else plan.effects.get(metric.key, 0.0)
            for kind, metric in by_kind.items()
        }
        rate = count = value = None
        conversion = by_kind.get(Metric.Kind.CONVERSION)
        if conversion is not None:
            rate = min(plan.baseline_for(conversion) * (1 + lifts[Metric.Kind.CONVERSION]), 1.0)
        counted = by_kind.get(Metric.Kind.COUNT)
        if counted is not None:
            if counted.key in plan.baselines or conversion is None:
                count = plan.baseline_for(counted) * (1 + lifts[Metric.Kind.COUNT])
            else:  # converters behave alike unless told otherwise: the count follows the rate
                count = (rate or 0.0) * EVENTS_PER_CONVERTER * (1 + lifts[Metric.Kind.COUNT])
        summed = by_kind.get(Metric.Kind.SUM)
        if summed is not None:
            value = plan.baseline_for(summed) * (1 + lifts[Metric.Kind.SUM])
        return cls(event_name, rate, count, value)

    def scaled(self, propensity: float) -> EventBehaviour:
        """The behaviour of a unit ``propensity`` times as active as the average one: its rate
        (at most 1), count and value multiplied."""
        if propensity == 1.0:
            return self
        return EventBehaviour(
            self.event_name,
            None if self.rate is None else min(self.rate * propensity, 1.0),
            None if self.count is None else self.count * propensity,
            None if self.value is None else self.value * propensity,
        )

    def draw(self, rng: random.Random) -> tuple[int, float | None]:
        """How many times a unit does the event, and the value of each event (or None)."""
        if self.rate is not None:
            times = 0
            if rng.random() < self.rate:
                extra = (self.count / self.rate - 1) if self.count and self.rate else 0.0
                times = 1 + _poisson(rng, max(extra, 0.0))
            expected = self.count if self.count is not None else self.rate
        elif self.count is not None:
            times, expected = _poisson(rng, self.count), self.count
        else:
            times, expected = (1 if rng.random() < 0.5 else 0), 0.5
        if self.value is None or not times:
            return times, None
        per_event = self.value / expected if expected else 0.0
        return times, rng.expovariate(1 / per_event) if per_event > 0 else 0.0


def behaviours(
    plan: SimulationPlan, spec: ExperimentSpec, metrics: list[Metric]
) -> dict[str, list[EventBehaviour]]:
    """For each variant key, how its units behave: one ``EventBehaviour`` per event name."""
    by_event: dict[str, list[Metric]] = {}
    for metric in metrics:
        by_event.setdefault(metric.event_name, []).append(metric)
    return {
        variant.key: [
            EventBehaviour.for_variant(name, group, plan, variant.is_control)
            for name, group in sorted(by_event.items())
        ]
        for variant in spec.variants
    }


class _Run:
    def __init__(self, plan: SimulationPlan, spec: ExperimentSpec, metrics: list[Metric]) -> None:
        self.plan, self.spec = plan, spec
        self.rng = random.Random(plan.seed)
        self.now = timezone.now()
        started = plan.experiment.started_at or self.now
        self.window_start = max(started, self.now - timedelta(days=plan.days))
        # Never in the future: an experiment started a moment ago gets its people at that moment,
        # or the analysis (whose window ends now) would leave out those "exposed" after it ran.
        self.window_seconds = max((self.now - self.window_start).total_seconds(), 0.0)
        self.report = SimulationReport()
        self.behaviour = behaviours(plan, spec, metrics)
        # Dimensions from their own stream, so runs without them draw the same traffic as before.
        self.dimension_rng = random.Random(f"{plan.seed}-dimensions")
        self.lookback = timedelta(days=plan.experiment.cuped_lookback_days)

    def dimensions(self) -> dict[str, str]:
        """A unit's device and visitor, as the site records them (api.exposure_dimensions): 60%
        of units on mobile; in a user experiment 30% of accounts on a browser new to the site, in
        a visitor experiment none (the site counts a browser once it sent its cookie back)."""
        rng = self.dimension_rng
        new = self.spec.unit_type == "user" and rng.random() < 0.3
        return {
            "device": "mobile" if rng.random() < 0.6 else "desktop",
            "visitor": "new" if new else "returning",
        }

    def execute(self, progress: Callable[[int], None] | None) -> SimulationReport:
        prefix = f"{unit_prefix(self.plan.experiment)}{self.plan.seed}-"
        for chunk_start in range(0, self.plan.units, CHUNK):
            # A transaction per chunk: far fewer commits, and an interrupted run keeps whole chunks.
            with transaction.atomic():
                for i in range(chunk_start, min(chunk_start + CHUNK, self.plan.units)):
                    self.unit(f"{prefix}{i}")
            if progress:
                progress(self.report.units)
        return self.report

    def unit(self, unit_id: str) -> None:
        self.report.units += 1
        variant = self.spec.assign(unit_id)
        if variant is None:
            return  # outside the coverage: never exposed, as on the site
        exposed_at = self.window_start + timedelta(seconds=self.rng.random() * self.window_seconds)
        record_exposure(
            self.spec,
            variant,
            unit_id,
            when=exposed_at,
            simulated=True,
            dimensions=self.dimensions(),
        )
        ids = {"user_id": unit_id} if self.spec.unit_type == "user" else {"visitor_id": unit_id}
        span = max((self.now - exposed_at).total_seconds(), 0.0)
        propensity = 1.0
        if self.plan.pre_exposure:
            # How active this person is, drawn once (exponential, mean 1): it multiplies what
            # they do in the lookback before their exposure (as the control does: nothing was
            # changed for them yet) and after it (as their variant does), so the two periods
            # correlate as a real person's do, and CUPED has something to take out.
            propensity = self.rng.expovariate(1.0)
            for behaviour in self.behaviour[self.spec.control.key]:
                times, value = behaviour.scaled(propensity).draw(self.rng)
                for _ in range(times):
                    ago = self.rng.random() * self.lookback.total_seconds()
                    self.event(
                        behaviour.event_name, value, exposed_at - timedelta(seconds=ago), ids
                    )
                self.report.events += times
        for behaviour in self.behaviour[variant.key]:
            times, value = behaviour.scaled(propensity).draw(self.rng)
            for _ in range(times):
                self.event(
                    behaviour.event_name,
                    value,
                    exposed_at + timedelta(seconds=self.rng.random() * span),
                    ids,
                )
            self.report.events += times
        self.report.exposed += 1
        self.report.per_variant[variant.key] = self.report.per_variant.get(variant.key, 0) + 1

    def event(self, name: str, value: float | None, when: datetime, ids: dict[str, str]) -> None:
        record_event(
            name,
            value=value,
            when=when,
            simulated=True,
            properties={"simulated": True},
            **ids,
        )


# --- Through the site ----------------------------------------------------------------------------
#
# The fast path above calls the API behind the views, so it cannot catch a view that exposes
# people where nothing is decided, forgets a track() call or serves the wrong version. This one
# sends each simulated person through the site's own views with Django's test client: the app
# that owns the pages registers, per feature, a journey that knows which requests a person makes
# (``register_journey``, found in each app's ``journeys`` module, as admin.py is found). The
# site decides the variant and writes the exposure; the person then acts according to the
# variant the site gave them, drawn from the same behaviours as the fast path. It is slow
# (a few requests per person) and happens now, not spread over past days: use it to check the
# instrumentation on a few hundred people, and the fast path for large runs.

SIMULATED_BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36 (Bazaar traffic simulator)"
)


def site_host() -> str:
    """A host name the site answers to (``ALLOWED_HOSTS``), for the simulated browsers."""
    for host in settings.ALLOWED_HOSTS:
        if host != "*":
            return host.lstrip(".")
    return "localhost"


class Visit:
    """One simulated person on the site: a browser (Django's test client) and what they saw.

    A journey makes its requests through ``get`` and ``post``; ``log_in`` gives the person an
    account (``sim-<experiment>.<seed>-<n>``, removed by ``clear_simulated``) when the pages need
    one. ``notes`` keeps what the journey read off the pages for its later steps.
    """

    def __init__(self, run: _SiteRun, number: int) -> None:
        from django.test import Client

        self.run, self.number, self.rng = run, number, run.rng
        # Its own address (RFC 2544's benchmarking range), so per-address limits see people.
        address = f"198.18.{number // 250 % 250}.{number % 250 + 1}"
        self.client = Client(
            HTTP_USER_AGENT=SIMULATED_BROWSER, REMOTE_ADDR=address, HTTP_HOST=site_host()
        )
        self.notes: dict[str, Any] = {}
        self.user: Any = None

    # Over HTTPS, as a person reaches a production site (which redirects plain HTTP).
    def get(self, path: str, data: dict | None = None, **extra: Any):
        return self.client.get(path, data, secure=True, **extra)

    def post(self, path: str, data: dict | None = None, **extra: Any):
        return self.client.post(path, data, secure=True, **extra)

    def log_in(self) -> Any:
        if self.user is None:
            name = f"{self.run.prefix}{self.number}"
            self.user = get_user_model().objects.create_user(username=name[:150])
            self.client.force_login(self.user)
        return self.user

    def problem(self, text: str) -> None:
        self.run.report.problems.append(text)

    @property
    def unit_ids(self) -> set[str]:
        ids = {str(self.user.pk)} if self.user is not None else set()
        cookie = self.client.cookies.get(VISITOR_COOKIE)
        if cookie is not None:
            ids.add(cookie.value.split(":")[0])
        return ids


class Journey(Protocol):
    """How simulated people meet one feature on the site (see ``register_journey``)."""

    def start(self, visit: Visit) -> None:
        """The requests up to and including the one where the site decides the variant."""

    def act(self, visit: Visit, event_name: str, times: int) -> int | None:
        """Do what records ``event_name`` about ``times`` times; return how many such events the
        pages should have recorded, or None if no page records it."""

    def check(self, visit: Visit, variant: Variant) -> None:
        """Say (``visit.problem``) if what the pages showed does not fit ``variant``, the one the
        site exposed the person to: a version it is not pinned to, say."""


JOURNEYS: dict[str, Journey] = {}


def register_journey(feature: str, journey: Journey) -> None:
    """Let ``simulate_traffic --through-site`` drive ``feature`` with ``journey``."""
    JOURNEYS[feature] = journey


class _SiteRun:
    def __init__(self, plan: SimulationPlan, spec: ExperimentSpec, metrics: list[Metric]) -> None:
        autodiscover_modules("journeys")
        journey = JOURNEYS.get(spec.feature)
        if journey is None:
            known = ", ".join(sorted(JOURNEYS)) or "none"
            raise ValueError(
                f"No journey drives the feature {spec.feature!r} through the site "
                f"(features with one: {known}); simulate it without --through-site."
            )
        self.plan, self.spec, self.journey = plan, spec, journey
        self.rng = random.Random(plan.seed)
        self.prefix = f"{unit_prefix(plan.experiment)}{plan.seed}-"
        self.report = SimulationReport()
        self.behaviour = behaviours(plan, spec, metrics)
        # event name -> [what the pages should have recorded, what they recorded]
        self.tally: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])

    def execute(self, progress: Callable[[int], None] | None) -> SimulationReport:
        token = SIMULATION.set(self.plan.experiment.key)
        try:
            for number in range(self.plan.units):
                self.person(Visit(self, number))
                if progress and ((number + 1) % 10 == 0 or number + 1 == self.plan.units):
                    progress(number + 1)
        finally:
            SIMULATION.reset(token)
        self.compare_recorded()
        return self.report

    def person(self, visit: Visit) -> None:
        self.report.units += 1
        self.journey.start(visit)
        exposure = (
            Exposure.objects.filter(experiment_id=self.spec.id, unit_id__in=visit.unit_ids)
            .select_related("variant__prompt_version__prompt")
            .first()
        )
        if exposure is None:
            return  # the site did not put them in the experiment (coverage, a flag, an error)
        self.journey.check(visit, exposure.variant)
        variant = exposure.variant.key
        self.report.exposed += 1
        self.report.per_variant[variant] = self.report.per_variant.get(variant, 0) + 1
        for behaviour in self.behaviour[variant]:
            times, _ = behaviour.draw(self.rng)  # values come from the site, not the draw
            if not times:
                continue
            name = behaviour.event_name
            before = self.recorded(visit, name)
            expected = self.journey.act(visit, name, times)
            if expected is None:
                self.report.not_driven.add(name)
                continue
            self.report.events += expected
            self.tally[name][0] += expected
            self.tally[name][1] += self.recorded(visit, name) - before

    def recorded(self, visit: Visit, name: str) -> int:
        """How many ``name`` events the site has recorded for this person in this run."""
        ids = visit.unit_ids
        return Event.objects.filter(
            Q(visitor_id__in=ids) | Q(user_id__in=ids),
            name=name,
            properties__simulation=self.plan.experiment.key,
        ).count()

    def compare_recorded(self) -> None:
        """A view that forgets its track() call shows here: fewer events than people did."""
        for name, (expected, recorded) in sorted(self.tally.items()):
            if recorded != expected:
                self.report.problems.append(
                    f"Simulated people did what records {name!r} {expected} times; "
                    f"the site recorded {recorded}."
                )


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: fine for the small means of per-unit counts. Past a few hundred, exp(-mean)
    # comes close to underflowing to 0 and the loop would stop at the wrong count; the normal
    # approximation is exact enough there.
    if mean > 500:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


@transaction.atomic
def clear_simulated(experiment: Experiment) -> tuple[int, int]:
    """Delete exactly what the simulator wrote for ``experiment``: the fast path's exposures and
    events (unit ids ``sim-<experiment>.…``), and a run through the site's (its events carry the
    run's tag; the exposures the site wrote for those people in any experiment; their
    ``sim-<experiment>.…`` accounts with what they posted). Also the daily results and snapshots
    that counted them, and the cache's marks that their exposures are written (or the same seed
    run again would find its units "exposed" and write nothing). Returns (exposures, events).
    """
    prefix = unit_prefix(experiment)
    column = "user_id" if experiment.unit_type == "user" else "visitor_id"
    tagged = Event.objects.filter(is_simulated=True, properties__simulation=experiment.key)
    site_units = (
        set(tagged.values_list("visitor_id", flat=True))
        | set(tagged.values_list("user_id", flat=True))
    ) - {""}
    simulated = Exposure.objects.filter(is_simulated=True).filter(
        Q(experiment=experiment, unit_id__startswith=prefix) | Q(unit_id__in=site_units)
    )
    marks = list(simulated.values_list("experiment_id", "experiment__feature", "unit_id"))
    exposures, _ = simulated.delete()
    events, _ = (
        Event.objects.filter(is_simulated=True)
        .filter(Q(**{f"{column}__startswith": prefix}) | Q(properties__simulation=experiment.key))
        .delete()
    )
    accounts = get_user_model().objects.filter(username__startswith=prefix)
    # What a worker recorded for them (the enrichment job) was not marked: it ran elsewhere.
    Event.objects.filter(
        user_id__in=[str(pk) for pk in accounts.values_list("pk", flat=True)]
    ).delete()
    accounts.delete()
    touched = {experiment.pk} | {experiment_id for experiment_id, _, _ in marks}
    for affected in Experiment.objects.filter(pk__in=touched):
        forget_results(affected, simulated_snapshots=True)
    # Now, not on commit: a mark is only a shortcut, and one missing costs an idempotent insert.
    by_feature: dict[str, list[str]] = {}
    for _, feature, unit_id in marks:
        by_feature.setdefault(feature, []).append(unit_id)
    for feature, unit_ids in by_feature.items():
        forget_exposures(feature, unit_ids)
    return exposures, events
