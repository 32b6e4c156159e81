#!/usr/bin/env python
"""Retake the screenshots in docs/img/: ``make screenshots``.

Builds a throwaway site (a SQLite database and a media folder in a temporary directory), fills
it with the demo data (``manage.py seed_demo``; a small built-in catalogue when the command is
not there), serves it on a free port and photographs each page of ``SHOTS`` in Chromium
(``CHROMIUM_PATH``, as for the browser tests). For the AI pages it runs the walkthrough
itself (docs/walkthrough.md, read by tests/walkthrough.py) up to its results, with the offline
model, and has a seller post a listing that the enrichment job checks.

To document another page, add a ``Shot`` to ``SHOTS``: a file name, the URL (or a function that
finds it in the database), whose session the browser has, and what to do on the page before
the picture is taken. ``--only NAME`` retakes some shots; ``--out DIR`` writes elsewhere.
"""

# ruff: noqa: E402  (Django must be configured, below, before the project's modules load)

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = Path(tempfile.mkdtemp(prefix="bazaar-screenshots-"))
sys.path.insert(0, str(BASE_DIR))
# The embedded mode whatever the shell or .env says: its own database and media, no Redis
# (so tasks run eagerly and the cache is in memory).
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{WORK_DIR / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(WORK_DIR / "media"),
        "DJANGO_SERVE_MEDIA": "true",
        "REDIS_URL": "",
        "LOG_LEVEL": "WARNING",
    }
)

import django

django.setup()

from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, get_commands
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.db.models import Count, Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from PIL import Image, ImageDraw, ImageFont
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from accounts.models import User
from experiments.api import load_spec
from experiments.models import Experiment
from experiments.units import VISITOR_COOKIE, VISITOR_COOKIE_SALT
from llm.evaluation.models import EvalRun
from llm.models import PromptVersion
from marketplace import services
from marketplace.ab_tests import (
    AI_SEARCH,
    LISTING_ASSISTANT_PROMPT,
    LISTING_PROMPT_VERSION,
    assistant_group,
)
from marketplace.ai_features.offline.classifier import forget_corpus
from marketplace.images import process_listing_image
from marketplace.models import Category, Listing, Message, Thread
from tests.e2e.chromium import (
    LAUNCH_ARGS,
    find_chromium,
    missing_chromium_message,
    person_user_agent,
)
from tests.walkthrough import Walkthrough

OUT_DIR = BASE_DIR / "docs" / "img"
DESKTOP = (1280, 800)
PHONE = (390, 844)


# --- Who is in the pictures ---------------------------------------------------------------


def demo_seller() -> User:
    """The seller with the most live listings among those that buyers have written to."""
    seller = (
        User.objects.filter(listings__threads__isnull=False)
        .annotate(live=Count("listings", filter=Q(listings__status=Listing.Status.ACTIVE)))
        .order_by("-live", "pk")
        .first()
    )
    if seller is None:
        raise SystemExit("the demo data has no seller with a conversation to show")
    return seller


def assistant_seller() -> User:
    """A demo seller who gets the listing assistant, answered by the production prompt (as in
    the walkthrough, before its prompt experiment starts)."""
    prompt_experiment = load_spec(LISTING_PROMPT_VERSION)
    sellers = User.objects.filter(is_demo=True, last_name__gt="").order_by("pk")
    for seller in sellers:
        prompt_variant = prompt_experiment.assign(str(seller.pk)) if prompt_experiment else None
        production = prompt_variant is None or prompt_variant.is_control
        if assistant_group(seller.pk) == "treatment" and production:
            return seller
    raise SystemExit("no demo seller has the listing assistant with the production prompt")


def staff() -> User:
    """The admin account that seed_demo creates."""
    return User.objects.get(username="admin")


# Whose session a shot can have (``Shot.as_user``): a name and how to find that person.
PEOPLE: dict[str, Callable[[], User]] = {
    "seller": demo_seller,
    "assistant-seller": assistant_seller,
    "admin": staff,
}


