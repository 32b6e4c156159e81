"""The OpenAI path end to end: the real SDK against the fake server, one scenario per outcome."""

import time

import pytest

import llm
from llm.fake_server import FakeResponse, answer, error, rate_limited, refusal
from llm.models import LLMCall
from tests.llm.conftest import assistant_answer, search_answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def search_input(categories):
    return {"query": "cheap iphone in berlin under 300", "categories": categories}


def test_a_good_answer_is_validated_logged_and_priced(fake_openai, search_input):
    fake_openai.queue(answer(search_answer(), prompt_tokens=1000, completion_tokens=200))

    result = llm.run("search_query", search_input, purpose="search")

    assert result.output.max_price == 300
    assert result.output.city == "Berlin"
    assert result.provider == "openai"
    assert result.provider_label.startswith("gpt-4o-mini via 127.0.0.1:")
    call = LLMCall.objects.get()
    assert call == result.call
    assert call.status == LLMCall.Status.SUCCESS
    assert call.provider == "openai"
    assert call.model == "gpt-4o-mini"
    assert call.purpose == "search"
    assert call.parsed_output["keywords"] == ["iphone"]
    assert call.raw_output.startswith("{")
    assert (call.input_tokens, call.output_tokens) == (1000, 200)
    # gpt-4o-mini: $0.15 per million input tokens, $0.60 per million output tokens
    assert float(call.cost) == pytest.approx(1000 * 0.15 / 1e6 + 200 * 0.60 / 1e6)
    assert call.response_id.startswith("chatcmpl-fake")
    assert call.latency_ms > 0
    assert not call.cached


