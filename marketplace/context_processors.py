from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Message, Thread
from .understanding import SEARCH_EXAMPLE


def site(request: HttpRequest) -> dict:
    """What every page's top bar needs. Lazy, so a page that shows none of it pays nothing."""
    context: dict = {
        "SITE_NAME": settings.SITE_NAME,
        "SEARCH_EXAMPLE": SEARCH_EXAMPLE,
    }
    user = request.user
    if user.is_authenticated:
        context["unread_messages"] = SimpleLazyObject(
            lambda: (
                Message.objects.filter(
                    read_at__isnull=True, thread__in=Thread.objects.for_user(user).values("pk")
                )
                .exclude(sender=user)
                .count()
            )
        )
    return context
