import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from llm.apps import check_llm_settings


def ids(**kwargs) -> list[str]:
    return [message.id for message in check_llm_settings(**kwargs)]


def test_the_default_settings_pass():
    assert ids() == []


def test_an_unknown_provider_is_reported(settings):
    settings.LLM_PROVIDER = "anthropic"

    assert ids() == ["llm.E001"]


def test_openai_without_a_key_is_reported(settings):
    settings.LLM_PROVIDER = "openai"
    settings.OPENAI_API_KEY = ""

    assert ids() == ["llm.E002"]


def test_a_price_without_both_directions_is_reported(settings):
    settings.LLM_PRICES = {"gpt-4o-mini": {"input": 0.15}}

    assert ids() == ["llm.E003"]


def test_manage_py_check_stops_on_them(settings):
    settings.LLM_PROVIDER = "nope"

    with pytest.raises(SystemCheckError, match=r"llm\.E001"):
        call_command("check")
