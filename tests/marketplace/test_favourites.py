import pytest
from django.urls import reverse

from experiments.models import Event
from marketplace.models import Favourite, Listing
from tests.factories import FavouriteFactory, ListingFactory, ListingImageFactory

pytestmark = pytest.mark.django_db


def test_the_heart_saves_and_unsaves_with_htmx(user_client, user):
    listing = ListingFactory.create()
    url = reverse("favourite_toggle", args=[listing.pk])
    saved = user_client.post(url, {"compact": "1"}, headers={"HX-Request": "true"})
    assert saved.status_code == 200
    assert 'aria-pressed="true"' in saved.text
    assert "favourite-compact" in saved.text
    assert "<html" not in saved.text  # just the button, swapped in place
    assert Favourite.objects.filter(user=user, listing=listing).exists()

    unsaved = user_client.post(url, headers={"HX-Request": "true"})
    assert 'aria-pressed="false"' in unsaved.text
    assert not Favourite.objects.exists()


def test_without_htmx_the_heart_goes_back_to_the_page(user_client, user):
    listing = ListingFactory.create()
    response = user_client.post(
        reverse("favourite_toggle", args=[listing.pk]), {"next": "/search/?q=bike"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/search/?q=bike"
    assert Favourite.objects.filter(user=user, listing=listing).exists()


@pytest.mark.parametrize(
    "target",
    [
        "' OR 1=1 --",  # redirect() took these for names of views: NoReverseMatch, a 500
        "🙂 saved",
        "home",
        "my_listings",
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example/",  # browsers read a backslash as a slash
        "/\t/evil.example/",  # and drop tabs and newlines
        "javascript:alert(1)",
        "/" + "x" * 3000,
    ],
)
def test_a_next_that_is_not_a_path_on_this_site_goes_back_to_the_listing(user_client, target):
    listing = ListingFactory.create()
    response = user_client.post(reverse("favourite_toggle", args=[listing.pk]), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == listing.get_absolute_url()


def test_anonymous_visitors_are_sent_to_log_in(client):
    listing = ListingFactory.create()
    url = reverse("favourite_toggle", args=[listing.pk])
    plain = client.post(url)
    assert plain.status_code == 302
    assert plain["Location"].startswith(reverse("login"))
    assert f"next=/listings/{listing.pk}/" in plain["Location"]
    htmx = client.post(url, headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"].startswith(reverse("login"))
    assert not Favourite.objects.exists()


def test_the_toggle_url_opened_directly_shows_the_listing(user_client):
    listing = ListingFactory.create()
    response = user_client.get(reverse("favourite_toggle", args=[listing.pk]))
    assert response["Location"] == listing.get_absolute_url()


def test_a_draft_of_someone_else_cannot_be_saved(user_client):
    listing = ListingFactory.create(status=Listing.Status.DRAFT)
    assert user_client.post(reverse("favourite_toggle", args=[listing.pk])).status_code == 404


def test_the_favourites_page_lists_saved_listings_newest_first(user_client, user):
    older = FavouriteFactory.create(user=user, listing__title="Saved first").listing
    newer = FavouriteFactory.create(user=user, listing__title="Saved second").listing
    FavouriteFactory.create(listing__title="Someone else's")
    FavouriteFactory.create(listing=newer)  # saved by someone else too: still listed once
    response = user_client.get(reverse("favourites"))
    assert [listing.pk for listing in response.context["page_obj"]] == [newer.pk, older.pk]
    assert response.text.count('aria-pressed="true"') == 2


def test_the_favourites_page_hides_listings_that_went_offline(user_client, user):
    FavouriteFactory.create(user=user, listing__status=Listing.Status.REMOVED)
    FavouriteFactory.create(user=user, listing__title="Sold bed", listing__status="sold")
    response = user_client.get(reverse("favourites"))
    assert [listing.title for listing in response.context["page_obj"]] == ["Sold bed"]


def test_cards_show_which_listings_are_favourites(user_client, user):
    FavouriteFactory.create(user=user, listing__title="Loved")
    ListingFactory.create(title="Not loved")
    html = user_client.get(reverse("home")).text
    assert html.count('aria-pressed="true"') == 1
    assert html.count('aria-pressed="false"') == 1


@pytest.mark.parametrize("per_page", [3, 20])
def test_the_favourites_page_runs_a_bounded_number_of_queries(
    user_client, user, settings, django_assert_max_num_queries, per_page
):
    settings.LISTINGS_PER_PAGE = per_page
    for favourite in FavouriteFactory.create_batch(per_page, user=user):
        ListingImageFactory.create(listing=favourite.listing)
    # session, user, count, listings, top bar categories, unread count
    user_client.get(reverse("favourites"))  # the top bar's smart-search flag is cached from then on
    with django_assert_max_num_queries(6):
        response = user_client.get(reverse("favourites"))
    assert len(response.context["page_obj"]) == per_page


def test_a_double_click_on_save_saves_once(user_client, user):
    listing = ListingFactory.create()
    page = user_client.get(listing.get_absolute_url())
    assert 'name="saved" value="1"' in page.text  # the button says what it wants
    url = reverse("favourite_toggle", args=[listing.pk])
    for _ in range(2):
        response = user_client.post(url, {"saved": "1"}, headers={"HX-Request": "true"})
        assert 'aria-pressed="true"' in response.text
        assert 'name="saved" value="0"' in response.text  # the next click unsaves
    assert Favourite.objects.filter(user=user, listing=listing).count() == 1
    assert Event.objects.filter(name="favourite_added").count() == 1

    for _ in range(2):
        user_client.post(url, {"saved": "0"})
    assert not Favourite.objects.exists()
