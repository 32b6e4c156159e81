"""Template helpers for the marketplace pages: icons, prices, ages, stored-file URLs."""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from threading import Lock

from django import template
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.html import avoid_wrapping, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import TIME_STRINGS, timesince
from django.utils.translation import get_language

from marketplace.categories import all_categories
from marketplace.models import Category, EnrichmentJob, Listing, attribute_text

register = template.Library()
logger = logging.getLogger(__name__)

ICON_NAME = re.compile(r"^[a-z0-9-]+$")


@lru_cache(maxsize=128)
def _icon_markup(name: str) -> str:
    """The SVG of ``static/icons/<name>.svg`` ready to inline, or "" if there is none.

    Inlined rather than linked with <img> so the icon takes the text colour (``currentColor``)
    and costs no extra request.
    """
    path = finders.find(f"icons/{name}.svg") if ICON_NAME.match(name) else None
    if not path:
        # Category icons are editable in the admin: a typo there must not break every page.
        logger.warning("No icon named %r in static/icons/", name)
        return ""
    with open(path, encoding="utf-8") as file:
        svg = file.read()
    opening, body = svg[svg.index("<svg") + len("<svg") :].split(">", 1)
    # Lucide's own class and fixed 24px size make way for ours (CSS sizes icons to the text).
    opening = re.sub(r'\s(class|width|height)="[^"]*"', "", opening)
    attributes = f'class="icon icon-{name}" aria-hidden="true" focusable="false"'
    return f"<svg {attributes}{opening}>{body}".strip()


@register.simple_tag
def icon(name: str) -> SafeString:
    """``{% icon "heart" %}``: an inline Lucide icon from static/icons/, sized by CSS."""
    return mark_safe(_icon_markup(str(name)))


def format_price(amount: Decimal, symbol: str) -> str:
    """€1,250 or €12.50: thousands separators, and cents only when there are any."""
    if amount == 0:
        return "Free"
    digits = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{symbol}{digits}"


@register.filter
def price(listing: Listing) -> str:
    """``{{ listing|price }}``: the listing's price with its currency symbol."""
    return format_price(listing.price, listing.currency_symbol)


@register.filter
def ago(value: datetime | None) -> str:
    """ "3 hours ago", "2 weeks ago": one unit is enough to judge how fresh a listing is."""
    if value is None:
        return ""
    now = timezone.now()
    elapsed = now - value
    if elapsed < timedelta(minutes=1):
        return "just now"
    if elapsed < timedelta(days=27):
        # No calendar month fits in it, so timesince's answer is the largest of its fixed-length
        # units; each card's age is then a division and a memoised string, not timesince's
        # calendar arithmetic and lazy translation (28 µs a card, on every card of every page).
        seconds = elapsed.total_seconds()
        for unit, length in FIXED_LENGTH_UNITS:
            if count := int(seconds // length):
                return _ago_text(unit, count, get_language())
    return f"{timesince(value, now=now, depth=1)} ago"


FIXED_LENGTH_UNITS = (("week", 7 * 86_400), ("day", 86_400), ("hour", 3_600), ("minute", 60))


@lru_cache(maxsize=1024)
def _ago_text(unit: str, count: int, language: str | None) -> str:
    """ "3 hours ago" as timesince words it, per language."""
    return f"{avoid_wrapping(TIME_STRINGS[unit] % {'num': count})} ago"


@register.filter
def media_url(name: str | None) -> str:
    """The URL of a stored file from its name (what ``for_cards`` annotates as a thumbnail)."""
    return default_storage.url(name) if name else ""


@register.simple_tag(takes_context=True)
def listing_cards(context: template.Context, listings: Iterable[Listing]) -> SafeString:
    """``{% listing_cards listings %}``: the cards of a grid in one call, each card's shared part
    from the card cache and its favourite button for this request's person (marketplace.cards)."""
    from marketplace import cards  # it renders with this library's filters

    return cards.render_cards(listings, context["request"])


_options: tuple[list[Category], dict[str, SafeString]] | None = None


@register.simple_tag
def category_options(*selected: str) -> SafeString:
    """``{% category_options request.GET.category category.slug %}``: the top bar's category
    choices, the one named by any argument selected. Every page shows them, so each of the
    eleven variants is built once per reading of the categories (``marketplace.categories``)."""
    global _options
    categories = all_categories()
    if _options is None or _options[0] is not categories:
        _options = (categories, {})
    chosen = next((c.slug for c in categories if c.slug in selected), "")
    html = _options[1].get(chosen)
    if html is None:
        html = _options[1][chosen] = mark_safe(
            "\n".join(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    category.slug,
                    " selected" if category.slug == chosen else "",
                    category.name,
                )
                for category in categories
            )
        )
    return html


