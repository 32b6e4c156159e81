"""variant_for and track as a person meets them: through requests, cookies and log-ins."""

import threading

import pytest
from django.core.cache import cache
from django.test import Client

from experiments.api import record_event, variant_for
from experiments.assignment import assign
from experiments.models import Event, Experiment, Exposure
from experiments.units import VISITOR_COOKIE
from tests.experiments.factories import ExperimentFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.experiments.urls")]


def get_variant(client: Client, key: str, **params) -> dict:
    """The variant a returning browser gets: one that has its visitor cookie already (a visitor
    counts in experiments from the request after the one that gave it the cookie)."""
    if VISITOR_COOKIE not in client.cookies:
        client.get("/track-nothing/")
    response = client.get(f"/variant/{key}/", params)
    assert response.status_code == 200
    return response.json()


def test_a_browser_is_not_a_unit_until_it_sends_its_cookie_back(client):
    """Clients that keep no cookies (bots, load tests, link previews) would be a new unit on every
    request: 1,524 requests gave 1,540 exposures (issue 12, item 7)."""
    ExperimentFactory(key="checkout")
    for _ in range(20):
        client.cookies.clear()
        data = client.get("/variant/checkout/").json()
        assert (data["variant"], data["in_experiment"]) == ("control", False)
    assert not Exposure.objects.exists()
    data = client.get("/variant/checkout/").json()  # the same browser, cookie sent back
    assert data["in_experiment"]
    assert Exposure.objects.get().unit_id == data["visitor"]


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/131.0.0.0 Safari/537.36",
    ],
)
def test_known_bots_get_the_default_and_are_never_exposed(user_agent):
    ExperimentFactory(key="checkout")
    bot = Client(HTTP_USER_AGENT=user_agent)
    user = UserFactory()
    bot.force_login(user)
    ExperimentFactory(key="account_test", unit_type="user")
    for key in ("checkout", "account_test"):
        for _ in range(3):
            data = get_variant(bot, key)
            assert (data["variant"], data["in_experiment"]) == ("control", False)
    assert not Exposure.objects.exists()


def test_people_browsers_are_not_taken_for_bots():
    ExperimentFactory(key="checkout")
    for user_agent in (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    ):
        assert get_variant(Client(HTTP_USER_AGENT=user_agent), "checkout")["in_experiment"]
    assert Exposure.objects.count() == 3


def test_a_new_visitor_gets_a_signed_cookie_that_lasts_a_year(client):
    response = client.get("/variant/anything/")
    cookie = response.cookies[VISITOR_COOKIE]
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["httponly"]
    assert response.json()["visitor"] in cookie.value  # signed: the id plus a signature


def test_a_tampered_visitor_cookie_is_replaced(client):
    client.cookies[VISITOR_COOKIE] = "0" * 32  # an id the visitor picked, without a signature
    data = get_variant(client, "anything")
    assert data["visitor"] != "0" * 32


def test_the_variant_is_the_hash_of_seed_and_unit(client):
    experiment = ExperimentFactory(key="checkout")
    data = get_variant(client, "checkout")
    expected = assign(experiment.hash_seed, data["visitor"], [0.5, 0.5], 1.0)
    assert data["variant"] == ["control", "treatment"][expected]
    assert data["in_experiment"] is True


def test_assignment_is_sticky_across_requests_log_in_and_restarts(client):
    ExperimentFactory(key="checkout")
    first = get_variant(client, "checkout")
    assert all(get_variant(client, "checkout")["variant"] == first["variant"] for _ in range(5))

    user = UserFactory()
    client.force_login(user)
    assert (
        get_variant(client, "checkout")["variant"] == first["variant"]
    )  # visitor unit survives log-in

    cache.clear()  # a restart: nothing in memory
    restarted = Client()
    restarted.cookies[VISITOR_COOKIE] = client.cookies[VISITOR_COOKIE].value
    assert restarted.get("/variant/checkout/").json()["variant"] == first["variant"]
    assert get_variant(restarted, "checkout")["variant"] == first["variant"]


def test_user_experiments_follow_the_account_across_browsers():
    ExperimentFactory(key="new_form", unit_type="user")
    user = UserFactory()
    variants = set()
    for _ in range(3):
        browser = Client()
        browser.force_login(user)
        variants.add(get_variant(browser, "new_form")["variant"])
    assert len(variants) == 1


def test_an_anonymous_visitor_gets_control_of_a_user_experiment_and_is_not_counted(client):
    ExperimentFactory(key="new_form", unit_type="user")
    data = get_variant(client, "new_form")
    assert data == {**data, "variant": "control", "in_experiment": False}
    assert not Exposure.objects.exists()


