"""Online judging: a sampled share of production calls graded by the judge, off the request."""

import pytest

import llm
from llm import fake_server
from llm.models import LLMCall, Score
from llm.online_judging import judge, sampled
from tests.llm.conftest import assistant_answer

pytestmark = pytest.mark.django_db

GRADES = {"faithfulness": 2, "clarity": 4, "reason": "Invents a charger."}


@pytest.fixture
def assistant_input(categories):
    return {"text": "iphone 12 64gb black, scratches", "categories": categories}


def test_nothing_is_judged_by_default(
    fake_openai, assistant_input, django_capture_on_commit_callbacks
):
    fake_openai.queue(fake_server.answer(assistant_answer()))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        llm.run("listing_assistant", assistant_input)

    assert callbacks == []
    assert not Score.objects.exists()


def test_a_sampled_call_is_graded_in_a_task_and_its_grades_become_scores(
    fake_openai, assistant_input, settings, django_capture_on_commit_callbacks
):
    settings.LLM_ONLINE_JUDGE_SHARE = 1.0
    fake_openai.queue(fake_server.answer(assistant_answer()), fake_server.answer(GRADES))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call = llm.run("listing_assistant", assistant_input).call
        assert len(fake_openai.requests) == 1  # the judge waits for the commit

    assert len(callbacks) == 1
    scores = {score.name: score for score in Score.objects.filter(call=call)}
    assert {name: score.value for name, score in scores.items()} == {
        "faithfulness": 2,
        "clarity": 4,
    }
    assert scores["faithfulness"].source == "judge"
    assert scores["faithfulness"].comment == "Invents a charger."
    judged = LLMCall.objects.get(purpose="online-judge")
    assert judged.parent_id == call.pk
    assert judged.prompt_version.prompt.name == "description_judge"


def test_a_call_is_judged_once(fake_openai, assistant_input):
    fake_openai.queue(fake_server.answer(assistant_answer()), fake_server.answer(GRADES))
    call = llm.run("listing_assistant", assistant_input).call
    judge(call.pk)

    assert judge(call.pk) == []
    assert Score.objects.count() == 2
    assert len(fake_openai.requests) == 2


def test_evaluation_calls_and_features_without_a_judge_are_not_judged(
    fake_openai, categories, settings, django_capture_on_commit_callbacks
):
    settings.LLM_ONLINE_JUDGE_SHARE = 1.0
    fake_openai.queue(
        fake_server.answer(assistant_answer()),
        fake_server.answer(
            {"keywords": ["sofa"], "category": None, "min_price": None, "max_price": None,
             "city": None, "condition": None, "sort": "relevance"}
        ),
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        llm.run("listing_assistant", {"text": "iphone", "categories": categories}, purpose="eval")
        llm.run("search_query", {"query": "sofa", "categories": categories})

    assert callbacks == []


def test_the_sample_is_the_share_asked_for_and_the_same_every_time():
    chosen = [call_id for call_id in range(20_000) if sampled(call_id, 0.1)]

    assert 1800 < len(chosen) < 2200
    assert chosen == [call_id for call_id in range(20_000) if sampled(call_id, 0.1)]
    assert not any(sampled(call_id, 0) for call_id in range(1000))
