"""An experiment's life: start (its checks and pins), pause (left out of the analysis),
conclusion, and the next iteration on the same feature. Each writes through experiments/services.py
and nowhere else."""

import logging
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from experiments import services
from experiments.analysis import sufficient_stats
from experiments.api import record_event, variant_for
from experiments.models import Experiment, ExperimentChange, Exposure, Pause, Variant
from llm.services import move_label
from tests.experiments.factories import ExperimentFactory, MetricFactory
from tests.factories import UserFactory
from tests.prompts import new_prompt_version

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def draft(**kwargs) -> Experiment:
    return ExperimentFactory(status=Experiment.Status.DRAFT, started_at=None, **kwargs)


def prompt_draft(**kwargs) -> Experiment:
    return draft(
        prompt_name="listing_assistant",
        variants=[
            ("control", 0.5, {"prompt_label": "production"}),
            ("treatment", 0.5, {"prompt_label": "candidate"}),
        ],
        **kwargs,
    )


# --- Start ---------------------------------------------------------------------------------------


def test_a_prompt_experiment_without_a_candidate_label_is_not_started():
    """Item 4 of issue 12: it used to start, and the assistant then answered treatment sellers
    with a 500."""
    experiment = prompt_draft()
    with pytest.raises(ValidationError) as error:
        services.start_experiment(experiment)
    assert error.value.messages == [
        "Variant 'treatment' cannot be pinned: listing_assistant has no label 'candidate' "
        "(labels: production)."
    ]
    experiment.refresh_from_db()
    assert (experiment.status, experiment.started_at) == (Experiment.Status.DRAFT, None)
    assert not Variant.objects.filter(experiment=experiment, prompt_version__isnull=False).exists()


def test_variants_that_would_serve_the_same_version_are_not_started():
    move_label("listing_assistant", "candidate", 1)
    with pytest.raises(ValidationError, match=r"would serve the same prompt version"):
        services.start_experiment(prompt_draft())


def test_a_prompt_label_without_a_prompt_name_is_not_started():
    experiment = prompt_draft()
    experiment.prompt_name = ""
    experiment.save()
    with pytest.raises(ValidationError, match="the experiment names no prompt"):
        services.start_experiment(experiment)


def test_starting_pins_the_labels_and_records_who_started_it():
    new_prompt_version(label="candidate")
    experiment = prompt_draft()
    user = UserFactory(is_staff=True)
    services.start_experiment(experiment, user=user)
    assert experiment.status == Experiment.Status.RUNNING
    assert experiment.started_at is not None
    pinned = dict(experiment.variants.values_list("key", "prompt_version__number"))
    assert pinned == {"control": 1, "treatment": 2}
    change = ExperimentChange.objects.get(experiment=experiment)
    assert change.changed_by == user
    assert change.summary == (
        "Started. control is pinned to listing_assistant@1. "
        "treatment is pinned to listing_assistant@2."
    )


def test_a_second_live_experiment_on_a_feature_is_refused():
    running = ExperimentFactory(key="search", feature="search")
    other = draft(key="search-redesign", feature="search", iteration=2)
    with pytest.raises(ValidationError, match=r"holds the feature 'search': conclude it"):
        services.start_experiment(other)
    services.pause_experiment(running)  # a paused one still holds it
    with pytest.raises(ValidationError, match=r"\(paused\) holds the feature"):
        services.start_experiment(other)
    other.refresh_from_db()
    assert other.status == Experiment.Status.DRAFT


def test_the_database_refuses_two_live_experiments_on_a_feature_whatever_the_code_does():
    from django.db import IntegrityError, transaction

    ExperimentFactory(key="search", feature="search")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExperimentFactory(key="search-2", feature="search", iteration=2)


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Experiment.Status.RUNNING, "It is running already."),
        (Experiment.Status.CONCLUDED, "A concluded experiment does not run again"),
    ],
)
def test_start_refuses_what_cannot_start(status, message):
    experiment = ExperimentFactory(status=status)
    with pytest.raises(ValidationError, match=message):
        services.start_experiment(experiment)


def test_an_experiment_without_a_primary_metric_is_not_started():
    with pytest.raises(ValidationError, match="Choose a primary metric"):
        services.start_experiment(draft(primary_metric=None))


# --- Pause ---------------------------------------------------------------------------------------


