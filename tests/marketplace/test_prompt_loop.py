"""The loop, as the people in it meet it, twice: an engineer edits the assistant's prompt and syncs
a candidate, staff start the prompt experiment in the admin, sellers ask the assistant, staff
conclude and ship, the engineer syncs the next candidate and rolls back, and staff start the next
iteration from the concluded one, without a code change. At each step the test asserts what each
person sees: the version a seller's suggestion names, the admin's pages and messages.
"""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from experiments.assignment import assign
from experiments.models import Experiment, ExperimentChange, Exposure, Flag
from llm.models import PromptLabel
from llm.prompt_files import export_prompts
from marketplace.ab_tests import AI_LISTING_ASSISTANT, LISTING_PROMPT_VERSION
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SUGGEST = "/listings/assistant/"
ADMIN = "/admin/experiments/experiment/"


def command(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


class PromptFiles:
    """A copy of the prompt folder that the engineer edits, as one edits a feature's prompt.toml."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        export_prompts(folder)

    def edit(self, old: str, new: str) -> None:
        path = self.folder / "listing_assistant.toml"
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))

    def sync_candidate(self) -> str:
        return command("sync_prompts", "--dir", str(self.folder), "--label", "candidate")


@pytest.fixture
def prompts(tmp_path):
    return PromptFiles(tmp_path / "prompts")


@pytest.fixture
def staff():
    """Staff in their own browser (the sellers share the test's ``client``)."""
    browser = Client()
    browser.force_login(UserFactory(username="staff", is_staff=True, is_superuser=True))
    return browser


@pytest.fixture
def sellers():
    """Forty sellers with the assistant (its own experiment is a draft: the flag decides)."""
    Flag.objects.filter(name=AI_LISTING_ASSISTANT).update(everyone=True)
    return UserFactory.create_batch(40)


def arm(experiment: Experiment, seller) -> str:
    return ["control", "treatment"][assign(experiment.hash_seed, str(seller.pk), [0.5, 0.5], 1.0)]


def one_in_each_arm(experiment: Experiment, sellers) -> dict[str, object]:
    return {
        group: next(s for s in sellers if arm(experiment, s) == group)
        for group in ("control", "treatment")
    }


def version_seen_by(client, seller, text: str = "iphone 12 64gb black, berlin") -> int:
    """The prompt version a seller's suggestion says it came from."""
    client.force_login(seller)
    response = client.post(SUGGEST, {"text": text}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    match = re.search(r"prompt listing_assistant@(\d+)", response.text)
    assert match, response.text
    return int(match[1])


def admin_action(staff, action: str, experiment: Experiment) -> str:
    response = staff.post(
        ADMIN, {"action": action, "_selected_action": [experiment.pk]}, follow=True
    )
    assert response.status_code == 200
    return response.text


def conclude(staff, experiment: Experiment, decision: str, variant_key: str = "") -> str:
    shipped = experiment.variants.get(key=variant_key).pk if variant_key else ""
    response = staff.post(
        f"{ADMIN}{experiment.pk}/conclude/",
        {"decision": decision, "shipped_variant": shipped, "notes": "Read at the planned size."},
        follow=True,
    )
    assert response.status_code == 200
    return response.text


def production() -> int:
    return PromptLabel.objects.get(
        prompt__name="listing_assistant", name="production"
    ).version.number


def test_the_loop_ships_what_it_tested_and_runs_again_without_code_changes(
    client, staff, sellers, prompts
):
    # 1. The engineer edits the prompt and syncs it as the candidate.
    prompts.edit("at most 80 characters", "at most 60 characters")
    assert "created listing_assistant@2" in prompts.sync_candidate()
    first = Experiment.objects.get(key=LISTING_PROMPT_VERSION)

    # 2. Staff start the experiment; its page names the versions each variant serves.
    assert "started" in admin_action(staff, "start_selected", first)
    page = staff.get(f"{ADMIN}{first.pk}/change/").text
    assert "listing_assistant@1" in page
    assert "listing_assistant@2" in page
    first.refresh_from_db()
    by_arm = one_in_each_arm(first, sellers)

    # 3. Sellers get their arm's pinned version, and keep it when the label moves on.
    assert version_seen_by(client, by_arm["control"]) == 1
    assert version_seen_by(client, by_arm["treatment"]) == 2
    prompts.edit("at most 60 characters", "at most 50 characters")
    assert "created listing_assistant@3" in prompts.sync_candidate()  # candidate → @3 mid-test
    assert version_seen_by(client, by_arm["treatment"], "ikea sofa, grey, 3 seats") == 2
    assert version_seen_by(client, by_arm["control"], "ikea sofa, grey, 3 seats") == 1

    # 4. Staff conclude and ship the treatment: production moves to the version it served (@2),
    #    not to where candidate points now (@3). A second click changes nothing.
    page = conclude(staff, first, "ship", "treatment")
    assert "is concluded." in page
    assert production() == 2
    assert "is concluded already: nothing changed" in conclude(staff, first, "keep_control")
    assert (
        ExperimentChange.objects.filter(experiment=first, summary__startswith="Concluded").count()
        == 1
    )

    # 5. Everyone gets production (@2): the experiment's sellers and a new one alike; nobody gets
    #    the unevaluated @3, and the shell agrees with the site.
    newcomer = UserFactory()
    assert {version_seen_by(client, s) for s in (*by_arm.values(), newcomer)} == {2}
    assert "listing_assistant@2" in command(
        "llm_run", "listing_assistant", "--input", '{"text": "bike"}'
    )
    exposed = Exposure.objects.filter(experiment=first).count()

    # 6. A rollback is a label move, and the site follows it at once.
    command("move_label", "listing_assistant", "production", "1", "--note", "rollback")
    assert {version_seen_by(client, s) for s in (*by_arm.values(), newcomer)} == {1}

    # 7. Staff create the next iteration from the concluded one and start it: no code change.
    #    It pins production (@1, after the rollback) and candidate (@3), with a new seed.
    response = staff.post(f"{ADMIN}{first.pk}/lifecycle/next-iteration/", follow=True)
    assert "as a draft: check it, then Start" in response.text
    second = Experiment.objects.get(feature=LISTING_PROMPT_VERSION, iteration=2)
    assert (second.status, second.hash_seed) == (Experiment.Status.DRAFT, second.key)
    assert version_seen_by(client, newcomer) == 1  # a draft changes nothing
    response = staff.post(f"{ADMIN}{second.pk}/lifecycle/start/", follow=True)
    assert "started." in response.text
    assert [v.prompt_version.number for v in second.variants.order_by("position")] == [1, 3]
    by_arm = one_in_each_arm(second, sellers)
    assert version_seen_by(client, by_arm["control"]) == 1
    assert version_seen_by(client, by_arm["treatment"]) == 3
    assert Exposure.objects.filter(experiment=second).count() == 2

    # 8. The first iteration keeps its results, exposures and decision.
    assert Exposure.objects.filter(experiment=first).count() == exposed
    results = staff.get(f"{ADMIN}{first.pk}/results/").text
    assert "Concluded" in results
    assert "Ship a variant" in results
    first.refresh_from_db()
    assert first.shipped_variant.key == "treatment"

    # 9. The second iteration keeps control: production stays where the rollback put it.
    assert "is concluded." in conclude(staff, second, "keep_control")
    assert production() == 1
    assert {version_seen_by(client, s) for s in sellers[:6]} == {1}
