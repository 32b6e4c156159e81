"""What the offline model learns categories from: the site's own active listings.

Registered with ``ai_features.offline.register_corpus`` in ``MarketplaceConfig.ready``: the
offline model's classifier trains on whatever corpora are registered (a test registers its own).
"""

from collections.abc import Iterator

from .models import Listing


def active_listing_texts(limit: int) -> Iterator[tuple[str, str]]:
    """(title and description, category slug) of the newest ``limit`` active listings."""
    rows = (
        Listing.objects.active()
        .order_by("-published_at", "-id")
        .values_list("title", "description", "category__slug")[:limit]
    )
    for title, description, slug in rows.iterator(chunk_size=1000):
        yield f"{title}\n{description}", slug
