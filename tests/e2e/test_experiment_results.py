"""A staff member reads an experiment's results in the admin after simulated traffic."""

import re
from collections.abc import Callable

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from experiments.models import Experiment
from experiments.services import start_experiment
from marketplace.ab_tests import AI_SEARCH
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def simulated_search_experiment() -> Experiment:
    """``ai_search`` running, with two weeks of simulated visitors and a true +30% effect."""
    experiment = Experiment.objects.get(key=AI_SEARCH)
    start_experiment(experiment)
    call_command(
        "simulate_traffic",
        "--experiment",
        AI_SEARCH,
        "--units",
        "3000",
        "--seed",
        "7",
        "--baseline",
        "contact_rate=0.2",
        "--effect",
        "contact_rate=0.3",
        verbosity=0,
    )
    return experiment


def test_staff_refresh_and_read_the_results_of_an_experiment(
    new_page: Callable[..., Page], simulated_search_experiment: Experiment
):
    UserFactory(username="olga", is_staff=True, is_superuser=True)
    admin = new_page()
    admin.goto("/admin/")
    admin.get_by_label("Username").fill("olga")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Log in").click()

    admin.get_by_role("rowheader", name="Experiments", exact=True).get_by_role("link").click()
    admin.get_by_role("link", name=simulated_search_experiment.name).click()
    admin.get_by_role("link", name="Results", exact=True).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(
        f"Results: {simulated_search_experiment.name}"
    )
    expect(admin.get_by_text("No results yet")).to_be_visible()

    admin.get_by_role("button", name="Refresh results").click()
    expect(admin.get_by_text(re.compile(r"Results refreshed: 3,000 exposed units"))).to_be_visible()
    expect(admin.get_by_text("Simulated data", exact=True)).to_be_visible()
    expect(admin.get_by_text(re.compile(r"^Sample ratio check: p = "))).to_be_visible()
    expect(admin.get_by_role("alert")).to_have_count(0)  # no SRM or guardrail alarm

    primary = admin.locator(".results-section").filter(
        has=admin.get_by_role("heading", name=re.compile(r"^Contacted a seller"))
    )
    table = primary.get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(
        [
            "Variant",
            "Units",
            "Rate",
            "Lift",
            "95% CI",
            "p-value",
            "Chance to win",
            "Verdict",
        ]
    )
    rows = table.locator("tbody").get_by_role("row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("control")
    treatment = rows.nth(1).get_by_role("cell")
    expect(treatment.nth(3)).to_have_text(re.compile(r"^\+\d+(\.\d)?%$"))
    expect(treatment.nth(4)).to_have_text(re.compile(r"^\+?-?\d+(\.\d)?% to \+\d+(\.\d)?%$"))
    expect(treatment.nth(5)).to_have_text(re.compile(r"^p (< 0\.001|= 0\.0\d+)$"))

    # The charts: the lift of every metric, and the primary metric's lift by day.
    charts = admin.get_by_role("img")
    expect(charts.filter(has_text="lift")).not_to_have_count(0)
    expect(admin.locator("svg.chart")).to_have_count(2)
    expect(
        admin.get_by_role("heading", name="Cumulative lift of Contacted a seller by day")
    ).to_be_visible()

    # How the results are read, and a breakdown by device with its warning.
    expect(admin.get_by_role("heading", name="How these results are read")).to_be_visible()
    expect(admin.get_by_text(re.compile(r"^Frequentist, fixed horizon"))).to_be_visible()
    admin.get_by_role("link", name="device", exact=True).click()
    expect(admin.get_by_text("Slices are ideas, not results.")).to_be_visible()
    breakdown = admin.locator(".results-breakdown tbody tr")
    expect(breakdown).to_have_count(4)  # desktop and mobile, control and treatment each
    expect(breakdown.nth(0)).to_contain_text("desktop")
