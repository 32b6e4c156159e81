import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from llm.fake_server import rate_limited
from llm.models import LLMCall, PromptVersion
from llm.prompt_files import export_prompts
from marketplace.catalog import CATEGORY_SLUGS
from tests.llm.test_prompt_registry import edit

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_sync_prompts_says_nothing_changed(tmp_path, settings):
    assert run("sync_prompts").strip().endswith("4 prompts, 0 new versions")


def test_sync_prompts_prints_what_it_created(tmp_path, settings):
    export_prompts(tmp_path / "prompts")
    edit(tmp_path / "prompts" / "search_query.toml", "max_tokens = 300", "max_tokens = 400")

    output = run("sync_prompts", "--dir", str(tmp_path / "prompts"))

    assert "created search_query@2" in output
    assert "4 prompts, 1 new versions" in output
    assert PromptVersion.objects.count() == 5


def test_sync_prompts_names_a_broken_file(tmp_path, settings):
    export_prompts(tmp_path / "prompts")
    edit(tmp_path / "prompts" / "search_query.toml", "temperature = 0", "temperature = 9")

    with pytest.raises(CommandError, match=r"search_query\.toml: temperature"):
        run("sync_prompts", "--dir", str(tmp_path / "prompts"))


@pytest.fixture
def search_input(categories) -> str:
    return json.dumps({"query": "cheap iphone in berlin under 300", "categories": categories})


def test_llm_run_prints_the_answer_and_who_gave_it(search_input):
    output = run("llm_run", "search_query", "--input", search_input)

    answer, report = output.split("\nprompt ")
    assert json.loads(answer)["max_price"] == 300
    assert "search_query@1" in report
    assert "answered offline model [offline/offline-v1]" in report
    assert "tokens   0 in, 0 out" in report
    assert "cost     $0.000000" in report
    assert "latency  " in report
    assert LLMCall.objects.get().purpose == "shell"


def test_llm_run_gives_the_prompt_the_sites_categories_unless_told_otherwise():
    output = run("llm_run", "listing_assistant", "--input", '{"text": "iphone 12 64gb black"}')
    assert json.loads(output.split("\nprompt ")[0])["category"] == "phones"
    sent = LLMCall.objects.get().input["categories"]
    assert {category["slug"] for category in sent} == CATEGORY_SLUGS


def test_llm_run_takes_a_label_or_a_version(search_input):
    assert "search_query@1" in run("llm_run", "search_query:production", "--input", search_input)
    assert "search_query@1" in run("llm_run", "search_query@1", "--input", search_input)


def test_llm_run_against_the_api_says_when_the_cache_answered(fake_openai, search_input):
    from llm.fake_server import answer
    from tests.llm.conftest import search_answer

    fake_openai.queue(answer(search_answer()))
    first = run("llm_run", "search_query", "--input", search_input)
    second = run("llm_run", "search_query", "--input", search_input)

    assert "via 127.0.0.1" in first
    assert "tokens   120 in, 40 out" in first
    assert "from the cache" not in first
    assert "from the cache" in second
    assert len(fake_openai.requests) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--input", "{}"], "no prompt named 'nope'"),
        (["search_query@9", "--input", "{}"], "no version 9"),
        (["search_query", "--input", "{not json"], "--input is not valid JSON"),
        (["search_query", "--input", "[1, 2]"], "must be a JSON object"),
        (["search_query", "--input", '{"text": "x"}'], "does not fit SearchQueryInput"),
    ],
)
def test_llm_run_explains_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        run("llm_run", *args)


def test_llm_run_reports_a_failed_call(fake_openai, search_input):
    fake_openai.queue(rate_limited(retry_after=30))

    with pytest.raises(CommandError, match=r"rate_limited \(call #\d+\): .* retry after 30 s"):
        run("llm_run", "search_query", "--input", search_input, "--no-cache")


def test_llm_run_refuses_the_api_without_a_key(settings, search_input):
    settings.OPENAI_API_KEY = ""

    with pytest.raises(CommandError, match="OPENAI_API_KEY is empty"):
        run("llm_run", "search_query", "--input", search_input, "--provider", "openai")
