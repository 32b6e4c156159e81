"""What sellers do: post, edit, publish, mark sold and delete listings, manage photos."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from experiments.api import track

from .. import ab_tests, services
from ..forms import ATTRIBUTE_PREFIX, ListingForm
from ..models import Listing, ListingImage
from .assistant import assistant_enabled
from .common import AuthenticatedHttpRequest, paginate, safe_next

# The submit buttons of the listing form (name="action").
PUBLISH, SAVE_DRAFT, SAVE = "publish", "draft", "save"


def _get_listing_for_owner(request: AuthenticatedHttpRequest, pk: int) -> Listing:
    """The seller's own listing, or 404: other people's listings don't exist for these views.

    Removed listings are gone for their seller too, so nothing can be done to them any more.
    """
    return get_object_or_404(
        Listing.objects.exclude(status=Listing.Status.REMOVED).select_related("category"),
        pk=pk,
        seller=request.user,
    )


def _track_published(request: AuthenticatedHttpRequest, listing: Listing) -> None:
    """A listing goes live once: re-publishing after an unpublish does not count again."""
    first_time = track(
        request,
        ab_tests.LISTING_PUBLISHED,
        idempotency_key=f"listing_published:{listing.pk}",
        listing_id=listing.pk,
        category=listing.category.slug,
    )
    if first_time is not None:
        services.score_published_suggestion(listing)


def _say_where_it_stands(request: AuthenticatedHttpRequest, listing: Listing) -> None:
    """The message after putting a listing live, read from the row: the screening (run at once
    when there is no worker) may have held it back already."""
    listing.refresh_from_db(fields=["status", "moderation"])
    if listing.moderation == Listing.Moderation.HELD:
        messages.warning(request, listing.publication_note)
    else:
        messages.success(request, listing.publication_note)


def _render_form(request: AuthenticatedHttpRequest, context: dict) -> HttpResponse:
    context["assistant"] = assistant_enabled(request)  # records the seller's exposure
    return render(request, "marketplace/listing_form.html", context)


@login_required
def listing_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ListingForm(
        request.POST or None, request.FILES or None, initial={"city": request.user.city}
    )
    if request.method == "POST" and form.is_valid():
        publish = request.POST.get("action") != SAVE_DRAFT
        listing = services.create_listing(
            request.user,
            form.listing_fields(),
            photos=form.cleaned_data["photos"],
            publish=publish,
        )
        services.link_suggestion(listing, request.POST.get("suggestion"))
        if publish:
            _track_published(request, listing)
            _say_where_it_stands(request, listing)
            return redirect(listing)
        messages.success(request, "Draft saved. Publish it when you are ready.")
        return redirect("listing_edit", pk=listing.pk)
    if request.method == "GET":
        track(request, ab_tests.LISTING_FORM_STARTED)
    return _render_form(request, {"form": form, "listing": None})


@login_required
def listing_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    listing = _get_listing_for_owner(request, pk)
    form = ListingForm(request.POST or None, request.FILES or None, instance=listing)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", SAVE)
        status = {PUBLISH: Listing.Status.ACTIVE, SAVE_DRAFT: Listing.Status.DRAFT}.get(action)
        was_live = listing.status == Listing.Status.ACTIVE
        listing = services.update_listing(
            listing, form.listing_fields(), photos=form.cleaned_data["photos"], status=status
        )
        services.link_suggestion(listing, request.POST.get("suggestion"))
        if listing.status == Listing.Status.ACTIVE:
            _track_published(request, listing)
        if listing.status == Listing.Status.DRAFT:
            note = "Your listing is offline, saved as a draft." if was_live else "Draft saved."
            messages.success(request, note)
            return redirect("listing_edit", pk=listing.pk)
        if not was_live and listing.status == Listing.Status.ACTIVE:
            _say_where_it_stands(request, listing)
        else:
            messages.success(request, "Your changes are saved.")
        return redirect(listing)
    return _render_form(
        request, {"form": form, "listing": listing, "images": list(listing.images.all())}
    )


@login_required
def listing_attribute_fields(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The category-dependent part of the listing form, swapped in when the category changes.

    Values typed for attributes that the new category also has (brand, model…) are kept.
    """
    kept = {name: value for name, value in request.GET.items() if name.startswith(ATTRIBUTE_PREFIX)}
    form = ListingForm(initial={"category": request.GET.get("category"), **kept})
    return render(request, "marketplace/_category_fields.html", {"form": form, "oob": True})


@login_required
@require_POST
def listing_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    listing = _get_listing_for_owner(request, pk)
    try:
        services.publish_listing(listing)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        _track_published(request, listing)
        _say_where_it_stands(request, listing)
    return redirect(safe_next(request, listing.get_absolute_url()))


@login_required
@require_POST
def listing_mark_sold(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    listing = _get_listing_for_owner(request, pk)
    try:
        services.mark_listing_sold(listing)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Marked as sold. Congratulations!")
    return redirect(safe_next(request, listing.get_absolute_url()))


@login_required
def listing_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    listing = _get_listing_for_owner(request, pk)
    if request.method == "POST":
        services.remove_listing(listing)
        messages.success(request, f"“{listing.title}” was deleted.")
        return redirect("my_listings")
    return render(request, "marketplace/listing_confirm_delete.html", {"listing": listing})


def _get_photo_for_owner(request: AuthenticatedHttpRequest, pk: int, photo_pk: int) -> ListingImage:
    listing = _get_listing_for_owner(request, pk)
    return get_object_or_404(
        ListingImage.objects.select_related("listing"), pk=photo_pk, listing=listing
    )


@login_required
@require_POST
def listing_photo_remove(request: AuthenticatedHttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    services.remove_listing_photo(_get_photo_for_owner(request, pk, photo_pk))
    messages.success(request, "Photo removed.")
    return redirect(reverse("listing_edit", args=[pk]) + "#photos")


@login_required
@require_POST
def listing_photo_cover(request: AuthenticatedHttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    services.make_cover_photo(_get_photo_for_owner(request, pk, photo_pk))
    messages.success(request, "Cover photo changed.")
    return redirect(reverse("listing_edit", args=[pk]) + "#photos")


STATUS_TABS = [
    ("", "All"),
    (Listing.Status.ACTIVE, "Active"),
    (Listing.Status.DRAFT, "Drafts"),
    (Listing.Status.SOLD, "Sold"),
    (Listing.Status.REMOVED, "Deleted"),
]


@login_required
def my_listings(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The seller's dashboard: every listing they have, by status."""
    status = request.GET.get("status", "")
    if status not in Listing.Status.values:
        status = ""
    mine = Listing.objects.filter(seller=request.user)
    counts = dict(mine.values_list("status").annotate(n=Count("id")).order_by())
    listings = mine.for_cards(request.user, with_category=True).order_by("-updated_at", "-id")
    if status:
        listings = listings.filter(status=status)
    tabs = [
        {
            "status": value,
            "label": label,
            "count": counts.get(value, 0) if value else sum(counts.values()),
            "active": value == status,
        }
        for value, label in STATUS_TABS
    ]
    return render(
        request,
        "marketplace/my_listings.html",
        {"page_obj": paginate(request, listings), "tabs": tabs, "status": status},
    )
