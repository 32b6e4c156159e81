"""Refreshing results: snapshots, the daily points of the lift chart, their cost, and the tasks."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from experiments import services, tasks
from experiments.models import DailyResult, Experiment, Metric, ResultSnapshot
from experiments.results import ExperimentResults, lift_by_day, stats_from_json
from experiments.simulation import SimulationPlan, clear_simulated, simulate
from experiments.stats import SufficientStats, compare
from tests.experiments.factories import ExperimentFactory, MetricFactory
from tests.experiments.traffic import add_units
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Noon today in the site's time zone, so that "three finished days" never depends on the clock.
NOON = timezone.make_aware(datetime.combine(timezone.localdate(), time(12)))
TODAY = NOON.date()


@pytest.fixture
def experiment():
    metric = MetricFactory(key="bought", name="Bought", event_name="purchase")
    return ExperimentFactory(
        key="checkout", primary_metric=metric, started_at=NOON - timedelta(days=3)
    )


@pytest.fixture
def traffic(experiment):
    """Units exposed on each of the last three days; treatment converts more, every day."""
    for days_ago in (3, 2, 1):
        exposed = NOON - timedelta(days=days_ago) + timedelta(hours=1)
        add_units(
            experiment,
            "control",
            100,
            exposed_at=exposed,
            did={"purchase": 20},
            prefix=f"d{days_ago}-",
        )
        add_units(
            experiment,
            "treatment",
            100,
            exposed_at=exposed,
            did={"purchase": 30},
            prefix=f"d{days_ago}-",
        )


def aggregates(queries: CaptureQueriesContext) -> int:
    return sum("per_unit" in query["sql"] for query in queries.captured_queries)


def test_a_refresh_stores_a_snapshot_of_the_results_as_of_now(experiment, traffic):
    snapshot = services.refresh_results(experiment, now=NOON)
    assert snapshot.computed_at == NOON
    assert snapshot.window_end == NOON
    assert not snapshot.has_simulated_data
    results = ExperimentResults.from_json(snapshot.results)
    assert [v.units for v in results.variants] == [300, 300]
    assert results.primary.treatments[0].stats == SufficientStats.conversions(300, 90)
    assert ResultSnapshot.objects.latest_for(experiment) == snapshot


def test_the_first_refresh_backfills_each_finished_day_and_the_next_costs_one_aggregate(
    experiment, traffic, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as first:
        services.refresh_results(experiment, now=NOON)
    assert aggregates(first) == 1 + 3  # the snapshot, and the three days since the start
    assert list(DailyResult.objects.values_list("day", flat=True)) == [
        TODAY - timedelta(days=3),
        TODAY - timedelta(days=2),
        TODAY - timedelta(days=1),
    ]

    with (
        CaptureQueriesContext(connection) as second,
        # metrics, variants and stored days (6), the aggregate (on Postgres after its settings),
        # the snapshot written and the history trimmed, savepoints around the aggregate and the
        # write (4)
        django_assert_max_num_queries(14),
    ):
        services.refresh_results(experiment, now=NOON + timedelta(minutes=30))
    assert aggregates(second) == 1
    assert DailyResult.objects.count() == 3


def test_a_quick_refresh_leaves_the_days_to_the_background_job(experiment, traffic):
    with CaptureQueriesContext(connection) as queries:
        services.refresh_results(experiment, now=NOON, with_days=False)
    assert aggregates(queries) == 1
    assert not DailyResult.objects.exists()

    assert services.store_daily_results(experiment, now=NOON) == 3
    assert DailyResult.objects.count() == 3
    assert services.store_daily_results(experiment, now=NOON) == 0
    assert tasks.store_daily_results.delay(experiment.pk + 1000).get() == 0


def test_each_day_holds_the_cumulative_statistics_as_of_its_end(experiment, traffic):
    services.refresh_results(experiment, now=NOON)
    control, treatment = experiment.variants.order_by("position")
    metric = experiment.primary_metric
    for days_ago, units in ((3, 100), (2, 200), (1, 300)):
        day = DailyResult.objects.get(day=TODAY - timedelta(days=days_ago))
        stats = stats_from_json(day.stats)
        assert stats[control.pk].metrics[metric.pk] == SufficientStats.conversions(
            units, units // 5
        )
        assert stats[treatment.pk].metrics[metric.pk] == SufficientStats.conversions(
            units, units * 3 // 10
        )


def test_the_lift_by_day_has_a_point_per_finished_day_and_one_for_now(experiment, traffic):
    snapshot = services.refresh_results(experiment, now=NOON)
    results = ExperimentResults.from_json(snapshot.results)
    days = [
        (row.day, stats_from_json(row.stats))
        for row in DailyResult.objects.filter(experiment=experiment)
    ]
    points = lift_by_day(results, experiment.primary_metric_id, days, today=TODAY)
    assert [(p.day, p.units) for p in points] == [
        (TODAY - timedelta(days=3), 200),
        (TODAY - timedelta(days=2), 400),
        (TODAY - timedelta(days=1), 600),
        (TODAY, 600),
    ]
    expected = compare(SufficientStats.conversions(200, 40), SufficientStats.conversions(200, 60))
    assert points[1].relative == expected.relative
    assert points[-1].relative == results.primary.treatments[0].relative


def test_days_stored_before_a_metric_was_added_are_computed_again(experiment, traffic):
    services.refresh_results(experiment, now=NOON)
    experiment.secondary_metrics.add(
        MetricFactory(key="purchases", event_name="purchase", kind=Metric.Kind.COUNT)
    )
    with CaptureQueriesContext(connection) as queries:
        services.refresh_results(experiment, now=NOON + timedelta(minutes=5))
    assert aggregates(queries) == 1 + 3
    assert DailyResult.objects.count() == 3


def test_days_stored_before_cuped_was_turned_on_are_computed_again_with_its_sums(
    experiment, traffic
):
    services.refresh_results(experiment, now=NOON)
    experiment.cuped = True
    experiment.save()
    with CaptureQueriesContext(connection) as queries:
        snapshot = services.refresh_results(experiment, now=NOON + timedelta(minutes=5))
    assert aggregates(queries) == 1 + 3
    day = DailyResult.objects.get(day=TODAY - timedelta(days=1))
    assert (
        str(experiment.primary_metric_id)
        in day.stats[str(experiment.variants.first().pk)]["covariates"]
    )
    results = ExperimentResults.from_json(snapshot.results)
    days = [(row.day, stats_from_json(row.stats)) for row in DailyResult.objects.all()]
    points = lift_by_day(results, experiment.primary_metric_id, days, today=TODAY)
    assert len(points) == 4  # every stored day is drawn, with its CUPED sums


def test_changing_how_a_metric_is_counted_in_the_admin_forgets_the_stored_days(
    experiment, traffic, client
):
    services.refresh_results(experiment, now=NOON)
    assert DailyResult.objects.count() == 3
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    metric = experiment.primary_metric
    fields = {f: getattr(metric, f) for f in ("name", "key", "event_name", "kind", "direction")}
    fields.update(capping="none", cap_value="", description="")
    url = f"/admin/experiments/metric/{metric.pk}/change/"

    client.post(url, {**fields, "description": "Only the words changed."})
    assert DailyResult.objects.count() == 3
    client.post(url, {**fields, "event_name": "listing_published_v2"})
    assert not DailyResult.objects.exists()


def test_a_concluded_experiment_has_no_days_after_its_end(experiment, traffic):
    experiment.ended_at = NOON - timedelta(days=1, hours=12)  # midnight at the start of yesterday
    experiment.status = Experiment.Status.CONCLUDED
    experiment.save()
    services.refresh_results(experiment, now=NOON)
    assert DailyResult.objects.count() == 2


def test_a_day_is_left_until_it_has_settled(experiment):
    just_after_midnight = timezone.make_aware(datetime.combine(TODAY, time(0, 5)))
    days = services.finished_days(experiment, just_after_midnight)
    assert days[-1][0] == TODAY - timedelta(days=2)
    assert services.finished_days(experiment, just_after_midnight + timedelta(minutes=10))[-1][
        0
    ] == TODAY - timedelta(days=1)


def test_only_the_latest_snapshots_are_kept(experiment, monkeypatch):
    monkeypatch.setattr(services, "SNAPSHOTS_KEPT", 2)
    snapshots = [
        services.refresh_results(experiment, now=NOON + timedelta(minutes=i)) for i in range(3)
    ]
    assert list(ResultSnapshot.objects.values_list("pk", flat=True)) == [
        snapshots[2].pk,
        snapshots[1].pk,
    ]


def test_simulated_traffic_drops_the_stored_days_and_clearing_it_drops_its_snapshots(experiment):
    real = services.refresh_results(experiment, now=NOON)
    simulate(SimulationPlan(experiment=experiment, units=50, days=3))
    assert not DailyResult.objects.exists()  # the simulator wrote rows into finished days

    simulated = services.refresh_results(experiment)
    assert simulated.has_simulated_data
    assert DailyResult.objects.exists()
    clear_simulated(experiment)
    assert not DailyResult.objects.exists()
    assert list(ResultSnapshot.objects.all()) == [real]


def test_the_beat_task_refreshes_every_running_experiment_and_skips_fresh_ones(experiment):
    paused = ExperimentFactory(status=Experiment.Status.PAUSED)
    second = ExperimentFactory()
    services.refresh_results(second)  # refreshed a moment ago, by the admin button

    assert sorted(tasks.refresh_running_experiments.delay().get()) == sorted(
        [experiment.pk, second.pk]
    )
    assert ResultSnapshot.objects.filter(experiment=experiment).count() == 1
    assert ResultSnapshot.objects.filter(experiment=second).count() == 1
    assert not ResultSnapshot.objects.filter(experiment=paused).exists()


def test_the_refresh_task_takes_an_id_and_ignores_an_experiment_that_is_gone(experiment):
    snapshot_id = tasks.refresh_experiment_results.delay(experiment.pk).get()
    assert ResultSnapshot.objects.get(pk=snapshot_id).experiment == experiment
    assert tasks.refresh_experiment_results.delay(experiment.pk + 1000).get() is None


def test_the_beat_schedule_runs_the_refresh(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-experiment-results"]
    assert entry["task"] == "experiments.tasks.refresh_running_experiments"
    assert entry["schedule"] == timedelta(minutes=settings.EXPERIMENT_RESULTS_REFRESH_MINUTES)
