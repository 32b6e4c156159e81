"""waffle on Bazaar's flag model: deterministic percent rollouts, flags linked to experiments."""

from typing import Any, cast

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from waffle import flag_is_active

from experiments.assignment import bucket
from experiments.models import Experiment, Exposure, Flag
from tests.experiments.factories import ExperimentFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def make_flag(**fields: Any) -> Flag:
    """A saved Flag (waffle types its manager for its abstract base model, not for ours)."""
    return cast(Flag, Flag.objects.create(**fields))


def request_for(visitor_id: str):
    request = RequestFactory().get("/")
    request.visitor_id = visitor_id  # type: ignore[attr-defined]  # VisitorMiddleware's
    request.user = AnonymousUser()
    return request


def visitors(n: int) -> list[str]:
    return [f"{i:032x}" for i in range(n)]


def test_a_percent_rollout_is_deterministic_per_visitor():
    make_flag(name="new_gallery", percent=30, superusers=False)
    first = [flag_is_active(request_for(v), "new_gallery") for v in visitors(400)]
    second = [flag_is_active(request_for(v), "new_gallery") for v in visitors(400)]
    assert first == second
    assert 0.22 < sum(first) / len(first) < 0.38
    assert first == [bucket("flag:new_gallery", v) < 0.30 for v in visitors(400)]


def test_raising_the_percent_keeps_everyone_who_had_the_flag(django_capture_on_commit_callbacks):
    flag = make_flag(name="new_gallery", percent=20, superusers=False)
    before = {v for v in visitors(300) if flag_is_active(request_for(v), "new_gallery")}
    with django_capture_on_commit_callbacks(execute=True):
        flag.percent = 60
        flag.save()  # waffle forgets the cached flag on commit
    after = {v for v in visitors(300) if flag_is_active(request_for(v), "new_gallery")}
    assert before < after


def test_a_percent_rollout_keeps_the_rest_of_waffles_rules_and_sets_no_cookie_of_its_own():
    flag = make_flag(name="new_gallery", percent=10, superusers=False)
    outside = next(v for v in visitors(100) if bucket("flag:new_gallery", v) >= 0.10)
    tester = UserFactory()
    flag.users.add(tester)
    request = request_for(outside)
    assert flag_is_active(request, "new_gallery") is False
    request.user = tester
    assert flag_is_active(request, "new_gallery") is True  # listed users have it, whatever the hash
    assert not getattr(request, "waffles", None)  # waffle's random-draw cookie is never set
    Flag.objects.filter(pk=flag.pk).update(everyone=False)
    flag.flush()
    request = request_for(outside)  # the next request (one request keeps its answers)
    request.user = tester
    assert flag_is_active(request, "new_gallery") is False  # "everyone: no" turns it off for all


class CountingCache:
    """Waffle's cache, counting the reads."""

    def __init__(self, cache: Any) -> None:
        self.cache, self.reads = cache, 0

    def get(self, *args: Any, **kwargs: Any) -> Any:
        self.reads += 1
        return self.cache.get(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cache, name)


def test_a_request_that_asks_twice_is_answered_once(monkeypatch, django_assert_num_queries):
    import waffle.models

    flag = make_flag(name="new_gallery", everyone=None, percent=10, superusers=False)
    outside = next(v for v in visitors(100) if bucket("flag:new_gallery", v) >= 0.10)
    request = request_for(outside)
    assert flag_is_active(request, "new_gallery") is False
    counting = CountingCache(waffle.models.get_cache())
    monkeypatch.setattr(waffle.models, "get_cache", lambda: counting)
    with django_assert_num_queries(0):
        assert flag_is_active(request, "new_gallery") is False
    assert counting.reads == 1  # the flag itself (waffle's Flag.get); its rules are not read again
    tester = UserFactory()
    flag.users.add(tester)
    request.user = tester  # another person (logged in within the request): decided anew
    assert flag_is_active(request, "new_gallery") is True


def test_a_flag_linked_to_a_running_experiment_follows_the_variant_and_records_exposure():
    experiment = ExperimentFactory(key="checkout")
    make_flag(name="checkout", feature=experiment.feature, everyone=None, superusers=False)
    ids = visitors(40)
    active = {v: flag_is_active(request_for(v), "checkout") for v in ids}
    exposures = dict(Exposure.objects.values_list("unit_id", "variant__key"))
    assert set(exposures) == set(ids)
    assert all(active[v] == (exposures[v] == "treatment") for v in ids)


def test_a_flag_linked_to_a_draft_experiment_uses_its_own_settings():
    experiment = ExperimentFactory(key="checkout", status=Experiment.Status.DRAFT)
    make_flag(name="checkout", feature=experiment.feature, everyone=True)
    assert flag_is_active(request_for("a" * 32), "checkout") is True
    assert not Exposure.objects.exists()
