"""A card's age ("3 hours ago") is timesince's word for word, however it is computed."""

import random
from datetime import timedelta

from django.utils import timezone, translation
from django.utils.timesince import timesince

from marketplace.templatetags.bazaar import ago


def timesince_ago(value, now) -> str:
    return (
        "just now"
        if now - value < timedelta(minutes=1)
        else f"{timesince(value, now=now, depth=1)} ago"
    )


def test_every_age_reads_as_timesince_words_it():
    now = timezone.now()
    rng = random.Random(7)
    seconds: list[float] = [0, 59, 60, 61, 3_599, 3_600, 86_399, 86_400, 604_799, 604_800]
    seconds += [27 * 86_400 - 1, 27 * 86_400, 31 * 86_400, 400 * 86_400]  # the month boundary
    seconds += [rng.uniform(0, 60 * 86_400) for _ in range(2_000)]
    for elapsed in seconds:
        value = now - timedelta(seconds=elapsed)
        with translation.override("en"):  # ago() reads the clock itself: allow a minute's tick
            assert ago(value) in {timesince_ago(value, now), timesince_ago(value, timezone.now())}


def test_the_words_follow_the_active_language():
    value = timezone.now() - timedelta(hours=5, minutes=3)
    with translation.override("de"):
        german = ago(value)
    with translation.override("en"):
        english = ago(value)
    assert english == "5\xa0hours ago"
    assert german.startswith("5\xa0Stunden")
