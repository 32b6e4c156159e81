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
        "hypothesis": experiment.hypothesis,
        "status": experiment.status,
        "unit_type": experiment.unit_type,
        "seed": experiment.seed,
        "coverage": experiment.coverage,
        "primary_metric": experiment.primary_metric_id,
        "minimum_detectable_effect": experiment.minimum_detectable_effect,
        "alpha": experiment.alpha,
        "power": experiment.power,
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


def test_the_change_form_refuses_to_conclude_behind_the_decisions_back(staff_client):
    experiment = ExperimentFactory()
    response = post_change(staff_client, experiment, status="concluded")
    assert response.status_code == 200
    assert "Conclude an experiment from its results page" in response.text
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.RUNNING


def test_a_concluded_experiment_cannot_be_set_running_again_in_the_change_form(staff_client):
    experiment = ExperimentFactory(status=Experiment.Status.CONCLUDED)
    response = post_change(staff_client, experiment, status="running")
    assert "A concluded experiment cannot run again" in response.text
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.CONCLUDED


@pytest.mark.parametrize("path", ["/admin/", "/admin/login/", "/admin/experiments/experiment/"])
def test_admin_pages_name_the_sites_icon(client, staff_client, path):
    """Without it the browser asks for /favicon.ico on every admin page, and gets a 404."""
    if path == "/admin/login/":
        client.logout()
    page = client.get(path)
    assert page.status_code == 200
    assert '<link rel="icon" href="/static/favicon.svg"' in page.text
    assert page.text.count("Bazaar admin") >= 2  # the header and title are still the site's
