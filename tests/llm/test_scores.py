import pytest
from django.urls import reverse

import llm
from llm.models import LLMCall, PromptVersion, Score
from llm.scores import Scale
from tests.factories import UserFactory
from tests.llm.conftest import make_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    return PromptVersion.objects.get(prompt__name="listing_assistant", number=1)


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def test_a_score_is_one_insert(version, django_assert_num_queries):
    call = make_call(version)

    with django_assert_num_queries(1):
        score = llm.record_score(call.pk, "rating", 4, comment="good title")

    assert (score.call_id, score.name, score.value, score.source) == (
        call.pk,
        "rating",
        4,
        "person",
    )


def test_a_score_outside_its_range_is_refused_with_its_range(version):
    call = make_call(version)

    with pytest.raises(llm.ScoreError, match="7 is outside the range of 'rating': 1 to 5"):
        llm.record_score(call, "rating", 7)
    assert not Score.objects.exists()


def test_an_undeclared_score_is_refused_naming_the_declared_ones(version):
    call = make_call(version)

    with pytest.raises(llm.ScoreError, match=r"no score named 'ratng' \(declared: .*rating"):
        llm.record_score(call, "ratng", 3)


def test_features_declare_their_scores():
    from llm.scores import scales

    declared = scales()
    assert declared["fields_used"] == Scale(
        "fields_used", 0, 6, declared["fields_used"].description
    )
    assert (declared["faithfulness"].minimum, declared["faithfulness"].maximum) == (1, 5)


def test_staff_add_a_score_from_a_calls_page(admin_client, staff, version):
    call = make_call(version)
    page = admin_client.get(reverse("admin:llm_llmcall_change", args=[call.pk]))
    assert f"/admin/llm/score/add/?call={call.pk}" in page.text

    response = admin_client.post(
        reverse("admin:llm_score_add") + f"?call={call.pk}",
        {"call": call.pk, "name": "rating", "value": "2", "comment": "wrong category"},
    )

    assert response.status_code == 302
    score = Score.objects.get()
    assert (score.value, score.source, score.created_by) == (2, "person", staff)
    page = admin_client.get(reverse("admin:llm_llmcall_change", args=[call.pk]))
    assert "wrong category" in page.text


def test_the_admin_refuses_a_score_outside_its_range(admin_client, version):
    call = make_call(version)

    response = admin_client.post(
        reverse("admin:llm_score_add"), {"call": call.pk, "name": "correct", "value": "3"}
    )

    assert response.status_code == 200
    assert "3 is outside the range of &#x27;correct&#x27;: 0 to 1" in response.text
    assert not Score.objects.exists()


def test_the_call_log_lists_a_scores_calls_worst_first(admin_client, version):
    good, bad, unscored = make_call(version), make_call(version), make_call(version)
    llm.record_score(good, "rating", 5)
    llm.record_score(bad, "rating", 1)

    response = admin_client.get(
        reverse("admin:llm_llmcall_changelist"),
        {"prompt_version__id__exact": version.pk, "score": "rating"},
    )

    assert response.status_code == 200
    shown = [call.pk for call in response.context["cl"].result_list]
    assert shown == [bad.pk, good.pk]
    assert unscored.pk not in shown


def test_the_version_page_shows_score_aggregates_next_to_health(admin_client, version):
    for value in (1, 3, 5):
        llm.record_score(make_call(version), "rating", value)

    response = admin_client.get(reverse("admin:llm_promptversion_change", args=[version.pk]))

    html = response.text
    assert 'id="score-figures"' in html
    assert "mean 3.00" in html
    assert f"?prompt_version__id__exact={version.pk}&amp;score=rating" in html


def test_scores_go_with_their_call_only(version):
    call = make_call(version)
    llm.record_score(call, "correct", 0)

    assert LLMCall.objects.filter(scores__name="correct").get() == call
