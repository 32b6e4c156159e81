"""A prompt version's admin page shows the experiments whose variants used it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

import llm
from experiments.models import Experiment, Exposure
from experiments.prompt_panel import experiments_using
from llm.models import PromptLabelMove, PromptVersion
from llm.prompt_files import export_prompts
from llm.services import sync_prompts
from tests.experiments.factories import ExperimentFactory
from tests.factories import UserFactory
from tests.llm.test_prompt_registry import edit

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def versions(tmp_path, settings):
    """listing_assistant@1 (production, as synced) and @2."""
    export_prompts(tmp_path / "prompts")
    edit(tmp_path / "prompts" / "listing_assistant.toml", "temperature = 0.2", "temperature = 0.3")
    sync_prompts(tmp_path / "prompts")
    return (
        PromptVersion.objects.get(prompt__name="listing_assistant", number=1),
        PromptVersion.objects.get(prompt__name="listing_assistant", number=2),
    )


def move(label: str, version: PromptVersion, *, at) -> None:
    """Point ``label`` at ``version``, as if it had happened at ``at``."""
    moved = llm.move_label("listing_assistant", label, version)
    PromptLabelMove.objects.filter(pk=moved.pk).update(moved_at=at)


def prompt_experiment(*, started_days_ago: float, prompt: str = "listing_assistant", **fields):
    return ExperimentFactory(
        started_at=timezone.now() - started_days_ago * DAY,
        prompt_name=prompt,
        variants=[
            ("control", 0.5, {"prompt_label": "production"}),
            ("treatment", 0.5, {"prompt_label": "candidate"}),
        ],
        **fields,
    )


def expose(experiment: Experiment, key: str, units: int) -> None:
    variant = experiment.variants.get(key=key)
    Exposure.objects.bulk_create(
        Exposure(
            experiment=experiment,
            variant=variant,
            unit_id=f"{key}-{n}",
            first_seen_at=timezone.now(),
        )
        for n in range(units)
    )


def test_each_variant_is_credited_to_the_version_its_label_pointed_at(versions):
    v1, v2 = versions
    PromptLabelMove.objects.update(moved_at=timezone.now() - 30 * DAY)  # production → v1
    move("candidate", v2, at=timezone.now() - 20 * DAY)
    experiment = prompt_experiment(started_days_ago=10)
    expose(experiment, "control", 3)
    expose(experiment, "treatment", 2)

    [on_v1] = experiments_using(v1)
    [on_v2] = experiments_using(v2)

    assert on_v1.experiment == on_v2.experiment == experiment
    assert [(row.variant.key, row.exposed, row.used_here) for row in on_v1.variants] == [
        ("control", 3, True),
        ("treatment", 2, False),
    ]
    assert [(row.variant.key, row.used_here) for row in on_v2.variants] == [
        ("control", False),
        ("treatment", True),
    ]


def test_a_label_that_pointed_elsewhere_while_the_experiment_ran_does_not_count(versions):
    v1, v2 = versions
    PromptLabelMove.objects.update(moved_at=timezone.now() - 30 * DAY)  # production → v1
    move("candidate", v2, at=timezone.now() - 20 * DAY)
    move("candidate", v1, at=timezone.now() - 15 * DAY)
    prompt_experiment(started_days_ago=10, ended_at=timezone.now() - 5 * DAY)
    move("candidate", v2, at=timezone.now() - 2 * DAY)  # after the experiment ended

    assert experiments_using(v2) == []
    assert [row.used_here for row in experiments_using(v1)[0].variants] == [True, True]


def test_drafts_and_experiments_on_other_prompts_are_left_out(versions):
    v1, _ = versions
    ExperimentFactory(
        status=Experiment.Status.DRAFT,
        started_at=None,
        variants=[("control", 0.5, {"prompt_label": "production"}), ("b", 0.5, {})],
    )
    prompt_experiment(started_days_ago=3, prompt="search_query")

    assert experiments_using(v1) == []


def test_the_version_page_shows_the_panel_to_staff_who_may_see_experiments(client, versions):
    v1, _ = versions
    experiment = prompt_experiment(started_days_ago=1, name="Assistant prompt test")
    expose(experiment, "control", 4)
    url = reverse("admin:llm_promptversion_change", args=[v1.pk])

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get(url).text

    assert "Online: experiments that used this version" in html
    assert "Assistant prompt test" in html
    assert '<strong>control</strong> <span class="llm-badge">this version</span>' in html

    prompt_viewer = UserFactory(is_staff=True)
    prompt_viewer.user_permissions.add(Permission.objects.get(codename="view_promptversion"))
    client.force_login(prompt_viewer)
    response = client.get(url)
    assert response.status_code == 200
    assert "Online: experiments" not in response.text  # no permission to see experiments


def test_the_panel_shows_the_latest_verdict_on_the_primary_metric(client, versions):
    from experiments.services import refresh_results

    v1, _ = versions
    experiment = prompt_experiment(started_days_ago=1, name="Assistant prompt test")
    expose(experiment, "control", 4)
    url = reverse("admin:llm_promptversion_change", args=[v1.pk])
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert "No results yet." in client.get(url).text

    refresh_results(experiment)
    html = client.get(url).text
    assert experiment.primary_metric.name in html
    assert "Not enough data" in html


def test_a_started_experiment_is_shown_on_the_versions_it_pinned_whatever_the_labels_did(
    versions,
):
    first, second = versions
    llm.move_label("listing_assistant", "candidate", second)
    from experiments import services

    experiment = Experiment.objects.get(key="listing_prompt_version")
    services.start_experiment(experiment)
    llm.move_label("listing_assistant", "candidate", first)  # after the start: changes nothing
    [row] = experiments_using(second)
    assert row.experiment == experiment
    assert [(v.variant.key, v.used_here) for v in row.variants] == [
        ("control", False),
        ("treatment", True),
    ]
    [row] = experiments_using(first)
    assert [(v.variant.key, v.used_here) for v in row.variants] == [
        ("control", True),
        ("treatment", False),
    ]