def test_the_exposure_is_written_once_per_unit(client):
    experiment = ExperimentFactory(key="checkout")
    for _ in range(4):
        get_variant(client, "checkout")
    cache.clear()  # even when the "already exposed" memo is gone
    get_variant(client, "checkout")
    assert Exposure.objects.filter(experiment=experiment).count() == 1


@pytest.mark.parametrize("unit_type", ["visitor", "user"])
def test_deciding_for_a_unit_already_exposed_costs_one_cache_read_and_no_query(
    rf, monkeypatch, django_assert_num_queries, unit_type
):
    experiment = ExperimentFactory(key="checkout", unit_type=unit_type)
    request = rf.get("/")
    request.visitor_id = "a" * 32
    request.user = UserFactory()
    first = variant_for(request, "checkout")  # the first visit writes the exposure
    assert first.in_experiment

    reads: list[str] = []  # the cache calls variant_for makes (not those they make inside)

    def counted(method, original):
        def read(*args, **kwargs):
            outermost = not getattr(read_depth, "value", 0)
            if outermost:
                reads.append(method)
            read_depth.value = getattr(read_depth, "value", 0) + 1
            try:
                return original(*args, **kwargs)
            finally:
                read_depth.value -= 1

        return read

    read_depth = threading.local()
    for method in ("get", "get_many", "has_key"):
        monkeypatch.setattr(cache, method, counted(method, getattr(cache, method)))
    again = rf.get("/")
    again.visitor_id, again.user = request.visitor_id, request.user
    with django_assert_num_queries(0):
        assert variant_for(again, "checkout") == first
    assert reads == ["get_many"]
    assert Exposure.objects.filter(experiment=experiment).count() == 1


def test_a_re_created_experiment_records_its_own_exposures(client):
    ExperimentFactory(key="checkout")
    get_variant(client, "checkout")
    Experiment.objects.get(key="checkout").delete()
    recreated = ExperimentFactory(key="checkout")
    get_variant(client, "checkout")  # the cache remembers the old experiment's exposure only
    assert Exposure.objects.filter(experiment=recreated).count() == 1


def test_staff_can_force_a_variant_which_records_nothing(client):
    ExperimentFactory(key="checkout")
    client.force_login(UserFactory(is_staff=True))
    for wanted in ("treatment", "control"):
        data = get_variant(client, "checkout", xp_checkout=wanted)
        assert (data["variant"], data["forced"], data["in_experiment"]) == (wanted, True, False)
    assert not Exposure.objects.exists()


def test_a_visitor_cannot_force_a_variant(client):
    experiment = ExperimentFactory(key="checkout")
    data = get_variant(client, "checkout", xp_checkout="treatment")
    assert data["forced"] is False
    expected = assign(experiment.hash_seed, data["visitor"], [0.5, 0.5], 1.0)
    assert data["variant"] == ["control", "treatment"][expected]


@pytest.mark.parametrize("status", [Experiment.Status.PAUSED, Experiment.Status.DRAFT])
def test_a_paused_or_draft_experiment_serves_control_and_records_nothing(status):
    ExperimentFactory(key="checkout", status=status)
    for _ in range(20):
        data = get_variant(Client(), "checkout")
        assert (data["variant"], data["in_experiment"]) == ("control", False)
    assert not Exposure.objects.exists()


def test_a_concluded_experiment_serves_the_shipped_variant_to_everyone():
    experiment = ExperimentFactory(key="checkout")
    experiment.status = Experiment.Status.CONCLUDED
    experiment.shipped_variant = experiment.variants.get(key="treatment")
    experiment.save()
    assert {get_variant(Client(), "checkout")["variant"] for _ in range(10)} == {"treatment"}
    assert not Exposure.objects.exists()


def test_raising_coverage_moves_no_exposed_unit_to_another_variant():
    experiment = ExperimentFactory(key="checkout")
    experiment.coverage = 0.2
    experiment.save()
    browsers = [Client() for _ in range(150)]
    before = {i: get_variant(b, "checkout") for i, b in enumerate(browsers)}
    inside = {i for i, d in before.items() if d["in_experiment"]}
    assert 10 < len(inside) < 60  # about 20% of 150

    experiment.coverage = 1.0
    experiment.save()
    after = {i: get_variant(b, "checkout") for i, b in enumerate(browsers)}
    assert all(after[i]["variant"] == before[i]["variant"] for i in inside)
    assert all(d["in_experiment"] for d in after.values())


