"""The two commands of the prompt loop: sync a candidate, then promote (or roll back)."""

import io

import pytest
from django.core.management import CommandError, call_command

from llm import resolve_prompt
from llm.models import PromptLabel
from tests.llm.test_prompt_registry import edit, prompt_dir  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_sync_with_a_label_points_it_at_the_new_version(prompt_dir):  # noqa: F811
    edit(prompt_dir / "listing_assistant.toml", "temperature = 0.2", "temperature = 0.1")
    output = run("sync_prompts", "--dir", str(prompt_dir), "--label", "candidate")
    assert "created listing_assistant@2" in output
    assert "→ candidate" in output
    assert resolve_prompt("listing_assistant:candidate").number == 2
    assert resolve_prompt("listing_assistant").number == 1  # production stays until promoted


def test_sync_refuses_to_move_production(prompt_dir):  # noqa: F811
    with pytest.raises(CommandError, match="does not move production"):
        run("sync_prompts", "--dir", str(prompt_dir), "--label", "production")


def test_move_label_promotes_and_rolls_back(prompt_dir):  # noqa: F811
    edit(prompt_dir / "listing_assistant.toml", "temperature = 0.2", "temperature = 0.1")
    run("sync_prompts", "--dir", str(prompt_dir))
    assert "listing_assistant@1 → listing_assistant@2" in run(
        "move_label", "listing_assistant", "production", "2", "--note", "won"
    )
    label = PromptLabel.objects.get(prompt__name="listing_assistant", name="production")
    assert label.version.number == 2
    assert label.moves.first().note == "won"
    assert "already points" in run("move_label", "listing_assistant", "production", "2")
    run("move_label", "listing_assistant", "production", "1")
    assert resolve_prompt("listing_assistant").number == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("nope", "production", "1"), "no prompt named 'nope'"),
        (("listing_assistant", "production", "9"), "has no version 9"),
        (("listing_assistant", "Bad Label", "1"), "not a label name"),
    ],
)
def test_move_label_explains_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        run("move_label", *args)
