"""Evaluation runs: every case scored and stored, failures counted, calls bounded, the judge."""

import pytest

from llm.evaluation import execution
from llm.evaluation.execution import CaseTask, run_case, run_in_process
from llm.evaluation.models import EvalResult, EvalRun
from llm.evaluation.services import cancel_run, create_run, judge_note, load_dataset, start_run
from llm.fake_server import FakeResponse, RecordedRequest, answer, completion
from llm.models import LLMCall
from tests.llm.conftest import assistant_answer, catalog_categories
from tests.llm.evaluation.conftest import listing_case, write_jsonl

pytestmark = pytest.mark.django_db


def test_an_offline_run_scores_every_case_and_sums_up_the_figures(listing_dataset):
    run = create_run(listing_dataset, "listing_assistant", provider="offline", concurrency=3)
    progress = []

    run = run_in_process(run, on_progress=lambda *counts: progress.append(counts))

    assert run.status == EvalRun.Status.SUCCEEDED
    assert (run.total, run.done, run.failed) == (9, 9, 0)
    assert progress == [(done, 0, 9) for done in range(1, 10)]
    assert run.site_input == {"categories": catalog_categories()}
    # Figures worked out by hand from the fixture (tests/llm/evaluation/listing_assistant.jsonl)
    # and the offline model's answers: it misses only the piano lessons' category (and their
    # two attributes), says "Golf 7" for the Golf, misses the Lego's age group, and calls the
    # Nike shoes' condition fair.
    summary = run.summary
    assert summary["cases"] == 9
    assert summary["category_accuracy"] == pytest.approx(8 / 9)
    assert summary["attribute_precision"] == pytest.approx(22 / 23)
    assert summary["attribute_recall"] == pytest.approx(22 / 26)
    assert summary["attribute_f1"] == pytest.approx(44 / 49)
    assert summary["condition_accuracy"] == pytest.approx(8 / 9)
    assert summary["schema_valid_rate"] == 1.0
    assert summary["pass_rate"] == pytest.approx(8 / 9)
    assert summary["failed"] == 0
    assert summary["cost_usd"] == 0.0
    assert summary["latency_p50_ms"] <= summary["latency_p95_ms"]
    assert summary["judge"] == {"note": "n/a: needs a real model"}
    assert summary["by_tag"]["services"] == {
        "cases": 1,
        "category_accuracy": 0.0,
        "pass_rate": 0.0,
        "failed": 0,
    }
    assert summary["by_tag"]["phones"]["cases"] == 2

    piano = run.results.get(case__position=7)
    assert piano.status == EvalResult.Status.OK
    assert piano.passed is False
    assert piano.scores["attributes"] == {"tp": 0, "fp": 0, "fn": 2}
    assert piano.output["category"] == "sports-hobbies"
    call = piano.call
    assert (call.purpose, call.target, call.context) == ("eval", piano.case, {"eval_run": run.pk})
    assert call.input["categories"] == run.site_input["categories"]


def test_a_search_run_gives_the_cases_the_datasets_cities(search_dataset):
    run = run_in_process(create_run(search_dataset, "search_query", provider="offline"))

    summary = run.summary
    assert summary["category_accuracy"] == 1.0
    assert summary["filters_match_rate"] == 1.0
    assert summary["pass_rate"] == pytest.approx(2 / 3)  # "sofa" is a keyword the case omits
    assert summary["keyword_precision"] == pytest.approx(3 / 4)
    assert summary["keyword_recall"] == 1.0
    assert summary["judge"] == {"note": "n/a: no judge for this feature"}
    call = LLMCall.objects.filter(purpose="eval").first()
    assert call.input["cities"] == ["Berlin", "Hamburg", "Munich", "Cologne"]


def seller_text(request: RecordedRequest) -> str:
    return request.messages[-1]["content"] if request.messages else ""


@pytest.fixture
def four_cases(tmp_path):
    path = write_jsonl(
        tmp_path / "listing_assistant.jsonl",
        [
            listing_case("an iPhone 12 that answers", attributes={"brand": "Apple"}),
            listing_case("an iPhone that is slow"),
            listing_case("an iPhone that breaks the JSON"),
            listing_case("an iPhone in a made-up category"),
        ],
    )
    return load_dataset(path).dataset


