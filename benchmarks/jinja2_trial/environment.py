"""The Jinja2 trial's environment (issue 17): the public pages' templates translated to Jinja2
(templates/ beside this file), with the SAME Python functions the Django templates use exposed as
globals and filters. A trial for benchmarks/bench_templates.py, not the site's templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, RequestContext, engines
from django.template.defaultfilters import (
    date,
    default_if_none,
    linebreaksbr,
    pluralize,
    truncatechars,
    urlencode,
)
from django.template.defaulttags import querystring as django_querystring
from django.templatetags.static import static
from django.urls import reverse
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in django-stubs

from marketplace.templatetags import bazaar

TEMPLATES = Path(__file__).resolve().parent / "templates"


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args or None)


def _django_context(context: jinja2.runtime.Context) -> Context:
    """A Django Context of the Jinja2 page's variables for the tags that take one; the page
    template is Django's base.html so that a tag that renders a Django partial on a cache miss
    (search_filters, category_tiles) finds the engine."""
    django_context = Context(dict(context.get_all()))
    django_context.template = engines["django"].engine.get_template("base.html")  # type: ignore[attr-defined]
    return django_context


@jinja2.pass_context
def listing_cards(context: jinja2.runtime.Context, listings: Any) -> str:
    return bazaar.listing_cards(_django_context(context), listings)


@jinja2.pass_context
def search_filters(context: jinja2.runtime.Context) -> str:
    return bazaar.search_filters(_django_context(context))


@jinja2.pass_context
def category_tiles(context: jinja2.runtime.Context, tiles: Any) -> str:
    return bazaar.category_tiles(_django_context(context), tiles)


@jinja2.pass_context
def querystring(context: jinja2.runtime.Context, **changes: Any) -> str:
    return django_querystring(RequestContext(context["request"]), **changes)


def environment(**options: Any) -> jinja2.Environment:
    """For django.template.backends.jinja2.Jinja2's ``environment`` option (which passes the
    loader of its DIRS, autoescape and auto_reload)."""
    options.setdefault("loader", jinja2.FileSystemLoader(TEMPLATES))
    options.setdefault("autoescape", True)
    env = jinja2.Environment(**options)
    env.globals.update(
        url=url,
        static=static,
        icon=bazaar.icon,
        category_options=bazaar.category_options,
        category_links=bazaar.category_links,
        listing_cards=listing_cards,
        search_filters=search_filters,
        category_tiles=category_tiles,
        querystring=querystring,
    )
    env.filters.update(
        price=bazaar.price,
        ago=bazaar.ago,
        # DTL gives the date filter the value in the current time zone; Jinja2 does not.
        date=lambda value, arg=None: date(template_localtime(value), arg),
        truncatechars=truncatechars,
        linebreaksbr=lambda value: linebreaksbr(value, autoescape=True),
        pluralize=pluralize,
        intcomma=intcomma,
        urlencode=urlencode,
        default_if_none=default_if_none,
    )
    return env
