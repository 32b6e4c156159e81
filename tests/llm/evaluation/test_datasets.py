"""Loading evaluation datasets from JSONL files: checked line by line, all or nothing."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from llm import features
from llm.evaluation.datasets import DatasetFileError
from llm.evaluation.models import EvalCase, EvalDataset
from llm.evaluation.services import EvaluationError, create_run, load_dataset
from tests.llm.evaluation.conftest import LISTING_FILE, SEARCH_FILE, listing_case, write_jsonl

pytestmark = pytest.mark.django_db


def test_it_loads_every_case_in_order_with_its_tags():
    loaded = load_dataset(LISTING_FILE)

    dataset = loaded.dataset
    assert loaded.action == "created"
    assert (dataset.name, dataset.version, dataset.prompt.name) == (
        "listing_assistant",
        1,
        "listing_assistant",
    )
    assert dataset.is_holdout is False
    assert dataset.source_path == "tests/llm/evaluation/listing_assistant.jsonl"
    cases = list(dataset.cases.all())
    assert len(cases) == 9
    assert cases[0].position == 1
    assert cases[0].input == {
        "text": "Selling my iPhone 12, 64GB, black. Works perfectly, a few scratches."
    }
    assert cases[5].tags == ["phones", "hostile"]
    assert cases[4].expected["note"] == "says nothing about an item"


def test_a_search_dataset_gets_the_features_shared_input_unless_told_otherwise():
    assert (
        load_dataset(SEARCH_FILE).dataset.shared_input == features.get("search_query").shared_input
    )

    dataset = load_dataset(
        SEARCH_FILE, name="search_fixture", shared_input={"cities": ["Berlin", "Munich"]}
    ).dataset
    assert dataset.shared_input == {"cities": ["Berlin", "Munich"]}
    assert dataset.cases.count() == 3


def test_a_bad_file_is_reported_line_by_line_and_loads_nothing(tmp_path):
    good = listing_case("iPhone 12, 64 GB", attributes={"brand": "Apple"})
    path = write_jsonl(
        tmp_path / "listing_assistant.jsonl",
        [
            good,
            '{"input": {"text": "broken"',
            {"input": {"text": "no expectation"}},
            {**listing_case("a case with extras"), "score": 1},
            listing_case("a typo in the category", category="phone"),
            listing_case("an unknown attribute", attributes={"storage": 64}),
            {**listing_case("categories given"), "input": {"text": "x", "categories": []}},
            {**listing_case("bad tags"), "tags": "typos"},
            listing_case("a condition that does not exist", condition="mint"),
            listing_case(""),
            good,
        ],
    )

    with pytest.raises(DatasetFileError) as caught:
        load_dataset(path)

    assert caught.value.problems == [
        "line 2: not JSON: Expecting ',' delimiter: line 1 column 28 (char 27)",
        "line 3: missing expected",
        "line 4: unknown keys score (a case has expected, input, tags)",
        "line 5: expected: category 'phone' is not one of the site's categories",
        "line 6: expected: phones has no attribute 'storage' (it has brand, colour, model, "
        "storage_gb)",
        "line 7: input: leave out categories: the run adds them",
        "line 8: tags: a list of short texts (at most 40 characters)",
        "line 9: expected: condition: Input should be 'new', 'like_new', 'good', 'fair' or "
        "'for_parts'",
        "line 10: input: text: String should have at least 1 character",
        "line 11: the same input as line 1",
    ]
    assert "10 problems, nothing loaded" in str(caught.value)
    assert not EvalDataset.objects.exists()
    assert not EvalCase.objects.exists()


def test_an_empty_file_is_refused(tmp_path):
    path = write_jsonl(tmp_path / "search_query.jsonl", ["", "  "])

    with pytest.raises(DatasetFileError, match="no cases"):
        load_dataset(path)


def test_loading_the_same_cases_again_changes_nothing_whatever_the_layout(tmp_path):
    first = load_dataset(LISTING_FILE).dataset
    relaid = tmp_path / "listing_assistant.jsonl"
    relaid.write_text(
        "\n\n".join(
            json.dumps(json.loads(line), indent=None, separators=(", ", ": "), sort_keys=True)
            for line in LISTING_FILE.read_text().splitlines()
        )
    )

    again = load_dataset(relaid)

    assert again.action == "unchanged"
    assert again.dataset == first
    assert EvalCase.objects.count() == 9


def test_changed_cases_are_loaded_only_with_replace(tmp_path):
    load_dataset(write_jsonl(tmp_path / "search_query.jsonl", [search_case("sofa")]))
    changed = write_jsonl(tmp_path / "search_query.jsonl", [search_case("sofa", max_price=100)])

    with pytest.raises(EvaluationError, match=r"has other cases than .* --replace"):
        load_dataset(changed)


def search_case(query: str, **expected) -> dict:
    return {"input": {"query": query}, "expected": {"keywords": [query], **expected}}


def test_replace_rewrites_a_version_that_has_no_runs(tmp_path):
    path = tmp_path / "search_query.jsonl"
    original = load_dataset(write_jsonl(path, [search_case("sofa"), search_case("bed")])).dataset
    write_jsonl(path, [search_case("table")])

    loaded = load_dataset(path, replace=True)

    assert loaded.action == "replaced"
    assert loaded.dataset.pk == original.pk
    assert loaded.dataset.version == 1
    assert [case.input["query"] for case in loaded.dataset.cases.all()] == ["table"]


def test_replace_keeps_a_version_that_has_runs_and_makes_the_next_one(tmp_path):
    path = tmp_path / "search_query.jsonl"
    first = load_dataset(write_jsonl(path, [search_case("sofa"), search_case("bed")])).dataset
    run = create_run(first, "search_query")
    write_jsonl(path, [search_case("table")])

    loaded = load_dataset(path, replace=True)

    assert loaded.action == "new version"
    assert loaded.dataset.version == 2
    assert [case.input["query"] for case in loaded.dataset.cases.all()] == ["table"]
    assert first.cases.count() == 2  # the run's cases stay as they were scored
    assert run.results.filter(case__dataset=first).count() == 2
    assert EvalDataset.objects.current("search_query") == loaded.dataset


def test_a_held_out_set_is_known_by_its_name_and_shares_no_case_with_the_development_set(
    tmp_path,
):
    load_dataset(write_jsonl(tmp_path / "search_query.jsonl", [search_case("sofa")]))
    holdout = write_jsonl(
        tmp_path / "search_query_holdout.jsonl", [search_case("bed"), search_case("sofa")]
    )

    with pytest.raises(
        DatasetFileError, match=r"line 2: the same input as case #1 of search_query v1"
    ):
        load_dataset(holdout)

    write_jsonl(holdout, [search_case("bed")])
    dataset = load_dataset(holdout).dataset
    assert (dataset.name, dataset.prompt.name, dataset.is_holdout) == (
        "search_query_holdout",
        "search_query",
        True,
    )


def test_a_dataset_for_an_unknown_prompt_says_how_to_name_it(tmp_path):
    path = write_jsonl(tmp_path / "listings.jsonl", [listing_case("iPhone")])

    with pytest.raises(EvaluationError, match=r"no prompt named 'listings'.*--prompt"):
        load_dataset(path)

    assert load_dataset(path, prompt_name="listing_assistant").dataset.name == "listings"


def load(*args) -> str:
    out = StringIO()
    call_command("load_eval_dataset", *args, stdout=out)
    return out.getvalue()


def test_the_command_says_what_it_loaded():
    output = load(str(LISTING_FILE), "--name", "assistant-dev")

    assert "created assistant-dev v1: 9 cases for listing_assistant (development" in output
    assert "unchanged assistant-dev v1" in load(str(LISTING_FILE), "--name", "assistant-dev")


def test_the_command_lists_every_bad_line(tmp_path):
    path = write_jsonl(tmp_path / "search_query.jsonl", ["[1, 2]", "nope"])

    with pytest.raises(CommandError) as caught:
        load(str(path))

    assert "line 1: a case is a JSON object" in str(caught.value)
    assert "line 2: not JSON" in str(caught.value)
    assert caught.value.returncode == 1


def test_the_command_loads_every_shipped_file(shipped):
    output = load("--all")

    assert "created listing_assistant v1: 9 cases" in output
    assert "created search_query v1: 3 cases" in output


@pytest.mark.catalogue  # loads the demo's own dataset files
def test_a_features_own_file_loaded_by_path_is_named_after_the_feature():
    feature = features.get("search_query")
    holdout = feature.folder / "holdout.jsonl"

    output = load(str(holdout))  # not "holdout", nor a development set

    assert "created search_query_holdout v1" in output
    assert "(held out," in output
    assert "created search_query v1" in load(str(feature.folder / "dataset.jsonl"))


def test_the_command_needs_a_path_or_all():
    with pytest.raises(CommandError, match="a PATH or --all") as caught:
        load()

    assert caught.value.returncode == 2