def test_failed_cases_are_recorded_and_counted_and_the_run_completes(
    fake_openai, settings, four_cases
):
    settings.LLM_TIMEOUT_SECONDS = 0.3

    def respond(request: RecordedRequest) -> FakeResponse:
        text = seller_text(request)
        if "slow" in text:
            return answer(assistant_answer(), delay=3)
        if "breaks the JSON" in text:
            return FakeResponse(200, completion('{"title": "iPhone", "categ'))
        if "made-up" in text:
            return answer(assistant_answer(category="gadgets"))
        return answer(assistant_answer())

    fake_openai._default = respond
    run = create_run(four_cases, "listing_assistant", provider="openai", concurrency=4, judge=None)

    run = run_in_process(run)

    assert run.status == EvalRun.Status.SUCCEEDED
    assert (run.done, run.failed) == (4, 3)
    assert run.summary["failed_by_kind"] == {"timeout": 1, "invalid_output": 2}
    assert run.summary["schema_valid_rate"] == 0.25
    assert run.summary["pass_rate"] == 0.25
    results = {result.case.position: result for result in run.results.select_related("call")}
    assert results[1].status == EvalResult.Status.OK
    assert (results[1].input_tokens, results[1].output_tokens) == (120, 40)
    assert results[1].cost is not None
    slow = results[2]
    assert (slow.status, slow.error_kind) == (EvalResult.Status.FAILED, "timeout")
    assert "no answer within 0.3 s" in slow.error
    assert slow.call.status == LLMCall.Status.TIMEOUT
    assert slow.scores["category"] is False
    assert "not JSON" in results[3].error
    assert "'gadgets' is not one of the allowed categories" in results[4].error
    assert results[4].output is None


def test_at_most_the_runs_concurrency_of_calls_wait_at_once(fake_openai, tmp_path):
    path = write_jsonl(
        tmp_path / "listing_assistant.jsonl",
        [listing_case(f"iPhone number {n}") for n in range(12)],
    )
    dataset = load_dataset(path).dataset
    fake_openai._default = answer(assistant_answer(), delay=0.05)

    def run_at(concurrency: int) -> None:
        run = create_run(
            dataset, "listing_assistant", provider="openai", concurrency=concurrency, judge=None
        )
        run_in_process(run)

    run_at(4)
    parallel = fake_openai.max_in_flight
    fake_openai.max_in_flight = 0
    run_at(1)

    assert 1 < parallel <= 4
    assert fake_openai.max_in_flight == 1
    assert len(fake_openai.requests) == 24
    assert EvalResult.objects.filter(status=EvalResult.Status.OK).count() == 24


def is_judge_request(request: RecordedRequest) -> bool:
    return request.body["response_format"]["json_schema"]["name"] == "DescriptionJudgeOutput"


def test_a_real_model_has_its_descriptions_graded_by_the_judge(fake_openai, tmp_path):
    path = write_jsonl(
        tmp_path / "listing_assistant.jsonl",
        [listing_case("iPhone 12, scratched"), listing_case("iPhone 12, mint")],
    )
    dataset = load_dataset(path).dataset

    def respond(request: RecordedRequest) -> FakeResponse:
        if not is_judge_request(request):
            return answer(assistant_answer(description="Works, a few scratches."))
        grade = 7 if "mint" in seller_text(request) else 4  # 7 is not a grade
        return answer({"faithfulness": grade, "clarity": 5, "reason": "Sticks to the facts."})

    fake_openai._default = respond
    run = create_run(dataset, "listing_assistant", provider="openai", concurrency=2)

    run = run_in_process(run)

    assert run.judge_version.prompt.name == "description_judge"
    judge = run.summary["judge"]
    assert (judge["judged"], judge["failed"]) == (1, 1)
    assert run.summary["judge_faithfulness"] == 4
    assert run.summary["judge_clarity"] == 5
    assert judge["input_tokens"] == 240  # both grading calls used tokens
    scratched = run.results.get(case__position=1)
    assert scratched.status == EvalResult.Status.OK
    assert scratched.scores["judge"]["reason"] == "Sticks to the facts."
    assert scratched.judge_call.purpose == "eval-judge"
    # The grading is a step of the answer's call, in the run's trace.
    assert scratched.judge_call.parent_id == scratched.call_id
    assert scratched.judge_call.trace_id == scratched.call.trace_id is not None
    mint = run.results.get(case__position=2)
    assert mint.status == EvalResult.Status.OK  # a failed grading fails no case
    assert "breaks the schema" in mint.scores["judge"]["error"]
    shown_to_the_judge = [
        r.messages[-1]["content"] for r in fake_openai.requests if is_judge_request(r)
    ]
    assert len(shown_to_the_judge) == 2
    assert '<ad_description>\n"Works, a few scratches."\n</ad_description>' in shown_to_the_judge[0]


