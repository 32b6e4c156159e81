"""The results page, the refresh button and the conclusion form in the admin, as staff see them."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.test import Client, RequestFactory
from django.utils import timezone

from experiments import services
from experiments.api import variant_for
from experiments.models import DailyResult, Experiment, Exposure, Metric, ResultSnapshot
from tests.experiments.factories import ExperimentFactory, MetricFactory
from tests.experiments.traffic import add_units
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXPOSED = timezone.now() - timedelta(days=2)


@pytest.fixture
def experiment():
    published = MetricFactory(key="published", name="Listing published", event_name="published")
    experiment = ExperimentFactory(  # planned for a 40% lift: the traffic below reaches it
        key="assistant",
        name="AI listing assistant",
        primary_metric=published,
        minimum_detectable_effect=0.4,
    )
    experiment.guardrail_metrics.add(
        MetricFactory(
            key="flagged",
            name="Listings flagged",
            event_name="flagged",
            kind=Metric.Kind.COUNT,
            direction=Metric.Direction.LOWER,
        )
    )
    return experiment


@pytest.fixture
def traffic(experiment):
    add_units(
        experiment, "control", 1000, exposed_at=EXPOSED, did={"published": 200, "flagged": 50}
    )
    add_units(
        experiment, "treatment", 1000, exposed_at=EXPOSED, did={"published": 260, "flagged": 90}
    )


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def url(experiment: Experiment, page: str = "results") -> str:
    return f"/admin/experiments/experiment/{experiment.pk}/{page}/"


def text_of(response) -> str:
    """The page's text without tags, spaces collapsed: what a person reads."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_before_any_refresh_the_page_says_there_are_no_results_yet(staff_client, experiment):
    response = staff_client.get(url(experiment))
    assert response.status_code == 200
    page = text_of(response)
    assert "No results yet — Refresh" in page
    assert 'value="Refresh results"' in response.text
    assert "AI listing assistant" in page


def test_the_page_shows_each_metrics_table_verdicts_charts_and_progress(
    staff_client, experiment, traffic
):
    services.refresh_results(experiment)
    response = staff_client.get(url(experiment))
    assert response.status_code == 200
    page = text_of(response)
    assert "Treatment raises Listing published by 30% (95% CI 9% to 51%, p = 0.0054)" in page
    assert "Treatment raises Listings flagged by 80%" in page  # guardrail, the wrong way
    assert "Guardrail alarm: Listings flagged" in page
    assert "20.0%" in page  # control's rate
    assert "26.0%" in page
    assert "Sample ratio check: p = 1" in page
    assert "Listing published: 1,000 of" in page
    assert response.text.count('class="chart"') == 2  # the forest plot and the lift by day
    assert "Simulated data" not in page
    assert not re.search(r"\b(nan|inf|none)\b", page, re.IGNORECASE)


def test_a_split_within_chance_shows_no_srm_banner(staff_client, experiment):
    add_units(experiment, "control", 1_040, exposed_at=EXPOSED)
    add_units(experiment, "treatment", 960, exposed_at=EXPOSED)
    services.refresh_results(experiment)
    response = staff_client.get(url(experiment))
    assert "results-banner srm" not in response.text
    assert "Sample ratio check: p = 0.074 (alarm below p = 0.001)" in text_of(response)


@pytest.mark.slow
def test_a_52_48_split_of_20000_units_shows_the_srm_banner(staff_client, experiment):
    add_units(experiment, "control", 10_400, exposed_at=EXPOSED)
    add_units(experiment, "treatment", 9_600, exposed_at=EXPOSED)
    services.refresh_results(experiment)
    page = text_of(staff_client.get(url(experiment)))
    assert "Sample ratio mismatch (SRM): p < 0.001" in page
    assert "Control 10,400 at 50%, Treatment 9,600 at 50%" in page


def test_simulated_units_are_labelled(staff_client, experiment):
    add_units(experiment, "control", 30, exposed_at=EXPOSED, simulated=True, prefix="sim-")
    services.refresh_results(experiment)
    page = text_of(staff_client.get(url(experiment)))
    assert "Simulated data 30 of the 30 units come from the traffic simulator" in page


def test_without_enough_data_the_page_gives_the_reason(staff_client, experiment):
    add_units(experiment, "control", 5, exposed_at=EXPOSED)
    services.refresh_results(experiment)
    response = staff_client.get(url(experiment))
    assert response.status_code == 200
    assert "Not enough data: no units in treatment." in text_of(response)