def smart_search_visitor() -> str:
    """A signed visitor cookie that the running ``ai_search`` experiment puts in treatment."""
    spec = load_spec(AI_SEARCH)
    assert spec is not None, "migrate creates the experiment"
    for number in range(1, 1000):
        visitor_id = f"{number:032x}"
        variant = spec.assign(visitor_id)
        if variant is not None and variant.key == "treatment":
            signer = signing.get_cookie_signer(salt=VISITOR_COOKIE + VISITOR_COOKIE_SALT)
            return signer.sign(visitor_id)
    raise SystemExit("no visitor id in the treatment group of ai_search")


# --- What is in the pictures --------------------------------------------------------------


def busiest_category() -> str:
    category = (
        Category.objects.annotate(
            live=Count("listings", filter=Q(listings__status=Listing.Status.ACTIVE))
        )
        .order_by("-live", "position")
        .first()
    )
    assert category is not None, "migrate creates the categories"
    return category.get_absolute_url()


def search_results() -> str:
    """A search for the word that most live listings have in their title."""
    words = Counter(
        word
        for title in Listing.objects.active().values_list("title", flat=True)
        for word in set(re.findall(r"[a-z]{4,}", title.lower()))
    )
    if not words:
        raise SystemExit("the demo data has no live listing")
    return f"{reverse('search')}?{urlencode({'q': words.most_common(1)[0][0]})}"


def listing_with_most_photos() -> str:
    listing = (
        Listing.objects.active()
        .annotate(photos=Count("images"))
        .order_by("-photos", "-published_at")
        .first()
    )
    if listing is None:
        raise SystemExit("the demo data has no live listing")
    return listing.get_absolute_url()


def start_an_ad(page: Page) -> None:
    """A seller halfway through the form: the category chosen and its fields filled in."""
    form = page.get_by_role("main")
    form.get_by_label("Title").fill("iPhone 13, 128 GB, blue")
    form.get_by_label("Category").select_option(label="Phones")
    form.get_by_label("Condition").select_option(label="Good")
    form.get_by_label("Brand").fill("Apple")
    form.get_by_label("Model").fill("iPhone 13")
    form.get_by_label("Storage (GB)").fill("128")
    form.get_by_label("Colour").select_option(label="Blue")
    form.get_by_label(re.compile(r"^Price")).fill("420")
    form.get_by_label("Description").fill(
        "Always in a case, battery at 88%. Box and cable included."
    )
    page.evaluate("document.activeElement.blur()")


ROUGH_TEXT = "selling my iphone 12 64gb, a bit scratched, black, berlin"
SMART_QUERY = "cheap iphone in munich under 400"


def ask_the_assistant(page: Page) -> None:
    """A seller's rough text in the assistant, and its suggestions next to the form."""
    panel = page.get_by_role("region", name=re.compile(r"^Write it for me"))
    panel.get_by_label("Describe your item").fill(ROUGH_TEXT)
    panel.get_by_role("button", name="Suggest").click()
    panel.get_by_role("button", name="Use all suggestions").wait_for()
    page.evaluate("document.activeElement.blur()")


def smart_search() -> str:
    return f"{reverse('search')}?{urlencode({'q': SMART_QUERY})}"


def enriched_listing() -> str:
    """The assistant seller's listing that ``post_an_enriched_listing`` posted."""
    listing = (
        Listing.objects.filter(seller=assistant_seller(), enrichment_jobs__isnull=False)
        .order_by("-published_at")
        .first()
    )
    if listing is None:
        raise SystemExit("the enrichment job of the seller's new listing did not run")
    return listing.get_absolute_url()


def show_the_enrichment_panel(page: Page) -> None:
    page.get_by_role("heading", name=re.compile(r"^Automatic check")).scroll_into_view_if_needed()


def hide_the_admin_sidebar(page: Page) -> None:
    """More room for the page itself: the admin's navigation sidebar folded away."""
    page.get_by_role("button", name="Toggle navigation").click()
    page.evaluate("window.scrollTo(0, 0)")  # the click scrolled the tall button into view