def test_an_unknown_experiment_answers_control_instead_of_failing(client):
    data = get_variant(client, "no_such_experiment")
    assert (data["variant"], data["in_experiment"]) == ("control", False)


def test_track_records_the_event_with_both_unit_ids(client):
    user = UserFactory()
    client.force_login(user)
    client.get("/track/listing_view/", {"value": "2.5"})
    event = Event.objects.get()
    assert (event.name, event.user_id, event.value) == ("listing_view", str(user.pk), 2.5)
    assert event.visitor_id == client.cookies[VISITOR_COOKIE].value.split(":")[0]
    assert event.properties == {"page": "test"}


def test_an_idempotency_key_drops_duplicate_events(client):
    assert client.get("/track/listing_published/", {"key": "publish-42"}).json()["recorded"]
    assert not client.get("/track/listing_published/", {"key": "publish-42"}).json()["recorded"]
    client.get("/track/listing_published/", {"key": "publish-43"})
    assert Event.objects.count() == 2


def test_event_properties_are_stored_without_what_postgresql_refuses():
    """A property can come from a request (a search query): a NUL, which JSONB refuses in any
    string, or a number JSON cannot write, is dropped rather than turning the request into a 500."""
    properties = {"q": "bi\x00ke", "words": ["a\x00b"], "\x00n": {"x": float("nan")}}
    event = record_event("search", visitor_id="v", properties={**properties, "big": float("inf")})
    assert event is not None
    event.refresh_from_db()
    assert event.properties == {"q": "bike", "words": ["ab"], "n": {"x": None}, "big": None}


def test_template_tags_decide_and_track(client):
    ExperimentFactory(key="checkout")
    client.get("/track-nothing/")  # a returning browser
    rendered = client.get("/tags/checkout/").json()["rendered"]
    variant, tracked = rendered.split("|")
    assert variant in {"control", "treatment"}
    assert tracked == ""
    assert Event.objects.get().properties == {"where": "tag"}
    assert Exposure.objects.count() == 1


def test_variant_for_memoises_per_request(rf, django_assert_num_queries):
    ExperimentFactory(key="checkout")
    request = rf.get("/")
    request.visitor_id = "a" * 32
    request.user = UserFactory.build()
    variant_for(request, "checkout")
    with django_assert_num_queries(0):
        variant_for(request, "checkout")


IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
ANDROID_TABLET = (
    "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)
DESKTOP = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [(IPHONE, "mobile"), (ANDROID_TABLET, "mobile"), (DESKTOP, "desktop"), ("", "desktop")],
)
def test_the_exposure_records_the_device_and_that_the_visitor_returned(user_agent, device):
    ExperimentFactory(key="checkout")
    get_variant(Client(HTTP_USER_AGENT=user_agent), "checkout")
    assert Exposure.objects.get().dimensions == {"device": device, "visitor": "returning"}


def test_an_account_on_a_browser_new_to_the_site_is_a_new_visitor(client):
    ExperimentFactory(key="account_test", unit_type="user")
    client.force_login(UserFactory())
    client.get("/variant/account_test/")  # no visitor cookie yet: this request sets it
    assert Exposure.objects.get().dimensions == {"device": "desktop", "visitor": "new"}


def test_the_category_page_records_its_category(client):
    ExperimentFactory(key="checkout")
    client.get("/track-nothing/")
    client.get("/c/bikes/variant/checkout/")
    assert Exposure.objects.get().dimensions["category"] == "bikes"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_event_alone_does_not_wait_for_the_disk_and_a_callers_transaction_stays_durable():
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    def relaxed(queries: CaptureQueriesContext) -> bool:
        return any("synchronous_commit" in q["sql"] for q in queries.captured_queries)

    with CaptureQueriesContext(connection) as alone:
        event = record_event("page_view", visitor_id="v1", value=2.5, properties={"q": "sofa"})
    assert relaxed(alone)
    assert len(alone) == 1  # one statement, as a plain save() was
    stored = Event.objects.get(pk=event.pk)
    assert (stored.name, stored.visitor_id, stored.value) == ("page_view", "v1", 2.5)
    assert stored.properties == {"q": "sofa"}
    assert stored.timestamp == event.timestamp
    with connection.cursor() as cursor:  # the setting ended with the event's transaction
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"

    with CaptureQueriesContext(connection) as inside, transaction.atomic():
        record_event("page_view", visitor_id="v2")
    assert not relaxed(inside)
    assert Event.objects.filter(name="page_view").count() == 2
