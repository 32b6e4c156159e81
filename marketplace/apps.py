from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Marketplace"

    def ready(self) -> None:
        from .ab_tests import create_missing_experiments
        from .ai import forget_category_options
        from .ai_features.offline import register_corpus
        from .llm_corpus import active_listing_texts
        from .models import Category

        post_migrate.connect(create_missing_categories, sender=self)
        post_save.connect(forget_category_options, sender=Category)
        post_delete.connect(forget_category_options, sender=Category)
        post_migrate.connect(create_missing_experiments, sender=self)
        register_corpus(active_listing_texts)


def create_missing_categories(sender, using: str = "default", **kwargs) -> None:
    """Create the categories of ``marketplace.catalog`` that the database does not have yet.

    Runs after every ``migrate`` (and after the test runner's flushes), so a fresh database is
    never without categories. Rows that exist are left as they are: the admin may have edited them.
    """
    from .ai import forget_category_options
    from .catalog import CATEGORIES
    from .models import Category

    existing = set(Category.objects.using(using).values_list("slug", flat=True))
    Category.objects.using(using).bulk_create(
        Category(
            slug=spec.slug,
            name=spec.name,
            icon=spec.icon,
            position=position,
            uses_condition=spec.uses_condition,
            price_label=spec.price_label,
            attribute_specs=[attribute.as_dict() for attribute in spec.attributes],
        )
        for position, spec in enumerate(CATEGORIES)
        if spec.slug not in existing
    )
    forget_category_options()  # bulk_create sends no post_save
