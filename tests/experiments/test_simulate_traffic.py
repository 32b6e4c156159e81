"""The traffic simulator drives synthetic units through the real assignment and tracking code."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from experiments.analysis import sufficient_stats
from experiments.api import record_event
from experiments.assignment import assign
from experiments.models import Event, Experiment, Exposure
from tests.experiments.factories import ExperimentFactory, MetricFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def experiment():
    metric = MetricFactory(key="contact_rate", event_name="contact_seller")
    return ExperimentFactory(key="checkout", primary_metric=metric)


def simulate(*args: str) -> None:
    call_command("simulate_traffic", "--experiment", "checkout", *args, verbosity=0)


def test_it_exposes_units_where_the_real_assignment_puts_them(experiment):
    simulate("--units", "400", "--seed", "3")
    exposures = list(Exposure.objects.values_list("unit_id", "variant__key", "is_simulated"))
    assert len(exposures) == 400
    for unit_id, variant, simulated in exposures:
        assert simulated
        assert (
            variant
            == ["control", "treatment"][assign(experiment.hash_seed, unit_id, [0.5, 0.5], 1.0)]
        )


def test_events_come_after_the_units_exposure_and_follow_the_true_effect(experiment):
    simulate("--units", "3000", "--baseline", "contact_rate=0.2", "--effect", "contact_rate=0.5")
    exposed_at = dict(Exposure.objects.values_list("unit_id", "first_seen_at"))
    variant = dict(Exposure.objects.values_list("unit_id", "variant__key"))
    converted: dict[str, set[str]] = {"control": set(), "treatment": set()}
    for event in Event.objects.filter(name="contact_seller"):
        assert event.timestamp >= exposed_at[event.visitor_id]
        converted[variant[event.visitor_id]].add(event.visitor_id)
    sizes = {k: sum(1 for v in variant.values() if v == k) for k in converted}
    control_rate = len(converted["control"]) / sizes["control"]
    treatment_rate = len(converted["treatment"]) / sizes["treatment"]
    assert 0.16 < control_rate < 0.24
    assert 0.25 < treatment_rate < 0.35  # 0.2 * 1.5 = 0.3


def test_an_experiment_started_a_moment_ago_gets_no_traffic_from_the_future(experiment):
    """All of it counts in results refreshed at once (the fork tutorial's case): before, people
    were spread over at least a second, and a refresh within it left out those still to come."""
    Experiment.objects.filter(pk=experiment.pk).update(started_at=timezone.now())
    simulate("--units", "300", "--baseline", "contact_rate=0.5")
    now = timezone.now()

    assert not Exposure.objects.filter(first_seen_at__gt=now).exists()
    assert not Event.objects.filter(timestamp__gt=now).exists()
    stats = sufficient_stats(Experiment.objects.get(pk=experiment.pk), [experiment.primary_metric])
    assert sum(arm.units for arm in stats.values()) == 300


def test_the_same_seed_gives_the_same_traffic(experiment):
    simulate("--units", "200", "--seed", "9")
    first = sorted(Event.objects.values_list("visitor_id", flat=True))
    exposed = sorted(Exposure.objects.values_list("unit_id", "variant__key"))
    simulate("--clear", "--units", "200", "--seed", "9")
    assert sorted(Event.objects.values_list("visitor_id", flat=True)) == first
    # Item 10 of issue 12: the cache still said "exposed", so the rerun wrote no exposure.
    assert sorted(Exposure.objects.values_list("unit_id", "variant__key")) == exposed


def test_a_rerun_after_clear_reports_and_writes_the_same_exposures(experiment):
    out = io.StringIO()
    for _ in range(2):
        call_command(
            "simulate_traffic",
            "--experiment",
            "checkout",
            "--clear",
            "--units",
            "50",
            "--seed",
            "4",
            stdout=out,
        )
    first, second = re.findall(r"Simulated 50 units in [\d.]+s: (\d+) exposed", out.getvalue())
    assert first == second == "50"
    assert Exposure.objects.count() == 50


def test_clear_removes_exactly_the_simulated_rows(experiment):
    simulate("--units", "300")
    real_event = record_event("contact_seller", visitor_id="f" * 32)
    Exposure.objects.create(
        experiment=experiment,
        variant=experiment.variants.first(),
        unit_id="f" * 32,
        first_seen_at=real_event.timestamp,
    )
    simulate("--clear")
    assert list(Exposure.objects.values_list("unit_id", flat=True)) == ["f" * 32]
    assert list(Event.objects.values_list("pk", flat=True)) == [real_event.pk]


def test_it_refuses_an_experiment_that_is_not_running(experiment):
    experiment.status = Experiment.Status.PAUSED
    experiment.save()
    with pytest.raises(CommandError, match="must be running"):
        simulate("--units", "10")


def test_it_refuses_an_effect_on_a_metric_the_experiment_does_not_have(experiment):
    with pytest.raises(CommandError, match="Not metrics of 'checkout': revenue"):
        simulate("--units", "10", "--effect", "revenue=0.1")


def test_it_explains_a_malformed_effect(experiment):
    with pytest.raises(CommandError, match="METRIC=NUMBER"):
        simulate("--units", "10", "--effect", "contact_rate")


@pytest.mark.slow
def test_metrics_that_share_an_event_keep_their_own_baselines():
    rate = MetricFactory(key="publish_rate", event_name="listing_published")
    count = MetricFactory(key="listings_per_unit", event_name="listing_published", kind="count")
    experiment = ExperimentFactory(key="form", primary_metric=rate)
    experiment.secondary_metrics.add(count)
    call_command(
        "simulate_traffic",
        "--experiment",
        "form",
        "--units",
        "4000",
        "--seed",
        "5",
        "--baseline",
        "publish_rate=0.2",
        "--effect",
        "publish_rate=0.25",
        verbosity=0,
    )
    variant = dict(Exposure.objects.values_list("unit_id", "variant__key"))
    units = {key: sum(1 for v in variant.values() if v == key) for key in ("control", "treatment")}
    events: dict[str, list] = {"control": [], "treatment": []}
    for unit_id in Event.objects.filter(name="listing_published").values_list(
        "visitor_id", flat=True
    ):
        events[variant[unit_id]].append(unit_id)
    for key, expected_rate in (("control", 0.2), ("treatment", 0.25)):
        converted = len(set(events[key])) / units[key]
        per_unit = len(events[key]) / units[key]
        assert abs(converted - expected_rate) < 0.025  # the conversion rate holds
        assert abs(per_unit - 1.5 * expected_rate) < 0.06  # converters publish 1.5 times on average


def test_a_concluded_iteration_points_to_the_running_one(experiment):
    from experiments import services

    services.conclude_experiment(experiment, decision="keep_control")
    services.start_experiment(services.create_next_iteration(experiment))
    with pytest.raises(
        CommandError, match=r"it is concluded\. The feature's running iteration is 'checkout-2'"
    ):
        simulate("--units", "10")
    call_command("simulate_traffic", "--experiment", "checkout-2", "--units", "10", verbosity=0)
    assert Exposure.objects.filter(experiment__key="checkout-2").count() == 10


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--effect", "contact_rate=nan"], "The effect on contact_rate must be a relative lift"),
        (["--effect", "contact_rate=inf"], "above -1 and at most 10 (0.1 is +10%, -0.5 is -50%)"),
        (["--effect", "contact_rate=-3"], "got -3.0"),
        (["--effect", "contact_rate=-1"], "got -1.0"),
        (["--baseline", "contact_rate=1.5"], "contact_rate is a conversion rate, from 0 to 1"),
        (["--baseline", "contact_rate=-0.1"], "got -0.1"),
        (["--baseline", "contact_rate=nan"], "got nan"),
        (["--days", "-3"], "Days: from 1 to 365, the past days over which exposures are spread"),
        (["--days", "0"], "got 0"),
        (["--days", "100000000"], "got 100000000"),
        (["--units", "2000000"], "Units: from 1 to 1,000,000; got 2,000,000"),
        (["--units", "20000", "--through-site"], "Units through the site: from 1 to 10,000"),
    ],
)
def test_it_refuses_numbers_that_mean_nothing_and_writes_nothing(experiment, args, message):
    units = [] if "--units" in args else ["--units", "10"]
    with pytest.raises(CommandError, match=re.escape(message)):
        simulate(*units, *args)
    assert not Exposure.objects.exists()
    assert not Event.objects.exists()


def test_a_count_baseline_is_bounded_too():
    count = MetricFactory(key="searches", event_name="search", kind="count")
    ExperimentFactory(key="search-exp", primary_metric=count)
    with pytest.raises(CommandError, match=r"a mean count of events per unit, from 0 to 50"):
        call_command(
            "simulate_traffic",
            "--experiment",
            "search-exp",
            "--units",
            "10",
            "--baseline",
            "searches=1e6",
            verbosity=0,
        )


def cuped_variance_ratio(stats) -> float:
    """Var(y - theta x) / Var(y) over all units, theta = Cov(x, y) / Var(x): what CUPED leaves of
    the variance (1 - the squared correlation of the two periods)."""
    n = sum(s.units for s in stats.values())
    covariates = [c for s in stats.values() for c in s.covariates.values()]
    y, yy = sum(c.sum for c in covariates), sum(c.sum_squares for c in covariates)
    x, xx = sum(c.pre_sum for c in covariates), sum(c.pre_sum_squares for c in covariates)
    xy = sum(c.sum_of_products for c in covariates)
    var_y, var_x, cov = yy / n - (y / n) ** 2, xx / n - (x / n) ** 2, xy / n - x * y / n**2
    return (var_y - cov**2 / var_x) / var_y


@pytest.mark.slow
def test_pre_exposure_history_correlates_with_later_behaviour_so_cuped_reduces_variance():
    views = MetricFactory(key="views", event_name="listing_view", kind="count")
    experiment = ExperimentFactory(key="checkout", primary_metric=views, cuped=True)
    simulate("--units", "1500", "--baseline", "views=3", "--pre-exposure", "--seed", "5")
    lookback = timedelta(days=experiment.cuped_lookback_days)
    exposed_at = dict(Exposure.objects.values_list("unit_id", "first_seen_at"))
    before = [e for e in Event.objects.all() if e.timestamp < exposed_at[e.visitor_id]]
    assert before  # history was written, inside the lookback
    assert all(e.timestamp >= exposed_at[e.visitor_id] - lookback for e in before)
    stats = sufficient_stats(experiment, [views])
    # Poisson(3p) in both periods, p exponential: 1 - (9 / 12)**2 = 0.44 expected (0.41 here)
    assert cuped_variance_ratio(stats) < 0.6


def test_without_pre_exposure_nothing_comes_before_the_exposure_and_dimensions_are_recorded():
    views = MetricFactory(key="views", event_name="listing_view", kind="count")
    experiment = ExperimentFactory(key="checkout", primary_metric=views, cuped=True)
    simulate("--units", "300", "--baseline", "views=3")
    stats = sufficient_stats(experiment, [views])
    assert all(c.pre_sum == 0 for s in stats.values() for c in s.covariates.values())
    dimensions = list(Exposure.objects.values_list("dimensions", flat=True))
    assert {d["device"] for d in dimensions} == {"mobile", "desktop"}
    assert {d["visitor"] for d in dimensions} == {"returning"}  # visitor units, as on the site


def test_pre_exposure_is_refused_through_the_site(experiment):
    with pytest.raises(CommandError, match="fast path only"):
        simulate("--units", "10", "--pre-exposure", "--through-site")


def test_a_ratio_metric_is_refused_with_a_clear_message(experiment):
    per_view = MetricFactory(
        key="per_view", event_name="message", kind="ratio", denominator_event="viewed"
    )
    experiment.secondary_metrics.add(per_view)
    with pytest.raises(CommandError, match="per_view is a ratio metric"):
        simulate("--units", "10", "--effect", "per_view=0.1")
    with pytest.raises(CommandError, match="per_view is a ratio metric"):
        simulate("--units", "10", "--baseline", "per_view=0.1")
    simulate("--units", "10")  # its events are simply not drawn
    assert Exposure.objects.count() == 10


def test_backdate_spreads_a_young_experiment_over_past_days_and_the_chart_gets_a_line(
    experiment, admin_client
):
    """The walkthrough's case: an experiment started a minute ago. Without --backdate its people
    all arrive in that minute and the cumulative chart is one dot; with it, the start moves back
    (said in the history and on the results page) and every day gets people and a point."""
    from xml.etree import ElementTree

    from experiments.models import DailyResult
    from experiments.services import refresh_results

    started = timezone.now() - timedelta(minutes=1)
    Experiment.objects.filter(pk=experiment.pk).update(started_at=started)
    out = io.StringIO()
    call_command(
        "simulate_traffic",
        "--experiment",
        "checkout",
        "--units",
        "2000",
        "--baseline",
        "contact_rate=0.3",
        "--backdate",
        "--days",
        "14",
        stdout=out,
    )
    experiment.refresh_from_db()
    now = timezone.now()
    assert abs((now - experiment.started_at) - timedelta(days=14)).total_seconds() < 60
    assert "Moved the start of 'checkout' back" in out.getvalue()
    [change] = experiment.changes.filter(summary__startswith="Start moved back")
    assert "simulated" in change.summary
    days = {t.date() for t in Exposure.objects.values_list("first_seen_at", flat=True)}
    assert len(days) >= 14
    assert not Exposure.objects.filter(first_seen_at__gt=now).exists()

    refresh_results(experiment)
    assert DailyResult.objects.filter(experiment=experiment).count() >= 13
    page = admin_client.get(f"/admin/experiments/experiment/{experiment.pk}/results/")
    html = page.content.decode()
    assert "Start moved back for a simulated history" in html
    svg = html[html.index("<svg", html.index("Cumulative lift")) :]
    svg = svg[: svg.index("</svg>") + 6]
    root = ElementTree.fromstring(svg)
    [line] = [
        p for p in root.iter("{http://www.w3.org/2000/svg}polyline") if p.get("class") == "estimate"
    ]
    assert len(line.get("points").split()) >= 13


def test_without_backdate_the_start_stays_and_a_second_run_moves_nothing(experiment):
    before = Experiment.objects.get(pk=experiment.pk).started_at  # ten days ago (the factory)
    simulate("--units", "100", "--days", "3")
    assert Experiment.objects.get(pk=experiment.pk).started_at == before
    simulate("--units", "100", "--days", "3", "--backdate", "--seed", "2")
    assert Experiment.objects.get(pk=experiment.pk).started_at == before  # older than 3 days
    assert not experiment.changes.filter(summary__startswith="Start moved back").exists()


def test_backdate_is_refused_through_the_site(experiment):
    with pytest.raises(CommandError, match="--backdate is for the fast path only"):
        simulate("--units", "5", "--through-site", "--backdate")
