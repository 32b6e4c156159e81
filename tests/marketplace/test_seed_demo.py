import hashlib
import io
import re
from collections import Counter
from datetime import timedelta
from typing import cast

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.core.management.base import OutputWrapper
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import User
from marketplace.catalog import CATEGORIES
from marketplace.demo import images as demo_images
from marketplace.demo import seeding
from marketplace.demo.generate import build_plan
from marketplace.demo.progress import ProgressBar
from marketplace.images import THUMBNAIL_SIZE
from marketplace.models import Favourite, Listing, ListingImage, Message, Thread
from tests.factories import FavouriteFactory, ListingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.catalogue]

SMALL = ("--listings", "40", "--users", "8")


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    """What two runs with the same seed must agree on (ids and timestamps aside)."""
    return sorted(
        (
            listing.seller.username,
            listing.category.slug,
            listing.title,
            listing.description,
            listing.price,
            listing.currency,
            listing.condition,
            listing.city,
            sorted(listing.attributes.items()),
            listing.status,
        )
        for listing in Listing.objects.select_related("seller", "category")
    )


def photo_fingerprints() -> dict[tuple[str, int], str]:
    fingerprints = {}
    for photo in ListingImage.objects.select_related("listing"):
        with default_storage.open(str(photo.image)) as file:
            digest = hashlib.sha256(file.read()).hexdigest()
        fingerprints[(photo.listing.title + photo.listing.description, photo.position)] = digest
    return fingerprints


def test_every_category_gets_listings_whose_attributes_fit_the_category():
    seed(*SMALL, "--no-images")

    listings = list(Listing.objects.select_related("category"))
    assert len(listings) == 40
    assert {listing.category.slug for listing in listings} == {spec.slug for spec in CATEGORIES}
    for listing in listings:
        specs = {spec["key"]: spec for spec in listing.category.attribute_specs}
        assert listing.attributes, listing.title
        assert set(listing.attributes) <= set(specs), listing.title
        for key, value in listing.attributes.items():
            spec = specs[key]
            if spec["numeric"]:
                assert isinstance(value, int), (listing.title, key, value)
                assert value >= 0, (listing.title, key, value)
            elif spec["choices"]:
                assert value in spec["choices"], (listing.title, key, value)
            else:
                assert isinstance(value, str), (listing.title, key)
                assert value.strip(), (listing.title, key)
        if listing.category.uses_condition:
            assert listing.condition in Listing.Condition.values, listing.title
        else:
            assert listing.condition == "", listing.title
        assert listing.price > 0
        assert len(listing.description) > 20, listing.title


def test_prices_match_what_is_offered():
    seed("--listings", "200", "--users", "20", "--no-images")

    for listing in Listing.objects.filter(category__slug="real-estate"):
        if listing.attributes["offer"] == "rent":
            assert 40 <= listing.price < 10_000, listing.title
        else:
            assert listing.price >= 5_000, listing.title
    for listing in Listing.objects.filter(category__slug="jobs"):
        assert 250 <= listing.price <= 10_000, listing.title
    for listing in Listing.objects.filter(category__slug="vehicles"):
        assert 300 <= listing.price <= 100_000, listing.title
        assert 2000 <= listing.attributes["year"] <= timezone.now().year


def test_most_listings_are_active_and_published_in_the_last_weeks():
    seed("--no-images")

    statuses = Counter(Listing.objects.values_list("status", flat=True))
    assert statuses["active"] > 0.8 * sum(statuses.values())
    assert statuses["sold"] > 0
    assert statuses["draft"] > 0
    oldest = timezone.now() - timedelta(days=46)
    published = Listing.objects.exclude(status=Listing.Status.DRAFT)
    assert not published.filter(published_at__lt=oldest).exists()
    assert not published.filter(published_at__isnull=True).exists()
    assert Listing.objects.filter(currency="EUR").count() > 0.9 * Listing.objects.count()


def test_the_default_size_is_at_least_300_listings_across_all_categories():
    output = seed("--no-images")

    assert Listing.objects.count() >= 300
    assert User.objects.filter(is_demo=True).count() == 36
    per_category = Counter(Listing.objects.values_list("category__slug", flat=True))
    assert set(per_category) == {spec.slug for spec in CATEGORIES}
    assert len(set(Listing.objects.values_list("title", flat=True))) > 0.95 * 360
    assert "Seeded 36 users, 360 listings" in output


def test_the_same_seed_gives_the_same_marketplace_and_another_seed_a_different_one():
    seed(*SMALL, "--no-images")
    first = snapshot()
    people = sorted(User.objects.filter(is_demo=True).values_list("username", "bio"))

    seed(*SMALL, "--no-images", "--reset")
    assert snapshot() == first
    assert sorted(User.objects.filter(is_demo=True).values_list("username", "bio")) == people

    seed(*SMALL, "--no-images", "--reset", "--seed", "7")
    assert snapshot() != first


