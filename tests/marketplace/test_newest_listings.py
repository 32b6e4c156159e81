"""The home page's newest listings and the listing page's "More in <category>" come from
per-process lists per version (marketplace.newest): a listing that may no longer be shown must
leave them at once, and nothing of one person (hearts, form tokens) may reach another.

Each test runs its requests one after the other in the same process, as a server would, so the
list read for one request is what the next one starts from.
"""

import re
from time import monotonic

import pytest
from django.urls import reverse

from marketplace import newest
from marketplace.enrichment import _apply_verdict
from marketplace.models import EnrichmentJob, Listing, ModerationQueueItem
from marketplace.services import mark_listing_sold, reject_listing, update_listing
from tests.factories import FavouriteFactory, ListingFactory, UserFactory, category

pytestmark = pytest.mark.django_db


def more_in_category(html: str) -> str:
    """The "More in ..." section of a listing page ("" if the page has none)."""
    found = re.search(
        r'<section class="section" aria-labelledby="similar-heading">.*?</section>', html, re.S
    )
    return found.group(0) if found else ""


def card_of(section: str, listing: Listing) -> str:
    cards = [
        card
        for card in re.findall(r"<article class=\"card.*?</article>", section, re.S)
        if f'href="{listing.get_absolute_url()}"' in card
    ]
    assert len(cards) == 1, f"{len(cards)} cards of {listing.title!r}"
    return cards[0]


@pytest.fixture
def page():
    """A listing whose page is opened, and another of its category shown beside it."""
    shown = ListingFactory.create(title="Pixel 7")
    other = ListingFactory.create(title="Galaxy S21")
    return shown, other


def test_a_listing_held_by_moderation_leaves_the_list_at_once(client, page):
    shown, other = page
    assert "Galaxy S21" in more_in_category(client.get(shown.get_absolute_url()).text)

    job = EnrichmentJob.objects.create(listing=other, input_hash="x")
    _apply_verdict(job, "reject")  # a bulk update(), no save(): held

    assert Listing.objects.get(pk=other.pk).moderation == Listing.Moderation.HELD
    assert "Galaxy S21" not in client.get(shown.get_absolute_url()).text


def test_a_listing_removed_from_the_moderation_queue_leaves_the_list_at_once(client, page):
    shown, other = page
    assert "Galaxy S21" in more_in_category(client.get(shown.get_absolute_url()).text)

    reject_listing(ModerationQueueItem.objects.get(pk=other.pk))  # as the admin's queue does

    assert "Galaxy S21" not in client.get(shown.get_absolute_url()).text


def test_sold_edited_moved_and_new_listings_show_at_once(client, page):
    shown, other = page
    url = shown.get_absolute_url()
    client.get(url)

    update_listing(other, {"title": "Galaxy S21 Ultra"})
    assert "Galaxy S21 Ultra" in more_in_category(client.get(url).text)

    mark_listing_sold(other)
    assert "Galaxy S21" not in client.get(url).text

    newer = ListingFactory.create(title="Nokia 3310")
    assert "Nokia 3310" in more_in_category(client.get(url).text)

    update_listing(newer, {"category": category("vehicles")})
    assert "Nokia 3310" not in client.get(url).text


def test_a_write_that_tells_nobody_shows_within_the_safety_net(client, page, monkeypatch):
    shown, other = page
    url = shown.get_absolute_url()
    client.get(url)
    Listing.objects.filter(pk=other.pk).update(status=Listing.Status.REMOVED)  # no version
    later = monotonic() + newest.MAX_AGE_SECONDS + 1
    monkeypatch.setattr("marketplace.newest.monotonic", lambda: later)
    assert "Galaxy S21" not in client.get(url).text


def test_each_person_sees_their_own_hearts_on_the_list(client, page):
    shown, other = page
    fan, stranger = UserFactory.create_batch(2)
    FavouriteFactory.create(user=fan, listing=other)
    url = shown.get_absolute_url()

    client.force_login(fan)
    saved = card_of(more_in_category(client.get(url).text), other)
    assert 'aria-pressed="true"' in saved

    client.force_login(stranger)
    not_saved = card_of(more_in_category(client.get(url).text), other)
    assert 'aria-pressed="false"' in not_saved
    assert 'aria-pressed="true"' not in not_saved

    client.force_login(other.seller)  # their own listing on the list: no heart
    assert "favourite" not in card_of(more_in_category(client.get(url).text), other)

    client.logout()
    visitor = card_of(more_in_category(client.get(url).text), other)
    assert "Log in to save favourites" in visitor
    assert "csrfmiddlewaretoken" not in visitor
    assert "aria-pressed" not in visitor

    client.force_login(fan)  # the list read for the others carries nothing of theirs
    assert 'aria-pressed="true"' in card_of(more_in_category(client.get(url).text), other)


