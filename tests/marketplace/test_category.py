import pytest
from django.urls import reverse

from marketplace.models import Category
from tests.factories import ListingFactory, ListingImageFactory, category

pytestmark = pytest.mark.django_db


def test_category_page_lists_that_category_only(client):
    ListingFactory.create(title="Golf GTI", category=category("vehicles"))
    ListingFactory.create(title="iPhone 13", category=category("phones"))
    response = client.get(reverse("category", args=["vehicles"]))
    assert response.status_code == 200
    assert "<h1>Vehicles</h1>" in response.text
    assert [listing.title for listing in response.context["page_obj"]] == ["Golf GTI"]


def test_category_page_filters_and_sorts_within_the_category(client):
    vehicles = category("vehicles")
    ListingFactory.create(title="Cheap car", category=vehicles, price="900", city="Bremen")
    ListingFactory.create(title="Dear car", category=vehicles, price="9000", city="Bremen")
    ListingFactory.create(title="Far car", category=vehicles, price="500", city="Ulm")
    ListingFactory.create(title="Phone in Bremen", category=category("phones"), city="Bremen")
    response = client.get(
        reverse("category", args=["vehicles"]), {"city": "Bremen", "sort": "price_desc"}
    )
    assert [listing.title for listing in response.context["page_obj"]] == ["Dear car", "Cheap car"]


def test_category_page_has_no_category_picker_in_its_filters(client):
    response = client.get(reverse("category", args=["phones"]))
    assert 'id="id_category"' not in response.text


def test_categories_without_condition_hide_the_condition_filter(client):
    assert 'id="id_condition"' not in client.get(reverse("category", args=["jobs"])).text
    assert 'id="id_condition"' in client.get(reverse("category", args=["phones"])).text


def test_unknown_category_is_404(client):
    assert client.get(reverse("category", args=["spaceships"])).status_code == 404


def test_category_page_shows_filter_errors_instead_of_failing(client):
    response = client.get(reverse("category", args=["phones"]), {"max_price": "cheap"})
    assert response.status_code == 200
    assert "Enter a number." in response.text


@pytest.mark.parametrize("per_page", [3, 20])
def test_category_page_runs_a_bounded_number_of_queries(
    client, settings, django_assert_max_num_queries, per_page
):
    settings.LISTINGS_PER_PAGE = per_page
    for listing in ListingFactory.create_batch(per_page):
        ListingImageFactory.create(listing=listing)
    # category, count, listings, top bar categories
    client.get(
        reverse("category", args=["phones"])
    )  # the top bar's smart-search flag is cached from then on
    with django_assert_max_num_queries(4):
        response = client.get(reverse("category", args=["phones"]))
    assert len(response.context["page_obj"]) == per_page


def test_the_prompts_category_options_are_cached_and_forgotten_when_a_category_changes(
    django_assert_num_queries,
):
    from marketplace.ai import category_options

    first = category_options()
    with django_assert_num_queries(0):
        assert category_options() == first

    phones = Category.objects.get(slug="phones")
    phones.name = "Mobile phones"
    phones.save()
    assert {"slug": "phones", "name": "Mobile phones"}.items() <= next(
        option for option in category_options() if option["slug"] == "phones"
    ).items()

    phones.delete()
    assert "phones" not in {option["slug"] for option in category_options()}


def test_a_renamed_category_shows_at_once_in_the_top_bar_the_footer_and_its_page(client):
    page = client.get(reverse("category", args=["phones"])).text
    assert '<option value="phones" selected>Phones</option>' in page
    phones = Category.objects.get(slug="phones")
    phones.name = "Mobile phones"
    phones.save()  # the categories are kept per process: a save clears them
    page = client.get(reverse("category", args=["phones"])).text
    assert '<option value="phones" selected>Mobile phones</option>' in page
    assert f'<a href="{phones.get_absolute_url()}">Mobile phones</a>' in page  # the footer
    assert "<h1>Mobile phones</h1>" in page
    home = client.get(reverse("home")).text
    assert '<option value="phones">Mobile phones</option>' in home