@pytest.mark.slow
def test_the_same_seed_draws_the_same_photos():
    seed("--listings", "6", "--users", "3")
    first = photo_fingerprints()
    assert first

    seed("--listings", "6", "--users", "3", "--reset")
    assert photo_fingerprints() == first


def test_a_second_run_changes_nothing_and_says_so():
    seed(*SMALL, "--no-images")
    before = (Listing.objects.count(), User.objects.count(), Message.objects.count())

    output = seed(*SMALL, "--no-images")

    assert (Listing.objects.count(), User.objects.count(), Message.objects.count()) == before
    assert "already there" in output


def test_reset_removes_only_demo_data(user):
    real_listing = cast(Listing, ListingFactory(seller=user, title="My own bike"))
    seed(*SMALL, "--no-images")
    demo_listing = Listing.objects.filter(seller__is_demo=True).order_by("pk")[0]
    FavouriteFactory(user=user, listing=real_listing)
    demo_users = set(User.objects.filter(is_demo=True).values_list("pk", flat=True))

    seed(*SMALL, "--no-images", "--reset")

    assert Listing.objects.filter(pk=real_listing.pk).exists()
    assert User.objects.filter(pk=user.pk).exists()
    assert Favourite.objects.filter(user=user, listing=real_listing).exists()
    assert not Listing.objects.filter(pk=demo_listing.pk).exists()
    assert not User.objects.filter(pk__in=demo_users).exists()
    assert Listing.objects.filter(seller__is_demo=True).count() == 40


@pytest.mark.slow
def test_photos_are_stored_with_thumbnails_and_removed_with_the_demo(
    django_capture_on_commit_callbacks,
):
    seed("--listings", "10", "--users", "3")

    photos = list(ListingImage.objects.all())
    assert photos
    for photo in photos:
        assert default_storage.exists(str(photo.image))
        with default_storage.open(str(photo.thumbnail)) as file:
            assert Image.open(file).size == THUMBNAIL_SIZE
        with default_storage.open(str(photo.image)) as file:
            assert Image.open(file).size == (photo.width, photo.height)
    for listing in Listing.objects.prefetch_related("images"):
        positions = [photo.position for photo in listing.images.all()]
        assert positions == list(range(len(positions))), listing.title
        assert len(positions) <= 4
    files = [name for photo in photos for name in (str(photo.image), str(photo.thumbnail))]

    with django_capture_on_commit_callbacks(execute=True):
        seeding.delete_demo_data()

    assert not any(default_storage.exists(name) for name in files)


