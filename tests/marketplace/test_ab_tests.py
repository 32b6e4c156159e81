import io

import pytest
from django.core.management import call_command

from experiments.models import Experiment, Flag
from marketplace.ab_tests import EXPERIMENTS

pytestmark = pytest.mark.django_db


def test_migrate_creates_the_marketplace_experiments_as_drafts_with_their_metrics():
    experiments = {e.key: e for e in Experiment.objects.all()}
    assert set(experiments) == {"ai_listing_assistant", "listing_prompt_version", "ai_search"}
    for experiment in experiments.values():
        assert experiment.status == Experiment.Status.DRAFT
        assert experiment.primary_metric is not None
        assert sorted(experiment.variants.values_list("key", "weight")) == [
            ("control", 0.5),
            ("treatment", 0.5),
        ]
    assert experiments["ai_search"].unit_type == "visitor"
    assert experiments["ai_listing_assistant"].unit_type == "user"
    assert experiments["listing_prompt_version"].variants.get(key="treatment").config == {
        "prompt_label": "candidate"
    }
    # Shipping its winner moves this prompt's production label (experiments.services).
    assert experiments["listing_prompt_version"].prompt_name == "listing_assistant"
    assert experiments["ai_search"].prompt_name == ""


def test_the_ai_flags_follow_their_experiments():
    assert Flag.objects.get(name="ai_search").feature == "ai_search"
    assert Flag.objects.get(name="ai_listing_assistant").feature == "ai_listing_assistant"


def test_sync_site_leaves_existing_rows_as_the_admin_left_them():
    Experiment.objects.filter(key="ai_search").update(name="Edited in the admin", coverage=0.3)
    out = io.StringIO()
    call_command("sync_site", stdout=out)
    assert out.getvalue().splitlines() == [
        "categories: none new",
        "prompt versions: none new",
        "experiments: none new",
    ]
    edited = Experiment.objects.get(key="ai_search")
    assert (edited.name, edited.coverage) == ("Edited in the admin", 0.3)
    assert Experiment.objects.count() == len(EXPERIMENTS)


def test_sync_site_creates_what_is_missing_and_says_so():
    Experiment.objects.filter(key="ai_search").delete()
    out = io.StringIO()
    call_command("sync_site", stdout=out)
    assert "experiments: ai_search" in out.getvalue()
    assert Experiment.objects.get(key="ai_search").status == Experiment.Status.DRAFT