def test_what_happens_during_a_pause_is_left_out_of_the_analysis():
    """Item 8 of issue 12: while paused, everyone is served the default, so what units do then
    says nothing about their variant."""
    metric = MetricFactory(key="bought", event_name="purchase")
    experiment = ExperimentFactory(
        key="checkout", primary_metric=metric, started_at=NOW - timedelta(days=6)
    )
    treatment = experiment.variants.get(key="treatment")
    for unit, exposed_days_ago in (("a", 5), ("b", 5), ("c", 2.5)):  # c came during the pause
        Exposure.objects.create(
            experiment=experiment,
            variant=treatment,
            unit_id=unit,
            first_seen_at=NOW - timedelta(days=exposed_days_ago),
        )
    Pause.objects.create(
        experiment=experiment,
        paused_at=NOW - timedelta(days=3),
        resumed_at=NOW - timedelta(days=2),
    )
    record_event("purchase", visitor_id="a", when=NOW - timedelta(days=2.5))  # paused: left out
    record_event("purchase", visitor_id="b", when=NOW - timedelta(days=1))  # counts
    record_event("purchase", visitor_id="c", when=NOW - timedelta(days=1))  # c is not a unit
    stats = sufficient_stats(experiment, [metric])[treatment.pk]
    assert (stats.units, stats.metrics[metric.pk].sum) == (2, 1)


def test_a_pause_that_has_not_ended_leaves_out_everything_since():
    metric = MetricFactory(key="bought", event_name="purchase")
    experiment = ExperimentFactory(
        key="checkout", primary_metric=metric, started_at=NOW - timedelta(days=6)
    )
    treatment = experiment.variants.get(key="treatment")
    Exposure.objects.create(
        experiment=experiment, variant=treatment, unit_id="a", first_seen_at=NOW - timedelta(days=5)
    )
    services.pause_experiment(experiment)
    record_event("purchase", visitor_id="a", when=timezone.now() + timedelta(seconds=1))
    stats = sufficient_stats(experiment, [metric], until=timezone.now() + timedelta(minutes=1))
    assert stats[treatment.pk].metrics[metric.pk].sum == 0


@pytest.mark.urls("tests.experiments.urls")
def test_a_paused_experiment_exposes_nobody_and_resuming_closes_the_pause():
    experiment = ExperimentFactory(key="checkout")
    services.pause_experiment(experiment)
    browser = Client()
    browser.get("/track-nothing/")
    assert browser.get("/variant/checkout/").json()["in_experiment"] is False
    assert not Exposure.objects.exists()
    services.start_experiment(experiment)
    pause = Pause.objects.get(experiment=experiment)
    assert pause.resumed_at is not None
    assert browser.get("/variant/checkout/").json()["in_experiment"] is True


def test_concluding_a_paused_experiment_closes_its_pause():
    experiment = ExperimentFactory()
    services.pause_experiment(experiment)
    services.conclude_experiment(experiment, decision="inconclusive")
    assert Pause.objects.get(experiment=experiment).resumed_at == experiment.ended_at


# --- The next iteration --------------------------------------------------------------------------


def test_the_next_iteration_copies_the_design_with_a_new_seed_and_no_pins():
    new_prompt_version(label="candidate")
    guardrail, secondary = MetricFactory(key="flagged"), MetricFactory(key="published")
    first = prompt_draft(key="prompt_test", minimum_detectable_effect=0.08, coverage=0.5)
    first.guardrail_metrics.set([guardrail])
    first.secondary_metrics.set([secondary])
    services.start_experiment(first)
    services.conclude_experiment(first, decision="keep_control")

    following = services.create_next_iteration(first)
    assert (following.key, following.feature, following.iteration) == (
        "prompt_test-2",
        "prompt_test",
        2,
    )
    assert following.status == Experiment.Status.DRAFT
    assert following.hash_seed != first.hash_seed
    assert (following.coverage, following.minimum_detectable_effect) == (0.5, 0.08)
    assert following.prompt_name == "listing_assistant"
    assert following.primary_metric == first.primary_metric
    assert list(following.guardrail_metrics.all()) == [guardrail]
    assert list(following.secondary_metrics.all()) == [secondary]
    assert list(following.variants.values_list("key", "config", "prompt_version")) == [
        ("control", {"prompt_label": "production"}, None),
        ("treatment", {"prompt_label": "candidate"}, None),
    ]
    assert str(following) == f"{first.name} (iteration 2)"
    with pytest.raises(ValidationError, match="Its next iteration exists already"):
        services.create_next_iteration(first)


def test_only_a_concluded_experiment_has_a_next_iteration():
    with pytest.raises(ValidationError, match="conclude this one first"):
        services.create_next_iteration(ExperimentFactory())
    assert Experiment.objects.count() == 4  # the marketplace's three and this one


