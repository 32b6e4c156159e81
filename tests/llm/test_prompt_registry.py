from pathlib import Path

import pytest

import llm
from llm.models import (
    ImmutableVersionError,
    Prompt,
    PromptLabel,
    PromptLabelMove,
    PromptVersion,
)
from llm.prompt_files import PromptFileError, export_prompts
from llm.registry import label_periods, resolve_prompt
from llm.services import move_label, sync_prompts

pytestmark = pytest.mark.django_db

SHIPPED = ("description_judge", "listing_assistant", "listing_enrichment", "search_query")


@pytest.fixture
def prompt_dir(tmp_path) -> Path:
    """A copy of the shipped prompt files, to edit."""
    directory = tmp_path / "prompts"
    export_prompts(directory)
    return directory


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_migrate_synced_every_shipped_prompt_with_a_production_label():
    assert sorted(Prompt.objects.values_list("name", flat=True)) == list(SHIPPED)
    for name in SHIPPED:
        version = resolve_prompt(name)
        assert version.number == 1
        assert len(version.content_hash) == 64
        assert PromptLabel.objects.get(prompt__name=name, name="production").version == version
    first_move = PromptLabelMove.objects.filter(label__prompt__name="search_query").get()
    assert first_move.from_version is None
    assert first_move.note == "first version"


def test_unchanged_content_creates_nothing(prompt_dir):
    synced = sync_prompts(prompt_dir)

    assert [item.created for item in synced] == [False] * len(SHIPPED)
    assert PromptVersion.objects.count() == len(SHIPPED)


def test_changed_content_creates_the_next_number_and_leaves_labels_alone(prompt_dir):
    edit(prompt_dir / "search_query.toml", "temperature = 0", "temperature = 0.3")

    synced = {item.version.prompt.name: item for item in sync_prompts(prompt_dir)}

    assert synced["search_query"].created
    new = synced["search_query"].version
    assert new.number == 2
    assert new.temperature == 0.3
    assert new.content_hash != resolve_prompt("search_query@1").content_hash
    assert not synced["listing_assistant"].created
    assert resolve_prompt("search_query").number == 1  # production did not move
    assert sync_prompts(prompt_dir)[2].created is False  # and syncing again changes nothing


def test_a_description_or_comment_change_is_not_a_new_version(prompt_dir):
    edit(prompt_dir / "search_query.toml", "# Search understanding", "# Reworded comment")
    edit(prompt_dir / "search_query.toml", 'description = "', 'description = "Now: ')

    synced = sync_prompts(prompt_dir)

    assert not any(item.created for item in synced)
    assert Prompt.objects.get(name="search_query").description.startswith("Now: ")


def test_going_back_to_old_content_reuses_its_version(prompt_dir):
    path = prompt_dir / "search_query.toml"
    edit(path, "temperature = 0", "temperature = 0.5")
    sync_prompts(prompt_dir)
    edit(path, "temperature = 0.5", "temperature = 0")

    synced = sync_prompts(prompt_dir)

    assert not synced[2].created
    assert synced[2].version.number == 1


def test_a_prompt_file_that_is_no_features_is_refused_with_the_features(prompt_dir):
    """A prompt is a feature's: its folder says its schemas, offline answer and datasets
    (manage.py startfeature makes one)."""
    text = (prompt_dir / "search_query.toml").read_text()
    (prompt_dir / "search_query_short.toml").write_text(text)

    with pytest.raises(PromptFileError, match="no AI feature named 'search_query_short'"):
        sync_prompts(prompt_dir)

    assert PromptVersion.objects.count() == len(SHIPPED)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("temperature = 0", 'name = "other"\ntemperature = 0', "name 'other' is not its feature's"),
        ("temperature = 0", "temprature = 0", "unknown keys temprature"),
        (
            "temperature = 0",
            'output_schema = "Nope"\ntemperature = 0',
            "output_schema 'Nope' is not its feature's",
        ),
        ("{{ query|json }}", "{% if %}", "user template"),
        ("max_tokens = 300", "max_tokens = -1", "max_tokens must be a positive integer"),
        ("max_tokens = 300", "max_tokens = [", "Invalid"),  # not TOML at all
    ],
)
def test_a_broken_prompt_file_is_refused_with_its_name(prompt_dir, old, new, message):
    edit(prompt_dir / "search_query.toml", old, new)

    with pytest.raises(PromptFileError, match=r"search_query\.toml") as caught:
        sync_prompts(prompt_dir)

    assert message in str(caught.value)

    assert PromptVersion.objects.count() == len(SHIPPED)


def test_a_saved_version_cannot_be_changed():
    version = resolve_prompt("search_query")
    version.system_template = "Answer whatever you like."

    with pytest.raises(ImmutableVersionError):
        version.save()

    assert "whatever" not in PromptVersion.objects.get(pk=version.pk).system_template


