"""The API key goes to the model's server and nowhere else: not a log record, not a row."""

import contextlib
import logging

import pytest
from django.core import serializers

import llm
from llm.fake_server import FakeResponse, answer, error, rate_limited, refusal
from llm.models import LLMCall
from tests.conftest import FAKE_OPENAI_KEY
from tests.llm.conftest import search_answer

pytestmark = pytest.mark.django_db


def test_the_key_is_sent_to_the_server_but_stored_and_logged_nowhere(
    fake_openai, settings, categories, caplog
):
    settings.LLM_MAX_RETRIES = 1
    settings.LLM_TIMEOUT_SECONDS = 0.3
    data = {"query": "iphone", "categories": categories}
    fake_openai.queue(
        answer(search_answer()),
        rate_limited(retry_after=0.01),
        answer(search_answer(max_price=200)),
        rate_limited(),
        rate_limited(),
        error(500, "boom", headers={"retry-after": "0.01"}),
        error(503, "unavailable"),
        answer("{broken"),
        answer(search_answer(category="not-a-category")),
        refusal(),
        FakeResponse(200, "<html>proxy error</html>"),
        # A server that echoes the key back, as OpenAI does (masked) on a 401.
        error(401, f"Incorrect API key provided: {FAKE_OPENAI_KEY}", kind="invalid_request_error"),
        answer(search_answer(), delay=2),
        answer(search_answer(), delay=2),
    )
    caplog.set_level(logging.DEBUG)  # the SDK's and the HTTP client's debug logs included

    for query in ["iphone", "iphone 2", "iphone 3", "iphone 4", "x", "y", "z", "w", "v", "u"]:
        with contextlib.suppress(llm.LLMError):
            llm.run("search_query", {**data, "query": query}, use_cache=False)

    statuses = set(LLMCall.objects.values_list("status", flat=True))
    assert statuses == {
        "success",
        "rate_limited",
        "server_error",
        "invalid_output",
        "refusal",
        "rejected",
        "timeout",
    }
    assert all(
        request.headers["authorization"] == f"Bearer {FAKE_OPENAI_KEY}"
        for request in fake_openai.requests
    )
    key_fragment = FAKE_OPENAI_KEY[8:]  # a distinctive part, in case of partial masking
    dump = serializers.serialize("json", LLMCall.objects.all())
    assert key_fragment not in dump
    for record in caplog.records:
        assert key_fragment not in record.getMessage()
        assert key_fragment not in str(record.args)
    assert "[redacted]" in LLMCall.objects.get(status="rejected").error


def test_the_provider_never_shows_its_key_in_a_repr(fake_openai):
    from llm.providers import get_provider

    assert FAKE_OPENAI_KEY not in repr(get_provider())
