"""Files that are not what a dataset is: refused line by line, never a crash or a memory hog."""

import hashlib
import json

import pytest
from django.core.management import CommandError, call_command

from llm.evaluation import datasets
from llm.evaluation.datasets import MAX_DEPTH, MAX_LINE_CHARS, DatasetFileError
from llm.evaluation.models import EvalCase, EvalDataset
from llm.evaluation.services import EvaluationError, load_dataset
from tests.llm.evaluation.conftest import LISTING_FILE, listing_case, write_jsonl

pytestmark = pytest.mark.django_db

GOOD = json.dumps(listing_case("iPhone 12, 64 GB"))


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"input": {"text": "x"}, "expected": {"price": Infinity}}', "Infinity is not a JSON"),
        ('{"input": {"text": "x"}, "expected": {"price": -Infinity}}', "-Infinity is not a JSON"),
        ('{"input": {"text": "x"}, "expected": {"price": NaN}}', "NaN is not a JSON number"),
        ('{"input": {"text": "x"}, "expected": {"price": 1e400}}', "the number 1e400 is too large"),
        (f'{{"input": {{"text": "x"}}, "tags": {nested(5_000)}}}', "nested deeper than 20"),
        (f'{{"input": {{"text": "x"}}, "tags": {nested(MAX_DEPTH)}}}', "nested deeper than 20"),
        ('{"input": {"text": "' + "x" * MAX_LINE_CHARS + '"}}', "longer than 100,000 characters"),
    ],
    ids=["infinity", "minus-infinity", "nan", "overflow", "recursion", "too-deep", "too-long"],
)
def test_a_line_that_is_not_json_as_json_means_it_is_a_problem_of_its_line(tmp_path, line, problem):
    path = write_jsonl(tmp_path / "listing_assistant.jsonl", [GOOD, line, GOOD.replace("12", "13")])

    with pytest.raises(CommandError) as caught:
        call_command("load_eval_dataset", str(path))

    assert f"line 2: {problem}" in str(caught.value)
    assert "1 problem, nothing loaded" in str(caught.value)
    assert not EvalDataset.objects.exists()
    assert not EvalCase.objects.exists()


def test_a_line_after_an_overlong_one_is_read_as_its_own_line(tmp_path):
    path = tmp_path / "listing_assistant.jsonl"
    path.write_text("x" * (3 * MAX_LINE_CHARS) + "\n" + GOOD + "\n")
    with pytest.raises(DatasetFileError) as caught:
        load_dataset(path)
    assert caught.value.problems == ["line 1: longer than 100,000 characters"]


def test_a_file_of_bad_lines_is_reported_by_count_past_the_first(tmp_path):
    path = write_jsonl(tmp_path / "listing_assistant.jsonl", ["{"] * 1500)
    with pytest.raises(DatasetFileError) as caught:
        load_dataset(path)
    assert len(caught.value.problems) == datasets.MAX_PROBLEMS_KEPT
    assert "1500 problems, nothing loaded" in str(caught.value)
    assert "and 1450 more" in str(caught.value)


def test_the_content_hash_is_the_one_datasets_were_loaded_with_before():
    """Streamed piece by piece, it must equal the hash of the whole document, or every dataset
    already in a database would look changed."""
    cases = [
        datasets.CaseLine(number, *(lambda d: (d["input"], d["expected"], d.get("tags", [])))(c))
        for number, c in enumerate(
            (json.loads(line) for line in LISTING_FILE.read_text().splitlines() if line), 1
        )
    ]
    shared = {"cities": ["Berlin", "Köln"]}
    whole = json.dumps(
        {
            "prompt": "listing_assistant",
            "holdout": True,
            "shared_input": shared,
            "cases": [[case.input, case.expected, case.tags] for case in cases],
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    expected = hashlib.sha256(whole.encode()).hexdigest()
    streamed = datasets.content_hash(
        cases, prompt="listing_assistant", shared_input=shared, holdout=True
    )
    assert streamed == expected


def test_a_file_changed_while_it_is_loaded_loads_nothing(tmp_path, monkeypatch):
    path = write_jsonl(tmp_path / "listing_assistant.jsonl", [GOOD])
    checked = datasets.iter_cases

    def changed_meanwhile(p):
        for case in checked(p):
            yield datasets.CaseLine(case.line, {"text": "not what was checked"}, {}, [])

    monkeypatch.setattr(datasets, "iter_cases", changed_meanwhile)
    with pytest.raises(EvaluationError, match="changed while it was loaded"):
        load_dataset(path)
    assert not EvalDataset.objects.exists()
    assert not EvalCase.objects.exists()


def test_a_large_file_is_loaded_in_batches(tmp_path, monkeypatch):
    from llm.evaluation import services

    monkeypatch.setattr(services, "LOAD_BATCH", 3)
    lines: list[dict | str] = [listing_case(f"Phone number {n}") for n in range(8)]
    dataset = load_dataset(write_jsonl(tmp_path / "listing_assistant.jsonl", lines)).dataset
    assert list(dataset.cases.values_list("position", flat=True)) == list(range(1, 9))


def test_a_case_edited_in_the_admin_cannot_hold_infinity(staff_client, listing_dataset):
    from django.urls import reverse

    case = listing_dataset.cases.get(position=3)
    response = staff_client.post(
        reverse("admin:llm_evalcase_change", args=[case.pk]),
        {
            "dataset": listing_dataset.pk,
            "position": 3,
            "input": '{"text": "grey sofa"}',
            "expected": '{"category": "home-garden", "attributes": {"seats": Infinity}}',
            "tags": "[]",
        },
    )
    assert response.status_code == 200
    assert "inf is not a JSON number" in response.text
    case.refresh_from_db()
    assert case.input != {"text": "grey sofa"}
