from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.text import slugify
from pydantic import ValidationError as PydanticValidationError

from .ai_features.schemas import SLUG_PATTERN, CategoryOption


def validate_category_slug(value: str) -> None:
    """A slug the AI features can use as it is: their prompts name categories by slug and take
    only lowercase ones (``ai_features.schemas.SLUG_PATTERN``), so one "Vintage-Toys" would make
    every prompt input invalid."""
    if not re.fullmatch(SLUG_PATTERN, value):
        suggestion = slugify(value).strip("-_")
        hint = f" such as “{suggestion}”" if suggestion and suggestion != value else ""
        raise ValidationError(
            "Use lowercase letters and digits, with single hyphens or underscores between "
            f"words{hint}: the AI features name categories by this slug.",
            code="invalid_category_slug",
        )


class Category(models.Model):
    slug = models.SlugField(unique=True, validators=[validate_category_slug])
    name = models.CharField(max_length=80)
    icon = models.CharField(max_length=40, help_text="Name of an SVG in static/icons/.")
    position = models.PositiveSmallIntegerField(default=0)
    uses_condition = models.BooleanField(default=True)
    price_label = models.CharField(max_length=40, default="Price")
    # [{"key": "brand", "label": "Brand", "choices": [...], "numeric": false, "unit": ""}, ...]
    attribute_specs = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("category", args=[self.slug])

    def clean(self) -> None:
        """The attributes too must be what the AI features can take (``CategoryOption``)."""
        try:
            CategoryOption.model_validate(
                {
                    "slug": "placeholder",  # the slug has its own validator and message
                    "name": self.name,
                    "attributes": self.attribute_specs,
                    "uses_condition": self.uses_condition,
                }
            )
        except PydanticValidationError as error:
            problems = [
                f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
                for problem in error.errors()
                if problem["loc"] and problem["loc"][0] == "attributes"
            ]
            if problems:
                raise ValidationError(
                    {"attribute_specs": "; ".join(problems[:5])}, code="invalid_attributes"
                ) from None

    @property
    def attribute_keys(self) -> list[str]:
        return [spec["key"] for spec in self.attribute_specs]


class ListingQuerySet(models.QuerySet["Listing"]):
    def active(self) -> ListingQuerySet:
        """Live listings that buyers may see (not held back for moderation)."""
        return self.filter(status=Listing.Status.ACTIVE).exclude(moderation=Listing.Moderation.HELD)

    def visible_to(self, user) -> ListingQuerySet:
        """What a person may open: active and sold listings, plus everything of their own."""
        public = Q(status__in=[Listing.Status.ACTIVE, Listing.Status.SOLD]) & ~Q(
            moderation=Listing.Moderation.HELD
        )
        if user.is_authenticated:
            return self.filter(public | Q(seller=user))
        return self.filter(public)

    def for_cards(self, user=None, *, with_category: bool = False) -> ListingQuerySet:
        """Everything a listing card shows, in one query whatever the page size, and nothing
        else: no description or attributes to read and decode for 24 cards that show neither.
        ``with_category`` adds the category, for pages that name it beside the card."""
        cover = ListingImage.objects.filter(listing=OuterRef("pk")).order_by("position", "id")
        qs = self.only(*CARD_FIELDS).annotate(
            cover_thumbnail=Subquery(cover.values("thumbnail")[:1])
        )
        if with_category:
            qs = qs.select_related("category").only(*CARD_FIELDS, "category")
        if user is not None and user.is_authenticated:
            qs = qs.annotate(
                is_favourite=Exists(Favourite.objects.filter(listing=OuterRef("pk"), user=user))
            )
        return qs


# The listing fields a card shows (templates/marketplace/_listing_card.html), plus the seller
# for its per-person part. ``for_cards`` loads only these, and the card cache
# (marketplace.cards) keys each card by their values: a field the card shows must be here.
CARD_FIELDS = (
    "id",
    "seller",
    "title",
    "price",
    "currency",
    "city",
    "status",
    "published_at",
    "created_at",
)


# Single path segments after /listings/<pk>/ that are actions, not slugs; a listing whose title
# slugifies to one of them gets a prefixed slug so its URL never lands on the action.
RESERVED_LISTING_SLUGS = frozenset(
    {"edit", "sold", "delete", "publish", "favourite", "contact", "photos"}
)


