from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

import llm
from llm.health import health, latency_percentiles, version_health
from llm.models import LLMCall, PromptVersion
from tests.factories import UserFactory
from tests.llm.conftest import make_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    return PromptVersion.objects.get(prompt__name="search_query", number=1)


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_percentiles_are_nearest_rank_and_skip_nothing_but_the_filter(version):
    for latency in range(1, 101):  # 1 … 100 ms
        make_call(version, latency_ms=float(latency))

    found = latency_percentiles(LLMCall.objects.filter(prompt_version=version))

    assert found == {0.5: 50.0, 0.95: 95.0, 0.99: 99.0}


def test_percentiles_of_a_few_calls_are_values_that_happened(version):
    for latency in (30.0, 10.0, 20.0):
        make_call(version, latency_ms=latency)

    found = latency_percentiles(LLMCall.objects.filter(prompt_version=version))

    assert found == {0.5: 20.0, 0.95: 30.0, 0.99: 30.0}


def test_health_counts_cache_hits_errors_by_kind_tokens_and_cost(version):
    now = timezone.now()
    make_call(version, latency_ms=200.0, created_at=now - timedelta(days=1))
    make_call(
        version, latency_ms=0.1, cached=True, cost=Decimal(0), input_tokens=0, output_tokens=0
    )
    make_call(version, latency_ms=900.0, status=LLMCall.Status.TIMEOUT, cost=None)
    make_call(version, latency_ms=300.0, status=LLMCall.Status.INVALID_OUTPUT)
    make_call(version, created_at=now - timedelta(days=30))  # outside the week

    figures = version_health(version.pk, days=7)

    assert figures.calls == 4
    assert figures.cache_hit_rate == 0.25
    assert figures.error_rate == 0.5
    assert figures.errors_by_kind == {"timeout": 1, "invalid_output": 1}
    assert figures.p50 == 300.0  # over the three model calls: 200, 300, 900
    assert figures.p99 == 900.0
    assert figures.input_tokens == 300
    assert figures.cost == Decimal("0.0002")
    assert figures.unpriced == 1
    assert figures.per_day(figures.calls) == pytest.approx(4 / 7)
    assert sum(day.calls for day in figures.by_day) == 4


def test_health_of_no_calls_is_empty_not_an_error(version):
    figures = health(LLMCall.objects.filter(prompt_version=version))

    assert figures.calls == 0
    assert figures.error_rate is None
    assert figures.p50 is None


def test_the_version_page_shows_its_health_beside_production_and_candidate(admin_client, version):
    second = PromptVersion.objects.create(
        prompt=version.prompt,
        number=2,
        content_hash="f" * 64,
        input_schema=version.input_schema,
        output_schema=version.output_schema,
        output_json_schema=version.output_json_schema,
        system_template=version.system_template,
        user_template=version.user_template,
        source_path=version.source_path,
        source_text=version.source_text,
    )
    llm.move_label("search_query", "candidate", second)
    make_call(version, latency_ms=120.0)
    make_call(second, latency_ms=480.0, status=LLMCall.Status.TIMEOUT)

    response = admin_client.get(
        reverse("admin:llm_promptversion_change", args=[second.pk]), {"days": 30}
    )

    html = response.text
    assert response.status_code == 200
    assert "In production: the last 30 days" in html
    assert "search_query@2 (this version, candidate)" in html
    assert "search_query@1 (production)" in html
    assert "480.0 ms" in html
    assert "120.0 ms" in html
    assert "timeout 1.000 (1)" in html
    assert 'id="health-days"' in html  # this version's calls day by day


def test_the_call_log_shows_the_health_of_its_filter(admin_client, version):
    make_call(version, latency_ms=10.0)
    make_call(version, latency_ms=30.0, status=LLMCall.Status.RATE_LIMITED)

    response = admin_client.get(
        reverse("admin:llm_llmcall_changelist"), {"prompt_version__id__exact": version.pk}
    )

    assert response.status_code == 200
    assert 'id="llm-health"' in response.text
    assert "10.0 / 30.0 / 30.0 ms" in response.text
    assert "rate_limited 0.500" in response.text


def test_the_cost_per_call_is_over_the_calls_whose_cost_is_known(version):
    make_call(version, cost=Decimal("0.0003"))
    make_call(version, cost=None)  # a model without a price: unknown, not free

    figures = version_health(version.pk, days=7)

    assert figures.cost_per_call == pytest.approx(0.0003)
    assert figures.unpriced == 1
