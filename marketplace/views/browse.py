"""What buyers see: the home page, categories, search, listings and sellers' profiles."""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.paginator import Page
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from waffle import flag_is_active

from accounts.models import User
from experiments.api import track

from .. import ab_tests, relaxation, understanding
from ..categories import all_categories, category_by_pk, category_by_slug
from ..forms import MessageForm, SearchForm
from ..models import Category, Favourite, Listing, Thread
from ..newest import newest, newest_listings, similar_listings
from ..search import SearchFilters, Sort, search_listings
from .common import paginate, paginate_counting_in_the_query, safe_next

HOME_FRESH_LISTINGS = 12
CATEGORY_COUNTS_KEY = "marketplace:active-counts-by-category"
CATEGORY_COUNTS_CACHE_SECONDS = 60


def active_counts_by_category() -> dict[int, int]:
    """How many listings buyers can see in each category, counted at most once a minute.

    Counting means reading every live listing (30 ms at 50,000 on Postgres), and the home page
    needs the figures on every visit; a minute-old count is good enough for a tile.
    """
    counts = cache.get(CATEGORY_COUNTS_KEY)
    if counts is None:
        rows = Listing.objects.active().order_by().values_list("category").annotate(Count("id"))
        counts = dict(rows)
        cache.set(CATEGORY_COUNTS_KEY, counts, CATEGORY_COUNTS_CACHE_SECONDS)
    return counts


def seller_active_count(seller_id: int, *, fresh: bool = False) -> int:
    """How many live listings a seller has, for the seller card beside each of their listings:
    counted at most once a minute per seller, like the category tiles; ``fresh`` (the seller
    on their own listing, who has just published or sold one) counts now."""
    key = f"marketplace:seller-active-count:{seller_id}"
    count = None if fresh else cache.get(key)
    if count is None:
        count = Listing.objects.active().filter(seller=seller_id).count()
        cache.set(key, count, CATEGORY_COUNTS_CACHE_SECONDS)
    return count


def home(request: HttpRequest) -> HttpResponse:
    fresh = newest_listings(HOME_FRESH_LISTINGS)  # shared by everybody: hearts marked here
    mark_favourites(request, fresh)
    return render(
        request,
        "marketplace/home.html",
        {"categories": categories_with_counts(), "listings": fresh},
    )


def categories_with_counts() -> list[Category]:
    """The home page's tiles: every category with ``active_count``, its live listings (at most
    a minute old). Copies: the process keeps the categories, each page's counts are its own."""
    counts = active_counts_by_category()
    tiles = []
    for category in all_categories():
        tile = copy(category)
        tile.active_count = counts.get(tile.pk, 0)  # type: ignore[attr-defined]
        tiles.append(tile)
    return tiles


def mark_favourites(request: HttpRequest, cards: list[Listing], *also: int) -> set[int]:
    """Set ``is_favourite`` on this request's own copies of ``cards`` for the person asking, and
    return which of the cards and of ``also`` (more listing ids) they saved: one query for all
    the hearts of a page, none for a visitor."""
    if not request.user.is_authenticated or not (cards or also):
        return set()
    ids = [card.pk for card in cards] + list(also)
    saved = set(
        Favourite.objects.filter(user=request.user, listing__in=ids).values_list(
            "listing", flat=True
        )
    )
    for card in cards:
        card.is_favourite = card.pk in saved  # type: ignore[attr-defined]
    return saved


def search(request: HttpRequest) -> HttpResponse:
    # The form first: understanding (a model call) and the search event get the buyer's words
    # as the form cleaned and bounded them, never the raw parameter.
    form = SearchForm(request.GET, categories=all_categories())
    query = form.to_filters().q
    outcome = understanding.understand(request, query)
    if outcome.redirect_to:
        return redirect(outcome.redirect_to)
    response, page_obj = _render_results(
        request,
        form,
        category=None,
        extra={
            "chips": understanding.chips(request),
            "understood_from": understanding.understood_from(request),
            "literal_url": understanding.literal_search_url(request),
            "search_note": outcome.note,
            "smart_search": _smart_search_state(request),
            "smart_search_next": understanding.plain_search_url(request),
        },
    )
    if page_obj.number == 1:  # a search is counted once, not once per page
        results = page_obj.paginator.count
        properties: dict[str, Any] = {
            "q": query,
            "results": results,
            "understood": understanding.FROM in request.GET,
        }
        track(request, ab_tests.SEARCH, **properties)
        if results == 0:
            track(request, ab_tests.SEARCH_NO_RESULTS, **properties)
    return response


def _smart_search_state(request: HttpRequest) -> str:
    """ "on" or "off" for visitors who have smart search (to show the switch), else ""."""
    if not request.GET.get("q") and understanding.FROM not in request.GET:
        return ""
    if not flag_is_active(request, ab_tests.AI_SEARCH):
        return ""
    return "off" if request.COOKIES.get(understanding.COOKIE) == "off" else "on"


def category(request: HttpRequest, slug: str) -> HttpResponse:
    category = category_by_slug(slug)
    if category is None:
        raise Http404("No such category.")
    form = SearchForm(request.GET, categories=(), fixed_category=category)
    return _render_results(request, form, category=category)[0]


