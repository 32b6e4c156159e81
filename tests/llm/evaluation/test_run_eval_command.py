"""``manage.py run_eval``: the summary in the shell, and exit codes a CI step can gate on."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from llm.evaluation.models import EvalDataset, EvalRun
from llm.evaluation.services import load_dataset
from tests.llm.evaluation.conftest import write_jsonl

pytestmark = pytest.mark.django_db


def run_eval(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("run_eval", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_prints_the_figures_and_the_breakdown_by_tag(listing_dataset):
    output, progress = run_eval(
        "--prompt", "listing_assistant", "--dataset", "listing_assistant", "--min-accuracy", "0.8"
    )

    run = EvalRun.objects.get()
    assert (
        f"run #{run.pk}  listing_assistant@1 on listing_assistant v1, offline: succeeded" in output
    )
    assert "  category accuracy            0.889" in output
    assert "  attribute F1                 0.898" in output
    assert "  pass rate                    0.889" in output
    assert "  judge                        n/a: needs a real model" in output
    assert "  services                  1     0.000      0.000" in output
    assert "9/9  100%" in progress  # a line per tenth when stderr is not a terminal


def test_it_exits_1_below_a_threshold(listing_dataset):
    with pytest.raises(CommandError) as caught:
        run_eval(
            "--prompt", "listing_assistant", "--dataset", "listing_assistant",
            "--min-accuracy", "0.8", "--min-pass-rate", "0.95",
        )  # fmt: skip

    assert caught.value.returncode == 1
    assert str(caught.value) == "below the threshold: pass rate 0.889 < 0.95"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--prompt", "listing_assistant@9"], "listing_assistant has no version 9"),
        (["--prompt", "nope"], "no prompt named 'nope'"),
        (["--dataset", "nope"], "no dataset named 'nope'"),
        (["--prompt", "search_query"], "is a dataset for listing_assistant, not search_query"),
        (["--min-accuracy", "80"], "--min-accuracy is a share from 0 to 1, not 80"),
        (["--concurrency", "0"], "--concurrency is at least 1"),
        (["--provider", "openai"], "OPENAI_API_KEY is empty"),
    ],
)
def test_it_exits_2_on_bad_arguments_with_a_clear_message(listing_dataset, args, message):
    defaults = {"--prompt": "listing_assistant", "--dataset": "listing_assistant"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        defaults[flag] = value

    with pytest.raises(CommandError, match=message) as caught:
        run_eval(*[item for pair in defaults.items() for item in pair])

    assert caught.value.returncode == 2
    assert not EvalRun.objects.exists()


def test_a_held_out_dataset_needs_to_be_asked_for(tmp_path):
    path = write_jsonl(
        tmp_path / "search_query_holdout.jsonl",
        [{"input": {"query": "sofa"}, "expected": {"category": "home-garden"}}],
    )
    load_dataset(path)
    args = ["--prompt", "search_query", "--dataset", "search_query_holdout"]

    with pytest.raises(CommandError, match=r"is held out.*Pass --holdout") as caught:
        run_eval(*args)
    assert caught.value.returncode == 2

    run_eval(*args, "--holdout")
    assert EvalRun.objects.get().is_holdout is True


def test_a_shipped_dataset_is_loaded_on_first_use(shipped):
    output, _ = run_eval("--prompt", "search_query", "--dataset", "search_query", "--json")

    report = json.loads(output)
    assert report["status"] == "succeeded"
    assert report["dataset"] == "search_query v1"
    assert report["summary"]["pass_rate"] == pytest.approx(2 / 3)
    assert EvalDataset.objects.get().source_path.endswith("search_query/dataset.jsonl")


def test_it_warns_when_the_file_changed_since_it_was_loaded(shipped):
    run_eval("--prompt", "search_query", "--dataset", "search_query")
    with (shipped["search_query"] / "dataset.jsonl").open("a") as file:
        file.write(json.dumps({"input": {"query": "bed"}, "expected": {"keywords": ["bed"]}}))

    _, progress = run_eval("--prompt", "search_query", "--dataset", "search_query")

    assert "search_query/dataset.jsonl has changed since search_query v1 was loaded" in progress
    assert "--name search_query --replace" in progress
