"""Concluding an experiment: the decision, who gets what afterwards, and the prompt label move."""

import re

import pytest
from django.core.exceptions import ValidationError

from experiments import services
from experiments.models import Experiment, ExperimentChange, Exposure, ResultSnapshot
from experiments.services import conclude_experiment
from tests.experiments.factories import ExperimentFactory
from tests.factories import UserFactory
from tests.prompts import new_prompt_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def experiment():
    return ExperimentFactory(key="checkout")


def variant(experiment: Experiment, key: str):
    return experiment.variants.get(key=key)


def get_variant(client, key: str) -> dict:
    response = client.get(f"/variant/{key}/")
    assert response.status_code == 200
    return response.json()


@pytest.mark.urls("tests.experiments.urls")
def test_shipping_a_variant_ends_the_experiment_and_gives_everyone_that_variant(
    client, experiment, django_capture_on_commit_callbacks
):
    user = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        conclude_experiment(
            experiment,
            decision="ship",
            shipped_variant=variant(experiment, "treatment"),
            notes="Publish rate up 4%, guardrails flat.",
            user=user,
        )

    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.CONCLUDED
    assert experiment.ended_at is not None
    assert experiment.decision == "ship"
    assert experiment.shipped_variant.key == "treatment"
    assert experiment.decision_notes == "Publish rate up 4%, guardrails flat."
    change = ExperimentChange.objects.get(experiment=experiment)
    assert change.changed_by == user
    assert change.summary.startswith("Concluded: Ship a variant (everyone now gets 'treatment')")
    # The final results, as of the end.
    assert ResultSnapshot.objects.latest_for(experiment).window_end == experiment.ended_at

    for _ in range(5):  # new visitors: every one gets the treatment and none is exposed
        client.cookies.clear()
        answer = get_variant(client, "checkout")
        assert (answer["variant"], answer["in_experiment"]) == ("treatment", False)
    assert not Exposure.objects.exists()


@pytest.mark.urls("tests.experiments.urls")
@pytest.mark.parametrize("decision", ["keep_control", "inconclusive"])
def test_keeping_control_or_stopping_without_a_winner_gives_everyone_the_control(
    client, experiment, decision
):
    conclude_experiment(experiment, decision=decision, notes="No difference worth the cost.")
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.CONCLUDED
    expected = "control" if decision == "keep_control" else None
    assert getattr(experiment.shipped_variant, "key", None) == expected
    assert get_variant(client, "checkout")["variant"] == "control"


@pytest.mark.parametrize(
    ("decision", "shipped", "message"),
    [
        ("ship", None, "Choose the variant to ship"),
        ("ship", "control", "Choose the variant to ship"),
        ("keep_control", "treatment", "Keeping the control ships no other variant"),
        ("inconclusive", "treatment", "An inconclusive experiment ships nothing"),
        ("launch", None, "Unknown decision 'launch'"),
    ],
)
def test_a_decision_that_does_not_fit_the_variant_is_refused(
    experiment, decision, shipped, message
):
    with pytest.raises(ValidationError, match=message):
        conclude_experiment(
            experiment,
            decision=decision,
            shipped_variant=variant(experiment, shipped) if shipped else None,
        )
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.RUNNING


def test_a_variant_of_another_experiment_cannot_be_shipped(experiment):
    other = ExperimentFactory()
    with pytest.raises(ValidationError, match="is not a variant of this experiment"):
        conclude_experiment(
            experiment, decision="ship", shipped_variant=variant(other, "treatment")
        )


@pytest.mark.parametrize("status", [Experiment.Status.DRAFT, Experiment.Status.CONCLUDED])
def test_only_a_running_or_paused_experiment_can_be_concluded(status):
    experiment = ExperimentFactory(status=status)
    with pytest.raises(ValidationError, match="Only a running or paused experiment"):
        conclude_experiment(experiment, decision="keep_control")


# --- Prompt experiments: shipping moves production to the version the winner served ---------


def _production():
    from llm.models import PromptLabel

    return PromptLabel.objects.get(prompt__name="listing_assistant", name="production")


@pytest.fixture
def prompt_experiment():
    """The assistant's prompt experiment, started with candidate on a new version."""
    new_prompt_version(label="candidate")
    experiment = Experiment.objects.get(key="listing_prompt_version")
    services.start_experiment(experiment)
    return experiment


def test_starting_pins_each_variant_to_the_version_its_label_points_at(prompt_experiment):
    control, treatment = (
        variant(prompt_experiment, "control"),
        variant(prompt_experiment, "treatment"),
    )
    assert (control.prompt_version.number, treatment.prompt_version.number) == (1, 2)
    change = ExperimentChange.objects.get(experiment=prompt_experiment)
    assert "treatment is pinned to listing_assistant@2" in change.summary


