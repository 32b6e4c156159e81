"""The Redis cache backend (config/cache.py): Django's, with one Redis client per pool."""

import multiprocessing

import pytest

from config.cache import RedisCache

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_cache(settings):
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "bazaar-test-cache"})
    yield cache
    cache.delete_many(["value", "counter", "added"])


def test_every_call_shares_one_client_and_the_cache_works(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client

    redis_cache.set("value", {"a": [1, 2]})
    assert redis_cache.get("value") == {"a": [1, 2]}
    assert redis_cache.get_many(["value", "missing"]) == {"value": {"a": [1, 2]}}
    assert redis_cache.add("added", 1)
    assert not redis_cache.add("added", 2)
    redis_cache.set("counter", 1)
    assert redis_cache.incr("counter") == 2
    assert redis_cache.delete("counter")
    assert redis_cache.get("counter") is None


def _read_in_child(cache: RedisCache, answers: multiprocessing.Queue) -> None:
    answers.put(cache.get("value"))


def test_a_forked_process_reads_through_its_own_connection(redis_cache):
    redis_cache.set("value", "from the parent")  # the parent's pool now holds a connection
    context = multiprocessing.get_context("fork")
    answers = context.Queue()
    child = context.Process(target=_read_in_child, args=(redis_cache, answers))
    child.start()
    child.join(timeout=20)
    assert answers.get(timeout=5) == "from the parent"
    assert redis_cache.get("value") == "from the parent"  # and the parent's still works
