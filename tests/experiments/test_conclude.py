"""Concluding an experiment: the decision, who gets what afterwards, and the prompt label move."""

import pytest
from django.core.exceptions import ValidationError

from experiments import services
from experiments.models import Experiment, ExperimentChange, Exposure, ResultSnapshot
from experiments.services import conclude_experiment
from tests.experiments.factories import ExperimentFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def experiment():
    return ExperimentFactory(key="checkout")


@pytest.fixture
def prompt_experiment():
    return ExperimentFactory(
        key="prompt_test",
        prompt_name="listing_assistant",
        variants=[
            ("control", 0.5, {"prompt_label": "production"}),
            ("treatment", 0.5, {"prompt_label": "candidate"}),
        ],
    )


@pytest.fixture
def label_moves(monkeypatch):
    """Record the label moves concluding asks for, in place of the llm app's label service."""
    calls = []
    monkeypatch.setattr(services, "_move_production_label", lambda *args: calls.append(args))
    return calls


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


def test_shipping_the_candidate_prompt_moves_the_production_label_to_it(
    prompt_experiment, label_moves
):
    user = UserFactory(is_staff=True)
    conclude_experiment(
        prompt_experiment,
        decision="ship",
        shipped_variant=variant(prompt_experiment, "treatment"),
        user=user,
    )
    [(prompt, label, moved_by, note)] = label_moves
    assert (prompt, label, moved_by) == ("listing_assistant", "candidate", user)
    assert note == "Shipped by experiment prompt_test: treatment (candidate) won."


@pytest.mark.parametrize("decision", ["keep_control", "inconclusive"])
def test_keeping_the_production_prompt_moves_no_label(prompt_experiment, label_moves, decision):
    conclude_experiment(prompt_experiment, decision=decision)
    assert label_moves == []


def test_variants_that_do_not_differ_by_prompt_label_move_no_label(experiment, label_moves):
    conclude_experiment(
        experiment, decision="ship", shipped_variant=variant(experiment, "treatment")
    )
    assert label_moves == []


def test_a_prompt_experiment_without_a_prompt_name_is_not_concluded(prompt_experiment, label_moves):
    prompt_experiment.prompt_name = ""
    prompt_experiment.save()
    with pytest.raises(ValidationError, match="names no prompt"):
        conclude_experiment(
            prompt_experiment,
            decision="ship",
            shipped_variant=variant(prompt_experiment, "treatment"),
        )
    prompt_experiment.refresh_from_db()
    assert prompt_experiment.status == Experiment.Status.RUNNING


def test_when_the_label_cannot_move_the_experiment_stays_running(prompt_experiment, monkeypatch):
    def refuse(*args):
        raise ValidationError("listing_assistant has no label 'candidate'")

    monkeypatch.setattr(services, "_move_production_label", refuse)
    with pytest.raises(ValidationError, match="no label 'candidate'"):
        conclude_experiment(
            prompt_experiment,
            decision="ship",
            shipped_variant=variant(prompt_experiment, "treatment"),
        )
    prompt_experiment.refresh_from_db()
    assert prompt_experiment.status == Experiment.Status.RUNNING
    assert not ExperimentChange.objects.exists()


# --- With the llm app's prompt registry (branch `llm`) -------------------------------------------
# services._move_production_label is wired to llm.services.move_label once the llm app is merged;
# these tests then run against the real prompt labels and their recorded moves.


def _candidate_version():
    """A second version of listing_assistant, labelled candidate (the sync made v1 production)."""
    from llm.models import PromptLabel, PromptVersion
    from llm.services import move_label

    production = PromptLabel.objects.get(prompt__name="listing_assistant", name="production")
    current = production.version
    candidate = PromptVersion.objects.create(
        prompt=current.prompt,
        number=current.prompt.versions.count() + 1,
        content_hash="c" * 64,
        input_schema=current.input_schema,
        output_schema=current.output_schema,
        output_json_schema=current.output_json_schema,
        system_template=current.system_template + "\nBe brief.",
        user_template=current.user_template,
        source_path=current.source_path,
        source_text=current.source_text + "\n# candidate",
    )
    move_label("listing_assistant", "candidate", candidate)
    return current, candidate


def test_shipping_the_candidate_points_production_at_its_version_and_records_the_move():
    from llm.models import PromptLabel

    production_version, candidate = _candidate_version()
    experiment = Experiment.objects.get(key="listing_prompt_version")
    services.start_experiment(experiment)
    user = UserFactory(is_staff=True)
    conclude_experiment(
        experiment, decision="ship", shipped_variant=variant(experiment, "treatment"), user=user
    )
    production = PromptLabel.objects.get(prompt__name="listing_assistant", name="production")
    assert production.version == candidate
    move = production.moves.first()
    assert (move.from_version, move.to_version, move.moved_by) == (
        production_version,
        candidate,
        user,
    )
    assert "listing_prompt_version" in move.note


def test_keeping_control_leaves_the_production_label_where_it_was():
    from llm.models import PromptLabel

    production_version, _ = _candidate_version()
    experiment = Experiment.objects.get(key="listing_prompt_version")
    services.start_experiment(experiment)
    conclude_experiment(experiment, decision="keep_control")
    production = PromptLabel.objects.get(prompt__name="listing_assistant", name="production")
    assert production.version == production_version


def test_shipping_a_label_the_prompt_does_not_have_is_refused_and_concludes_nothing():
    experiment = Experiment.objects.get(key="listing_prompt_version")
    services.start_experiment(experiment)  # no "candidate" label exists yet
    with pytest.raises(ValidationError, match="no label 'candidate'"):
        conclude_experiment(
            experiment, decision="ship", shipped_variant=variant(experiment, "treatment")
        )
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.RUNNING