class Listing(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        SOLD = "sold", "Sold"
        REMOVED = "removed", "Removed"

    class Condition(models.TextChoices):
        NEW = "new", "New"
        LIKE_NEW = "like_new", "Like new"
        GOOD = "good", "Good"
        FAIR = "fair", "Fair"
        FOR_PARTS = "for_parts", "For parts"

    class Moderation(models.TextChoices):
        UNSCREENED = "", "Not screened yet"
        CLEAR = "clear", "Clear"
        FLAGGED = "flagged", "Flagged for review"  # still visible, in the moderation queue
        HELD = "held", "Held for review"  # hidden from buyers until a moderator decides
        APPROVED = "approved", "Approved by a moderator"
        REJECTED = "rejected", "Removed by a moderator"

    class Currency(models.TextChoices):
        EUR = "EUR", "€"
        USD = "USD", "$"
        GBP = "GBP", "£"

    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="listings"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="listings")
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=5000)
    price = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    condition = models.CharField(max_length=12, choices=Condition.choices, blank=True)
    city = models.CharField(max_length=80)
    attributes = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    moderation = models.CharField(
        max_length=10, choices=Moderation.choices, default=Moderation.UNSCREENED, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="listing_status_published"),
            models.Index(
                fields=["category", "status", "-published_at"], name="listing_cat_status_published"
            ),
            models.Index(fields=["status", "price"], name="listing_status_price"),
            models.Index(fields=["seller", "status"], name="listing_seller_status"),
            models.Index(Upper("city"), name="listing_city_upper"),  # city__iexact
            # A search by category and city (the filters people use together most), newest
            # first, reads that category's listings in that city alone, in order: 651 rows of
            # 50,000 for electronics in Hamburg, not the category's 6,300 (7.4 -> 1.4 ms).
            models.Index(
                F("category"),
                Upper("city"),
                F("published_at").desc(),
                condition=Q(status="active") & ~Q(moderation="held"),
                name="listing_live_category_city",
            ),
            # A seller's live listings (the seller card's count), from the index alone: the
            # count of a seller with 2,000 listings reads 2,000 index entries, not 2,000 rows.
            models.Index(
                fields=["seller"],
                condition=Q(status="active") & ~Q(moderation="held"),
                name="listing_live_seller",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="listing_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("listing_detail", args=[self.pk, self.slug])

    @property
    def slug(self) -> str:
        slug = slugify(self.title)[:60].strip("-") or "listing"
        return f"listing-{slug}" if slug in RESERVED_LISTING_SLUGS else slug

    @property
    def is_public(self) -> bool:
        visible = self.status in (self.Status.ACTIVE, self.Status.SOLD)
        return visible and self.moderation != self.Moderation.HELD

    def is_visible_to(self, user) -> bool:
        """``ListingQuerySet.visible_to`` for a listing already read: public, or one's own."""
        return self.is_public or (user.is_authenticated and self.seller_id == user.pk)

    @property
    def publication_note(self) -> str:
        """What the seller is told once the listing went live: where it really stands.

        Without a worker the screening runs before the seller's redirect, so the listing may
        already be held or flagged; "live" is said only when buyers can see it.
        """
        if self.status != self.Status.ACTIVE:
            return "Your listing is saved; buyers cannot see it."
        if self.moderation == self.Moderation.HELD:
            return (
                "Your listing is saved but not live: it is hidden from buyers until a moderator "
                "has looked at it."
            )
        if self.moderation == self.Moderation.FLAGGED:
            return "Your listing is live. A moderator will look at it; buyers can see it meanwhile."
        return "Your listing is live."

    @property
    def currency_symbol(self) -> str:
        return self.Currency(self.currency).label

    def attribute_rows(self) -> list[tuple[str, str]]:
        """The attributes as (label, value) pairs in the category's order, units included."""
        rows = []
        for spec in self.category.attribute_specs:
            value = self.attributes.get(spec["key"])
            if value in (None, ""):
                continue
            rows.append((spec["label"], attribute_text(spec, value)))
        return rows


def attribute_text(spec: dict[str, Any], value: object) -> str:
    """An attribute's value as people read it: "Diesel", "128 GB" (``spec``: one of a category's
    ``attribute_specs``). The listing page, the assistant and the enrichment panel all use it."""
    if spec.get("choices"):
        value = str(value).capitalize()  # choices are lower-case keys: "diesel"
    return f"{value} {spec['unit']}".strip() if spec.get("unit") else str(value)


def listing_image_path(instance: ListingImage, filename: str) -> str:
    return f"listings/{instance.listing_id}/{filename}"


class ListingImage(models.Model):
    """One photo of a listing, re-encoded on upload, with a card-sized thumbnail."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(
        upload_to=listing_image_path, width_field="width", height_field="height"
    )
    thumbnail = models.ImageField(upload_to=listing_image_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"Photo {self.position + 1} of {self.listing}"


class Favourite(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourites"
    )
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="favourited_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "listing"], name="favourite_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ♥ {self.listing}"


class ThreadQuerySet(models.QuerySet["Thread"]):
    def for_user(self, user) -> ThreadQuerySet:
        return self.filter(Q(buyer=user) | Q(listing__seller=user))

    def with_unread_count(self, user) -> ThreadQuerySet:
        return self.annotate(
            unread_count=models.Count(
                "messages", filter=Q(messages__read_at__isnull=True) & ~Q(messages__sender=user)
            )
        )

    def for_inbox(self, user) -> ThreadQuerySet:
        """A user's conversations, latest first, with all the inbox shows in one query."""
        last = Message.objects.filter(thread=OuterRef("pk")).order_by("-created_at", "-id")
        cover = ListingImage.objects.filter(listing=OuterRef("listing_id")).order_by(
            "position", "id"
        )
        return (
            self.for_user(user)
            .with_unread_count(user)
            .select_related("listing", "listing__seller", "buyer")
            .annotate(
                last_body=Subquery(last.values("body")[:1]),
                last_sender_id=Subquery(last.values("sender_id")[:1]),
                cover_thumbnail=Subquery(cover.values("thumbnail")[:1]),
            )
            .order_by("-last_message_at", "-id")
        )


class Thread(models.Model):
    """The conversation between one buyer and the seller about one listing."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="threads")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="threads_as_buyer"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(auto_now_add=True)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-last_message_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "buyer"], name="one_thread_per_listing_buyer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buyer} about {self.listing}"

    def get_absolute_url(self) -> str:
        return reverse("thread", args=[self.pk])

    @property
    def seller(self):
        return self.listing.seller

    def other_party(self, user):
        return self.seller if user.pk == self.buyer_id else self.buyer


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages_sent"
    )
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "read_at"], name="message_thread_read")]

    def __str__(self) -> str:
        return f"{self.sender}: {self.body[:40]}"


class EnrichmentJob(models.Model):
    """One background run of the enrichment prompt over a listing, and what came of it.

    The listing itself is never changed by the model: the job stores what the model suggests
    (category, attributes) for the seller to apply, and its moderation verdict, which can put the
    listing in the moderation queue. A failed job leaves the listing exactly as it was.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Reason(models.TextChoices):
        """Why the last attempt failed, in words a seller can read (``error`` has the details,
        for staff only: it can name the model server)."""

        NONE = "", "—"
        UNAVAILABLE = "unavailable", "The AI service did not answer."
        BAD_ANSWER = "bad_answer", "The AI's answer could not be used."
        TIMED_OUT = "timed_out", "The check took too long."
        NOT_LIVE = "not_live", "The listing was not live when the check ran."
        SITE_ERROR = "site_error", "Something went wrong on our side."
        SUPERSEDED = "superseded", "A newer check of the listing replaced it."

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="enrichment_jobs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # sha256 of what the model reads; an unchanged listing is not enriched again.
    input_hash = models.CharField(max_length=64)
    prompt_version = models.ForeignKey(
        "llm.PromptVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    llm_call = models.ForeignKey(
        "llm.LLMCall", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    reason = models.CharField(max_length=12, choices=Reason.choices, default="", blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [
            models.Index(fields=["listing", "-queued_at"], name="enrichment_listing_latest"),
            models.Index(fields=["status", "queued_at"], name="enrichment_status_queued"),
        ]

    def __str__(self) -> str:
        return f"Enrichment of {self.listing_id} ({self.status})"

    @property
    def verdict(self) -> str:
        return (self.result.get("moderation") or {}).get("verdict", "")


class AssistantSuggestion(models.Model):
    """One answer of the listing assistant to a seller, and which parts the seller used."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assistant_suggestions"
    )
    listing = models.ForeignKey(
        Listing, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    text = models.TextField(max_length=5000, help_text="What the seller wrote.")
    prompt_version = models.ForeignKey(
        "llm.PromptVersion", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    prompt_label = models.CharField(max_length=40, blank=True)
    llm_call = models.ForeignKey(
        "llm.LLMCall", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    output = models.JSONField(default=dict)
    price_range = models.JSONField(default=dict, blank=True)
    accepted_fields = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Suggestion {self.pk} for {self.user}"


class ModerationQueueItem(Listing):
    """The moderation queue in the admin: listings the enrichment job flagged or held."""

    class Meta:
        proxy = True
        verbose_name = "listing to moderate"
        verbose_name_plural = "moderation queue"
