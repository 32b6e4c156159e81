"""The fork tutorial (README, "Forking it"), done as it says, in a temporary app: startapp,
startfeature, sync, llm_run, run_eval and its gate, a candidate, the experiment started,
simulated and concluded, and the shipped version served. No file but the scaffold's is written.
"""

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from experiments import services
from experiments.models import Experiment
from experiments.results import ExperimentResults
from llm import features
from llm.models import PromptLabel

pytestmark = pytest.mark.django_db

APP, NAME = "capstone", "ticket_triage"


def command(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def capstone(tmp_path, settings):
    """A fresh app, made by startapp and installed, as a fork's first step."""
    (tmp_path / APP).mkdir()
    call_command("startapp", APP, str(tmp_path / APP))
    sys.path.insert(0, str(tmp_path))
    try:
        with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, APP]):
            yield tmp_path / APP
    finally:
        features.unregister(NAME)
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m == APP or m.startswith(f"{APP}.")]:
            del sys.modules[module]
        features.rediscover()


@pytest.mark.slow
def test_startfeature_makes_a_feature_that_runs_evaluates_and_ships_untouched(capstone):
    # startfeature writes the folder and says what to do next.
    out = command("startfeature", APP, NAME)
    folder = capstone / "ai_features" / NAME
    assert sorted(path.name for path in folder.iterdir() if path.is_file()) == [
        "__init__.py",
        "dataset.jsonl",
        "holdout.jsonl",
        "prompt.toml",
        "schemas.py",
    ]
    assert f"{NAME}/: __init__.py, schemas.py, prompt.toml, dataset.jsonl, holdout.jsonl" in out
    assert "manage.py sync_site" in out

    # sync_site: its first version, production, and its experiment, a draft.
    out = command("sync_site")
    assert f"{NAME}@1" in out
    assert f"{NAME}_prompt" in out
    experiment = Experiment.objects.get(feature=f"{NAME}_prompt")
    assert experiment.status == Experiment.Status.DRAFT
    assert experiment.primary_metric.event_name == f"{NAME}_used"

    # llm_run answers with no key: the offline placeholder, schema-valid and saying what it is.
    out = command("llm_run", NAME, "--input", json.dumps({"text": "Arrived quickly, thanks!"}))
    answer = json.loads(out[: out.index("\n}") + 2])
    assert answer == {"label": "positive", "summary": "Offline placeholder: no model answered."}
    assert "answered offline placeholder (no model)" in out

    # run_eval scores it against its three cases, and the gate fails below its threshold.
    out = command("run_eval", "--prompt", NAME, "--dataset", NAME, "--min-accuracy", "0.3")
    assert "fields match rate            0.333" in out
    assert "field label                  0.333" in out
    with pytest.raises(CommandError, match=r"fields match rate 0\.333 < 0\.5") as failed:
        command("run_eval", "--prompt", NAME, "--dataset", NAME, "--min-accuracy", "0.5")
    assert failed.value.returncode == 1
    assert f"{NAME}: fields match rate ≥ 0.3" in command("eval_gate", "--feature", NAME)

    # A candidate: the prompt edited, synced and labelled.
    prompt = folder / "prompt.toml"
    prompt.write_text(prompt.read_text().replace("one short line", "at most eight words"))
    assert f"created {NAME}@2" in command("sync_prompts", "--label", "candidate")

    # The experiment: started (pinning @1 and @2), simulated, concluded with the winner shipped.
    services.start_experiment(experiment)
    assert [v.prompt_version.number for v in experiment.variants.order_by("position")] == [1, 2]
    out = command(
        "simulate_traffic",
        "--experiment",
        f"{NAME}_prompt",
        "--units",
        "4000",
        "--baseline",
        f"{NAME}_used=0.3",
        "--effect",
        f"{NAME}_used=0.2",
    )
    assert "Simulated 4000 units" in out
    results = ExperimentResults.from_json(services.refresh_results(experiment).results)
    assert results.primary.treatments[0].relative.ci_low > 0  # the simulated +20% is found
    services.conclude_experiment(
        experiment, decision="ship", shipped_variant=experiment.variants.get(key="treatment")
    )
    production = PromptLabel.objects.get(prompt__name=NAME, name="production")
    assert production.version.number == 2
    assert f"{NAME}@2" in command("llm_run", NAME, "--input", json.dumps({"text": "ok"}))


def test_startfeature_refuses_what_it_cannot_make(capstone):
    with pytest.raises(CommandError, match="no installed app 'nope'"):
        command("startfeature", "nope", NAME)
    for bad in ("Ticket", "2fast", "class", "a", "ticket-triage", "x" * 51):
        with pytest.raises(CommandError, match="is not a feature name"):
            command("startfeature", APP, bad)
    with pytest.raises(CommandError, match="there is a feature named 'listing_assistant'"):
        command("startfeature", APP, "listing_assistant")
    command("startfeature", APP, NAME)
    with pytest.raises(CommandError, match=f"there is a feature named '{NAME}' already"):
        command("startfeature", APP, NAME)
    (capstone / "ai_features" / "notes").mkdir()  # a folder of the app's, not a feature
    with pytest.raises(CommandError, match="notes exists already"):
        command("startfeature", APP, "notes")