def prompt_experiment_results() -> str:
    experiment = Experiment.objects.get(key=LISTING_PROMPT_VERSION)
    return reverse("admin:experiments_experiment_results", args=[experiment.pk])


def eval_comparison() -> str:
    before, after = EvalRun.objects.order_by("created_at", "id")[:2]
    return f"{reverse('admin:llm_evalrun_compare')}?{urlencode({'a': before.pk, 'b': after.pk})}"


def prompt_diff() -> str:
    old, new = PromptVersion.objects.filter(prompt__name=LISTING_ASSISTANT_PROMPT).order_by(
        "number"
    )[:2]
    return f"{reverse('admin:llm_promptversion_diff')}?{urlencode({'old': old.pk, 'new': new.pk})}"


@dataclass(frozen=True)
class Shot:
    """One picture, saved as ``docs/img/<name>.png``."""

    name: str
    # A path, or a function returning one; it runs before the browser starts, so it may query
    # the database (nothing else may, once Playwright's event loop runs in this thread).
    url: str | Callable[[], str]
    as_user: str | None = None  # a key of PEOPLE; None: an anonymous visitor
    smart_search: bool = False  # a visitor in the treatment group of ``ai_search``
    act: Callable[[Page], None] | None = None  # done on the loaded page before the picture
    viewport: tuple[int, int] = DESKTOP  # width and height in CSS pixels
    scale: int = 1  # device pixels per CSS pixel
    full_page: bool = False  # the whole page, not just the first screen


SHOTS = [
    Shot("home", "/", full_page=True),
    Shot("home-phone", "/", viewport=PHONE, scale=2),
    Shot("category", busiest_category),
    Shot("search", search_results),
    Shot("listing", listing_with_most_photos, full_page=True),
    Shot("post-form", "/listings/new/", as_user="seller", act=start_an_ad, full_page=True),
    Shot("my-listings", "/me/listings/", as_user="seller"),
    Shot("inbox", "/me/messages/", as_user="seller"),
    Shot(
        "post-assistant",
        "/listings/new/",
        as_user="assistant-seller",
        act=ask_the_assistant,
        viewport=(1280, 1560),  # down to the assistant's last button
    ),
    Shot("search-understood", smart_search, smart_search=True),
    Shot(
        "listing-enrichment",
        enriched_listing,
        as_user="assistant-seller",
        act=show_the_enrichment_panel,
        viewport=(1280, 1000),
    ),
    Shot(
        "experiment-results",
        prompt_experiment_results,
        as_user="admin",
        act=hide_the_admin_sidebar,
        full_page=True,
    ),
    Shot(
        "eval-compare",
        eval_comparison,
        as_user="admin",
        act=hide_the_admin_sidebar,
        viewport=(1280, 1100),
    ),
    Shot(
        "prompt-diff",
        prompt_diff,
        as_user="admin",
        act=hide_the_admin_sidebar,
        viewport=(1280, 600),
    ),
    Shot(
        "admin-llm-calls",
        "/admin/llm/llmcall/",
        as_user="admin",
        act=hide_the_admin_sidebar,
        viewport=(1600, 900),
    ),
]


# --- The throwaway site -------------------------------------------------------------------


def build_site() -> None:
    """``make run``'s site, then the walkthrough itself up to its results (step 8): its commands
    as the page writes them, in this throwaway database (tests/walkthrough.py), so the figures in
    the pictures are the ones a reader gets. Each step says how long it took."""
    call_command("migrate", interactive=False, verbosity=0)
    if "seed_demo" in get_commands():
        call_command("seed_demo")
    else:
        seed_small_catalogue()
    forget_corpus()
    walkthrough = Walkthrough(WORK_DIR / "prompts", say=print)
    walkthrough.run(last=8)
    post_an_enriched_listing()