def test_an_interrupted_seed_leaves_nothing_behind(monkeypatch):
    def fail(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(seeding, "_create_favourites", fail)
    saved: list[str] = []
    original_save = default_storage.save

    def save(name, content, **kwargs):
        saved.append(original_save(name, content, **kwargs))
        return saved[-1]

    monkeypatch.setattr(default_storage, "save", save)

    with pytest.raises(KeyboardInterrupt):
        seed("--listings", "4", "--users", "3")

    assert saved
    assert not any(default_storage.exists(name) for name in saved)
    assert not User.objects.filter(is_demo=True).exists()
    assert not Listing.objects.exists()


def test_people_have_favourites_and_conversations_some_unread():
    seed(*SMALL, "--no-images")

    assert Favourite.objects.filter(user__is_demo=True).exists()
    assert Thread.objects.exists()
    assert Message.objects.filter(read_at__isnull=True).exists()
    assert Message.objects.filter(read_at__isnull=False).exists()
    for thread in Thread.objects.select_related("listing"):
        assert thread.buyer_id != thread.listing.seller_id
        senders = set(thread.messages.values_list("sender", flat=True))
        assert senders <= {thread.buyer_id, thread.listing.seller_id}
        times = list(thread.messages.values_list("created_at", flat=True))
        assert times == sorted(times)
        assert thread.last_message_at == times[-1]
        published = thread.listing.published_at
        assert published is not None
        assert times[0] >= published
        assert times[-1] <= timezone.now()


def test_with_debug_on_the_admin_and_sellers_have_the_printed_passwords(settings):
    settings.DEBUG = True

    output = seed(*SMALL, "--no-images")

    admin = User.objects.get(username="admin")
    assert admin.is_staff
    assert admin.is_superuser
    assert not admin.is_demo
    assert admin.check_password("bazaar-admin")
    assert "admin / bazaar-admin" in output
    seller = User.objects.filter(is_demo=True).order_by("pk")[0]
    assert seller.check_password("bazaar-demo")
    assert "'bazaar-demo'" in output


def test_with_debug_off_the_admin_password_is_random_and_printed_once(settings):
    settings.DEBUG = False

    output = seed(*SMALL, "--no-images", "--verbosity", "0")

    shown = re.search(r"admin / (\S+)  \(at /admin/\)", output)
    assert shown, output
    password = shown.group(1)
    admin = User.objects.get(username="admin")
    assert admin.is_staff
    assert admin.check_password(password)
    assert not admin.check_password("bazaar-admin")

    again = seed(*SMALL, "--no-images")
    assert password not in again
    assert "changepassword admin" in again
    assert User.objects.get(username="admin").check_password(password)


def test_with_debug_off_demo_sellers_log_in_with_a_random_password_printed_once(settings, client):
    """The compose demo runs with DEBUG off: its sellers must be able to log in, and not with
    the password these docs publish."""
    settings.DEBUG = False

    output = seed(*SMALL, "--no-images", "--verbosity", "0")

    shown = re.search(
        r"Demo sellers log in with the password '(\S+)', for example as '(\S+)'", output
    )
    assert shown, output
    password, username = shown.groups()
    assert password != "bazaar-demo"
    sellers = User.objects.filter(is_demo=True)
    assert all(seller.check_password(password) for seller in sellers)
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"].username == username

    again = seed(*SMALL, "--no-images")
    assert password not in again
    assert "the password printed when the demo was seeded" in again


def test_demo_seller_password_from_the_environment_wins(settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setenv("DEMO_SELLER_PASSWORD", "sellers-from-the-env")

    output = seed(*SMALL, "--no-images")

    assert "sellers-from-the-env" not in output
    assert "the password in DEMO_SELLER_PASSWORD" in output
    assert all(u.check_password("sellers-from-the-env") for u in User.objects.filter(is_demo=True))
    assert "the password in DEMO_SELLER_PASSWORD" in seed(*SMALL, "--no-images")


def test_a_demo_seeded_without_seller_passwords_says_how_to_give_them_one(settings):
    settings.DEBUG = False
    seed(*SMALL, "--no-images")
    User.objects.filter(is_demo=True).update(password="!unusable")

    assert "seed_demo --reset" in seed(*SMALL, "--no-images")


def test_demo_admin_password_from_the_environment_wins(settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "from-the-env-1234")

    output = seed(*SMALL, "--no-images")

    assert User.objects.get(username="admin").check_password("from-the-env-1234")
    assert "from-the-env-1234" not in output


def test_progress_prints_one_line_per_tenth_when_output_is_not_a_terminal():
    out = io.StringIO()
    bar = ProgressBar(OutputWrapper(out), total=40, label="listings")
    for done in (3, 4, 5, 17, 40):
        bar.update(done)
    bar.finish()

    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == ["10%", "40%", "100%"]
    assert lines[-1].split()[1] == "40/40"
    assert all(line.endswith(" s so far") for line in lines)  # how long it has taken


def test_progress_redraws_one_line_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    bar = ProgressBar(OutputWrapper(out), total=10, label="listings")
    bar.update(10)
    bar.finish()

    assert out.getvalue().startswith("\r  [##############################] 10/10 listings")
    assert out.getvalue().endswith("\n")


def test_verbosity_0_prints_nothing_when_no_password_is_new(settings):
    settings.DEBUG = True
    seed(*SMALL, "--no-images")

    assert seed(*SMALL, "--no-images", "--reset", "--verbosity", "0") == ""


def test_every_kind_of_item_in_a_big_demo_has_its_own_drawing():
    plan = build_plan(seed=1, users=40, listings=3000)

    kinds = {photo.kind for listing in plan.listings for photo in listing.photos}
    assert len(kinds) > 60
    assert kinds <= set(demo_images._DRAWINGS)


def test_it_refuses_sizes_that_make_no_demo():
    with pytest.raises(CommandError, match="at least"):
        seed("--users", "1")


def test_the_demo_starts_the_ai_experiments_and_names_a_seller_with_the_assistant(settings):
    from experiments.models import Experiment
    from marketplace.ab_tests import assistant_group

    settings.DEBUG = True
    output = seed("--listings", "20", "--users", "12", "--no-images")
    status = dict(Experiment.objects.values_list("key", "status"))
    assert status == {
        "ai_listing_assistant": "running",
        "ai_search": "running",
        "listing_prompt_version": "draft",  # it waits for a candidate prompt
    }
    username = re.search(r"for example as '([^']+)' \(who has the listing assistant\)", output)[1]
    assert assistant_group(User.objects.get(username=username).pk) == "treatment"