def test_the_listing_own_heart_is_the_person_own(client, page):
    shown, _other = page
    fan = UserFactory.create()
    FavouriteFactory.create(user=fan, listing=shown)

    client.force_login(fan)
    html = client.get(shown.get_absolute_url()).text
    assert 'class="favourite-button is-on"' in html.split("similar-heading")[0]

    client.force_login(UserFactory.create())
    html = client.get(shown.get_absolute_url()).text
    assert "is-on" not in html

    client.force_login(shown.seller)  # the seller: the owner's panel, no heart of their own
    html = client.get(shown.get_absolute_url()).text.split("similar-heading")[0]
    assert "Your listing" in html
    assert reverse("favourite_toggle", args=[shown.pk]) not in html


def test_a_held_listing_is_for_its_seller_and_never_on_the_list(client, page):
    shown, other = page
    Listing.objects.filter(pk=shown.pk).update(moderation=Listing.Moderation.HELD)
    client.get(other.get_absolute_url())  # read the list after the hold, as it now stands

    assert client.get(shown.get_absolute_url()).status_code == 404
    assert "Pixel 7" not in client.get(other.get_absolute_url()).text
    client.force_login(shown.seller)
    assert client.get(shown.get_absolute_url()).status_code == 200


HOME = reverse("home")
PHONES = reverse("category", args=["phones"])


def test_the_home_page_drops_held_and_sold_listings_and_shows_new_ones_at_once(client, page):
    shown, other = page
    assert "Galaxy S21" in client.get(HOME).text

    _apply_verdict(EnrichmentJob.objects.create(listing=other, input_hash="x"), "reject")
    assert "Galaxy S21" not in client.get(HOME).text

    mark_listing_sold(shown)
    assert "Pixel 7" not in client.get(HOME).text

    ListingFactory.create(title="Nokia 3310")
    assert "Nokia 3310" in client.get(HOME).text


@pytest.mark.parametrize("url", [HOME, PHONES], ids=["home", "category"])
def test_each_person_sees_their_own_hearts_on_the_home_and_category_pages(client, page, url):
    _shown, other = page
    fan, stranger = UserFactory.create_batch(2)
    FavouriteFactory.create(user=fan, listing=other)

    client.force_login(fan)
    assert 'aria-pressed="true"' in card_of(client.get(url).text, other)

    client.force_login(stranger)
    not_saved = card_of(client.get(url).text, other)
    assert 'aria-pressed="false"' in not_saved
    assert 'aria-pressed="true"' not in not_saved

    client.force_login(other.seller)
    assert "favourite" not in card_of(client.get(url).text, other)

    client.logout()
    visitor = card_of(client.get(url).text, other)
    assert "Log in to save favourites" in visitor
    assert "csrfmiddlewaretoken" not in visitor

    client.force_login(fan)
    assert 'aria-pressed="true"' in card_of(client.get(url).text, other)


def test_a_category_first_page_drops_held_sold_and_moved_listings_and_shows_new_ones_at_once(
    client, page
):
    shown, other = page
    html = client.get(PHONES).text
    assert "Pixel 7" in html
    assert "Galaxy S21" in html

    _apply_verdict(EnrichmentJob.objects.create(listing=other, input_hash="x"), "reject")
    assert "Galaxy S21" not in client.get(PHONES).text

    update_listing(shown, {"category": category("vehicles")})
    assert "Pixel 7" not in client.get(PHONES).text
    assert "Pixel 7" in client.get(reverse("category", args=["vehicles"])).text

    newer = ListingFactory.create(title="Nokia 3310")
    assert "Nokia 3310" in client.get(PHONES).text
    mark_listing_sold(newer)
    assert "Nokia 3310" not in client.get(PHONES).text


def test_a_category_first_page_counts_at_least_what_it_shows(client, page):
    client.get(PHONES)  # the tile counts are cached for a minute: two listings
    ListingFactory.create_batch(2)
    html = client.get(PHONES).text
    assert html.count('<article class="card') == 4
    assert "<strong>4</strong> listings" in html


def test_a_category_other_pages_sorts_and_filters_are_read_per_request(
    client, page, settings, django_assert_num_queries
):
    settings.LISTINGS_PER_PAGE = 1
    shown, _other = page
    client.get(PHONES)
    with django_assert_num_queries(0):  # the first page, newest first: the process's list
        assert "Galaxy S21" in client.get(PHONES).text

    Listing.objects.filter(pk=shown.pk).update(title="Pixel 7 Pro")  # tells nobody
    assert "Pixel 7 Pro" in client.get(PHONES, {"page": 2}).text
    by_price = [client.get(PHONES, {"sort": "price_asc", "page": n}).text for n in (1, 2)]
    assert sum("Pixel 7 Pro" in html for html in by_price) == 1
    filtered = client.get(PHONES, {"q": "pixel"}).text
    assert "Pixel 7 Pro" in filtered
    assert "Galaxy S21" not in filtered


def test_a_seller_account_deleted_takes_its_listings_off_the_lists_at_once(client, page):
    shown, other = page
    assert "Galaxy S21" in client.get(HOME).text
    assert "Galaxy S21" in client.get(PHONES).text
    assert "Galaxy S21" in more_in_category(client.get(shown.get_absolute_url()).text)

    other.seller.delete()  # in the admin: the account and, with it, its listings

    assert "Galaxy S21" not in client.get(HOME).text
    assert "Galaxy S21" not in client.get(PHONES).text
    assert "Galaxy S21" not in client.get(shown.get_absolute_url()).text