def test_the_judge_can_be_turned_off(fake_openai, listing_dataset):
    run = create_run(listing_dataset, "listing_assistant", provider="openai", judge=None)

    assert run.judge_version is None
    assert judge_note(run) == "n/a: turned off for this run"


def test_a_case_whose_input_no_longer_fits_fails_alone(listing_dataset):
    listing_dataset.cases.filter(position=2).update(input={"text": ""})

    run = run_in_process(create_run(listing_dataset, "listing_assistant", provider="offline"))

    failed = run.results.get(status=EvalResult.Status.FAILED)
    assert (failed.case.position, failed.error_kind) == (2, "input")
    assert "text: String should have at least 1 character" in failed.error
    assert (run.status, run.done, run.failed) == (EvalRun.Status.SUCCEEDED, 9, 1)


def test_a_bug_costs_one_case_not_the_run(listing_dataset, monkeypatch):
    real_score = execution.score_case

    def score(schema, expected, output, categories):
        if output is not None and output["category"] == "vehicles":
            raise RuntimeError("a bug")
        return real_score(schema, expected, output, categories)

    monkeypatch.setattr(execution, "score_case", score)

    run = run_in_process(create_run(listing_dataset, "listing_assistant", provider="offline"))

    failed = run.results.get(status=EvalResult.Status.FAILED)
    assert (failed.case.position, failed.error_kind, failed.error) == (
        2,
        "internal",
        "RuntimeError: a bug",
    )
    assert run.status == EvalRun.Status.SUCCEEDED


def test_a_finished_case_is_not_run_again(listing_dataset):
    run = run_in_process(create_run(listing_dataset, "listing_assistant", provider="offline"))
    result = run.results.first()
    calls = LLMCall.objects.count()

    run_case(result.pk)

    assert LLMCall.objects.count() == calls
    run.refresh_from_db()
    assert run.done == 9


def test_a_cancelled_run_starts_no_more_cases_and_keeps_a_partial_summary(listing_dataset):
    run = create_run(listing_dataset, "listing_assistant", provider="offline")
    start_run(run.pk)
    first, second, third = run.results.order_by("case__position")[:3]
    run_case(first.pk)
    run_case(second.pk)

    assert cancel_run(run)

    assert CaseTask.begin(third.pk) is None
    run.refresh_from_db()
    assert run.status == EvalRun.Status.CANCELLED
    assert run.summary["cases"] == 2
    assert run.summary["partial"] is True
    assert run.results.filter(status=EvalResult.Status.PENDING).count() == 7


def test_a_run_in_this_process_stops_starting_cases_once_cancelled(listing_dataset, monkeypatch):
    monkeypatch.setattr(execution, "CANCEL_CHECK_SECONDS", 0)
    run = create_run(listing_dataset, "listing_assistant", provider="offline")

    def cancel_after_three(done: int, failed: int, total: int) -> None:
        if done == 3:
            cancel_run(run)

    run = run_in_process(run, on_progress=cancel_after_three)

    assert run.status == EvalRun.Status.CANCELLED
    assert run.done == 3
    assert run.summary["cases"] == 3
    assert run.results.filter(status=EvalResult.Status.PENDING).count() == 6


def test_celery_tasks_run_the_cases_one_after_another(
    listing_dataset, django_capture_on_commit_callbacks
):
    run = create_run(listing_dataset, "listing_assistant", provider="offline", concurrency=2)

    with django_capture_on_commit_callbacks(execute=True):
        execution.enqueue_run(run)

    run.refresh_from_db()
    assert run.status == EvalRun.Status.SUCCEEDED
    assert (run.done, run.failed) == (9, 0)
    assert run.summary["category_accuracy"] == pytest.approx(8 / 9)


def test_waiting_for_workers_says_when_nothing_moves(listing_dataset):
    run = create_run(listing_dataset, "listing_assistant", provider="offline")
    stalls = []

    def stalled(seconds: float) -> None:
        stalls.append(seconds)
        cancel_run(run)  # no worker will come: give up, as a person would

    run = execution.wait_for(run, on_stall=stalled, stall_seconds=0.05, poll=0.01)

    assert run.status == EvalRun.Status.CANCELLED
    assert len(stalls) == 1
    assert stalls[0] >= 0.05
