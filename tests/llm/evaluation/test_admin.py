"""The evaluation in the admin: runs, a run's page, comparison, datasets, the version panel."""

import pytest
from django.urls import reverse

from llm import admin_extensions
from llm.evaluation.execution import run_in_process
from llm.evaluation.models import EvalRun
from llm.evaluation.services import create_run, load_dataset
from llm.fake_server import FakeResponse, RecordedRequest, answer
from tests.factories import UserFactory
from tests.llm.conftest import assistant_answer
from tests.llm.evaluation.conftest import SEARCH_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def offline_run(listing_dataset):
    return run_in_process(create_run(listing_dataset, "listing_assistant", provider="offline"))


@pytest.fixture
def model_run(listing_dataset, fake_openai):
    """A "model" that sees a phone in everything, except that it gets the piano lessons right."""

    def respond(request: RecordedRequest) -> FakeResponse:
        if "Piano" in request.messages[-1]["content"]:
            return answer(
                assistant_answer(
                    category="services",
                    attributes=[
                        {"key": "service", "value": "Piano lessons"},
                        {"key": "rate", "value": "per hour"},
                    ],
                    condition=None,
                )
            )
        return answer(assistant_answer())

    fake_openai._default = respond
    run = create_run(listing_dataset, "listing_assistant", provider="openai", judge=None)
    return run_in_process(run)


def test_the_run_list_shows_progress_and_figures(staff_client, offline_run):
    html = staff_client.get(reverse("admin:llm_evalrun_changelist")).text

    assert f"run #{offline_run.pk}: listing_assistant@1 on listing_assistant v1" in html
    assert '<progress max="100" value="100"></progress> 100%' in html
    assert '<td class="field-accuracy">0.889</td>' in html


def test_the_run_page_shows_the_figures_the_breakdown_by_tag_and_the_cases(
    staff_client, offline_run
):
    url = reverse("admin:llm_evalrun_change", args=[offline_run.pk])

    html = staff_client.get(url).text

    assert '<th>category accuracy</th><td class="num">0.889</td>' in html
    assert '<th>attribute F1</th><td class="num">0.898</td>' in html
    assert "<tr><th>judge</th><td>n/a: needs a real model</td></tr>" in html
    assert '<tr><td>services</td><td class="num">1</td><td class="num">0.000</td>' in html
    assert "Piano lessons for beginners" in html
    assert "VW Golf 7" in html
    assert 'http-equiv="refresh"' not in html

    not_passed = staff_client.get(url, {"show": "not-passed"}).text
    assert "Piano lessons for beginners" in not_passed
    assert "VW Golf 7" not in not_passed
    assert "category ✗ · condition ✓ · attribute F1 0.00" in not_passed
    assert "No cases here." in staff_client.get(url, {"show": "failed"}).text


def test_a_run_in_progress_refreshes_itself(staff_client, listing_dataset):
    run = create_run(listing_dataset, "listing_assistant", provider="offline")

    html = staff_client.get(reverse("admin:llm_evalrun_change", args=[run.pk])).text

    assert 'http-equiv="refresh"' in html
    assert "0 of 9 cases (0%)" in html


def test_two_runs_side_by_side_put_the_regressions_first(staff_client, offline_run, model_run):
    url = reverse("admin:llm_evalrun_compare")

    html = staff_client.get(url, {"a": offline_run.pk, "b": model_run.pk}).text

    deltas = html[html.index('id="deltas"') : html.index("<h2>Cases</h2>")]
    assert "<th>category accuracy</th>" in deltas
    assert '<td class="num">0.889</td>' in deltas
    assert 'llm-worse">-0.' in deltas  # accuracy fell: coloured as worse
    assert 'llm-worse">+1,080' in deltas  # 9 × 120 more input tokens: worse too
    worse = html.index("Passed before, not after (7)")
    better = html.index("Not passed before, passed after (1)")
    assert worse < better
    assert html.index("Samsung Galaxy S21") < better  # a regression
    assert html.index("Piano lessons") > better  # the fix
    assert "7 of 9 cases changed outcome" not in html
    assert "8 of 9 cases changed outcome" in html
    assert "&quot;Samsung&quot;" in html  # the expected attributes, escaped, beside both answers


def test_the_compare_action_opens_the_comparison(staff_client, offline_run, model_run):
    response = staff_client.post(
        reverse("admin:llm_evalrun_changelist"),
        {"action": "compare_two", "_selected_action": [model_run.pk, offline_run.pk]},
    )

    assert response.status_code == 302
    assert response.url == (
        f"{reverse('admin:llm_evalrun_compare')}?a={offline_run.pk}&b={model_run.pk}"
    )