def post_an_enriched_listing() -> None:
    """The assistant seller posts a phone whose description says more than its details; the
    enrichment job (in-process here) checks it and finds the details."""
    fields = {
        "title": "iPhone 12 mini, red",
        "category": Category.objects.get(slug="phones"),
        "price": Decimal(260),
        "currency": Listing.Currency.EUR,
        "condition": "good",
        "city": "Berlin",
        "description": (
            "Apple iPhone 12 mini with 128 GB, in red. Battery at 86%, always in a case, a few "
            "marks on the frame. Comes with the original box and a USB-C cable."
        ),
        "attributes": {"brand": "Apple"},
    }
    photo = process_listing_image(demo_photo("iPhone 12 mini", "#b91c1c", 1), name_stem="new-1")
    services.create_listing(assistant_seller(), fields, photos=[photo], publish=True)


class QuietRequestHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve() -> Iterator[str]:
    """The site on a free port of 127.0.0.1 (static files and media included); yields its URL."""
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietRequestHandler)
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def take(shots: list[Shot], out_dir: Path) -> None:
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit(missing_chromium_message())
    urls = {shot.name: shot.url() if callable(shot.url) else shot.url for shot in shots}
    roles = {shot.as_user for shot in shots if shot.as_user}
    sessions = {role: session_cookie(PEOPLE[role]()) for role in roles}
    visitor = smart_search_visitor() if any(shot.smart_search for shot in shots) else None
    out_dir.mkdir(parents=True, exist_ok=True)
    with serve() as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        for shot in shots:
            cookies = {}
            if shot.as_user:
                cookies[settings.SESSION_COOKIE_NAME] = sessions[shot.as_user]
            if shot.smart_search and visitor:
                cookies[VISITOR_COOKIE] = visitor
            png = photograph(browser, base_url, urls[shot.name], shot, cookies)
            path = out_dir / f"{shot.name}.png"
            save_optimised(png, path)
            print(path.relative_to(BASE_DIR) if path.is_relative_to(BASE_DIR) else path)
        browser.close()


