import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from llm import features
from llm.evaluation.services import load_dataset
from tests.factories import UserFactory

FIXTURES = Path(__file__).parent
LISTING_FILE = FIXTURES / "listing_assistant.jsonl"
SEARCH_FILE = FIXTURES / "search_query.jsonl"
# The cities of the search fixture's cases (the feature's own list is longer).
SEARCH_SHARED_INPUT = json.loads((FIXTURES / "shared_input.json").read_text())


def write_jsonl(path: Path, cases: list[dict | str]) -> Path:
    """A JSONL file of ``cases`` (a str is written as it is: a broken line)."""
    path.write_text(
        "\n".join(case if isinstance(case, str) else json.dumps(case) for case in cases) + "\n"
    )
    return path


def listing_case(text: str, category: str | None = "phones", **expected) -> dict:
    return {
        "input": {"text": text},
        "expected": {"category": category, "attributes": {}, **expected},
        "tags": [],
    }


@pytest.fixture
def listing_dataset(db):
    return load_dataset(LISTING_FILE).dataset


@pytest.fixture
def search_dataset(db):
    return load_dataset(SEARCH_FILE, shared_input=SEARCH_SHARED_INPUT).dataset


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """The two features' folders with the fixture files as their shipped datasets: feature
    name → its folder (a copy, in a temporary directory)."""
    folders = {}
    for name, cases in (("listing_assistant", LISTING_FILE), ("search_query", SEARCH_FILE)):
        feature = features.get(name)
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(feature.prompt_file, folder / features.PROMPT_FILE)
        shutil.copy(cases, folder / features.DATASET_FILE)
        if name == "search_query":
            (folder / features.SHARED_INPUT_FILE).write_text(json.dumps(SEARCH_SHARED_INPUT))
        monkeypatch.setitem(features._registry, name, dataclasses.replace(feature, folder=folder))
        folders[name] = folder
    return folders


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client
