from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Marketplace"

    def ready(self) -> None:
        from . import ab_tests  # noqa: F401  (registers the marketplace's experiments)
        from .ai import forget_category_options
        from .ai_features.offline import register_corpus
        from .categories import forget_categories
        from .llm_corpus import active_listing_texts
        from .models import Category, Listing, ModerationQueueItem
        from .newest import listing_saved
        from .site import sync_site_after_migrate

        # The rows that come from code (categories, prompts, experiments): marketplace/site.py.
        post_migrate.connect(sync_site_after_migrate, sender=self)
        post_save.connect(forget_category_options, sender=Category)
        post_delete.connect(forget_category_options, sender=Category)
        post_save.connect(forget_categories, sender=Category)
        post_delete.connect(forget_categories, sender=Category)
        # A proxy's save or delete is sent as the proxy's: the admin's moderation queue's.
        # A deletion too (an account deleted with its listings, the admin's "delete"), though
        # it costs Django's fast path of deleting a seller's listings without loading them.
        for signal in (post_save, post_delete):
            signal.connect(listing_saved, sender=Listing)
            signal.connect(listing_saved, sender=ModerationQueueItem)
        register_corpus(active_listing_texts)
