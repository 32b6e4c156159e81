from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html

from .models import Category, Favourite, Listing, ListingImage, Message, Thread


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
    list_filter = ("status", "category", "condition", "currency")
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
