"""compute_results on hand-built exposures and events: numbers, verdicts, alarms and progress."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from experiments.models import Metric
from experiments.results import ExperimentResults, Role, UnreadableResults, compute_results
from experiments.stats import SufficientStats, compare, required_sample_size, srm_p_value
from tests.experiments.factories import ExperimentFactory, MetricFactory
from tests.experiments.traffic import add_units

pytestmark = pytest.mark.django_db

NOW = timezone.now()
EXPOSED = NOW - timedelta(days=5)


@pytest.fixture
def published():
    return MetricFactory(key="published", name="Listing published", event_name="published")


@pytest.fixture
def flagged():
    return MetricFactory(
        key="flagged",
        name="Listings flagged",
        event_name="flagged",
        kind=Metric.Kind.COUNT,
        direction=Metric.Direction.LOWER,
    )


@pytest.fixture
def experiment(published, flagged):
    # Planned for a 40% lift, so the 1,000 units per variant below reach the planned size and
    # the fixed-horizon test gives its verdict.
    experiment = ExperimentFactory(
        key="assistant", primary_metric=published, minimum_detectable_effect=0.4
    )
    experiment.guardrail_metrics.add(flagged)
    return experiment


def test_a_clear_winner_gets_its_numbers_and_a_verdict_in_words(experiment):
    add_units(experiment, "control", 1000, exposed_at=EXPOSED, did={"published": 200})
    add_units(experiment, "treatment", 1000, exposed_at=EXPOSED, did={"published": 260})

    results = compute_results(experiment)
    primary = results.primary
    assert primary is not None
    assert (primary.role, primary.name) == (Role.PRIMARY, "Listing published")
    assert [(arm.key, arm.stats.n, arm.mean) for arm in primary.arms] == [
        ("control", 1000, 0.2),
        ("treatment", 1000, 0.26),
    ]
    treatment = primary.treatments[0]
    expected = compare(
        SufficientStats.conversions(1000, 200), SufficientStats.conversions(1000, 260)
    )
    assert treatment.comparison == expected
    assert treatment.significant
    assert treatment.verdict == (
        "Treatment raises Listing published by 30% (95% CI 9% to 51%, p = 0.0054)"
    )


def test_a_fixed_horizon_test_names_no_winner_before_its_planned_sample_size(experiment):
    experiment.minimum_detectable_effect = 0.05  # needs about 25,000 units per variant
    add_units(experiment, "control", 1000, exposed_at=EXPOSED, did={"published": 200})
    add_units(experiment, "treatment", 1000, exposed_at=EXPOSED, did={"published": 260})

    treatment = compute_results(experiment).primary.treatments[0]

    assert treatment.relative.significant  # p = 0.0054, read at the first look
    assert treatment.too_early
    assert not treatment.significant  # but no decision: a peek
    required = required_sample_size(0.2, 0.2 * 0.8 * 1000 / 999, 0.05)
    assert treatment.verdict.startswith(
        f"Too early: 1,000 of {required:,} units per variant. A fixed-horizon test gives its "
        "verdict at the planned sample size"
    )
    assert treatment.verdict.endswith("(now +30%, 95% CI +9% to +51%, p = 0.0054)")


def test_a_guardrail_that_gets_significantly_worse_raises_the_alarm(experiment):
    add_units(experiment, "control", 1000, exposed_at=EXPOSED, did={"flagged": 100})
    add_units(experiment, "treatment", 1000, exposed_at=EXPOSED, did={"flagged": 160})

    guardrail = compute_results(experiment).metrics[1]
    assert guardrail.role == Role.GUARDRAIL
    arm = guardrail.treatments[0]
    assert arm.guardrail_alarm
    assert guardrail.guardrail_alarm
    assert arm.verdict.startswith("Treatment raises Listings flagged by 60%")
    assert arm.verdict.endswith("— bad: lower is better")


def test_a_guardrail_drifting_the_wrong_way_is_marked_but_is_no_alarm(experiment):
    add_units(experiment, "control", 1000, exposed_at=EXPOSED, did={"flagged": 100})
    add_units(experiment, "treatment", 1000, exposed_at=EXPOSED, did={"flagged": 110})

    arm = compute_results(experiment).metrics[1].treatments[0]
    assert arm.wrong_way
    assert not arm.guardrail_alarm
    assert arm.verdict.endswith("— moving the wrong way, not significant")


def test_a_guardrail_that_improves_is_good_news(experiment):
    add_units(experiment, "control", 1000, exposed_at=EXPOSED, did={"flagged": 160})
    add_units(experiment, "treatment", 1000, exposed_at=EXPOSED, did={"flagged": 100})

    arm = compute_results(experiment).metrics[1].treatments[0]
    assert not arm.wrong_way
    assert not arm.guardrail_alarm
    assert arm.verdict.endswith("— good: lower is better")


@pytest.mark.slow
def test_a_52_48_split_of_20000_units_on_a_50_50_experiment_raises_the_srm_alarm(experiment):
    add_units(experiment, "control", 10_400, exposed_at=EXPOSED)
    add_units(experiment, "treatment", 9_600, exposed_at=EXPOSED)

    results = compute_results(experiment)
    assert [v.units for v in results.variants] == [10_400, 9_600]
    assert results.srm_p_value == pytest.approx(srm_p_value([10_400, 9_600], [0.5, 0.5]))
    assert results.srm_p_value < 1e-7
    assert results.srm_alarm


def test_a_split_within_chance_raises_no_srm_alarm(experiment):
    add_units(experiment, "control", 1_030, exposed_at=EXPOSED)
    add_units(experiment, "treatment", 970, exposed_at=EXPOSED)

    results = compute_results(experiment)
    assert results.srm_p_value == pytest.approx(0.18, abs=0.01)
    assert not results.srm_alarm


def test_progress_toward_the_required_sample_size_comes_from_the_controls_mean_and_variance(
    experiment,
):
    experiment.minimum_detectable_effect = 0.1
    experiment.save()
    add_units(experiment, "control", 1000, exposed_at=EXPOSED, did={"published": 200})
    add_units(experiment, "treatment", 900, exposed_at=EXPOSED, did={"published": 190})

    primary = compute_results(experiment).primary
    control = SufficientStats.conversions(1000, 200)
    required = required_sample_size(0.2, control.variance, 0.1, 0.05, 0.8)
    assert required == 6_946  # (1.96 + 0.84)² · 0.16 · 1000/999 · (1 + 1.1²) / 0.02²
    assert primary.required_units_per_variant == required
    treatment = primary.treatments[0]
    assert treatment.additional_units_needed == required - 900  # the smaller arm decides
    assert treatment.progress == pytest.approx(900 / required)
    assert primary.units_per_variant == 900
    assert "about 6,000 more units per variant needed to detect a 10% lift" in treatment.verdict


def test_without_traffic_every_comparison_says_why_and_nothing_is_nan(experiment):
    results = compute_results(experiment)
    for metric in results.metrics:
        assert metric.treatments[0].verdict == "Not enough data: no units in either arm."
        assert metric.required_units_per_variant is None
        assert metric.progress is None
    assert results.srm_p_value == 1.0
    json.dumps(results.to_json(), allow_nan=False)


def test_results_go_to_json_and_back_unchanged(experiment):
    add_units(experiment, "control", 300, exposed_at=EXPOSED, did={"published": 60, "flagged": 9})
    add_units(experiment, "treatment", 300, exposed_at=EXPOSED, did={"published": 75})
    results = compute_results(experiment)

    stored = json.loads(json.dumps(results.to_json(), allow_nan=False))
    assert ExperimentResults.from_json(stored) == results


@pytest.mark.parametrize(
    "damaged", [{}, {"format": 0}, {"format": 1, "metrics": "?"}, [], "results"]
)
def test_results_in_another_format_are_refused_with_a_clear_error(damaged):
    with pytest.raises(UnreadableResults):
        ExperimentResults.from_json(damaged)


def test_simulated_units_are_counted_so_the_page_can_say_so(experiment):
    add_units(experiment, "control", 50, exposed_at=EXPOSED)
    assert not compute_results(experiment).has_simulated_data
    add_units(experiment, "treatment", 40, exposed_at=EXPOSED, simulated=True, prefix="sim-")
    results = compute_results(experiment)
    assert results.has_simulated_data
    assert results.simulated_units == 40


def test_a_metric_that_is_both_secondary_and_guardrail_is_judged_once_as_a_guardrail(
    experiment, flagged
):
    experiment.secondary_metrics.add(flagged)
    roles = [(m.key, m.role) for m in compute_results(experiment).metrics]
    assert roles == [("published", Role.PRIMARY), ("flagged", Role.GUARDRAIL)]


def test_events_before_the_first_exposure_do_not_count(experiment):
    add_units(
        experiment,
        "control",
        10,
        exposed_at=EXPOSED,
        did={"published": 10},
        after=-timedelta(hours=1),
    )
    assert compute_results(experiment).primary.control.stats == SufficientStats(10, 0, 0)
