"""The settings that `docker compose --env-file compose.local-llm.env --profile local-llm up`
gives the site (Ollama in a container), read by the settings as the containers read them, then
the site's AI features run with them against an OpenAI-compatible server on 127.0.0.1 (the fake
one: no test starts Ollama or downloads a model)."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings

import llm
from llm.fake_server import answer
from llm.models import LLMCall
from tests.llm.conftest import assistant_answer
from tests.test_settings import settings_in_a_fresh_process

pytestmark = pytest.mark.django_db

ENV_FILE = Path(django_settings.BASE_DIR) / "compose.local-llm.env"


def profile_environment() -> dict[str, str]:
    """The env file's variables, as docker compose reads them (a quoted value loses its quotes)."""
    variables = {}
    for line in ENV_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = line.split("=", 1)
            variables[name] = value[1:-1] if value[:1] == value[-1:] == "'" else value
    return variables


@pytest.mark.slow
def test_the_profile_points_the_site_at_the_ollama_container():
    environment = profile_environment()
    read = settings_in_a_fresh_process(
        "settings.LLM_PROVIDER, settings.OPENAI_BASE_URL, settings.LLM_MODEL, "
        "settings.LLM_PRICES, settings.LLM_TIMEOUT_SECONDS, settings.AI_ASSISTANT_TIMEOUT_SECONDS, "
        "settings.AI_SEARCH_TIMEOUT_SECONDS, bool(settings.OPENAI_API_KEY)",
        **environment,
    )
    assert read == (
        "openai http://ollama:11434/v1 qwen2.5:0.5b-instruct "
        "{'qwen2.5:0.5b-instruct': {'input': 0, 'output': 0}} 120.0 45.0 10.0 True"
    )


def test_the_listing_assistant_runs_on_the_profiles_model_for_free(
    fake_openai, settings, categories
):
    """Everything the profile sets, but the server's address: the fake server's instead of
    the container's."""
    environment = profile_environment()
    settings.LLM_MODEL = environment["LLM_MODEL"]
    settings.OPENAI_API_KEY = environment["OPENAI_API_KEY"]
    settings.LLM_PRICES = json.loads(environment["LLM_PRICES"])
    fake_openai.queue(answer(assistant_answer(), prompt_tokens=900, completion_tokens=120))

    result = llm.run(
        "listing_assistant",
        {"text": "selling my iphone 12 64gb, black, berlin", "categories": categories},
        purpose="assistant",
    )

    sent = fake_openai.requests[0]
    assert sent.body["model"] == "qwen2.5:0.5b-instruct"
    assert sent.body["response_format"]["type"] == "json_schema"  # Ollama's structured outputs
    assert sent.headers["authorization"] == "Bearer ollama-needs-no-key"
    assert result.output.category == "phones"
    assert result.provider_label.startswith("qwen2.5:0.5b-instruct via 127.0.0.1:")
    call = LLMCall.objects.get()
    assert call.status == LLMCall.Status.SUCCESS
    assert call.cost == Decimal(0)  # free, not unknown
