from django.urls import path, register_converter

from .views import assistant, browse, favourites, messaging, selling


class UsernameConverter:
    """A username as Django's username validator allows them (letters, digits and @.+-_), so that
    an address with anything else (a NUL, which PostgreSQL cannot even compare) is a 404."""

    regex = r"[\w.@+-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UsernameConverter, "username")

urlpatterns = [
    path("", browse.home, name="home"),
    path("search/", browse.search, name="search"),
    path("search/smart/", browse.smart_search_switch, name="smart_search_switch"),
    path("c/<slug:slug>/", browse.category, name="category"),
    path("u/<username:username>/", browse.seller_profile, name="seller_profile"),
    # Posting and managing listings; the action paths come before the slugged detail URL.
    path("listings/new/", selling.listing_create, name="listing_create"),
    path(
        "listings/attribute-fields/",
        selling.listing_attribute_fields,
        name="listing_attribute_fields",
    ),
    path("listings/assistant/", assistant.assistant_suggest, name="assistant_suggest"),
    path(
        "listings/assistant/<int:pk>/accept/",
        assistant.assistant_accept,
        name="assistant_accept",
    ),
    path(
        "listings/assistant/<int:pk>/dismiss/",
        assistant.assistant_dismiss,
        name="assistant_dismiss",
    ),
    path("listings/<int:pk>/edit/", selling.listing_edit, name="listing_edit"),
    path("listings/<int:pk>/publish/", selling.listing_publish, name="listing_publish"),
    path("listings/<int:pk>/sold/", selling.listing_mark_sold, name="listing_mark_sold"),
    path("listings/<int:pk>/delete/", selling.listing_delete, name="listing_delete"),
    path(
        "listings/<int:pk>/photos/<int:photo_pk>/remove/",
        selling.listing_photo_remove,
        name="listing_photo_remove",
    ),
    path(
        "listings/<int:pk>/photos/<int:photo_pk>/cover/",
        selling.listing_photo_cover,
        name="listing_photo_cover",
    ),
    path("listings/<int:pk>/favourite/", favourites.favourite_toggle, name="favourite_toggle"),
    path("listings/<int:pk>/contact/", messaging.contact_seller, name="contact_seller"),
    path("listings/<int:pk>/", browse.listing_redirect, name="listing_redirect"),
    path("listings/<int:pk>/<slug:slug>/", browse.listing_detail, name="listing_detail"),
    path("me/listings/", selling.my_listings, name="my_listings"),
    path("me/favourites/", favourites.favourites, name="favourites"),
    path("me/messages/", messaging.inbox, name="inbox"),
    path("me/messages/<int:pk>/", messaging.thread, name="thread"),
]
