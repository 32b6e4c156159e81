"""Sufficient statistics from exposures and events, computed in SQL, checked against Python."""

from datetime import timedelta

import pytest
from django.utils import timezone

from experiments.analysis import sufficient_stats
from experiments.api import record_event
from experiments.models import Exposure, Metric
from experiments.stats import SufficientStats
from tests.experiments.factories import ExperimentFactory, MetricFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def experiment():
    return ExperimentFactory(key="checkout", started_at=NOW - timedelta(days=5))


def expose(experiment, unit: str, variant: str, days_ago: float) -> None:
    Exposure.objects.create(
        experiment=experiment,
        variant=experiment.variants.get(key=variant),
        unit_id=unit,
        first_seen_at=NOW - timedelta(days=days_ago),
    )


def event(unit: str, name: str, days_ago: float, value: float | None = None) -> None:
    record_event(name, visitor_id=unit, value=value, when=NOW - timedelta(days=days_ago))


def test_each_kind_of_metric_counts_only_events_after_the_units_exposure(experiment):
    conversion = MetricFactory(key="bought", event_name="purchase", kind=Metric.Kind.CONVERSION)
    count = MetricFactory(key="purchases", event_name="purchase", kind=Metric.Kind.COUNT)
    revenue = MetricFactory(key="revenue", event_name="purchase", kind=Metric.Kind.SUM)
    expose(experiment, "a", "control", 4)
    expose(experiment, "b", "control", 4)
    expose(experiment, "c", "treatment", 3)
    expose(experiment, "d", "treatment", 3)
    event("a", "purchase", 3, 10.0)
    event("a", "purchase", 2, 5.0)
    event("a", "purchase", 4.5, 99.0)  # before a's exposure: not counted
    event("c", "purchase", 1, 20.0)
    event("c", "page_view", 1, 1.0)  # another event
    event("zz", "purchase", 1, 7.0)  # a unit that was never exposed

    stats = sufficient_stats(experiment, [conversion, count, revenue])
    control = stats[experiment.variants.get(key="control").pk]
    treatment = stats[experiment.variants.get(key="treatment").pk]
    assert (control.units, treatment.units) == (2, 2)
    # per-unit values: control a=(1, 2, 15), b=(0, 0, 0); treatment c=(1, 1, 20), d=(0, 0, 0)
    assert control.metrics[conversion.pk] == SufficientStats(2, 1, 1)
    assert control.metrics[count.pk] == SufficientStats(2, 2, 4)
    assert control.metrics[revenue.pk] == SufficientStats(2, 15, 225)
    assert treatment.metrics[revenue.pk] == SufficientStats(2, 20, 400)


def test_only_units_and_events_inside_the_experiments_window_count(experiment):
    metric = MetricFactory(key="bought", event_name="purchase")
    expose(experiment, "early", "control", 6)  # before the experiment started
    expose(experiment, "in", "control", 4)
    event("in", "purchase", 1)
    experiment.ended_at = NOW - timedelta(days=2)
    experiment.save()
    stats = sufficient_stats(experiment, [metric])[experiment.variants.get(key="control").pk]
    assert stats.units == 1
    assert stats.metrics[metric.pk].sum == 0  # the purchase came after the experiment ended


def test_as_of_a_past_moment_later_units_and_events_are_left_out(experiment):
    metric = MetricFactory(key="bought", event_name="purchase")
    expose(experiment, "a", "treatment", 4)
    expose(experiment, "b", "treatment", 1)
    event("a", "purchase", 2)
    treatment = experiment.variants.get(key="treatment").pk
    as_of_3_days_ago = sufficient_stats(experiment, [metric], until=NOW - timedelta(days=3))
    assert as_of_3_days_ago[treatment].metrics[metric.pk] == SufficientStats(1, 0, 0)
    assert sufficient_stats(experiment, [metric])[treatment].metrics[metric.pk] == SufficientStats(
        2, 1, 1
    )


def test_user_experiments_join_events_on_the_account_id():
    experiment = ExperimentFactory(key="form", unit_type="user", started_at=NOW - timedelta(days=5))
    metric = MetricFactory(key="published", event_name="listing_published")
    expose(experiment, "42", "treatment", 2)
    record_event("listing_published", user_id="42", visitor_id="x" * 32, when=NOW)
    record_event("listing_published", visitor_id="42", when=NOW)  # a visitor id, not the account
    stats = sufficient_stats(experiment, [metric])[experiment.variants.get(key="treatment").pk]
    assert stats.metrics[metric.pk] == SufficientStats(1, 1, 1)


def test_variants_without_units_come_back_as_zeros(experiment):
    metric = MetricFactory(key="bought", event_name="purchase")
    stats = sufficient_stats(experiment, [metric])
    assert {s.units for s in stats.values()} == {0}
    assert all(s.metrics[metric.pk] == SufficientStats(0, 0, 0) for s in stats.values())