def test_the_request_asks_for_a_strict_json_schema_and_the_prompt_settings(
    fake_openai, search_input
):
    fake_openai.queue(answer(search_answer()))
    version = llm.resolve_prompt("search_query")

    llm.run("search_query", search_input)

    sent = fake_openai.requests[0].body
    assert sent["model"] == "gpt-4o-mini"
    assert sent["temperature"] == version.temperature
    assert sent["max_tokens"] == version.max_tokens
    response_format = sent["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "SearchQueryOutput"
    assert response_format["json_schema"]["strict"] is True
    schema = response_format["json_schema"]["schema"]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == set(schema["properties"])
    assert [message["role"] for message in sent["messages"]] == ["system", "user"]


def test_a_prompt_without_a_model_uses_the_llm_model_setting(fake_openai, settings, search_input):
    settings.LLM_MODEL = "gpt-4.1-nano"
    fake_openai.queue(answer(search_answer()))

    result = llm.run("search_query", search_input)

    assert fake_openai.requests[0].body["model"] == "gpt-4.1-nano"
    assert result.call.model == "gpt-4.1-nano"


def test_an_unpriced_model_has_an_unknown_cost_not_a_free_one(fake_openai, search_input):
    fake_openai.queue(answer(search_answer()))

    result = llm.run("search_query", search_input, model="llama3.1:8b")

    assert result.call.cost is None
    assert result.provider_label.startswith("llama3.1:8b via ")


def test_a_429_with_retry_after_is_retried_by_the_sdk_then_succeeds(
    fake_openai, settings, search_input
):
    settings.LLM_MAX_RETRIES = 1
    fake_openai.queue(rate_limited(retry_after=0.2), answer(search_answer()))

    started = time.perf_counter()
    result = llm.run("search_query", search_input)
    elapsed = time.perf_counter() - started

    assert result.output.category == "phones"
    assert len(fake_openai.requests) == 2
    assert fake_openai.requests[1].headers["x-stainless-retry-count"] == "1"
    assert elapsed >= 0.2  # it waited as the server asked
    call = LLMCall.objects.get()  # one row for the whole call, retries included
    assert call.status == LLMCall.Status.SUCCESS


def test_a_429_without_retries_left_is_a_typed_error_with_retry_after(fake_openai, search_input):
    fake_openai.queue(rate_limited(retry_after=7))

    with pytest.raises(llm.LLMRateLimited) as caught:
        llm.run("search_query", search_input)

    assert caught.value.retry_after == 7
    assert caught.value.retryable
    assert len(fake_openai.requests) == 1
    call = LLMCall.objects.get()
    assert caught.value.call == call
    assert call.status == LLMCall.Status.RATE_LIMITED
    assert "429" in call.error
    assert call.parsed_output is None


def test_retry_after_ms_is_understood(fake_openai, search_input):
    fake_openai.queue(error(429, "slow down", headers={"retry-after-ms": "1500"}))

    with pytest.raises(llm.LLMRateLimited) as caught:
        llm.run("search_query", search_input)

    assert caught.value.retry_after == 1.5


def test_a_500_is_a_server_error(fake_openai, search_input):
    fake_openai.queue(error(500, "The server had an error while processing your request."))

    with pytest.raises(llm.LLMServerError) as caught:
        llm.run("search_query", search_input)

    assert caught.value.retryable
    call = LLMCall.objects.get()
    assert call.status == LLMCall.Status.SERVER_ERROR
    assert "HTTP 500" in call.error
    assert "processing your request" in call.error


def test_the_sdk_retries_a_500_no_more_than_the_setting_allows(fake_openai, settings, search_input):
    settings.LLM_MAX_RETRIES = 2
    # retry-after keeps the SDK's backoff short
    fake_openai.queue(*[error(502, "bad gateway", headers={"retry-after": "0.01"})] * 5)

    with pytest.raises(llm.LLMServerError):
        llm.run("search_query", search_input)

    assert len(fake_openai.requests) == 3  # the first try and two retries, no more
    assert LLMCall.objects.get().status == LLMCall.Status.SERVER_ERROR


def test_an_answer_slower_than_the_timeout_is_a_timeout_that_comes_fast(
    fake_openai, settings, search_input
):
    settings.LLM_TIMEOUT_SECONDS = 0.2
    fake_openai.queue(answer(search_answer(), delay=3))

    started = time.perf_counter()
    with pytest.raises(llm.LLMTimeout) as caught:
        llm.run("search_query", search_input)

    assert time.perf_counter() - started < 1.5
    assert caught.value.retryable
    call = LLMCall.objects.get()
    assert call.status == LLMCall.Status.TIMEOUT
    assert call.latency_ms >= 200
    assert "0.2 s" in call.error


def test_an_unreachable_server_is_a_connection_error(fake_openai, settings, search_input):
    settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"  # the discard port: nothing listens

    with pytest.raises(llm.LLMConnectionError):
        llm.run("search_query", search_input)

    assert LLMCall.objects.get().status == LLMCall.Status.CONNECTION_ERROR


def test_an_answer_that_is_not_json_is_invalid_output(fake_openai, search_input):
    fake_openai.queue(answer('{"keywords": ["iphone"], "category": '))

    with pytest.raises(llm.LLMInvalidOutput) as caught:
        llm.run("search_query", search_input)

    assert not caught.value.retryable
    call = LLMCall.objects.get()
    assert call.status == LLMCall.Status.INVALID_OUTPUT
    assert "not JSON" in call.error
    assert call.raw_output == '{"keywords": ["iphone"], "category": '
    assert call.input_tokens == 120  # the tokens were spent all the same
    assert call.cost is not None
    assert call.cost > 0


def test_a_response_body_that_is_not_json_is_invalid_output(fake_openai, search_input):
    fake_openai.queue(FakeResponse(200, '{"id": "chatcmpl-1", "choices": ['))

    with pytest.raises(llm.LLMInvalidOutput):
        llm.run("search_query", search_input)

    call = LLMCall.objects.get()
    assert call.status == LLMCall.Status.INVALID_OUTPUT
    assert call.raw_output == '{"id": "chatcmpl-1", "choices": ['


@pytest.mark.parametrize(
    ("bad_answer", "problem"),
    [
        (search_answer(category="weapons"), "not one of the allowed categories"),
        (search_answer(min_price=500, max_price=100), "min_price is above max_price"),
        (search_answer(max_price="cheap"), "max_price"),
        ({"keywords": ["iphone"]}, "Field required"),
        (search_answer(is_admin=True), "Extra inputs are not permitted"),
    ],
)
def test_an_answer_that_breaks_the_schema_is_invalid_output(
    fake_openai, search_input, bad_answer, problem
):
    fake_openai.queue(answer(bad_answer))

    with pytest.raises(llm.LLMInvalidOutput) as caught:
        llm.run("search_query", search_input)

    assert problem in caught.value.message
    call = LLMCall.objects.get()
    assert call.status == LLMCall.Status.INVALID_OUTPUT
    assert call.parsed_output is None


def test_the_city_must_be_one_the_caller_listed(fake_openai, search_input):
    fake_openai.queue(answer(search_answer(city="atlantis")), answer(search_answer(city="berlin")))

    with pytest.raises(llm.LLMInvalidOutput, match="not one of the listed cities"):
        llm.run("search_query", {**search_input, "cities": ["Berlin", "Hamburg"]})
    result = llm.run("search_query", {**search_input, "cities": ["Berlin", "Hamburg"]})

    assert result.output.city == "Berlin"  # written as the caller listed it


def test_an_answer_cut_off_at_max_tokens_is_invalid_output(fake_openai, search_input):
    fake_openai.queue(answer('{"keywords": ["iph', finish_reason="length"))

    with pytest.raises(llm.LLMInvalidOutput, match="cut off"):
        llm.run("search_query", search_input)


def test_a_refusal_is_a_typed_refusal(fake_openai, search_input):
    fake_openai.queue(refusal("I can't help with that request."))

    with pytest.raises(llm.LLMRefusal) as caught:
        llm.run("search_query", search_input)

    call = LLMCall.objects.get()
    assert caught.value.call == call
    assert call.status == LLMCall.Status.REFUSAL
    assert call.raw_output == "I can't help with that request."


def test_a_content_filter_stop_is_a_refusal(fake_openai, search_input):
    fake_openai.queue(answer("", finish_reason="content_filter"))

    with pytest.raises(llm.LLMRefusal):
        llm.run("search_query", search_input)


def test_a_rejected_request_is_not_retryable(fake_openai, settings, search_input):
    settings.LLM_MAX_RETRIES = 2
    fake_openai.queue(error(400, "Invalid schema for response_format", kind="invalid_request"))

    with pytest.raises(llm.LLMRequestRejected) as caught:
        llm.run("search_query", search_input)

    assert not caught.value.retryable
    assert len(fake_openai.requests) == 1
    assert LLMCall.objects.get().status == LLMCall.Status.REJECTED


def test_a_call_records_what_it_was_for(fake_openai, categories, listing):
    fake_openai.queue(answer(assistant_answer()))

    result = llm.run(
        "listing_assistant",
        {"text": "iphone 12 64gb", "categories": categories},
        target=listing,
        purpose="assistant",
        context={"experiment": "assistant-v2", "variant": "treatment"},
    )

    call = LLMCall.objects.get(pk=result.call.pk)
    assert call.target == listing
    assert call.context == {"experiment": "assistant-v2", "variant": "treatment"}
    assert LLMCall.objects.filter(object_id=listing.pk).count() == 1


def test_openai_without_a_key_is_refused_before_any_call(settings, search_input):
    settings.LLM_PROVIDER = "openai"
    settings.OPENAI_API_KEY = ""

    with pytest.raises(Exception, match="OPENAI_API_KEY is empty"):
        llm.run("search_query", search_input)

    assert not LLMCall.objects.exists()