def test_runs_of_different_datasets_are_not_compared(staff_client, offline_run):
    search = load_dataset(SEARCH_FILE).dataset
    other = run_in_process(create_run(search, "search_query", provider="offline"))

    html = staff_client.get(
        reverse("admin:llm_evalrun_compare"), {"a": offline_run.pk, "b": other.pk}
    ).text

    assert "ran on different datasets" in html
    assert 'id="deltas"' not in html


def test_a_run_can_be_cancelled_from_the_list(staff_client, listing_dataset):
    run = create_run(listing_dataset, "listing_assistant", provider="offline")

    staff_client.post(
        reverse("admin:llm_evalrun_changelist"),
        {"action": "cancel", "_selected_action": [run.pk]},
    )

    run.refresh_from_db()
    assert run.status == EvalRun.Status.CANCELLED


def test_the_prompt_version_page_shows_its_latest_evaluation_and_the_registered_panels(
    staff_client, offline_run, model_run, monkeypatch
):
    older = run_in_process(create_run(offline_run.dataset, "listing_assistant", provider="offline"))
    EvalRun.objects.filter(pk=older.pk).update(
        finished_at=offline_run.finished_at.replace(year=2020)
    )
    monkeypatch.setattr(
        admin_extensions,
        "_panels",
        [lambda request, version: f"<h2>Seen online</h2><p>{version} by {request.user}</p>"],
    )
    url = reverse("admin:llm_promptversion_change", args=[offline_run.prompt_version.pk])

    html = staff_client.get(url).text

    panel = html[html.index('id="evaluation-panel"') :]
    # The latest run of each dataset, provider and model: the offline baseline and the model.
    assert f'href="/admin/llm/evalrun/{offline_run.pk}/change/">#{offline_run.pk}</a>' in panel
    assert f'href="/admin/llm/evalrun/{model_run.pk}/change/">#{model_run.pk}</a>' in panel
    assert f"#{older.pk}</a>" not in panel
    assert '<td class="num">0.889</td>' in panel
    assert "&lt;h2&gt;Seen online" in html  # a panel's plain str is escaped: it must be safe HTML


def test_the_evaluation_pages_are_for_staff_only(client, user, offline_run):
    urls = [
        reverse("admin:llm_evalrun_change", args=[offline_run.pk]),
        reverse("admin:llm_evalrun_compare") + f"?a={offline_run.pk}&b={offline_run.pk}",
        reverse("admin:llm_promptversion_change", args=[offline_run.prompt_version.pk]),
        reverse("admin:llm_evaldataset_change", args=[offline_run.dataset.pk]),
    ]
    client.force_login(user)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))

    client.force_login(UserFactory(is_staff=True))  # staff, but no permission to see runs
    for url in urls:
        assert client.get(url).status_code == 403


def test_cases_are_editable_until_their_dataset_has_runs(staff_client, listing_dataset):
    case = listing_dataset.cases.get(position=3)
    url = reverse("admin:llm_evalcase_change", args=[case.pk])
    old_hash = listing_dataset.content_hash
    form = {
        "dataset": listing_dataset.pk,
        "position": 3,
        "input": '{"text": "grey sofa, 3 seats"}',
        "expected": '{"category": "home-garden", "attributes": {"type": "sofa"}}',
        "tags": '["home"]',
    }

    response = staff_client.post(url, form)

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.input == {"text": "grey sofa, 3 seats"}
    listing_dataset.refresh_from_db()
    assert listing_dataset.content_hash != old_hash

    create_run(listing_dataset, "listing_assistant", provider="offline")
    frozen = staff_client.get(url).text
    assert 'name="_save"' not in frozen
    assert staff_client.post(url, form).status_code == 403


def test_a_case_is_checked_like_a_line_of_its_file(staff_client, listing_dataset):
    case = listing_dataset.cases.get(position=3)

    response = staff_client.post(
        reverse("admin:llm_evalcase_change", args=[case.pk]),
        {
            "dataset": listing_dataset.pk,
            "position": 3,
            "input": '{"text": "grey sofa"}',
            "expected": '{"category": "sofas", "attributes": {}}',
            "tags": "[]",
        },
    )

    assert response.status_code == 200
    assert "expected: category &#x27;sofas&#x27; is not one of the site&#x27;s categories" in (
        response.text
    )


def test_the_dataset_page_lists_its_cases(staff_client, listing_dataset):
    html = staff_client.get(reverse("admin:llm_evaldataset_change", args=[listing_dataset.pk])).text

    assert "Piano lessons for beginners, 30 EUR per hour" in html
    assert "tests/llm/evaluation/listing_assistant.jsonl" in html


def test_the_comparison_names_each_runs_note(staff_client, offline_run, model_run):
    """The note says what a run was for: without it two runs of one version look alike."""
    offline_run.note = "before <the> change"
    offline_run.save(update_fields=["note"])
    url = reverse("admin:llm_evalrun_compare")

    html = staff_client.get(url, {"a": offline_run.pk, "b": model_run.pk}).text

    assert "<em>before &lt;the&gt; change</em>" in html