def test_results_stored_in_another_format_are_not_shown_but_explained(staff_client, experiment):
    ResultSnapshot.objects.create(
        experiment=experiment, computed_at=EXPOSED, window_end=EXPOSED, results={"format": 0}
    )
    response = staff_client.get(url(experiment))
    assert response.status_code == 200
    assert "These results cannot be shown" in text_of(response)


def test_the_refresh_button_needs_a_csrf_token_and_computes_a_snapshot(experiment, traffic):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.post(url(experiment, "results/refresh")).status_code == 403
    assert not ResultSnapshot.objects.exists()

    page = client.get(url(experiment))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = client.post(url(experiment, "results/refresh"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == url(experiment)
    assert ResultSnapshot.objects.filter(experiment=experiment).count() == 1
    # The chart's past days come from a background job (eager in the tests).
    days = services.finished_days(experiment, timezone.now())
    assert len(days) >= 9  # the ten days since the start, but the last may not have settled
    assert DailyResult.objects.filter(experiment=experiment).count() == len(days)
    assert "Results refreshed: 2,000 exposed units so far." in text_of(
        client.get(response["Location"])
    )


def test_refreshing_is_a_post(staff_client, experiment):
    assert staff_client.get(url(experiment, "results/refresh")).status_code == 405


def test_the_pages_are_for_staff_only(client, experiment):
    client.force_login(UserFactory())
    for page in ("results", "conclude"):
        response = client.get(url(experiment, page))
        assert response.status_code == 302
        assert response.url.startswith("/admin/login/")


def test_staff_who_may_only_view_see_the_results_but_cannot_refresh_or_conclude(client, experiment):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_experiment"))
    client.force_login(viewer)
    response = client.get(url(experiment))
    assert response.status_code == 200
    assert "Refresh results" not in response.text
    assert "Conclude…" not in response.text
    assert client.post(url(experiment, "results/refresh")).status_code == 403
    assert client.get(url(experiment, "conclude")).status_code == 403
    assert not ResultSnapshot.objects.exists()


def test_staff_without_permission_on_experiments_are_refused(client, experiment):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url(experiment)).status_code == 403


@pytest.mark.parametrize("object_id", ["999999", "abc"])
def test_an_unknown_experiment_is_a_404(staff_client, object_id):
    assert (
        staff_client.get(f"/admin/experiments/experiment/{object_id}/results/").status_code == 404
    )


def test_the_change_page_and_the_list_link_to_the_results(staff_client, experiment):
    change = staff_client.get(f"/admin/experiments/experiment/{experiment.pk}/change/")
    assert f'href="{url(experiment)}"' in change.text
    listing = staff_client.get("/admin/experiments/experiment/")
    assert f'href="{url(experiment)}"' in listing.text


def test_the_list_action_refreshes_the_selected_experiments(staff_client, experiment):
    other = ExperimentFactory()
    response = staff_client.post(
        "/admin/experiments/experiment/",
        {"action": "refresh_results_of_selected", "_selected_action": [experiment.pk, other.pk]},
        follow=True,
    )
    assert "Results refreshed for 2 experiment(s)." in text_of(response)
    assert ResultSnapshot.objects.filter(experiment=experiment).count() == 1
    assert ResultSnapshot.objects.filter(experiment=other).count() == 1


def test_the_conclusion_form_shows_the_primary_verdict_to_help(staff_client, experiment, traffic):
    services.refresh_results(experiment)
    response = staff_client.get(url(experiment, "conclude"))
    page = text_of(response)
    assert "Treatment raises Listing published by 30%" in page
    assert "Guardrail alarm: Listings flagged" in page
    assert 'value="Conclude the experiment"' in response.text


def test_concluding_in_the_admin_ships_the_variant_to_everyone(staff_client, experiment, traffic):
    treatment = experiment.variants.get(key="treatment")
    response = staff_client.post(
        url(experiment, "conclude"),
        {"decision": "ship", "shipped_variant": treatment.pk, "notes": "Publishing up, flags ok."},
    )
    assert response.status_code == 302
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.CONCLUDED
    assert experiment.shipped_variant == treatment
    assert experiment.decision_notes == "Publishing up, flags ok."
    page = text_of(staff_client.get(response.url))
    assert "AI listing assistant is concluded." in page
    assert "Concluded: Ship a variant (Treatment for everyone)" in page

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.visitor_id = "a-new-visitor"  # type: ignore[attr-defined]  # VisitorMiddleware's
    answer = variant_for(request, "assistant")
    assert (answer.variant_key, answer.in_experiment) == ("treatment", False)


def test_a_decision_that_does_not_fit_is_explained_and_changes_nothing(staff_client, experiment):
    response = staff_client.post(
        url(experiment, "conclude"), {"decision": "ship", "shipped_variant": "", "notes": "Go."}
    )
    assert response.status_code == 200
    assert "Choose the variant to ship." in text_of(response)
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.RUNNING


def test_notes_are_required_to_conclude(staff_client, experiment):
    response = staff_client.post(url(experiment, "conclude"), {"decision": "keep_control"})
    assert response.status_code == 200
    assert "This field is required." in text_of(response)
    experiment.refresh_from_db()
    assert experiment.status == Experiment.Status.RUNNING


def test_a_concluded_experiment_offers_no_second_conclusion(staff_client, experiment):
    services.conclude_experiment(experiment, decision="keep_control", notes="Flat.")
    assert "Conclude…" not in staff_client.get(url(experiment)).text
    response = staff_client.post(
        url(experiment, "conclude"), {"decision": "inconclusive", "notes": "Again."}, follow=True
    )
    assert response.status_code == 200
    assert "is concluded already: nothing changed" in text_of(response)
    experiment.refresh_from_db()
    assert experiment.decision == "keep_control"


def test_a_draft_without_variants_can_be_refreshed_and_shown(staff_client):
    draft = ExperimentFactory(
        status=Experiment.Status.DRAFT, started_at=None, variants=[("only", 1.0, {})]
    )
    draft.variants.all().delete()
    response = staff_client.post(url(draft, "results/refresh"), follow=True)
    assert response.status_code == 200
    assert "Results refreshed: 0 exposed units so far." in text_of(response)


def test_names_from_the_admin_are_escaped_in_tables_verdicts_and_charts(staff_client):
    metric = MetricFactory(key="evil", name='<img src=x onerror="alert(1)">', event_name="evil")
    experiment = ExperimentFactory(primary_metric=metric)
    experiment.variants.filter(key="treatment").update(name="<b>Bold</b>")
    add_units(experiment, "control", 50, exposed_at=EXPOSED, did={"evil": 10})
    add_units(experiment, "treatment", 50, exposed_at=EXPOSED, did={"evil": 20})
    services.refresh_results(experiment)
    response = staff_client.get(url(experiment))
    assert "<img src=x" not in response.text
    assert "<b>Bold</b>" not in response.text
    assert "&lt;b&gt;Bold&lt;/b&gt;" in response.text


def test_the_page_says_how_it_reads_the_results_with_each_method(staff_client, experiment, traffic):
    services.refresh_results(experiment)
    page = text_of(staff_client.get(url(experiment)))
    assert "How these results are read" in page
    assert "Frequentist, fixed horizon: Welch's t-test, valid when read once" in page
    assert "Adjusted p" not in page

    Experiment.objects.filter(pk=experiment.pk).update(stats_engine="bayesian", cuped=True)
    experiment.refresh_from_db()
    services.refresh_results(experiment)
    page = text_of(staff_client.get(url(experiment)))
    assert "Bayesian (flat prior)" in page
    assert "95% CrI" in page
    assert "Risk" in page
    assert "p-value" not in page
    assert "CUPED: each metric is adjusted" in page

    Experiment.objects.filter(pk=experiment.pk).update(stats_engine="fixed", correction="bh")
    experiment.refresh_from_db()
    services.refresh_results(experiment)
    page = text_of(staff_client.get(url(experiment)))
    assert "Benjamini–Hochberg over the 1 comparison of" in page
    assert "Adjusted p" in page
    assert not re.search(r"\b(nan|inf|none)\b", page, re.IGNORECASE)


def test_a_breakdown_shows_each_slice_with_a_warning_and_refuses_unknown_dimensions(
    staff_client, experiment
):
    for device in ("mobile", "desktop"):
        ids = add_units(
            experiment, "control", 300, exposed_at=EXPOSED, did={"published": 60}, prefix=device
        )
        ids += add_units(
            experiment, "treatment", 300, exposed_at=EXPOSED, did={"published": 90}, prefix=device
        )
        Exposure.objects.filter(unit_id__in=ids).update(dimensions={"device": device})
    services.refresh_results(experiment)

    response = staff_client.get(url(experiment), {"breakdown": "device"})
    page = text_of(response)
    assert "Slices are ideas, not results." in page
    assert "makes 2 comparisons more" in page
    assert "desktop Control 300 20.0%" in page
    assert "mobile Control 300 20.0%" in page
    assert page.count("Treatment 300 30.0% +50%") == 2

    response = staff_client.get(url(experiment), {"breakdown": "<script>x</script>"})
    assert response.status_code == 200
    assert "No breakdown by “&lt;script&gt;x&lt;/script&gt;”" in response.text
