"""simulate_traffic --through-site: simulated people go through the real views, so what the views
record (exposures, events) is what is tested, and a view that gets it wrong shows in the report.
"""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from experiments import services
from experiments.models import Event, Experiment, Exposure, Flag
from marketplace.ab_tests import AI_LISTING_ASSISTANT, AI_SEARCH, LISTING_PROMPT_VERSION
from marketplace.models import AssistantSuggestion, Listing, Message
from marketplace.views import assistant
from tests.factories import ListingFactory
from tests.prompts import new_prompt_version

# Each test drives many requests or simulated units: seconds (make test-fast skips them).
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def simulate(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("simulate_traffic", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def prompt_experiment():
    """The assistant for every seller, and its prompt experiment running: @1 against @2."""
    Flag.objects.filter(name=AI_LISTING_ASSISTANT).update(everyone=True)
    new_prompt_version(label="candidate")
    experiment = Experiment.objects.get(key=LISTING_PROMPT_VERSION)
    services.start_experiment(experiment)
    return experiment


SELLERS = (
    "--experiment",
    LISTING_PROMPT_VERSION,
    "--through-site",
    "--units",
    "30",
    "--seed",
    "3",
    "--baseline",
    "suggestion_accept_rate=0.6",
    "--baseline",
    "publish_rate=0.5",
)


def test_sellers_go_through_the_post_form_and_the_assistant(prompt_experiment):
    out, err = simulate(*SELLERS)
    assert "Simulated 30 units through the site" in out
    assert "30 exposed" in out
    assert "No page records listing_flagged: not simulated." in out
    assert err == ""  # no problem found
    # The views wrote the exposures, marked simulated, for the accounts the simulator made.
    exposures = Exposure.objects.filter(experiment=prompt_experiment)
    assert exposures.count() == 30
    assert all(exposures.values_list("is_simulated", flat=True))
    sellers = User.objects.filter(username__startswith="sim-listing_prompt_version.3-")
    assert sorted(exposures.values_list("unit_id", flat=True)) == sorted(
        str(pk) for pk in sellers.values_list("pk", flat=True)
    )
    # Each seller was answered by the version their variant is pinned to.
    pinned = dict(prompt_experiment.variants.values_list("pk", "prompt_version_id"))
    for exposure in exposures:
        suggestion = AssistantSuggestion.objects.get(user_id=int(exposure.unit_id))
        assert suggestion.prompt_version_id == pinned[exposure.variant_id]
    # What they did was tracked by the views, tagged as this run's.
    names = set(
        Event.objects.filter(properties__simulation=LISTING_PROMPT_VERSION).values_list(
            "name", flat=True
        )
    )
    assert {"listing_form_started", "ai_suggestion_requested", "ai_suggestion_accepted"} <= names
    assert "listing_published" in names
    # Their listings were taken down again: the marketplace looks as it did.
    assert not Listing.objects.active().filter(seller__in=sellers).exists()


def test_it_runs_against_production_settings(prompt_experiment, settings):
    """A real site answers to its own host names only, over HTTPS."""
    settings.ALLOWED_HOSTS = [".bazaar.example", "www.bazaar.example"]
    settings.SECURE_SSL_REDIRECT = True
    out, err = simulate(*SELLERS)
    assert "30 exposed" in out
    assert err == ""


def test_a_view_serving_the_wrong_version_is_reported(prompt_experiment, monkeypatch):
    """The label-following bug of issue 12: the view decides the variant (and exposes the
    seller), then serves production to everyone."""
    decide = assistant.assistant_prompt_for
    monkeypatch.setattr(
        assistant,
        "assistant_prompt_for",
        lambda request: ("listing_assistant", decide(request)[1]),
    )
    _, err = simulate(*SELLERS)
    assert "Problem: A seller in 'treatment' was answered by listing_assistant@1" in err


def test_a_view_that_forgets_to_track_is_reported(prompt_experiment, monkeypatch):
    from marketplace.views import assistant as view

    real_track = view.track
    monkeypatch.setattr(
        view,
        "track",
        lambda request, name, *args, **kwargs: (
            None if name == "ai_suggestion_accepted" else real_track(request, name, *args, **kwargs)
        ),
    )
    _, err = simulate(*SELLERS)
    assert "did what records 'ai_suggestion_accepted'" in err
    assert "the site recorded 0." in err


def test_visitors_search_in_their_own_words_and_contact_sellers():
    ListingFactory.create_batch(5, title="iPhone 12 64GB")
    experiment = Experiment.objects.get(key=AI_SEARCH)
    services.start_experiment(experiment)
    out, err = simulate(
        "--experiment",
        AI_SEARCH,
        "--through-site",
        "--units",
        "30",
        "--baseline",
        "contact_rate=0.5",
        "--effect",
        "contact_rate=0.2",
    )
    assert err == ""
    assert "30 exposed" in out  # every visitor searched, where understanding decides
    exposures = Exposure.objects.filter(experiment=experiment)
    assert exposures.filter(is_simulated=True).count() == 30
    visitors = set(exposures.values_list("unit_id", flat=True))
    contacted = Event.objects.filter(name="contact_seller", properties__simulation=AI_SEARCH)
    assert contacted.exists()
    assert set(contacted.values_list("visitor_id", flat=True)) <= visitors
    assert Message.objects.filter(sender__username__startswith="sim-ai_search.").exists()


def test_clear_removes_everything_a_run_through_the_site_made_and_a_rerun_makes_it_again(
    prompt_experiment,
):
    simulate(*SELLERS)
    exposures = Exposure.objects.count()
    events = Event.objects.count()
    assert exposures == 30
    # Also the exposures the site wrote for them in other experiments.
    assistant_test = Experiment.objects.get(key=AI_LISTING_ASSISTANT)
    services.start_experiment(assistant_test)
    simulate("--experiment", LISTING_PROMPT_VERSION, "--clear")
    simulate(*SELLERS)
    assert Exposure.objects.filter(experiment=assistant_test).count() == 30
    services.pause_experiment(assistant_test)  # the flag decides again: everyone has it

    simulate("--experiment", LISTING_PROMPT_VERSION, "--clear")
    assert not Exposure.objects.exists()
    assert not Event.objects.exists()
    assert not User.objects.filter(username__startswith="sim-").exists()
    assert not AssistantSuggestion.objects.exists()

    simulate(*SELLERS)
    assert Exposure.objects.filter(experiment=prompt_experiment).count() == exposures
    assert Event.objects.filter(properties__simulation=LISTING_PROMPT_VERSION).count() > 0
    assert events > 0


def test_a_feature_without_a_journey_is_refused_with_the_ones_that_have_one():
    from django.core.management import CommandError

    from tests.experiments.factories import ExperimentFactory

    ExperimentFactory(key="checkout")
    with pytest.raises(CommandError, match=r"No journey drives the feature 'checkout'.*ai_search"):
        simulate("--experiment", "checkout", "--through-site", "--units", "5")
