"""Every write the marketplace makes, one ``verb_noun`` function each, in a transaction.

Views validate input, call one of these and render or redirect. ``create_listing``,
``update_listing`` and ``publish_listing`` are the only places that save a listing's content or
put it live, so side effects of "a listing was published or edited" belong in them: each queues
the enrichment job (on commit).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

import llm
from accounts.models import User

from .ai import Suggestion
from .ai_features.listing_assistant import PUBLISHED
from .enrichment import queue_enrichment
from .images import ProcessedImage
from .models import AssistantSuggestion, Favourite, Listing, ListingImage, Message, Thread
from .newest import listings_changed

EDITABLE_FIELDS = (
    "title",
    "category",
    "price",
    "currency",
    "condition",
    "city",
    "description",
    "attributes",
)


def _set_fields(listing: Listing, fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable listing fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(listing, name, value)


def _go_live(listing: Listing) -> None:
    listing.status = Listing.Status.ACTIVE
    if listing.published_at is None:  # the first publication dates the listing; edits don't
        listing.published_at = timezone.now()


@transaction.atomic
def create_listing(
    seller: User,
    fields: Mapping[str, Any],
    *,
    photos: Sequence[ProcessedImage] = (),
    publish: bool = False,
) -> Listing:
    """A new listing with its photos, live at once when ``publish``, else a draft."""
    listing = Listing(seller=seller, status=Listing.Status.DRAFT)
    _set_fields(listing, fields)
    if publish:
        _go_live(listing)
    listing.save()
    add_listing_photos(listing, photos)
    queue_enrichment(listing)
    return listing


@transaction.atomic
def update_listing(
    listing: Listing,
    fields: Mapping[str, Any],
    *,
    photos: Sequence[ProcessedImage] = (),
    status: str | None = None,
) -> Listing:
    """Save a seller's edits and new photos.

    ``status`` may move the listing live (``active``) or take it offline (``draft``); ``None``
    keeps the status it has.
    """
    if listing.status == Listing.Status.REMOVED:
        raise ValidationError("This listing was deleted and can no longer be edited.")
    listings_changed([listing.category_id])  # it may leave this category (saving tells the new)
    _set_fields(listing, fields)
    if status == Listing.Status.ACTIVE:
        _go_live(listing)
    elif status == Listing.Status.DRAFT:
        listing.status = Listing.Status.DRAFT
    elif status is not None:
        raise ValueError(f"update_listing cannot set the status {status!r}")
    listing.save()
    add_listing_photos(listing, photos)
    queue_enrichment(listing)  # a no-op for drafts and for edits that change nothing it reads
    return listing


@transaction.atomic
def publish_listing(listing: Listing) -> Listing:
    """Put a draft live; ``published_at`` is set the first time only."""
    if listing.status != Listing.Status.DRAFT:
        raise ValidationError("Only a draft can be published.")
    _go_live(listing)
    listing.save(update_fields=["status", "published_at", "updated_at"])
    queue_enrichment(listing)
    return listing


@transaction.atomic
def mark_listing_sold(listing: Listing) -> Listing:
    if listing.status != Listing.Status.ACTIVE:
        raise ValidationError("Only a live listing can be marked as sold.")
    listing.status = Listing.Status.SOLD
    listing.save(update_fields=["status", "updated_at"])
    return listing


@transaction.atomic
def reject_listing(listing: Listing) -> Listing:
    """A moderator takes the listing down; marked as theirs, so its seller is not told that
    they deleted it themselves."""
    listing.status = Listing.Status.REMOVED
    listing.moderation = Listing.Moderation.REJECTED
    listing.save(update_fields=["status", "moderation", "updated_at"])
    return listing


@transaction.atomic
def remove_listing(listing: Listing) -> Listing:
    """Take a listing down for good. The row stays: buyers' conversations point at it."""
    listing.status = Listing.Status.REMOVED
    listing.save(update_fields=["status", "updated_at"])
    return listing


@transaction.atomic
def add_listing_photos(listing: Listing, photos: Sequence[ProcessedImage]) -> list[ListingImage]:
    """Append photos after the existing ones (the first photo of a listing is its cover)."""
    if not photos:
        return []
    existing = listing.images.aggregate(count=Count("id"), last=Max("position"))
    if existing["count"] + len(photos) > settings.LISTING_IMAGES_PER_LISTING:
        raise ValidationError(
            f"A listing can have at most {settings.LISTING_IMAGES_PER_LISTING} photos."
        )
    next_position = 0 if existing["last"] is None else existing["last"] + 1
    saved = []
    for offset, photo in enumerate(photos):
        image = ListingImage(
            listing=listing,
            position=next_position + offset,
            width=photo.width,
            height=photo.height,
        )
        image.image.save(photo.image.name or "photo.jpg", photo.image, save=False)
        image.thumbnail.save(photo.thumbnail.name or "photo-thumb.jpg", photo.thumbnail, save=False)
        image.save()
        saved.append(image)
    listings_changed([listing.category_id])  # a first photo is its card's cover
    return saved


@transaction.atomic
def remove_listing_photo(image: ListingImage) -> None:
    """Delete a photo; its files go once the deletion is committed."""
    storage = image.image.storage
    names = [name for name in (image.image.name, image.thumbnail.name) if name]
    image.delete()
    listings_changed([image.listing.category_id])  # the cover of its card may change

    def delete_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)


@transaction.atomic
def make_cover_photo(image: ListingImage) -> None:
    """Move a photo to the front; the others keep their order behind it."""
    others = list(image.listing.images.exclude(pk=image.pk).order_by("position", "id"))
    image.position = 0
    for position, other in enumerate(others, start=1):
        other.position = position
    ListingImage.objects.bulk_update([image, *others], ["position"])
    listings_changed([image.listing.category_id])  # a new cover on its card