def _render_results(
    request: HttpRequest, form: SearchForm, category: Category | None, extra: dict | None = None
) -> tuple[HttpResponse, Page]:
    filters = form.to_filters()
    if category is not None and filters == SearchFilters(category=category.slug, sort=filters.sort):
        # A whole category: the home page's tile count (at most a minute old), not a COUNT
        # over thousands of listings on every visit.
        count = active_counts_by_category().get(category.pk, 0)
        if filters.effective_sort == Sort.NEWEST and request.GET.get("page", "1") in ("", "1"):
            page_obj = _category_landing_page(request, category, count)
        else:
            page_obj = paginate(request, _results(request, filters), count=count)
    else:
        page_obj = paginate_counting_in_the_query(request, _results(request, filters))
    context = {"form": form, "filters": filters, "category": category, "page_obj": page_obj}
    if page_obj.paginator.count == 0:  # only a page with nothing to show pays for the counts
        fixed = "category" if category else ""
        context["relaxations"] = relaxation.suggestions(
            request, filters, Listing.objects.all(), fixed=fixed
        )
    return render(request, "marketplace/search.html", context | (extra or {})), page_obj


def _results(request: HttpRequest, filters: SearchFilters) -> QuerySet[Listing]:
    return search_listings(filters, base=Listing.objects.for_cards(request.user))


def _category_landing_page(request: HttpRequest, category: Category, count: int) -> Page:
    """A category's first page, newest first and unfiltered (what its tile and the top bar link
    to): the per-process list of its newest listings (marketplace.newest, read again whenever a
    listing of the category changes), not a query per visit. The count is the tile's, raised to
    what the page shows if the minute-old figure is behind."""
    cards = [copy(listing) for listing in newest(category.pk, settings.LISTINGS_PER_PAGE)]
    mark_favourites(request, cards)
    shown = len(cards)
    return paginate(
        request, cards, count=shown if shown < settings.LISTINGS_PER_PAGE else max(count, shown)
    )


@require_POST
def smart_search_switch(request: HttpRequest) -> HttpResponse:
    """The buyer's switch for search understanding, kept in a cookie for a year."""
    response = redirect(safe_next(request, reverse("search")))
    if request.POST.get("smart") == "off":
        response.set_cookie(understanding.COOKIE, "off", max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(understanding.COOKIE)
    return response


def listing_redirect(request: HttpRequest, pk: int) -> HttpResponse:
    """``/listings/<pk>/``: the short link, sent on to the canonical URL with the slug."""
    listing = get_object_or_404(Listing.objects.visible_to(request.user), pk=pk)
    return redirect(listing, permanent=True)


def listing_detail(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    # By primary key alone, visibility checked on the row read (the same rule as
    # ``visible_to``) and the category from the process's copy: the simplest query to build.
    listing = get_object_or_404(Listing.objects.select_related("seller"), pk=pk)
    if not listing.is_visible_to(request.user):
        raise Http404("No Listing matches the given query.")
    category = category_by_pk(listing.category_id)
    if category is not None:  # else read when the page asks for it
        listing.category = category
    if slug != listing.slug:
        return redirect(listing, permanent=True)
    if listing.seller_id != request.user.pk:
        track(request, ab_tests.LISTING_VIEW, listing_id=listing.pk)
    return render_listing_detail(request, listing)


def render_listing_detail(
    request: HttpRequest, listing: Listing, contact_form: MessageForm | None = None
) -> HttpResponse:
    """The listing page; the contact view renders it again with its form's errors."""
    context = listing_detail_context(request, listing, contact_form)
    return render(request, "marketplace/listing_detail.html", context)


def listing_detail_context(
    request: HttpRequest, listing: Listing, contact_form: MessageForm | None = None
) -> dict[str, Any]:
    """What the listing page shows the person making ``request``."""
    user = request.user
    is_owner = user.is_authenticated and listing.seller_id == user.pk
    enrichment = listing.enrichment_jobs.order_by("-queued_at", "-id").first() if is_owner else None
    thread = None
    similar = similar_listings(listing)  # shared by everybody: hearts marked here
    # The listing's own heart too, but for its seller, who has none.
    saved = mark_favourites(request, similar, *([] if is_owner else [listing.pk]))
    if user.is_authenticated and not is_owner:
        thread = Thread.objects.filter(listing=listing, buyer=user).first()
    return {
        "listing": listing,
        "enrichment": enrichment,
        "images": listing_photos(listing),
        "is_owner": is_owner,
        "is_favourite": listing.pk in saved,
        "thread": thread,
        "contact_form": contact_form or MessageForm(),
        "seller": listing.seller,
        "seller_active_count": seller_active_count(listing.seller_id, fresh=is_owner),
        "similar": similar,
    }


@dataclass(frozen=True)
class Photo:
    """What the listing page's gallery shows of a photo."""

    url: str
    thumbnail_url: str
    width: int
    height: int


def listing_photos(listing: Listing) -> list[Photo]:
    """The listing's photos in order, read as plain values (no model instances or file objects
    for a gallery that only needs their URLs and sizes)."""
    rows = listing.images.order_by("position", "id").values_list(
        "image", "thumbnail", "width", "height"
    )
    url = default_storage.url
    return [
        Photo(url(image), url(thumbnail) if thumbnail else "", width, height)
        for image, thumbnail, width, height in rows
    ]


def seller_profile(request: HttpRequest, username: str) -> HttpResponse:
    seller = get_object_or_404(User, username=username, is_active=True)
    listings = seller.listings.active().for_cards(request.user).order_by("-published_at", "-id")
    page_obj = paginate(request, listings)
    return render(
        request,
        "marketplace/seller_profile.html",
        {"seller": seller, "page_obj": page_obj, "seller_active_count": page_obj.paginator.count},
    )
