import pytest
from django.core.cache import cache
from django.urls import reverse

from marketplace.catalog import CATEGORIES
from marketplace.models import Category, Listing
from marketplace.views.browse import CATEGORY_COUNTS_KEY
from tests.factories import ListingFactory, ListingImageFactory, category

pytestmark = pytest.mark.django_db


def test_every_catalog_category_exists_after_migrate():
    assert list(Category.objects.order_by("position").values_list("slug", flat=True)) == [
        spec.slug for spec in CATEGORIES
    ]
    for spec in CATEGORIES:
        assert Category.objects.get(slug=spec.slug).attribute_keys == [
            attribute.key for attribute in spec.attributes
        ]


@pytest.mark.catalogue
def test_the_demo_catalogue_has_ten_categories_with_their_attributes():
    assert Category.objects.count() == 10
    assert Category.objects.get(slug="phones").attribute_keys == [
        "brand",
        "model",
        "storage_gb",
        "colour",
    ]


def test_home_shows_active_listings_only(client):
    ListingFactory.create(title="Vintage road bike")
    ListingFactory.create(title="Hidden draft", status=Listing.Status.DRAFT)
    response = client.get("/")
    assert response.status_code == 200
    assert "Vintage road bike" in response.text
    assert "Hidden draft" not in response.text


def test_home_has_the_search_box_and_a_tile_with_an_icon_per_category(client):
    response = client.get(reverse("home"))
    html = response.text
    assert 'action="/search/"' in html
    assert html.count('class="category-tile"') == len(CATEGORIES)
    for spec in CATEGORIES:
        assert f'class="icon icon-{spec.icon}"' in html
        assert reverse("category", args=[spec.slug]) in html


def test_the_category_tiles_follow_the_catalogue_order(client):
    response = client.get(reverse("home"))
    names = [tile.name for tile in response.context["categories"]]
    assert names == [spec.name for spec in CATEGORIES]


# Two of the catalogue's categories, whichever they are.
SOME, OTHER = CATEGORIES[0].slug, CATEGORIES[-1].slug


def test_category_tiles_count_active_listings_only(client):
    ListingFactory.create_batch(3, category=category(SOME))
    ListingFactory.create(category=category(SOME), status=Listing.Status.SOLD)
    ListingFactory.create(category=category(SOME), status=Listing.Status.DRAFT)
    ListingFactory.create(category=category(SOME), moderation=Listing.Moderation.HELD)
    response = client.get(reverse("home"))
    counts = {tile.slug: tile.active_count for tile in response.context["categories"]}
    assert counts[SOME] == 3
    assert counts[OTHER] == 0
    assert "3 ads" in response.text


def test_the_counts_are_kept_for_a_minute(client, django_assert_num_queries):
    ListingFactory.create(category=category(OTHER))
    client.get(reverse("home"))
    ListingFactory.create(category=category(OTHER))
    with django_assert_num_queries(1):  # the fresh listings; categories and counts are cached
        response = client.get(reverse("home"))
    counts = {tile.slug: tile.active_count for tile in response.context["categories"]}
    assert counts[OTHER] == 1
    cache.delete(CATEGORY_COUNTS_KEY)  # a minute later
    response = client.get(reverse("home"))
    counts = {tile.slug: tile.active_count for tile in response.context["categories"]}
    assert counts[OTHER] == 2


def test_a_card_shows_price_title_city_age_and_cover_photo(client):
    listing = ListingFactory.create(
        title="Bosch washing machine", price="1250.00", currency="EUR", city="Leipzig"
    )
    ListingImageFactory.create(listing=listing, position=1)
    cover = ListingImageFactory.create(listing=listing, position=0)
    html = client.get(reverse("home")).text
    assert "€1,250" in html
    assert "Bosch washing machine" in html
    assert "Leipzig" in html
    assert "just now" in html
    assert cover.thumbnail.url in html
    assert listing.get_absolute_url() in html


def test_a_card_without_photos_shows_the_placeholder(client):
    ListingFactory.create()
    assert "photo-placeholder" in client.get(reverse("home")).text


@pytest.mark.parametrize("listing_count", [2, 12])
def test_home_runs_the_same_few_queries_whatever_the_number_of_cards(
    client, user, django_assert_max_num_queries, listing_count
):
    for listing in ListingFactory.create_batch(listing_count):
        ListingImageFactory.create(listing=listing)
    client.force_login(user)
    # session, user, categories (tiles and top bar), counts, listings, unread count
    client.get(reverse("home"))  # the top bar's smart-search flag is cached from then on
    with django_assert_max_num_queries(6):
        response = client.get(reverse("home"))
    assert len(response.context["listings"]) == listing_count


def test_the_tiles_follow_the_counts_and_a_renamed_category(client):
    ListingFactory.create(category=category(OTHER))
    assert "1 ad<" in client.get(reverse("home")).text
    ListingFactory.create(category=category(OTHER))
    cache.delete(CATEGORY_COUNTS_KEY)  # the counts a minute later
    assert "2 ads<" in client.get(reverse("home")).text
    renamed = category(OTHER)
    renamed.name = "Renamed for the test"
    renamed.save()
    assert (
        '<span class="category-name">Renamed for the test</span>'
        in client.get(reverse("home")).text
    )
