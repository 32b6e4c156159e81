from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Category, Listing


def home(request: HttpRequest) -> HttpResponse:
    fresh = Listing.objects.active().for_cards(request.user).order_by("-published_at", "-id")
    return render(
        request,
        "marketplace/home.html",
        {"categories": Category.objects.all(), "listings": fresh[: settings.LISTINGS_PER_PAGE]},
    )