def test_moving_a_label_is_recorded(prompt_dir, user):
    edit(prompt_dir / "search_query.toml", "temperature = 0", "temperature = 0.2")
    sync_prompts(prompt_dir)

    move = move_label("search_query", "production", 2, user=user, note="won the A/B test")

    assert resolve_prompt("search_query").number == 2
    assert move is not None
    assert (move.from_version.number, move.to_version.number) == (1, 2)
    assert move.moved_by == user
    assert move.note == "won the A/B test"
    rollback = llm.move_label("search_query", "production", 1, note="rollback")
    assert rollback is not None
    assert rollback.moved_by is None
    assert resolve_prompt("search_query").number == 1
    moves = PromptLabelMove.objects.filter(label__name="production")
    assert moves.count() == len(SHIPPED) + 2  # each first version, then these two


def test_a_moved_label_is_seen_at_once_although_resolutions_are_cached(prompt_dir):
    edit(prompt_dir / "search_query.toml", "temperature = 0", "temperature = 0.2")
    sync_prompts(prompt_dir)
    assert resolve_prompt("search_query").number == 1  # now in the cache

    move_label("search_query", "production", 2)

    assert resolve_prompt("search_query").number == 2
    assert resolve_prompt("search_query:production").number == 2


def test_a_new_label_is_created_by_its_first_move():
    move = move_label("listing_assistant", "candidate", 1)

    assert move is not None
    assert move.from_version is None
    assert resolve_prompt("listing_assistant:candidate").number == 1


def test_moving_a_label_where_it_already_points_records_nothing():
    assert move_label("listing_assistant", "production", 1) is None
    assert PromptLabelMove.objects.filter(label__prompt__name="listing_assistant").count() == 1


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: move_label("nope", "production", 1), llm.PromptRefError),
        (lambda: move_label("search_query", "production", 9), llm.PromptRefError),
        (lambda: move_label("search_query", "Bad Label", 1), ValueError),
        (
            lambda: move_label("search_query", "production", resolve_prompt("listing_assistant")),
            ValueError,
        ),
    ],
)
def test_impossible_label_moves_are_refused(call, error):
    with pytest.raises(error):
        call()


def test_references_resolve_by_name_label_and_number(prompt_dir):
    edit(prompt_dir / "listing_assistant.toml", "temperature = 0.2", "temperature = 0.4")
    sync_prompts(prompt_dir)
    move_label("listing_assistant", "candidate", 2)

    assert resolve_prompt("listing_assistant").number == 1
    assert resolve_prompt("listing_assistant:production").number == 1
    assert resolve_prompt("listing_assistant:candidate").number == 2
    assert resolve_prompt("listing_assistant@2").temperature == 0.4
    assert str(resolve_prompt("listing_assistant@1")) == "listing_assistant@1"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("nope", "no prompt named 'nope'"),
        ("search_query@7", "search_query has no version 7 (versions 1 to 1)"),
        ("search_query:candidate", "no label 'candidate' (labels: production)"),
        ("search query", "not a prompt reference"),
        ("search_query@", "not a prompt reference"),
        ("", "not a prompt reference"),
    ],
)
def test_bad_references_give_clear_errors(ref, message):
    with pytest.raises(llm.PromptRefError, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolve_prompt(ref)


def test_the_times_each_label_pointed_at_a_version_come_from_its_moves(prompt_dir):
    edit(prompt_dir / "search_query.toml", "temperature = 0", "temperature = 0.3")
    sync_prompts(prompt_dir)
    v1 = PromptVersion.objects.get(prompt__name="search_query", number=1)
    v2 = PromptVersion.objects.get(prompt__name="search_query", number=2)
    llm.move_label("search_query", "candidate", 2)
    llm.move_label("search_query", "production", 2)
    llm.move_label("search_query", "production", 1, note="rollback")
    moves = {
        (move.label.name, move.to_version.number, move.from_version_id is None): move.moved_at
        for move in PromptLabelMove.objects.filter(label__prompt__name="search_query")
    }

    periods_1 = [(p.label, p.since, p.until) for p in label_periods(v1)]
    periods_2 = [(p.label, p.since, p.until) for p in label_periods(v2)]

    first, promoted = moves[("production", 1, True)], moves[("production", 2, False)]
    rolled_back = moves[("production", 1, False)]
    assert periods_1 == [("production", first, promoted), ("production", rolled_back, None)]
    assert periods_2 == [
        ("candidate", moves[("candidate", 2, True)], None),
        ("production", promoted, rolled_back),
    ]
    assert label_periods(v2)[1].overlaps(promoted, None)
    assert not label_periods(v2)[1].overlaps(rolled_back, None)
