import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from marketplace import cards, newest
from marketplace.categories import forget_categories
from tests.factories import ListingFactory, UserFactory


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked ``postgres`` or ``redis`` need that service.

    Locally (SQLite, no Redis) they are skipped; with ``BAZAAR_REQUIRE_SERVICES=1``, as in CI, a
    missing service fails them instead, so CI can never go green by skipping them.
    """
    missing = []
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        missing.append("PostgreSQL (set DATABASE_URL)")
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        missing.append("Redis (set REDIS_URL)")
    if missing:
        message = f"needs {', '.join(missing)}"
        if settings.REQUIRE_SERVICES:
            pytest.fail(f"{message}, and BAZAAR_REQUIRE_SERVICES is on")
        pytest.skip(message)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (waffle, experiments and the LLM cache live there),
    and so do the per-process caches of the pages (cards, categories, newest listings)."""
    cache.clear()
    cards.clear()
    newest.clear()
    forget_categories()
    yield
    cache.clear()
    cards.clear()
    newest.clear()
    forget_categories()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def listing(db):
    return ListingFactory()


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


# Recognisable, so that a test can prove it is stored and logged nowhere.
FAKE_OPENAI_KEY = "sk-test-bazaar-fake-key-0123456789abcdef"


@pytest.fixture
def fake_openai(settings):
    """An OpenAI-compatible server on 127.0.0.1, with the settings pointing at it.

    Script it with ``fake_openai.queue(...)`` (see ``llm.fake_server``); read what the SDK sent
    in ``fake_openai.requests``.
    """
    from llm.fake_server import FakeOpenAIServer

    with FakeOpenAIServer() as server:
        settings.LLM_PROVIDER = "openai"
        settings.OPENAI_BASE_URL = server.base_url
        settings.OPENAI_API_KEY = FAKE_OPENAI_KEY
        settings.LLM_MAX_RETRIES = 0
        settings.LLM_TIMEOUT_SECONDS = 2.0
        yield server