@transaction.atomic
def save_favourite(user: User, listing: Listing) -> bool:
    """Save a listing for a user; True if this call saved it, False if it already was.

    Requests that arrive together (a double click) save it once: the unique constraint lets one
    insert through and ``get_or_create`` finds that row for the others, so only the caller that
    gets True should record the ``favourite_added`` event.
    """
    _, created = Favourite.objects.get_or_create(user=user, listing=listing)
    return created


@transaction.atomic
def unsave_favourite(user: User, listing: Listing) -> bool:
    """Unsave a listing; True if this call removed it, False if it was not saved."""
    deleted, _ = Favourite.objects.filter(user=user, listing=listing).delete()
    return bool(deleted)


@transaction.atomic
def toggle_favourite(user: User, listing: Listing) -> tuple[bool, bool]:
    """Save or unsave a listing for a user: (whether it is now a favourite, whether this call
    changed it). Concurrent toggles of an unsaved listing all save it, once."""
    if unsave_favourite(user, listing):
        return False, True
    return True, save_favourite(user, listing)


# An identical message from the same sender in the same thread within this time is taken for a
# double submit (a double click, a resent form, a retry after a slow answer) and not sent twice.
# Chosen over a per-form token because it needs no schema or template change and also covers
# clients that resend the same form; what it costs is that someone who deliberately sends the
# very same text twice within two minutes sees it once, which loses nothing.
DUPLICATE_MESSAGE_WINDOW = timedelta(minutes=2)


@transaction.atomic
def send_message(*, listing: Listing, buyer: User, sender: User, body: str) -> tuple[Message, bool]:
    """Post a message in the conversation between ``buyer`` and the listing's seller: (the
    message, whether this call created it).

    The first message from a buyer opens the thread (one per listing and buyer); later ones,
    from either side, continue it. A double submit returns the message already sent, unsent
    again (``DUPLICATE_MESSAGE_WINDOW``), even when the submits arrive together.
    """
    if buyer.pk == listing.seller_id:
        raise ValidationError("You can't send a message about your own listing.")
    if sender.pk not in (buyer.pk, listing.seller_id):
        raise ValidationError("Only the buyer and the seller can write in this conversation.")
    thread = Thread.objects.filter(listing=listing, buyer=buyer).first()
    if thread is None:
        if listing.status != Listing.Status.ACTIVE:
            raise ValidationError("This listing is no longer available.")
        thread, _ = Thread.objects.get_or_create(listing=listing, buyer=buyer)
    # Writers of one thread take turns (a row lock until commit), so the second of two submits
    # arriving together sees the first one's message.
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    now = timezone.now()
    duplicate = (
        thread.messages.filter(
            sender=sender, body=body, created_at__gte=now - DUPLICATE_MESSAGE_WINDOW
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if duplicate is not None:
        return duplicate, False
    message = Message.objects.create(thread=thread, sender=sender, body=body)
    thread.last_message_at = message.created_at
    thread.save(update_fields=["last_message_at"])
    return message, True


@transaction.atomic
def mark_thread_read(thread: Thread, reader: User) -> int:
    """Mark what the other party wrote in a thread as read by ``reader``; returns how many."""
    return (
        thread.messages.filter(read_at__isnull=True)
        .exclude(sender=reader)
        .update(read_at=timezone.now())
    )


def record_suggestion(
    user: User, text: str, suggestion: Suggestion, *, prompt_label: str
) -> AssistantSuggestion:
    """Keep what the assistant answered, and with which prompt version, for the seller."""
    return AssistantSuggestion.objects.create(
        user=user,
        text=text,
        prompt_version=suggestion.prompt_version,
        prompt_label=prompt_label,
        llm_call=suggestion.call,
        output={
            "title": suggestion.title,
            "description": suggestion.description,
            "category": suggestion.category,
            "attributes": suggestion.attributes,
            "condition": suggestion.condition,
        },
        price_range=suggestion.price_range.as_dict() if suggestion.price_range else {},
    )


@transaction.atomic
def accept_suggestion_fields(suggestion: AssistantSuggestion, fields: list[str]) -> list[str]:
    """Note that the seller used ``fields`` of the suggestion; returns those not noted before.

    One call (and one row lock) per click, even for "Use all": a request per field, fired at
    once, made concurrent writes to one row that SQLite answers with "database is locked".
    """
    locked = AssistantSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    new = [field for field in dict.fromkeys(fields) if field not in locked.accepted_fields]
    if new:
        locked.accepted_fields = [*locked.accepted_fields, *new]
        locked.save(update_fields=["accepted_fields"])
    return new


def link_suggestion(listing: Listing, suggestion_id: str | None) -> None:
    """Tie the seller's latest assistant suggestion to the listing it helped write."""
    # isdigit() alone also passes "²" and "１２", which int() refuses.
    if suggestion_id and suggestion_id.isascii() and suggestion_id.isdigit():
        AssistantSuggestion.objects.filter(
            pk=int(suggestion_id), user=listing.seller, listing__isnull=True
        ).update(listing=listing)


def score_published_suggestion(listing: Listing) -> None:
    """A listing went live for the first time: if a suggestion helped write it, that is a
    score on the suggestion's call (whether it was posted live or published later)."""
    call_id = (
        AssistantSuggestion.objects.filter(listing=listing, llm_call__isnull=False)
        .values_list("llm_call_id", flat=True)
        .first()
    )
    if call_id is not None:
        llm.record_score(call_id, PUBLISHED.name, 1, source="rule")
