"""The marketplace's experiments, their metrics, and the flags that switch the AI features.

``experiments`` knows nothing about listings; this module says what the marketplace tests, and
registers it (``experiments.definitions``). ``manage.py sync_site`` creates whatever is missing
(in draft: ``seed_demo`` starts the demo's experiments; the admin starts them on a real site).
Rows that exist are left alone, since the admin owns them once they exist.
"""

from __future__ import annotations

from experiments import definitions
from experiments.api import load_spec
from experiments.definitions import ExperimentDefinition, MetricDefinition
from experiments.models import Experiment, Metric, UnitType
from experiments.services import start_experiment

# Experiment features, as the views ask for them (variant_for(request, FEATURE)). The first
# experiment on each has the feature's name as its key; the admin starts later iterations.
AI_LISTING_ASSISTANT = "ai_listing_assistant"
LISTING_PROMPT_VERSION = "listing_prompt_version"
AI_SEARCH = "ai_search"

# The prompt (ai_features/listing_assistant/) whose versions the prompt experiment compares.
LISTING_ASSISTANT_PROMPT = "listing_assistant"

# Event names the marketplace tracks.
LISTING_FORM_STARTED = "listing_form_started"
LISTING_PUBLISHED = "listing_published"
AI_SUGGESTION_REQUESTED = "ai_suggestion_requested"
AI_SUGGESTION_ACCEPTED = "ai_suggestion_accepted"
LISTING_FLAGGED = "listing_flagged"
SEARCH = "search"
SEARCH_NO_RESULTS = "search_no_results"
LISTING_VIEW = "listing_view"
CONTACT_SELLER = "contact_seller"
FAVOURITE_ADDED = "favourite_added"

C, N, S = Metric.Kind.CONVERSION, Metric.Kind.COUNT, Metric.Kind.SUM
HIGHER, LOWER = Metric.Direction.HIGHER, Metric.Direction.LOWER

METRICS = [
    MetricDefinition(
        "publish_rate",
        "Listing published",
        LISTING_PUBLISHED,
        C,
        HIGHER,
        "Share of units who published at least one listing after exposure.",
    ),
    MetricDefinition(
        "listings_per_seller",
        "Listings published per unit",
        LISTING_PUBLISHED,
        N,
        HIGHER,
        "Listings published per exposed unit.",
    ),
    MetricDefinition(
        "suggestion_request_rate",
        "Asked the assistant",
        AI_SUGGESTION_REQUESTED,
        C,
        HIGHER,
        "Share of units who asked the listing assistant for a suggestion.",
    ),
    MetricDefinition(
        "suggestion_accept_rate",
        "Accepted a suggestion",
        AI_SUGGESTION_ACCEPTED,
        C,
        HIGHER,
        "Share of units who accepted at least one of the assistant's suggestions.",
    ),
    MetricDefinition(
        "flagged_listings",
        "Listings flagged by moderation",
        LISTING_FLAGGED,
        N,
        LOWER,
        "Listings per unit that the enrichment job sent to the moderation queue.",
    ),
    MetricDefinition(
        "contact_rate",
        "Contacted a seller",
        CONTACT_SELLER,
        C,
        HIGHER,
        "Share of units who messaged at least one seller.",
    ),
    MetricDefinition(
        "listing_views",
        "Listing views per unit",
        LISTING_VIEW,
        N,
        HIGHER,
        "Listing detail pages opened per unit.",
    ),
    MetricDefinition(
        "favourite_rate",
        "Saved a favourite",
        FAVOURITE_ADDED,
        C,
        HIGHER,
        "Share of units who saved at least one listing.",
    ),
    MetricDefinition(
        "zero_result_searches",
        "Searches with no results",
        SEARCH_NO_RESULTS,
        N,
        LOWER,
        "Searches per unit that found nothing: understanding must not over-filter.",
    ),
]


EXPERIMENTS = [
    ExperimentDefinition(
        key=AI_LISTING_ASSISTANT,
        name="AI listing assistant",
        hypothesis=(
            "If sellers get title, description, category and attribute suggestions from their "
            "rough text, more of those who open the form publish a listing, because writing a "
            "good ad is the hard part."
        ),
        unit_type=UnitType.USER,
        variants=[
            ("control", "No assistant", True, {"enabled": False}),
            ("treatment", "Assistant on the form", False, {"enabled": True}),
        ],
        primary="publish_rate",
        secondary=["listings_per_seller", "suggestion_accept_rate"],
        guardrails=["flagged_listings"],
        flag=AI_LISTING_ASSISTANT,
    ),
    ExperimentDefinition(
        key=LISTING_PROMPT_VERSION,
        name="Listing assistant prompt: production vs candidate",
        hypothesis=(
            "If the assistant answers with the candidate prompt version, sellers accept more of "
            "its suggestions, because the offline evaluation scored it higher."
        ),
        unit_type=UnitType.USER,
        variants=[
            (
                "control",
                "Production prompt",
                True,
                {"prompt_label": "production"},
            ),
            (
                "treatment",
                "Candidate prompt",
                False,
                {"prompt_label": "candidate"},
            ),
        ],
        primary="suggestion_accept_rate",
        secondary=["publish_rate"],
        guardrails=["flagged_listings"],
        prompt_name=LISTING_ASSISTANT_PROMPT,
    ),
    ExperimentDefinition(
        key=AI_SEARCH,
        name="AI search understanding",
        hypothesis=(
            "If a free-text query becomes structured filters, more visitors contact a seller, "
            "because they reach relevant listings faster."
        ),
        unit_type=UnitType.VISITOR,
        variants=[
            ("control", "Plain search", True, {"enabled": False}),
            ("treatment", "Search understanding", False, {"enabled": True}),
        ],
        primary="contact_rate",
        secondary=["listing_views", "favourite_rate"],
        guardrails=["zero_result_searches"],
        flag=AI_SEARCH,
    ),
]


definitions.register(metrics=METRICS, experiments=EXPERIMENTS)


# The experiments the demo starts: the two AI features meet half of their users each. The prompt
# experiment waits for a candidate prompt (docs/walkthrough.md starts it).
DEMO_RUNNING = (AI_LISTING_ASSISTANT, AI_SEARCH)


def start_demo_experiments() -> list[Experiment]:
    """Start the demo's experiments that are still drafts; returns the ones it started."""
    started = []
    for experiment in Experiment.objects.filter(
        key__in=DEMO_RUNNING, status=Experiment.Status.DRAFT
    ):
        start_experiment(experiment)
        started.append(experiment)
    return started


def assistant_group(user_id: int) -> str:
    """The variant key a user gets in the assistant experiment, without recording anything."""
    spec = load_spec(AI_LISTING_ASSISTANT)  # the feature's current experiment
    variant = spec.assign(str(user_id)) if spec else None
    return variant.key if variant else "control"
