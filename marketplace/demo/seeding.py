"""Writing a demo plan to the database, and taking it out again.

Everything is written in one transaction, in bulk; the photo files written along the way are
deleted again if anything fails, so an interrupted seed leaves nothing behind. Demo people are
marked ``User.is_demo``: removing the demo removes them and everything that cascades from them,
and never touches a real account.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from marketplace.images import ProcessedImage
from marketplace.models import Category, Favourite, Listing, ListingImage, Message, Thread
from marketplace.newest import listings_changed

from .generate import DemoPlan, ListingPlan
from .images import photo_upload

BATCH_SIZE = 500
ADMIN_USERNAME = "admin"
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Counts:
    users: int = 0
    listings: int = 0
    photos: int = 0
    favourites: int = 0
    threads: int = 0
    messages: int = 0

    def __str__(self) -> str:
        return (
            f"{self.users} users, {self.listings} listings ({self.photos} photos), "
            f"{self.favourites} favourites, {self.threads} threads ({self.messages} messages)"
        )


def demo_counts() -> Counts:
    """How much demo data the database holds."""
    listings = Listing.objects.filter(seller__is_demo=True)
    threads = Thread.objects.filter(listing__seller__is_demo=True)
    return Counts(
        users=User.objects.filter(is_demo=True).count(),
        listings=listings.count(),
        photos=ListingImage.objects.filter(listing__seller__is_demo=True).count(),
        favourites=Favourite.objects.filter(user__is_demo=True).count(),
        threads=threads.count(),
        messages=Message.objects.filter(thread__in=threads).count(),
    )


def seed_demo_data(
    plan: DemoPlan,
    *,
    with_photos: bool = True,
    seller_password: str | None = None,
    progress: Progress | None = None,
) -> Counts:
    """Write ``plan`` to the database in one transaction.

    Demo people get ``seller_password`` (one hash shared by all of them) or, without it, an
    unusable password. ``progress`` is called with the number of listings finished so far.
    """
    now = timezone.now()
    written: list[str] = []
    try:
        with transaction.atomic():
            users = _create_users(plan, seller_password, now)
            listings = _create_listings(plan.listings, users, now, progress, with_photos)
            photos = (
                _create_photos(plan.listings, listings, written, progress) if with_photos else 0
            )
            favourites = _create_favourites(plan, users, listings, now)
            threads, messages = _create_threads(plan, users, listings, now)
    except BaseException:
        _delete_files(written)  # also on Ctrl-C: no orphaned photos
        raise
    return Counts(len(users), len(listings), photos, favourites, threads, messages)


def delete_demo_data() -> Counts:
    """Delete the demo people and everything that cascades from them: their listings with the
    photos (rows and files), their favourites, threads and messages."""
    with transaction.atomic():
        before = demo_counts()
        photos = ListingImage.objects.filter(listing__seller__is_demo=True)
        files = [name for pair in photos.values_list("image", "thumbnail") for name in pair]
        User.objects.filter(is_demo=True).delete()
        # Files go only once the rows are surely gone.
        transaction.on_commit(lambda: _delete_files(files))
    return before


def create_admin(password: str) -> bool:
    """Create the staff superuser ``admin`` with ``password``, unless an account of that name
    exists (its password is then left alone). Whether it was created."""
    if User.objects.filter(username=ADMIN_USERNAME).exists():
        return False
    User.objects.create_superuser(ADMIN_USERNAME, email="admin@example.com", password=password)
    return True


# --- Writing --------------------------------------------------------------------------------


def _create_users(plan: DemoPlan, password: str | None, now: datetime) -> list[User]:
    # A real account may already have one of the demo names; the demo one then gets a suffix.
    wanted = [person.username for person in plan.users]
    taken = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    shared_hash = make_password(password) if password else None  # hashing is slow: once
    users = []
    for person in plan.users:
        username = person.username
        suffix = 2
        while username in taken:
            username, suffix = f"{person.username}{suffix}", suffix + 1
        taken.add(username)
        users.append(
            User(
                username=username,
                first_name=person.first_name,
                last_name=person.last_name,
                email=person.email,
                city=person.city,
                bio=person.bio,
                date_joined=now - person.joined,
                password=shared_hash or make_password(None),
                is_demo=True,
            )
        )
    return User.objects.bulk_create(users, batch_size=BATCH_SIZE)


def listing_from_plan(
    plan: ListingPlan, users: Sequence[User], categories: Mapping[str, Category], now: datetime
) -> Listing:
    """The (unsaved) listing a plan describes, published ``plan.age`` before ``now``."""
    return Listing(
        seller=users[plan.seller],
        category=categories[plan.category],
        title=plan.title,
        description=plan.description,
        price=plan.price,
        currency=plan.currency,
        condition=plan.condition,
        city=plan.city,
        attributes=plan.attributes,
        status=plan.status,
        published_at=now - plan.age if plan.age is not None else None,
    )


def _create_listings(
    plans: Sequence[ListingPlan],
    users: Sequence[User],
    now: datetime,
    progress: Progress | None,
    with_photos: bool,
) -> list[Listing]:
    categories = {c.slug: c for c in Category.objects.all()}
    listings: list[Listing] = []
    for start in range(0, len(plans), BATCH_SIZE):
        batch = [
            listing_from_plan(plan, users, categories, now)
            for plan in plans[start : start + BATCH_SIZE]
        ]
        listings += Listing.objects.bulk_create(batch)
        if progress and not with_photos:
            progress(len(listings))
    # created_at is set to "now" on insert; a listing was created when it was published.
    Listing.objects.filter(
        pk__in=[listing.pk for listing in listings], published_at__isnull=False
    ).update(created_at=F("published_at"), updated_at=F("published_at"))
    listings_changed(c.pk for c in categories.values())  # bulk_create sends no post_save
    return listings


def _create_photos(
    plans: Sequence[ListingPlan],
    listings: Sequence[Listing],
    written: list[str],
    progress: Progress | None,
) -> int:
    """Draw and process the photos on every core, and store them from this process.

    Worker processes rather than threads: Pillow holds the GIL while it encodes a JPEG into
    memory (about a fifth of the work here), so threads queue up. The workers never touch the
    database.
    """
    jobs = [
        (listing.pk, position, photo)
        for plan, listing in zip(plans, listings, strict=True)
        for position, photo in enumerate(plan.photos)
    ]
    photos_left = {
        listing.pk: len(plan.photos) for plan, listing in zip(plans, listings, strict=True)
    }
    done = sum(1 for count in photos_left.values() if count == 0)
    rows: list[ListingImage] = []
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        processed_photos = pool.map(
            photo_upload,
            [photo for _, _, photo in jobs],
            [position for _, position, _ in jobs],
            chunksize=4,
        )
        for (listing_id, position, _), processed in zip(jobs, processed_photos, strict=True):
            rows.append(_store_photo(listing_id, position, processed, written))
            photos_left[listing_id] -= 1
            if photos_left[listing_id] == 0:
                done += 1
                if progress:
                    progress(done)
    ListingImage.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def _store_photo(
    listing_id: int, position: int, processed: ProcessedImage, written: list[str]
) -> ListingImage:
    field = ListingImage._meta.get_field("image")
    names = []
    for content in (processed.image, processed.thumbnail):
        assert content.name is not None
        name = field.generate_filename(ListingImage(listing_id=listing_id), content.name)
        names.append(default_storage.save(name, content))
        written.append(names[-1])
    # Given all at once to the constructor, so Django never reopens the file for its size.
    return ListingImage(
        listing_id=listing_id,
        image=names[0],
        thumbnail=names[1],
        width=processed.width,
        height=processed.height,
        position=position,
    )


def _create_favourites(
    plan: DemoPlan, users: Sequence[User], listings: Sequence[Listing], now: datetime
) -> int:
    favourites = [
        Favourite(user=users[f.user], listing=listings[f.listing]) for f in plan.favourites
    ]
    Favourite.objects.bulk_create(favourites, batch_size=BATCH_SIZE)
    # created_at is "now" on insert; set the planned times afterwards.
    for favourite, planned in zip(favourites, plan.favourites, strict=True):
        favourite.created_at = now - planned.age
    Favourite.objects.bulk_update(favourites, ["created_at"], batch_size=BATCH_SIZE)
    return len(favourites)


def _create_threads(
    plan: DemoPlan, users: Sequence[User], listings: Sequence[Listing], now: datetime
) -> tuple[int, int]:
    threads = [Thread(listing=listings[t.listing], buyer=users[t.buyer]) for t in plan.threads]
    Thread.objects.bulk_create(threads, batch_size=BATCH_SIZE)
    messages: list[Message] = []
    sent_at: list[datetime] = []
    for thread, planned in zip(threads, plan.threads, strict=True):
        seller = users[plan.listings[planned.listing].seller]
        for message in planned.messages:
            when = now - message.age
            messages.append(
                Message(
                    thread=thread,
                    sender=thread.buyer if message.from_buyer else seller,
                    body=message.body,
                    read_at=min(now, when + timedelta(minutes=7)) if message.read else None,
                )
            )
            sent_at.append(when)
        thread.created_at = now - planned.messages[0].age
        thread.last_message_at = now - planned.messages[-1].age
    Message.objects.bulk_create(messages, batch_size=BATCH_SIZE)
    for row, when in zip(messages, sent_at, strict=True):
        row.created_at = when
    Message.objects.bulk_update(messages, ["created_at"], batch_size=BATCH_SIZE)
    Thread.objects.bulk_update(threads, ["created_at", "last_message_at"], batch_size=BATCH_SIZE)
    return len(threads), len(messages)


# --- Files ----------------------------------------------------------------------------------


def _delete_files(names: Sequence[str]) -> None:
    for name in names:
        default_storage.delete(name)
    # Filesystem storage leaves the emptied listings/<id>/ folders behind.
    for folder in {posixpath.dirname(name) for name in names}:
        with contextlib.suppress(NotImplementedError, OSError):
            os.rmdir(default_storage.path(folder))
