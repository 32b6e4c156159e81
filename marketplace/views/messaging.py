"""Conversations between buyers and sellers about a listing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from experiments.api import track

from .. import ab_tests, services
from ..forms import MessageForm
from ..models import Listing, Thread
from .browse import render_listing_detail
from .common import AuthenticatedHttpRequest, paginate

THREADS_PER_PAGE = 30


@require_http_methods(["GET", "POST"])
def contact_seller(request: HttpRequest, pk: int) -> HttpResponse:
    """The "Message seller" form. Opens the conversation, or continues the one there is."""
    listing = get_object_or_404(
        Listing.objects.visible_to(request.user).select_related("category", "seller"), pk=pk
    )
    if request.method == "GET":
        return redirect(listing)
    if not request.user.is_authenticated:
        return redirect_to_login(listing.get_absolute_url())
    if listing.seller_id == request.user.pk:
        messages.error(request, "You can't send a message about your own listing.")
        return redirect(listing)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            message, created = services.send_message(
                listing=listing,
                buyer=request.user,
                sender=request.user,
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:  # a double submit lands on the message already sent, counted once
                track(request, ab_tests.CONTACT_SELLER, listing_id=listing.pk)
            messages.success(request, f"Message sent to {listing.seller.display_name}.")
            return redirect(message.thread.get_absolute_url() + "#latest")
    return render_listing_detail(request, listing, contact_form=form)


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    threads = Thread.objects.for_inbox(request.user)
    return render(
        request,
        "marketplace/inbox.html",
        {"page_obj": paginate(request, threads, per_page=THREADS_PER_PAGE)},
    )


@login_required
def thread(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One conversation. Only its buyer and the listing's seller can open it."""
    conversation = get_object_or_404(
        Thread.objects.for_user(request.user).select_related(
            "listing__category", "listing__seller", "buyer"
        ),
        pk=pk,
    )
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.send_message(
                listing=conversation.listing,
                buyer=conversation.buyer,
                sender=request.user,
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(conversation.get_absolute_url() + "#latest")
    services.mark_thread_read(conversation, request.user)
    return render(
        request,
        "marketplace/thread.html",
        {
            "thread": conversation,
            "other": conversation.other_party(request.user),
            "is_seller": conversation.listing.seller_id == request.user.pk,
            "thread_messages": conversation.messages.all(),
            "cover": conversation.listing.images.first(),
            "form": form,
        },
    )