_footer: tuple[list[Category], SafeString] | None = None


@register.simple_tag
def category_links() -> SafeString:
    """``{% category_links %}``: the footer's links to every category, the same on every page
    for everybody, so built once per reading of the categories (``marketplace.categories``)."""
    global _footer
    categories = all_categories()
    if _footer is None or _footer[0] is not categories:
        links = format_html_join(
            "", '<a href="{}">{}</a>', ((c.get_absolute_url(), c.name) for c in categories)
        )
        _footer = (categories, links)
    return _footer[1]


_filters: tuple[list[Category], OrderedDict[tuple, SafeString]] | None = None
MAX_FILTER_FORMS = 2000
_filters_lock = Lock()


@register.simple_tag(takes_context=True)
def search_filters(context: template.Context) -> SafeString:
    """``{% search_filters %}``: the search page's filter form. Django renders each widget and
    each option of a select through templates of its own (some fifty per page), yet the form
    is the same for everybody who sends the same parameters: it is built once per process for
    each page path and set of parameters, and again when the categories are reread."""
    global _filters
    form, request, category = context["form"], context["request"], context.get("category")
    key = (
        request.path,
        category.pk if category else None,
        tuple((name, tuple(form.data.getlist(name))) for name in form.fields),
    )
    categories = all_categories()
    with _filters_lock:
        if _filters is None or _filters[0] is not categories:
            _filters = (categories, OrderedDict())
        forms = _filters[1]
        html = forms.get(key)
    if html is None:
        page = context.template
        assert page is not None  # a tag renders inside a template
        form_template = page.engine.get_template("marketplace/_search_filters.html")
        html = mark_safe(form_template.render(context))
        with _filters_lock:
            forms[key] = html
            while len(forms) > MAX_FILTER_FORMS:
                forms.popitem(last=False)
    return html


_tiles: tuple[list[Category], dict[tuple, SafeString]] | None = None


@register.simple_tag(takes_context=True)
def category_tiles(context: template.Context, tiles: list[Category]) -> SafeString:
    """``{% category_tiles categories %}``: the home page's category tiles, each with its count
    of live listings (``active_count``). The same for everybody until a count changes (the
    counts are cached for a minute), so built once per set of counts and reading of the
    categories, per process."""
    global _tiles
    key = tuple((tile.pk, getattr(tile, "active_count", 0)) for tile in tiles)
    categories = all_categories()
    with _filters_lock:
        if _tiles is None or _tiles[0] is not categories:
            _tiles = (categories, {})
        built = _tiles[1]
        html = built.get(key)
    if html is None:
        page = context.template
        assert page is not None  # a tag renders inside a template
        with context.push(categories=tiles):
            html = mark_safe(
                page.engine.get_template("marketplace/_category_tiles.html").render(context)
            )
        with _filters_lock:
            if len(built) > 100:  # the counts moved on: the old ones will not come back
                built.clear()
            built[key] = html
    return html


@register.simple_tag
def money(amount: Decimal | str | float, currency: str = Listing.Currency.EUR) -> str:
    """``{% money range.low range.currency %}``: an amount with its currency's symbol."""
    symbol = dict(Listing.Currency.choices).get(currency, currency)
    return format_price(Decimal(str(amount)), symbol)


@register.filter
def condition_label(value: str) -> str:
    """``like_new`` → "Like new"."""
    return dict(Listing.Condition.choices).get(value, value)


@register.filter
def category_name(slug: str) -> str:
    return Category.objects.filter(slug=slug).values_list("name", flat=True).first() or slug


@register.filter
def missing_attributes(job: EnrichmentJob, listing: Listing) -> list[tuple[str, object]]:
    """(label, value) of attributes the enrichment job found that the listing does not state."""
    if job.result.get("category") != listing.category.slug:
        return []
    specs = {spec["key"]: spec for spec in listing.category.attribute_specs}
    found = job.result.get("attributes") or {}
    return [
        (specs[key]["label"], attribute_text(specs[key], value)) if key in specs else (key, value)
        for key, value in found.items()
        if listing.attributes.get(key) in (None, "")
    ]