@pytest.mark.urls("tests.experiments.urls")
def test_code_that_names_the_feature_gets_whichever_iteration_runs():
    first = ExperimentFactory(key="checkout")
    browser = Client()
    browser.get("/track-nothing/")
    assert browser.get("/variant/checkout/").json()["in_experiment"]
    services.conclude_experiment(
        first, decision="ship", shipped_variant=first.variants.get(key="treatment")
    )
    following = services.create_next_iteration(first)
    # A draft next iteration changes nothing: the first one's shipped variant is served.
    answer = browser.get("/variant/checkout/").json()
    assert (answer["variant"], answer["in_experiment"]) == ("treatment", False)

    services.start_experiment(following)
    answer = browser.get("/variant/checkout/").json()
    assert answer["in_experiment"]
    assert Exposure.objects.get(experiment=following).unit_id == answer["visitor"]
    assert Exposure.objects.filter(experiment=first).count() == 1


def test_units_outside_a_running_iterations_coverage_get_what_was_shipped_before(rf):
    first = ExperimentFactory(key="checkout")
    services.conclude_experiment(
        first, decision="ship", shipped_variant=first.variants.get(key="treatment")
    )
    following = services.create_next_iteration(first)
    following.coverage = 0.0
    following.save()
    services.start_experiment(following)
    request = rf.get("/")
    request.visitor_id, request.user = "a" * 32, UserFactory.build()
    answer = variant_for(request, "checkout")
    assert (answer.variant_key, answer.in_experiment, answer.live) == ("treatment", False, True)


def test_an_unknown_feature_is_logged_and_answered_with_the_default(rf, caplog):
    request = rf.get("/")
    request.visitor_id, request.user = "a" * 32, UserFactory.build()
    with caplog.at_level(logging.WARNING, logger="experiments.api"):
        answer = variant_for(request, "no_such_feature")
    assert (answer.variant_key, answer.in_experiment, answer.live, answer.prompt_ref) == (
        "control",
        False,
        False,
        "",
    )
    assert "no experiment with variants on feature 'no_such_feature'" in caplog.text


# --- Two clicks at once (Postgres: real row locks between two connections) ----------------------


def _at_once(*calls):
    """Run each call in its own thread and database connection, all released together."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            outcomes[i] = call()
        except ValidationError as error:
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_conclusions_at_once_make_one_decision():
    experiment = ExperimentFactory()
    treatment = experiment.variants.get(key="treatment")
    outcomes = _at_once(
        lambda: services.conclude_experiment(
            Experiment.objects.get(pk=experiment.pk), decision="ship", shipped_variant=treatment
        ),
        lambda: services.conclude_experiment(
            Experiment.objects.get(pk=experiment.pk), decision="keep_control"
        ),
    )
    errors = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(errors) == 1
    assert "this one is concluded" in errors[0].messages[0]
    assert ExperimentChange.objects.filter(summary__startswith="Concluded").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_starts_on_one_feature_at_once_start_one():
    first = draft(key="search-a", feature="search")
    second = draft(key="search-b", feature="search", iteration=2)
    outcomes = _at_once(
        lambda: services.start_experiment(Experiment.objects.get(pk=first.pk)),
        lambda: services.start_experiment(Experiment.objects.get(pk=second.pk)),
    )
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert Experiment.objects.live().filter(feature="search").count() == 1


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"prompt_label": "<script>alert(1)</script>"}, "is not a prompt reference"),
        ({"prompt_label": 5}, "has no label '5'"),
        ({"prompt_label": "Candidate"}, "is not a prompt reference"),
        (["prompt_label", "candidate"], "would serve the same prompt version"),
    ],
)
def test_hostile_variant_configs_are_refused_with_a_message(client, config, message):
    experiment = prompt_draft()
    experiment.variants.filter(key="treatment").update(config=config)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        f"/admin/experiments/experiment/{experiment.pk}/lifecycle/start/", follow=True
    )
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert "<script>alert(1)</script>" not in response.content.decode()
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.DRAFT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_next_iteration_clicks_at_once_make_one_draft():
    first = ExperimentFactory(key="search", feature="search")
    services.conclude_experiment(first, decision="keep_control")
    outcomes = _at_once(
        lambda: services.create_next_iteration(Experiment.objects.get(pk=first.pk)),
        lambda: services.create_next_iteration(Experiment.objects.get(pk=first.pk)),
    )
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert Experiment.objects.filter(feature="search").count() == 2
