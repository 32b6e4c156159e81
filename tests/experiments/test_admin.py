"""The experiment admin: guards against the usual mistakes, actions, and staff-only access."""

import pytest

from experiments.models import Experiment, ExperimentChange, Variant
from tests.experiments.factories import ExperimentFactory, MetricFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def change_form_data(experiment: Experiment, **overrides) -> dict:
    """The POST data of the experiment's change form as it stands, with overrides applied."""
    data = {
        "key": experiment.key,
        "name": experiment.name,
        "feature": experiment.feature,
        "hypothesis": experiment.hypothesis,
        "unit_type": experiment.unit_type,
        "seed": experiment.seed,
        "coverage": experiment.coverage,
        "primary_metric": experiment.primary_metric_id,
        "minimum_detectable_effect": experiment.minimum_detectable_effect,
        "alpha": experiment.alpha,
        "power": experiment.power,
        "stats_engine": experiment.stats_engine,
        "sequential_tuning": experiment.sequential_tuning,
        "correction": experiment.correction,
        "cuped_lookback_days": experiment.cuped_lookback_days,
        "decision_notes": "",
        "variants-TOTAL_FORMS": 2,
        "variants-INITIAL_FORMS": 2,
        "variants-MIN_NUM_FORMS": 2,
        "variants-MAX_NUM_FORMS": 1000,
    }
    for i, variant in enumerate(experiment.variants.order_by("position")):
        data.update(
            {
                f"variants-{i}-id": variant.pk,
                f"variants-{i}-experiment": experiment.pk,
                f"variants-{i}-key": variant.key,
                f"variants-{i}-name": variant.name,
                f"variants-{i}-weight": variant.weight,
                f"variants-{i}-position": variant.position,
                f"variants-{i}-config": '{"enabled": %s}' % ("false" if i == 0 else "true"),
            }
        )
        if variant.is_control:
            data[f"variants-{i}-is_control"] = "on"
    data.update(overrides)
    return data


def post_change(client, experiment, **overrides):
    url = f"/admin/experiments/experiment/{experiment.pk}/change/"
    return client.post(url, change_form_data(experiment, **overrides))


def test_weights_that_do_not_add_up_are_refused(staff_client):
    experiment = ExperimentFactory(status=Experiment.Status.DRAFT)
    response = post_change(staff_client, experiment, **{"variants-1-weight": 0.6})
    assert response.status_code == 200
    assert "add up to 1.1, not 1" in response.text
    assert Variant.objects.get(experiment=experiment, key="treatment").weight == 0.5


def test_two_controls_are_refused(staff_client):
    experiment = ExperimentFactory(status=Experiment.Status.DRAFT)
    response = post_change(staff_client, experiment, **{"variants-1-is_control": "on"})
    assert "Exactly one variant must be the control" in response.text


def test_changing_weights_of_a_running_experiment_needs_confirmation(staff_client):
    experiment = ExperimentFactory()
    weights = {"variants-0-weight": 0.3, "variants-1-weight": 0.7}
    response = post_change(staff_client, experiment, **weights)
    assert response.status_code == 200
    assert "move units between variants" in response.text
    assert not ExperimentChange.objects.exists()

    response = post_change(staff_client, experiment, confirm_reshuffle="on", **weights)
    assert response.status_code == 302
    assert Variant.objects.get(experiment=experiment, key="treatment").weight == 0.7
    change = ExperimentChange.objects.get()
    assert "treatment.weight 0.5 → 0.7" in change.summary
    assert change.changed_by.is_staff


def test_changing_the_seed_of_a_running_experiment_needs_confirmation(staff_client):
    experiment = ExperimentFactory()
    response = post_change(staff_client, experiment, seed="new-seed")
    assert "reshuffles every unit" in response.text
    experiment.refresh_from_db()
    assert experiment.seed == ""

    post_change(staff_client, experiment, seed="new-seed", confirm_reshuffle="on")
    experiment.refresh_from_db()
    assert experiment.seed == "new-seed"
    assert "seed" in ExperimentChange.objects.get().summary


def test_raising_coverage_or_renaming_needs_no_confirmation(staff_client):
    experiment = ExperimentFactory(coverage=0.2)
    response = post_change(staff_client, experiment, coverage=1.0, name="Renamed")
    assert response.status_code == 302
    assert not ExperimentChange.objects.exists()


def test_the_start_action_refuses_an_experiment_without_a_primary_metric(staff_client):
    experiment = ExperimentFactory(status=Experiment.Status.DRAFT, primary_metric=None)
    response = staff_client.post(
        "/admin/experiments/experiment/",
        {"action": "start_selected", "_selected_action": [experiment.pk]},
        follow=True,
    )
    assert "Choose a primary metric" in response.text
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.DRAFT


def test_the_start_and_pause_actions(staff_client):
    experiment = ExperimentFactory(status=Experiment.Status.DRAFT, started_at=None)
    staff_client.post(
        "/admin/experiments/experiment/",
        {"action": "start_selected", "_selected_action": [experiment.pk]},
    )
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.RUNNING
    assert experiment.started_at is not None
    staff_client.post(
        "/admin/experiments/experiment/",
        {"action": "pause_selected", "_selected_action": [experiment.pk]},
    )
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.PAUSED


@pytest.mark.parametrize(
    "url",
    [
        "/admin/experiments/experiment/",
        "/admin/experiments/metric/",
        "/admin/experiments/exposure/",
        "/admin/experiments/event/",
        "/admin/experiments/flag/",
        "/admin/experiments/experimentchange/",
        "/admin/experiments/resultsnapshot/",
        "/admin/experiments/dailyresult/",
    ],
)
def test_admin_pages_render_for_staff_and_refuse_others(client, staff_client, url):
    ExperimentFactory()
    MetricFactory()
    assert staff_client.get(url).status_code == 200
    client.force_login(UserFactory())
    assert client.get(url).status_code == 302  # to the admin login


