"""Saving listings for later."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from experiments.api import track

from .. import ab_tests, services
from ..models import Listing
from .common import AuthenticatedHttpRequest, HtmxHttpRequest, paginate, safe_next


@require_http_methods(["GET", "POST"])
def favourite_toggle(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The heart button. With htmx it swaps the button; without, it goes back to the page.

    A GET (the address a login round-trip comes back to) just shows the listing.
    """
    listing = get_object_or_404(Listing.objects.visible_to(request.user), pk=pk)
    back = safe_next(request, listing.get_absolute_url())
    if request.method == "GET":
        return redirect(listing)
    if not request.user.is_authenticated:
        login = redirect_to_login(back)
        if request.htmx:
            return HttpResponseClientRedirect(login.url)
        return login
    # The button says what it wants ("saved": 1 or 0), so that a double click or a resent form
    # does the same thing twice rather than undo itself; a page rendered before it said so
    # toggles.
    wanted = request.POST.get("saved")
    if wanted == "1":
        is_favourite, changed = True, services.save_favourite(request.user, listing)
    elif wanted == "0":
        is_favourite, changed = False, services.unsave_favourite(request.user, listing)
    else:
        is_favourite, changed = services.toggle_favourite(request.user, listing)
    if is_favourite and changed:  # only the request that saved it: concurrent ones find it saved
        track(request, ab_tests.FAVOURITE_ADDED, listing_id=listing.pk)
    if request.htmx:
        return render(
            request,
            "marketplace/_favourite_button.html",
            {
                "listing": listing,
                "is_favourite": is_favourite,
                "next": back,
                "compact": bool(request.POST.get("compact")),
            },
        )
    if is_favourite:
        messages.success(request, "Saved to your favourites.")
    else:
        messages.success(request, "Removed from your favourites.")
    return redirect(back)


@login_required
def favourites(request: AuthenticatedHttpRequest) -> HttpResponse:
    saved = (
        Listing.objects.visible_to(request.user)
        .filter(favourited_by__user=request.user)
        .for_cards(request.user)
        .order_by("-favourited_by__created_at", "-id")
    )
    return render(request, "marketplace/favourites.html", {"page_obj": paginate(request, saved)})