def photograph(
    browser: Browser, base_url: str, path: str, shot: Shot, cookies: dict[str, str]
) -> bytes:
    """The PNG of one shot, in a fresh browser context; a page with errors stops the run."""
    width, height = shot.viewport
    context = browser.new_context(
        base_url=base_url,
        viewport=ViewportSize(width=width, height=height),
        device_scale_factor=shot.scale,
        user_agent=person_user_agent(browser.version),
    )
    context.set_default_timeout(10_000)
    context.add_cookies(
        [{"name": name, "value": value, "url": base_url} for name, value in cookies.items()]
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.goto(path, wait_until="networkidle")
    if shot.act:
        shot.act(page)
        page.wait_for_load_state("networkidle")
    if shot.full_page:
        # A window as tall as the page, rather than Playwright's full_page stitching, which
        # leaves sticky bars (the form's Publish bar) in the middle of the picture.
        height = page.evaluate("document.documentElement.scrollHeight")
        page.set_viewport_size(ViewportSize(width=width, height=height))
        page.wait_for_load_state("networkidle")  # lazy images that came into view
    png = page.screenshot(animations="disabled", caret="hide")
    context.close()
    if problems:
        raise SystemExit(f"{shot.name}: the page reported errors: {problems}")
    return png


def save_optimised(png: bytes, path: Path) -> None:
    """Chromium writes PNGs fast, not small; Pillow's optimiser takes off about a third."""
    Image.open(io.BytesIO(png)).save(path, format="PNG", optimize=True)


# --- A small catalogue, for as long as there is no seed_demo command ----------------------

SELLERS = {
    "anna": ("Anna", "Becker", "Berlin"),
    "jonas": ("Jonas", "Weber", "Hamburg"),
    "leila": ("Leila", "Haddad", "Munich"),
}
# seller, category, title, price, condition, attributes, photo colours, hours since posting
# fmt: off
CATALOGUE: list[tuple[str, str, str, int, str, dict[str, Any], list[str], int]] = [
    ("anna", "phones", "iPhone 13, 128 GB, midnight", 420, "good",
     {"brand": "Apple", "model": "iPhone 13", "storage_gb": 128, "colour": "black"},
     ["#334155", "#475569", "#1e293b"], 2),
    ("jonas", "phones", "iPhone 12 mini, 64 GB", 260, "fair",
     {"brand": "Apple", "model": "iPhone 12 mini", "storage_gb": 64, "colour": "red"},
     ["#b91c1c"], 4),
    ("leila", "phones", "iPhone 14 Pro, 256 GB, gold", 690, "like_new",
     {"brand": "Apple", "model": "iPhone 14 Pro", "storage_gb": 256, "colour": "gold"},
     ["#a16207", "#854d0e"], 12),
    ("jonas", "phones", "Samsung Galaxy S21, 256 GB", 310, "like_new",
     {"brand": "Samsung", "model": "Galaxy S21", "storage_gb": 256, "colour": "grey"},
     ["#6b7280"], 5),
    ("leila", "phones", "Google Pixel 7, 128 GB", 340, "good",
     {"brand": "Google", "model": "Pixel 7", "storage_gb": 128, "colour": "white"},
     ["#a3a3a3"], 9),
    ("anna", "electronics", "MacBook Air M1, 8 GB, 256 GB", 650, "good",
     {"brand": "Apple", "model": "MacBook Air M1", "type": "laptop"}, ["#94a3b8", "#64748b"], 20),
    ("jonas", "electronics", "Sony WH-1000XM4 headphones", 140, "like_new",
     {"brand": "Sony", "model": "WH-1000XM4", "type": "headphones"}, ["#78716c"], 27),
    ("anna", "home-garden", "Grey three-seat sofa", 180, "good",
     {"type": "sofa", "material": "Fabric", "colour": "grey"}, ["#9ca3af", "#6b7280"], 30),
    ("leila", "home-garden", "Oak dining table, 160 × 90 cm", 220, "fair",
     {"type": "table", "material": "Oak", "colour": "brown"}, ["#a16207"], 46),
    ("jonas", "sports-hobbies", "Road bike, 56 cm aluminium frame", 390, "good",
     {"brand": "Cube", "sport": "Cycling", "size": "56 cm"}, ["#0f766e", "#115e59"], 52),
    ("leila", "fashion", "Leather jacket, size M", 75, "good",
     {"brand": "AllSaints", "size": "M", "colour": "black", "gender": "women"}, ["#292524"], 70),
    ("anna", "kids", "Bugaboo Fox stroller", 450, "good",
     {"brand": "Bugaboo", "age_group": "0-1"}, ["#1f2937"], 75),
    ("jonas", "vehicles", "VW Golf 7, 2016, 98,000 km", 11900, "good",
     {"make": "Volkswagen", "model": "Golf 7", "year": 2016, "mileage_km": 98000,
      "fuel": "petrol"}, ["#1d4ed8", "#1e40af"], 96),
    ("leila", "real-estate", "Bright 2-room flat in Schwabing", 1450, "",
     {"type": "apartment", "rooms": 2, "area_m2": 54, "offer": "rent"}, ["#d6d3d1"], 120),
    ("anna", "jobs", "Weekend barista in Kreuzberg", 1100, "",
     {"employment": "part-time", "field": "Hospitality", "remote": "no"}, ["#92400e"], 150),
    ("jonas", "services", "Bike repairs at your door", 35, "",
     {"service": "Bike repair", "rate": "per hour"}, ["#047857"], 200),
]
# fmt: on


def seed_small_catalogue() -> None:
    """Three people, a listing or two in every category with photos, and a few messages."""
    people = {
        username: User.objects.create_user(
            username, f"{username}@example.com", first_name=first, last_name=last, city=city
        )
        for username, (first, last, city) in SELLERS.items()
    }
    now = timezone.now()
    listings = {}
    for seller, slug, title, price, condition, attributes, colours, hours in CATALOGUE:
        fields = {
            "title": title,
            "category": Category.objects.get(slug=slug),
            "price": Decimal(price),
            "currency": Listing.Currency.EUR,
            "condition": condition,
            "city": people[seller].city,
            "description": f"{title}. Well looked after, pick-up in {people[seller].city}.",
            "attributes": attributes,
        }
        photos = [
            process_listing_image(demo_photo(title, colour, number), name_stem=f"demo-{number}")
            for number, colour in enumerate(colours, start=1)
        ]
        listing = services.create_listing(people[seller], fields, photos=photos, publish=True)
        Listing.objects.filter(pk=listing.pk).update(published_at=now - timedelta(hours=hours))
        listings[title] = listing
    services.mark_listing_sold(listings["Bugaboo Fox stroller"])
    kindle = {
        "title": "Kindle Paperwhite, 2021",
        "category": Category.objects.get(slug="electronics"),
        "price": Decimal(70),
        "currency": Listing.Currency.EUR,
        "condition": "like_new",
        "city": "Berlin",
        "description": "Still to photograph.",
        "attributes": {"brand": "Amazon", "type": "other"},
    }
    services.create_listing(people["anna"], kindle)  # a draft
    iphone, sofa = listings["iPhone 13, 128 GB, midnight"], listings["Grey three-seat sofa"]
    anna, jonas, leila = people["anna"], people["jonas"], people["leila"]
    converse(
        iphone,
        leila,
        [
            (leila, "Hi! Is it unlocked?", 180),
            (anna, "Yes, it works with any network.", 150),
            (leila, "Great. Would you take 380?", 25),
        ],
    )
    converse(sofa, jonas, [(jonas, "Does the sofa come apart for moving?", 360)])
    converse(
        listings["Road bike, 56 cm aluminium frame"],
        anna,
        [
            (anna, "Is the bike still available? Could I test-ride it?", 2900),
            (jonas, "Yes, of course. Saturday morning?", 2850),
            (anna, "Great, see you at 10.", 2800),
        ],
    )
    services.toggle_favourite(leila, sofa)


def converse(listing: Listing, buyer: User, lines: list[tuple[User, str, int]]) -> None:
    """A conversation, each line (sender, text, minutes ago) written after reading the others."""
    now = timezone.now()
    for sender, body, minutes_ago in lines:
        message, _ = services.send_message(listing=listing, buyer=buyer, sender=sender, body=body)
        services.mark_thread_read(message.thread, sender)
        sent_at = now - timedelta(minutes=minutes_ago)
        Message.objects.filter(pk=message.pk).update(created_at=sent_at)
        Thread.objects.filter(pk=message.thread_id).update(last_message_at=sent_at)


def demo_photo(title: str, colour: str, number: int) -> SimpleUploadedFile:
    """A plainly generated picture: the item's name on a soft gradient of its colour."""
    width, height = 1200, 900
    top = Image.new("RGB", (width, height), colour)
    bottom = Image.new("RGB", (width, height), "#f8fafc")
    fade = Image.linear_gradient("L").resize((width, height))
    image = Image.composite(bottom, top, fade.point(lambda value: int(value * 0.55)))
    draw = ImageDraw.Draw(image)
    label = title.split(",")[0]
    size = 96
    font = ImageFont.load_default(size=size)
    while font.getlength(label) > width * 0.85:
        size -= 8
        font = ImageFont.load_default(size=size)
    draw.text((width / 2, height / 2), label, font=font, fill="white", anchor="mm")
    small = ImageFont.load_default(size=32)
    draw.text(
        (width / 2, height / 2 + 70), f"photo {number}", font=small, fill="white", anchor="mm"
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(f"demo-{number}.png", buffer.getvalue(), content_type="image/png")


def main() -> None:
    parser = argparse.ArgumentParser(description="Retake the screenshots in docs/img/.")
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=[s.name for s in SHOTS])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="default: docs/img")
    args = parser.parse_args()
    shots = [shot for shot in SHOTS if not args.only or shot.name in args.only]
    try:
        build_site()
        take(shots, args.out)
    finally:
        shutil.rmtree(WORK_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
