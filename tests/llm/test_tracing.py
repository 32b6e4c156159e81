"""Traces: the calls of one piece of work tied together, and shown together in the admin."""

import pytest
from django.urls import reverse

import llm
from llm import fake_server
from llm.evaluation.execution import run_in_process
from llm.evaluation.services import create_run, load_dataset
from llm.models import LLMCall
from llm.tracing import trace_id_for
from tests.factories import UserFactory
from tests.llm.conftest import search_answer
from tests.llm.evaluation.conftest import LISTING_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def search_input(categories):
    return {"query": "cheap iphone in berlin", "categories": categories}


def test_a_call_outside_a_trace_has_none(search_input):
    call = llm.run("search_query", search_input).call

    assert (call.trace_id, call.parent_id, call.trace_name) == (None, None, "")


def test_the_calls_of_one_piece_of_work_share_its_trace(search_input):
    with llm.trace("nightly check", key="nightly:1") as step:
        first = llm.run("search_query", search_input).call
        with llm.trace("grading", parent=first):
            second = llm.run("search_query", {**search_input, "query": "sofa"}).call

    assert step.trace_id == trace_id_for("nightly:1")
    assert first.trace_id == second.trace_id == step.trace_id
    assert first.trace_name == "nightly check"
    assert (first.parent_id, second.parent_id) == (None, first.pk)


def test_a_step_of_a_call_outside_any_trace_still_points_at_it(search_input):
    answer = llm.run("search_query", search_input).call

    with llm.trace("judge", parent=answer):
        grade = llm.run("search_query", {**search_input, "query": "sofa"}).call

    assert grade.parent_id == answer.pk
    assert grade.trace_id is not None


def test_every_call_of_an_evaluation_run_is_in_the_runs_trace():
    run = create_run(load_dataset(LISTING_FILE).dataset, "listing_assistant")

    run_in_process(run)

    trace_ids = set(LLMCall.objects.filter(purpose="eval").values_list("trace_id", flat=True))
    assert trace_ids == {trace_id_for(f"eval-run:{run.pk}")}


def test_the_enrichment_job_traces_its_calls(django_capture_on_commit_callbacks):
    from tests.marketplace.test_enrichment import publish

    listing = publish(django_capture_on_commit_callbacks)

    job = listing.enrichment_jobs.get()
    assert job.llm_call.trace_id == trace_id_for(f"enrichment-job:{job.pk}")
    assert job.llm_call.trace_name == f"enrichment job #{job.pk}"


def test_a_calls_page_shows_its_traces_steps_with_total_time_and_cost(
    client, fake_openai, search_input
):
    fake_openai.queue(fake_server.answer(search_answer()), fake_server.answer(search_answer()))
    with llm.trace("enrichment job #7", key="enrichment-job:7"):
        first = llm.run("search_query", search_input, use_cache=False).call
        with llm.trace("judge", parent=first):
            second = llm.run("search_query", search_input, use_cache=False).call
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:llm_llmcall_change", args=[second.pk]))

    html = page.text
    assert "<strong>enrichment job #7</strong>" in html
    assert f"?trace_id={first.trace_id}" in html
    assert "2 calls" in html
    assert f"step of #{first.pk}" in html
    listed = client.get(reverse("admin:llm_llmcall_changelist"), {"trace_id": first.trace_id})
    assert {call.pk for call in listed.context["cl"].result_list} == {first.pk, second.pk}