def test_shipping_the_candidate_points_production_at_its_version_and_records_the_move(
    prompt_experiment,
):
    production_version = _production().version
    pinned = variant(prompt_experiment, "treatment").prompt_version
    user = UserFactory(is_staff=True)
    conclude_experiment(
        prompt_experiment,
        decision="ship",
        shipped_variant=variant(prompt_experiment, "treatment"),
        user=user,
    )
    production = _production()
    assert production.version == pinned
    move = production.moves.first()
    assert (move.from_version, move.to_version, move.moved_by) == (
        production_version,
        pinned,
        user,
    )
    assert move.note == (
        "Shipped by experiment listing_prompt_version: treatment "
        "(listing_assistant@2, pinned at its start) won."
    )


def test_shipping_moves_production_to_the_tested_version_not_where_candidate_points_now(
    prompt_experiment,
):
    """Item 2 of issue 12: candidate moved after the start must not decide what ships."""
    from llm.services import move_label

    new_prompt_version("Be briefer still.", label="candidate")  # candidate → @3 mid-test
    move_label("listing_assistant", "candidate", 1)  # and then back to @1
    conclude_experiment(
        prompt_experiment,
        decision="ship",
        shipped_variant=variant(prompt_experiment, "treatment"),
    )
    assert _production().version.number == 2


@pytest.mark.parametrize("decision", ["keep_control", "inconclusive"])
def test_keeping_the_production_prompt_moves_no_label(prompt_experiment, decision):
    before = _production().version
    conclude_experiment(prompt_experiment, decision=decision)
    assert _production().version == before
    assert _production().moves.count() == 1  # the first sync's, nothing since


def test_variants_that_serve_no_prompt_move_no_label(experiment):
    before = _production().version
    conclude_experiment(
        experiment, decision="ship", shipped_variant=variant(experiment, "treatment")
    )
    assert _production().version == before


def test_when_the_label_cannot_move_the_experiment_stays_running(prompt_experiment, monkeypatch):
    def refuse(*args, **kwargs):
        from llm import PromptRefError

        raise PromptRefError("no prompt named 'listing_assistant'")

    monkeypatch.setattr(services, "move_label", refuse)
    with pytest.raises(ValidationError, match="no prompt named"):
        conclude_experiment(
            prompt_experiment,
            decision="ship",
            shipped_variant=variant(prompt_experiment, "treatment"),
        )
    prompt_experiment.refresh_from_db()
    assert prompt_experiment.status == Experiment.Status.RUNNING
    assert not ExperimentChange.objects.filter(summary__startswith="Concluded").exists()


def test_a_second_conclusion_is_refused_and_changes_nothing(prompt_experiment):
    """Item 5 of issue 12: two Conclude posts; the second finds the experiment concluded."""
    user = UserFactory(is_staff=True, username="ana")
    stale = Experiment.objects.get(pk=prompt_experiment.pk)  # the second click's copy
    conclude_experiment(
        prompt_experiment,
        decision="ship",
        shipped_variant=variant(prompt_experiment, "treatment"),
        user=user,
    )
    with pytest.raises(ValidationError, match=r"this one is concluded \(concluded by ana at"):
        conclude_experiment(stale, decision="keep_control")
    prompt_experiment.refresh_from_db()
    assert (prompt_experiment.decision, prompt_experiment.shipped_variant.key) == (
        "ship",
        "treatment",
    )
    assert ExperimentChange.objects.filter(summary__startswith="Concluded").count() == 1
    assert _production().version.number == 2


def test_the_conclude_form_and_the_concluded_page_name_variants_as_the_walkthrough_does(
    prompt_experiment, admin_client
):
    """The walkthrough says "choose *Candidate prompt (treatment, listing_assistant@2)*": the form
    offers that, and the experiment's page names the shipped variant the same way afterwards,
    not by its key (``listing_prompt_version:treatment``)."""
    url = f"/admin/experiments/experiment/{prompt_experiment.pk}/"
    form = admin_client.get(f"{url}conclude/").content.decode()
    assert "Production prompt (control, listing_assistant@1)" in form
    assert "Candidate prompt (treatment, listing_assistant@2)" in form
    treatment = variant(prompt_experiment, "treatment")
    response = admin_client.post(
        f"{url}conclude/",
        {"decision": "ship", "shipped_variant": treatment.pk, "notes": "Acceptance up."},
    )
    assert response.status_code == 302
    page = admin_client.get(f"{url}change/").content.decode()
    shipped = re.search(r'field-shipped.*?<div class="readonly">([^<]*)</div>', page, re.S)
    assert shipped is not None
    assert shipped.group(1) == "Candidate prompt (treatment, listing_assistant@2)"
