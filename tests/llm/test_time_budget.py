"""A call with a time budget (``llm.run(..., timeout=...)``, what a web request uses): attempts,
waits and Retry-After all fit in it, and a call that cannot finish in it ends at once, logged."""

import time

import pytest

import llm
from llm.fake_server import answer, error, rate_limited
from llm.models import LLMCall
from tests.llm.conftest import search_answer

pytestmark = pytest.mark.django_db

# Wide margins: the machine running the suite is shared, and only the order of magnitude matters.
SLACK = 1.5


@pytest.fixture
def search_input(categories):
    return {"query": "cheap iphone in berlin under 300", "categories": categories}


@pytest.fixture
def production_retries(fake_openai, settings):
    """The production defaults of the SDK settings: long attempts, one retry."""
    settings.LLM_TIMEOUT_SECONDS = 30.0
    settings.LLM_MAX_RETRIES = 1
    return fake_openai


def run_timed(search_input, budget):
    """(the result or None, the error or None, seconds it took) of a search_query call."""
    started = time.perf_counter()
    try:
        result, failure = llm.run("search_query", search_input, timeout=budget), None
    except llm.LLMError as caught:
        result, failure = None, caught
    return result, failure, time.perf_counter() - started


def test_a_429_is_retried_after_its_retry_after_when_that_fits_the_budget(
    production_retries, search_input
):
    production_retries.queue(rate_limited(retry_after=0.2), answer(search_answer()))

    result, failure, elapsed = run_timed(search_input, 2.0)

    assert failure is None
    assert result.output.category == "phones"
    assert len(production_retries.requests) == 2
    assert 0.2 <= elapsed < 2.0
    assert LLMCall.objects.get().status == LLMCall.Status.SUCCESS  # one row for the whole call


def test_a_retry_after_longer_than_the_budget_fails_at_once_as_rate_limited(
    production_retries, search_input
):
    production_retries.queue(rate_limited(retry_after=100), answer(search_answer()))

    _, failure, elapsed = run_timed(search_input, 5.0)

    assert isinstance(failure, llm.LLMRateLimited)
    assert elapsed < 2.0  # no point waiting for a retry that cannot happen in time
    assert failure.retry_after == 100  # a task could still wait for it
    assert len(production_retries.requests) == 1
    call = LLMCall.objects.get()
    assert failure.call == call
    assert call.status == LLMCall.Status.RATE_LIMITED
    assert "Retry-After of 100 s" in call.error
    assert "5 s budget" in call.error


def test_a_server_error_is_retried_within_the_budget(production_retries, search_input):
    production_retries.queue(error(500, "boom"), answer(search_answer()))

    result, failure, elapsed = run_timed(search_input, 3.0)

    assert failure is None
    assert result.output.city == "Berlin"
    assert len(production_retries.requests) == 2
    assert elapsed < 3.0


def test_a_retry_gets_only_what_is_left_of_the_budget(production_retries, settings, search_input):
    settings.LLM_MAX_RETRIES = 3
    production_retries.queue(
        error(502, "bad gateway", headers={"retry-after": "0.3"}),
        answer(search_answer(), delay=5),
    )

    _, failure, elapsed = run_timed(search_input, 1.0)

    assert isinstance(failure, llm.LLMTimeout)
    assert 1.0 <= elapsed < 1.0 + SLACK  # the second attempt was cut at the deadline
    assert len(production_retries.requests) == 2
    call = LLMCall.objects.get()
    assert call.status == LLMCall.Status.TIMEOUT
    assert "1 s budget" in call.error
    assert "2 attempts" in call.error


def test_a_hanging_model_is_cut_at_the_budget_not_at_the_longer_attempt_timeout(
    production_retries, search_input
):
    production_retries.queue(answer(search_answer(), delay=5), answer(search_answer(), delay=5))

    _, failure, elapsed = run_timed(search_input, 0.5)

    assert isinstance(failure, llm.LLMTimeout)
    assert 0.5 <= elapsed < 0.5 + SLACK
    assert len(production_retries.requests) == 1  # nothing was left for a retry
    call = LLMCall.objects.get()
    assert call.status == LLMCall.Status.TIMEOUT
    assert call.latency_ms >= 500


def test_a_request_the_server_rejects_is_not_retried_within_a_budget(
    production_retries, search_input
):
    production_retries.queue(error(400, "bad schema", kind="invalid_request"))

    _, failure, _ = run_timed(search_input, 5.0)

    assert isinstance(failure, llm.LLMRequestRejected)
    assert len(production_retries.requests) == 1
