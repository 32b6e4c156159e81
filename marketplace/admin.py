import json

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils.html import format_html

from llm.admin import wrappable

from .enrichment import queue_enrichment
from .models import (
    AssistantSuggestion,
    Category,
    EnrichmentJob,
    Favourite,
    Listing,
    ListingImage,
    Message,
    ModerationQueueItem,
    Thread,
)
from .newest import listings_changed
from .services import reject_listing


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "uses_condition", "listing_count")
    list_editable = ("position",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_listing_count=Count("listings"))

    @admin.display(ordering="_listing_count", description="listings")
    def listing_count(self, obj: Category) -> int:
        return obj._listing_count  # type: ignore[attr-defined]


class ListingImageInline(admin.TabularInline):
    model = ListingImage
    extra = 0
    fields = ("preview", "image", "position")
    readonly_fields = ("preview",)

    @admin.display(description="photo")
    def preview(self, obj: ListingImage) -> str:
        if not obj.thumbnail:
            return "-"
        return format_html(
            '<img src="{}" style="height:60px;border-radius:4px">', obj.thumbnail.url
        )


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "category",
        "price",
        "currency",
        "city",
        "status",
        "seller",
        "published_at",
    )
    list_filter = ("status", "moderation", "category", "condition", "currency")
    search_fields = ("title", "description", "city", "seller__username")
    list_select_related = ("category", "seller")
    raw_id_fields = ("seller",)
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "updated_at")
    inlines = [ListingImageInline]


@admin.register(ListingImage)
class ListingImageAdmin(admin.ModelAdmin):
    list_display = ("listing", "position", "width", "height", "created_at")
    search_fields = ("listing__title",)
    raw_id_fields = ("listing",)


@admin.register(Favourite)
class FavouriteAdmin(admin.ModelAdmin):
    list_display = ("user", "listing", "created_at")
    search_fields = ("user__username", "listing__title")
    raw_id_fields = ("user", "listing")
    list_select_related = ("user", "listing")


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ("sender", "body", "created_at", "read_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("sender",)


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("listing", "buyer", "created_at", "last_message_at")
    search_fields = ("listing__title", "buyer__username")
    raw_id_fields = ("listing", "buyer")
    list_select_related = ("listing", "buyer")
    inlines = [MessageInline]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("thread", "sender", "short_body", "created_at", "read_at")
    list_filter = (("read_at", admin.EmptyFieldListFilter),)
    search_fields = ("body", "sender__username")
    raw_id_fields = ("thread", "sender")
    list_select_related = ("thread__listing", "thread__buyer", "sender")

    @admin.display(description="message")
    def short_body(self, obj: Message) -> str:
        return obj.body[:80]


@admin.register(EnrichmentJob)
class EnrichmentJobAdmin(admin.ModelAdmin):
    # The listing names the job; the newest come first (queued_at), so that column can go: the
    # list fits 1280 px beside its filters.
    list_display = (
        "listing",
        "status",
        "reason",
        "attempts",
        "verdict_display",
        "version_shown",
        "finished_at",
    )
    list_filter = ("status", "reason", "listing__category", "prompt_version")
    search_fields = ("listing__title", "error")
    list_select_related = ("listing", "prompt_version__prompt")
    raw_id_fields = ("listing", "llm_call")
    readonly_fields = [field.name for field in EnrichmentJob._meta.fields]
    actions = ["rerun_selected"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="prompt version", ordering="prompt_version")
    def version_shown(self, job: EnrichmentJob) -> str:
        return wrappable(str(job.prompt_version)) if job.prompt_version_id else "-"

    @admin.display(description="verdict")
    def verdict_display(self, job: EnrichmentJob) -> str:
        return job.verdict or "-"

    @admin.action(description="Re-run the selected jobs' listings", permissions=["change"])
    def rerun_selected(self, request, queryset) -> None:
        listings = {job.listing for job in queryset.select_related("listing__category")}
        queued = 0
        for listing in listings:
            with transaction.atomic():
                queued += queue_enrichment(listing, force=True) is not None
        skipped = len(listings) - queued
        note = f" ({skipped} no longer live)" if skipped else ""
        self.message_user(request, f"Queued {queued} enrichment jobs{note}.", messages.SUCCESS)


@admin.register(ModerationQueueItem)
class ModerationQueueAdmin(admin.ModelAdmin):
    """Listings the enrichment job flagged (still visible) or held (hidden until decided)."""

    list_display = ("title", "moderation", "reasons", "seller", "category", "price", "published_at")
    list_filter = ("moderation", "category")
    search_fields = ("title", "description", "seller__username")
    list_select_related = ("seller", "category")
    actions = ["approve_selected", "remove_selected"]
    fields = (
        "title",
        "description",
        "price",
        "currency",
        "city",
        "seller",
        "moderation",
        "reasons",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        latest_result = EnrichmentJob.objects.filter(
            listing=OuterRef("pk"), status=EnrichmentJob.Status.SUCCEEDED
        ).order_by("-finished_at", "-id")
        return (
            super()
            .get_queryset(request)
            .filter(moderation__in=[Listing.Moderation.FLAGGED, Listing.Moderation.HELD])
            .exclude(status=Listing.Status.REMOVED)
            .annotate(_result=Subquery(latest_result.values("result")[:1]))
        )

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="why")
    def reasons(self, listing: Listing) -> str:
        result = getattr(listing, "_result", None) or {}
        if isinstance(result, str):  # SQLite returns JSON from a subquery as text
            result = json.loads(result)
        reasons = (result.get("moderation") or {}).get("reasons") or []
        return "; ".join(f"{r['code']}: {r['detail']}" for r in reasons) or "-"

    @admin.action(description="Approve: the listing is fine", permissions=["change"])
    def approve_selected(self, request, queryset) -> None:
        categories = set(queryset.values_list("category", flat=True))
        count = queryset.update(moderation=Listing.Moderation.APPROVED)
        listings_changed(categories)  # held ones are back in their category's "More in ..."
        self.message_user(request, f"Approved {count} listings; held ones are visible again.")

    @admin.action(description="Remove: take the listing down", permissions=["change"])
    def remove_selected(self, request, queryset) -> None:
        count = 0
        for listing in queryset:
            reject_listing(listing)
            count += 1
        self.message_user(request, f"Removed {count} listings.")


@admin.register(AssistantSuggestion)
class AssistantSuggestionAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "user",
        "prompt_version",
        "prompt_label",
        "accepted",
        "listing",
        "created_at",
    )
    list_filter = ("prompt_label", "prompt_version")
    search_fields = ("text", "user__username")
    list_select_related = ("user", "prompt_version__prompt", "listing")
    raw_id_fields = ("user", "listing", "llm_call")
    readonly_fields = [field.name for field in AssistantSuggestion._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="accepted")
    def accepted(self, suggestion: AssistantSuggestion) -> str:
        return ", ".join(suggestion.accepted_fields) or "-"
