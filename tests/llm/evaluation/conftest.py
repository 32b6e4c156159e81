import json
import shutil
from pathlib import Path

import pytest

from llm.evaluation.services import load_dataset
from tests.factories import UserFactory

FIXTURES = Path(__file__).parent
LISTING_FILE = FIXTURES / "listing_assistant.jsonl"
SEARCH_FILE = FIXTURES / "search_query.jsonl"


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
    return load_dataset(SEARCH_FILE).dataset


@pytest.fixture
def shipped_dir(tmp_path, settings):
    """LLM_EVAL_DATASETS_DIR with the fixture files in it, as the shipped datasets."""
    directory = tmp_path / "datasets"
    directory.mkdir()
    for name in ("listing_assistant.jsonl", "search_query.jsonl", "cities.txt"):
        shutil.copy(FIXTURES / name, directory / name)
    settings.LLM_EVAL_DATASETS_DIR = directory
    return directory


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client
