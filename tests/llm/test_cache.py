from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

import llm
from llm.fake_server import answer, error
from llm.models import LLMCall
from llm.prompt_files import export_prompts
from llm.services import sync_prompts
from tests.llm.conftest import search_answer
from tests.llm.test_prompt_registry import edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def search_input(categories):
    return {"query": "cheap iphone in berlin under 300", "categories": categories}


def test_the_same_call_again_is_served_from_the_cache_without_a_request(fake_openai, search_input):
    fake_openai.queue(answer(search_answer()))
    first = llm.run("search_query", search_input)

    second = llm.run("search_query", search_input)

    assert len(fake_openai.requests) == 1
    assert second.cached
    assert second.output == first.output
    call = second.call
    assert call.cached
    assert call.status == LLMCall.Status.SUCCESS
    assert (call.input_tokens, call.output_tokens, call.cost) == (0, 0, 0)
    assert call.latency_ms < first.call.latency_ms
    assert call.raw_output == first.call.raw_output
    assert LLMCall.objects.count() == 2  # the hit is in the log too


def test_the_cache_survives_a_cleared_cache_backend(fake_openai, search_input):
    fake_openai.queue(answer(search_answer()))
    llm.run("search_query", search_input)
    cache.clear()  # Redis flushed, or another process

    result = llm.run("search_query", search_input)

    assert result.cached
    assert len(fake_openai.requests) == 1


def test_a_different_input_misses(fake_openai, search_input):
    fake_openai.queue(answer(search_answer()), answer(search_answer(max_price=500)))
    llm.run("search_query", search_input)

    result = llm.run("search_query", {**search_input, "query": "iphone under 500"})

    assert not result.cached
    assert result.output.max_price == 500
    assert len(fake_openai.requests) == 2


def test_a_different_version_misses(fake_openai, search_input, tmp_path, settings):

    export_prompts(tmp_path / "prompts")
    edit(tmp_path / "prompts" / "search_query.toml", "temperature = 0", "temperature = 0.1")
    sync_prompts(tmp_path / "prompts")
    fake_openai.queue(answer(search_answer()), answer(search_answer()))
    llm.run("search_query@1", search_input)

    result = llm.run("search_query@2", search_input)

    assert not result.cached
    assert len(fake_openai.requests) == 2


def test_a_different_model_misses(fake_openai, search_input):
    fake_openai.queue(answer(search_answer()), answer(search_answer()))
    llm.run("search_query", search_input)

    assert not llm.run("search_query", search_input, model="gpt-4o").cached


def test_use_cache_false_asks_the_model_again(fake_openai, search_input):
    fake_openai.queue(answer(search_answer()), answer(search_answer(max_price=250)))
    llm.run("search_query", search_input)

    result = llm.run("search_query", search_input, use_cache=False)

    assert not result.cached
    assert result.output.max_price == 250


def test_failures_are_never_cached(fake_openai, search_input):
    fake_openai.queue(error(500, "boom"), answer(search_answer()))
    with pytest.raises(llm.LLMServerError):
        llm.run("search_query", search_input)

    result = llm.run("search_query", search_input)

    assert not result.cached
    assert len(fake_openai.requests) == 2


def test_answers_older_than_the_ttl_are_not_reused(fake_openai, settings, search_input):
    settings.LLM_CACHE_TTL_SECONDS = 3600
    fake_openai.queue(answer(search_answer()), answer(search_answer()))
    first = llm.run("search_query", search_input)
    LLMCall.objects.filter(pk=first.call.pk).update(created_at=timezone.now() - timedelta(hours=2))
    cache.clear()

    assert not llm.run("search_query", search_input).cached


def test_a_ttl_of_zero_turns_the_cache_off(fake_openai, settings, search_input):
    settings.LLM_CACHE_TTL_SECONDS = 0
    fake_openai.queue(answer(search_answer()), answer(search_answer()))
    llm.run("search_query", search_input)

    assert not llm.run("search_query", search_input).cached


def test_offline_answers_are_computed_each_time(search_input):
    first = llm.run("search_query", search_input)
    second = llm.run("search_query", search_input)

    assert not first.cached
    assert not second.cached
    assert first.output == second.output


def test_a_stored_answer_that_no_longer_validates_is_asked_again(fake_openai, search_input):
    fake_openai.queue(answer(search_answer()), answer(search_answer(max_price=250)))
    first = llm.run("search_query", search_input)
    # As if the schema had changed since: the stored answer breaks it now.
    cache.set(f"llm:answer:{first.call.cache_key}", ("{}", {"keywords": "not a list"}))

    result = llm.run("search_query", search_input)

    assert not result.cached
    assert result.output.max_price == 250
    assert len(fake_openai.requests) == 2