@pytest.mark.parametrize(
    ("status", "posted"),
    [
        (Experiment.Status.RUNNING, "concluded"),
        (Experiment.Status.CONCLUDED, "running"),
        (Experiment.Status.DRAFT, "running"),  # item 3 of issue 12: no start behind its back
    ],
)
def test_the_status_is_read_only_in_the_change_form(staff_client, status, posted):
    experiment = ExperimentFactory(status=status)
    page = staff_client.get(f"/admin/experiments/experiment/{experiment.pk}/change/").text
    assert 'name="status"' not in page
    response = post_change(staff_client, experiment, status=posted)
    assert response.status_code == 302
    experiment.refresh_from_db()
    assert experiment.status == status


def test_a_new_experiment_is_a_draft_whatever_the_add_form_says(staff_client):
    metric = MetricFactory()
    data = {
        "key": "new_gallery",
        "feature": "",
        "name": "New gallery",
        "status": "running",
        "unit_type": "visitor",
        "coverage": 1.0,
        "primary_metric": metric.pk,
        "minimum_detectable_effect": 0.05,
        "alpha": 0.05,
        "power": 0.8,
        "stats_engine": "sequential",
        "sequential_tuning": 5000,
        "correction": "holm",
        "cuped": "on",
        "cuped_lookback_days": 14,
        "variants-TOTAL_FORMS": 2,
        "variants-INITIAL_FORMS": 0,
        "variants-MIN_NUM_FORMS": 2,
        "variants-MAX_NUM_FORMS": 1000,
        "variants-0-key": "control",
        "variants-0-name": "Old gallery",
        "variants-0-weight": 0.5,
        "variants-0-position": 0,
        "variants-0-config": "{}",
        "variants-0-is_control": "on",
        "variants-1-key": "treatment",
        "variants-1-name": "New gallery",
        "variants-1-weight": 0.5,
        "variants-1-position": 1,
        "variants-1-config": '{"enabled": true}',
    }
    response = staff_client.post("/admin/experiments/experiment/add/", data)
    assert response.status_code == 302, response.text
    experiment = Experiment.objects.get(key="new_gallery")
    assert (experiment.status, experiment.started_at, experiment.feature) == (
        Experiment.Status.DRAFT,
        None,
        "new_gallery",
    )
    assert (experiment.stats_engine, experiment.correction, experiment.cuped) == (
        "sequential",
        "holm",
        True,
    )


def test_the_reading_rule_is_chosen_before_the_start_and_kept(staff_client):
    draft = ExperimentFactory(status=Experiment.Status.DRAFT)
    response = post_change(staff_client, draft, stats_engine="sequential", sequential_tuning=0)
    assert response.status_code == 200  # the form again, with the error
    assert "Ensure this value is greater than or equal to 1." in response.text
    post_change(staff_client, draft, stats_engine="bayesian", correction="bh", cuped="on")
    draft.refresh_from_db()
    assert (draft.stats_engine, draft.correction, draft.cuped) == ("bayesian", "bh", True)

    running = ExperimentFactory(status=Experiment.Status.RUNNING)
    page = staff_client.get(f"/admin/experiments/experiment/{running.pk}/change/").text
    assert 'name="stats_engine"' not in page
    assert "How the results are read" in page
    post_change(staff_client, running, stats_engine="sequential", correction="holm")
    running.refresh_from_db()
    assert (running.stats_engine, running.correction) == ("fixed", "holm")


def test_the_change_page_starts_pauses_and_resumes_with_its_buttons(staff_client):
    experiment = ExperimentFactory(status=Experiment.Status.DRAFT, started_at=None)
    page = f"/admin/experiments/experiment/{experiment.pk}/"
    assert ">Start</button>" in staff_client.get(f"{page}change/").text

    response = staff_client.post(f"{page}lifecycle/start/", follow=True)
    assert f"{experiment}: started." in response.text
    assert ">Pause</button>" in response.text
    assert "Conclude…" in response.text
    staff_client.post(f"{page}lifecycle/pause/")
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.PAUSED
    assert ">Resume</button>" in staff_client.get(f"{page}change/").text
    staff_client.post(f"{page}lifecycle/start/")
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.RUNNING
    summaries = list(
        ExperimentChange.objects.filter(experiment=experiment)
        .order_by("changed_at", "id")
        .values_list("summary", flat=True)
    )
    assert summaries == ["Started.", "Paused.", "Resumed."]


def test_lifecycle_buttons_take_posts_only_and_only_from_staff(client, staff_client):
    experiment = ExperimentFactory(status=Experiment.Status.DRAFT, started_at=None)
    start = f"/admin/experiments/experiment/{experiment.pk}/lifecycle/start/"
    assert staff_client.get(start).status_code == 405
    assert (
        staff_client.post(f"/admin/experiments/experiment/{experiment.pk}/lifecycle/x/").status_code
        == 405
    )
    client.force_login(UserFactory())
    assert client.post(start).status_code == 302  # to the admin login
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.DRAFT


@pytest.mark.parametrize("path", ["/admin/", "/admin/login/", "/admin/experiments/experiment/"])
def test_admin_pages_name_the_sites_icon(client, staff_client, path):
    """Without it the browser asks for /favicon.ico on every admin page, and gets a 404."""
    if path == "/admin/login/":
        client.logout()
    page = client.get(path)
    assert page.status_code == 200
    assert '<link rel="icon" href="/static/favicon.svg"' in page.text
    assert page.text.count("Bazaar admin") >= 2  # the header and title are still the site's
