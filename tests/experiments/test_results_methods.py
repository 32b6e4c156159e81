"""compute_results with each way of reading an experiment: the engine (fixed, sequential,
Bayesian), the correction for multiple comparisons, CUPED and ratio metrics; and their results
to JSON and back."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from experiments.analysis import CupedSums, RatioSums, VariantStats
from experiments.models import Event, Experiment, Metric
from experiments.results import (
    ExperimentResults,
    compute_results,
    stats_from_json,
    stats_to_json,
)
from experiments.stats import AdjustedStats, RatioStats, SufficientStats, compare
from tests.experiments.factories import ExperimentFactory, MetricFactory
from tests.experiments.traffic import add_units

pytestmark = pytest.mark.django_db

EXPOSED = timezone.now() - timedelta(days=5)


@pytest.fixture
def published():
    return MetricFactory(key="published", name="Listing published", event_name="published")


def experiment_with(published, **settings) -> Experiment:
    return ExperimentFactory(key="assistant", primary_metric=published, **settings)


def winner_traffic(experiment: Experiment) -> None:
    """50% more publishing in treatment, at 1,000 units per variant: far from the ~25,000 a 5%
    lift needs."""
    add_units(experiment, "control", 1000, exposed_at=EXPOSED, did={"published": 200})
    add_units(experiment, "treatment", 1000, exposed_at=EXPOSED, did={"published": 300})


def round_trip(results: ExperimentResults) -> None:
    stored = json.loads(json.dumps(results.to_json(), allow_nan=False))
    assert ExperimentResults.from_json(stored) == results


def test_a_sequential_test_may_decide_at_any_look_with_a_wider_interval(published):
    experiment = experiment_with(published, stats_engine="sequential")
    winner_traffic(experiment)

    results = compute_results(experiment)
    arm = results.primary.treatments[0]

    expected = compare(
        SufficientStats.conversions(1000, 200),
        SufficientStats.conversions(1000, 300),
        method="sequential",
    )
    assert arm.comparison == expected
    fixed = compare(SufficientStats.conversions(1000, 200), SufficientStats.conversions(1000, 300))
    assert expected.relative.ci_high - expected.relative.ci_low > (
        fixed.relative.ci_high - fixed.relative.ci_low
    )
    assert arm.significant  # at 1,000 of ~25,000 planned units
    assert not arm.too_early
    assert arm.verdict.startswith("Treatment raises Listing published by 50% (95% CI")
    assert results.method == "sequential"
    round_trip(results)


def test_a_bayesian_reading_says_its_chance_to_win_credible_interval_and_risk(published):
    experiment = experiment_with(published, stats_engine="bayesian")
    winner_traffic(experiment)

    results = compute_results(experiment)
    arm = results.primary.treatments[0]

    assert arm.relative.p_value is None
    assert arm.comparison.chance_to_win > 0.99
    risk_of_control, risk_of_treatment = arm.comparison.risk
    assert risk_of_control > risk_of_treatment > 0
    assert arm.verdict.startswith("Treatment raises Listing published by 50% (95% CrI")
    assert "chance to win" in arm.verdict
    round_trip(results)


def test_holm_turns_a_lone_p_of_0_03_among_two_goal_metrics_into_no_verdict(published):
    contacted = MetricFactory(key="contacted", name="Contacted", event_name="contacted")
    experiment = experiment_with(published, minimum_detectable_effect=0.4, correction="holm")
    experiment.secondary_metrics.add(contacted)
    add_units(
        experiment, "control", 1000, exposed_at=EXPOSED, did={"published": 200, "contacted": 100}
    )
    add_units(
        experiment, "treatment", 1000, exposed_at=EXPOSED, did={"published": 245, "contacted": 100}
    )

    results = compute_results(experiment)
    arm = results.primary.treatments[0]

    raw = arm.relative.p_value
    assert 0.025 < raw < 0.05
    assert arm.relative.significant  # alone, it would be
    assert arm.adjusted_p_value == pytest.approx(min(1.0, 2 * raw))  # Holm, smaller of two
    assert not arm.significant
    assert arm.verdict.startswith("No significant difference at the planned sample size")
    assert f"adjusted p = {arm.adjusted_p_value:.2g}" in arm.verdict
    round_trip(results)

    experiment.correction = "none"
    assert compute_results(experiment).primary.treatments[0].significant


def test_cuped_uses_each_units_history_and_needs_fewer_units(published):
    experiment = experiment_with(published, cuped=True)
    ids = add_units(experiment, "control", 1000, exposed_at=EXPOSED, did={"published": 200})
    ids += add_units(experiment, "treatment", 1000, exposed_at=EXPOSED, did={"published": 260})
    # The same people published before their exposure too, and a few others.
    before = EXPOSED - timedelta(days=3)
    history = ids[:180] + ids[1000:1240] + ids[500:540] + ids[1500:1540]
    Event.objects.bulk_create(
        Event(name="published", timestamp=before, visitor_id=u) for u in history
    )

    results = compute_results(experiment)
    primary = results.primary
    arm = primary.treatments[0]

    assert isinstance(arm.stats, AdjustedStats)
    assert (arm.stats.n, arm.stats.sum, arm.stats.pre_sum) == (1000, 260, 280)
    assert primary.variance_reduction > 0.5
    experiment.cuped = False
    plain = compute_results(experiment).primary
    assert primary.required_units_per_variant < plain.required_units_per_variant / 2
    assert arm.relative.standard_error < plain.treatments[0].relative.standard_error
    round_trip(results)


def test_a_ratio_metric_compares_events_per_denominator_event():
    per_view = MetricFactory(
        key="messages_per_view",
        name="Messages per listing view",
        event_name="message",
        kind=Metric.Kind.RATIO,
        denominator_event="viewed",
    )
    experiment = ExperimentFactory(
        key="gallery", primary_metric=per_view, minimum_detectable_effect=0.5
    )
    add_units(experiment, "control", 1000, exposed_at=EXPOSED, did={"viewed": 1000, "message": 100})
    add_units(
        experiment, "treatment", 1000, exposed_at=EXPOSED, did={"viewed": 500, "message": 100}
    )

    primary = compute_results(experiment).primary
    control, treatment = primary.arms

    assert isinstance(treatment.stats, RatioStats)
    assert (control.mean, treatment.mean) == (0.1, 0.2)
    assert treatment.relative.estimate == pytest.approx(1.0)
    assert treatment.verdict.startswith("Treatment raises Messages per listing view by")


def test_the_daily_statistics_keep_the_cuped_and_ratio_sums():
    row = VariantStats(
        variant_id=7,
        units=3,
        metrics={1: SufficientStats(3, 2.0, 2.0), 2: SufficientStats(3, 4.0, 6.0)},
        covariates={1: CupedSums(3, 2.0, 2.0, 1.0, 1.0, 1.0)},
        ratios={2: RatioSums(3, 4.0, 6.0, 5.0, 9.0, 7.0)},
    )
    stored = json.loads(json.dumps(stats_to_json({7: row})))
    assert stats_from_json(stored) == {7: row}
    assert stats_from_json({"7": {"units": 0, "metrics": {}}})[7].covariates == {}  # older days


def test_a_capped_metric_says_so_and_its_whales_count_only_up_to_the_cap():
    spent = MetricFactory(
        key="spent", name="Spent", event_name="spent", kind=Metric.Kind.SUM, capping="absolute"
    )
    spent.cap_value = 50
    spent.save()
    experiment = ExperimentFactory(key="shop", primary_metric=spent)
    ids = add_units(experiment, "control", 100, exposed_at=EXPOSED)
    Event.objects.bulk_create(
        Event(name="spent", value=value, timestamp=EXPOSED + timedelta(hours=1), visitor_id=unit)
        for unit, value in zip(ids, [10_000.0] + [20.0] * 99, strict=True)
    )

    primary = compute_results(experiment).primary

    assert primary.cap == "each unit's value capped at 50"
    assert isinstance(primary.control.stats, SufficientStats)
    assert primary.control.stats.sum == 50 + 20 * 99
