"""No page answers hostile input with a server error.

A fixed corpus of hostile values (empty, NUL and other control characters, 10,000 characters,
emoji, right-to-left text and bidi overrides, markup and SQL, ``1e309``, ``NaN``, ``-1``, a huge
integer, digits that are not ASCII, a malformed date, an off-site address, the page's own
address) goes to every form field, query parameter and path segment of every page, as a visitor
and as a logged-in user, and no answer may be a 5xx.

Nothing but the world the pages show is listed by hand. The pages are found by crawling the site
from its home page (links, redirects, forms and htmx attributes) and must cover every URL pattern
of the URLconf, so a new page is either swept or fails this test with its name. The fields come
from each page's forms and links and from each view's source (parameters read outside a form).
Free-text fields get the text entries of the corpus; every other field (choices, numbers, ids,
hidden values, URL parameters, path segments) gets the value entries, where typed text, numbers
and dates all matter.

Every request runs in a savepoint that is rolled back and with the identity's own cookies, and
each page starts with an empty cache, so every request meets the same world however destructive
the one before it (a delete, a logout, a rate limit).
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from accounts.models import User
from experiments.models import Flag
from marketplace.ab_tests import AI_LISTING_ASSISTANT, AI_SEARCH
from marketplace.models import AssistantSuggestion, Listing
from tests.factories import (
    FavouriteFactory,
    ListingFactory,
    ListingImageFactory,
    MessageFactory,
    ThreadFactory,
    UserFactory,
    category,
)

pytestmark = pytest.mark.django_db

CORPUS = {
    "empty": "",
    "nul": "bi\x00ke \x01\x1b[31m\x7f\x85\u200b",  # NUL and other control characters
    "10k": "Ab1 " * 2500,
    "emoji": "🚲👍🏽 👨‍👩‍👧 🏴󠁧󠁢󠁳󠁣󠁴󠁿",
    "bidi": "\u202eekib\u202c שלום مرحبا \u2066x\u2069 🚲",  # right-to-left text, overrides
    "markup": "<script>alert(1)</script><img src=x onerror=alert(2)> ' OR 1=1; --",
    "1e309": "1e309",
    "NaN": "NaN",
    "-1": "-1",
    "huge": "9" * 40,
    "digits": "１２³",  # digits to str.isdigit(), not to int()
    "date": "2024-02-30T25:61:00",
    "offsite": "//evil.example/",
    "itself": "",  # the page's own path (a redirect loop), filled in per page
}
TEXT_ENTRIES = ("empty", "nul", "10k", "emoji", "bidi", "markup")
VALUE_ENTRIES = (
    *("empty", "nul", "10k", "bidi", "markup"),
    *("1e309", "NaN", "-1", "huge", "digits", "date", "offsite", "itself"),
)
# An empty segment is another address, and the page's own path is no value for a segment.
PATH_ENTRIES = tuple(key for key in VALUE_ENTRIES if key not in ("empty", "itself"))

TEXT_INPUTS = {"text", "search", "email", "password", "url", "tel"}
NUMERIC_MODES = {"decimal", "numeric"}  # a text input for a number (to show what was typed)
SKIPPED_INPUTS = {"file", "image", "reset"}  # uploads are tested with images of their own
SKIPPED_FIELDS = {"csrfmiddlewaretoken"}  # the test client does not check it anyway
# Django's admin is for staff: outside its login page (a seed below) it only sends people there.
SKIPPED_NAMESPACES = {"admin"}
PATHS_PER_PAGE = 3  # the same page for other objects adds time, not fields
MAX_PAGES = 80
# A parameter read outside a form: request.GET.get("page"), request.POST.getlist("field")...
PARAMETER_READ = re.compile(r"\.(GET|POST)(?:\.(?:get|getlist)\(|\[)\s*[\"']([\w-]+)[\"']")
SEGMENT = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Target:
    """One way of sending data to a page: a method, a path, the fields and the values the page
    itself would send (the base every hostile value is swapped into), and whether htmx sends it."""

    method: str
    path: str
    fields: tuple[tuple[str, str, str], ...]  # (name, "text" | "value", base value)
    htmx: bool = False

    @property
    def base(self) -> dict[str, str]:
        return {name: value for name, _, value in self.fields}

    @property
    def filled(self) -> int:
        return sum(1 for _, _, value in self.fields if value)


@dataclass
class World:
    user: User
    seeds: list[str]


@pytest.fixture
def world() -> World:
    """Something on every page: listings (theirs and the user's, live and draft, with a photo), a
    conversation, a favourite, an assistant suggestion, and both AI features on for everyone."""
    Flag.objects.filter(name__in=[AI_SEARCH, AI_LISTING_ASSISTANT]).update(everyone=True)
    seller, user = UserFactory.create(username="seller"), UserFactory.create(username="buyer")
    theirs = ListingFactory.create(seller=seller, title="Road bike", category=category("vehicles"))
    mine = ListingFactory.create(seller=user, title="iPhone 12 black")
    ListingImageFactory.create(listing=mine)
    ListingFactory.create(seller=user, status=Listing.Status.DRAFT, published_at=None)
    MessageFactory.create(thread=ThreadFactory.create(listing=theirs, buyer=user))
    FavouriteFactory.create(user=user, listing=theirs)
    suggestion = AssistantSuggestion.objects.create(user=user, text="old bike", output={})
    return World(
        user=user,
        seeds=[
            "/",
            "/search/?q=cheap+bike+in+Berlin+under+500",  # understood: chips and the switch
            f"/listings/{theirs.pk}/",  # the short link, which no page shows
            "/admin/login/?next=/admin/",
            # Called by the assistant's script with the suggestion it has just shown.
            f"/listings/assistant/{suggestion.pk}/accept/",
            f"/listings/assistant/{suggestion.pk}/dismiss/",
        ],
    )


# --- Finding pages and fields -------------------------------------------------------------------


def view_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


class PageParser(HTMLParser):
    """The links, forms and htmx requests of one page."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.links: list[str] = []
        self.targets: list[Target] = []
        self.open: list[tuple[str, str]] = []  # (tag, id) of the elements open here
        self.form: dict[str, str] | None = None
        self.fields: list[tuple[str, str, str, frozenset[str]]] = []  # + ids of the ancestors
        self.select: list[Any] | None = None
        self.textarea: list[Any] | None = None
        self.htmx_elements: list[tuple[str, str, str, str]] = []  # method, url, name, include

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        ancestors = frozenset(element_id for _, element_id in self.open if element_id)
        if tag not in self.VOID:
            self.open.append((tag, a.get("id", "")))
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self.form, self.fields = a, []
            return
        name = a.get("name", "")
        if self.form is None or name in SKIPPED_FIELDS:
            return
        if "hx-get" in a or "hx-post" in a:
            method = "get" if "hx-get" in a else "post"
            include = a.get("hx-include", "").lstrip("#")
            self.htmx_elements.append((method, a[f"hx-{method}"], name, include))
        input_type = a.get("type", "text")
        if tag == "input" and name and input_type not in SKIPPED_INPUTS:
            free_text = input_type in TEXT_INPUTS and a.get("inputmode") not in NUMERIC_MODES
            self.fields.append(
                (name, "text" if free_text else "value", a.get("value", ""), ancestors)
            )
        elif tag == "button" and name:
            self.fields.append((name, "value", a.get("value", ""), ancestors))
        elif tag == "textarea" and name:
            self.textarea = [name, ancestors, ""]
        elif tag == "select" and name:
            self.select = [name, ancestors, None]
        elif (
            tag == "option"
            and self.select is not None
            and (self.select[2] is None or "selected" in a)
        ):
            self.select[2] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea[2] += data

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop()[0] != tag:
            pass
        if tag == "textarea" and self.textarea is not None:
            name, ancestors, value = self.textarea
            self.fields.append((name, "text", value, ancestors))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            name, ancestors, value = self.select
            self.fields.append((name, "value", value or "", ancestors))
            self.select = None
        elif tag == "form" and self.form is not None:
            self._end_form(self.form)
            self.form = None

    def _end_form(self, form: dict[str, str]) -> None:
        first: dict[str, tuple[str, str, str]] = {}  # the first of several submit buttons
        for name, kind, value, _ in self.fields:
            first.setdefault(name, (name, kind, value))
        fields = tuple(first.values())
        method = form.get("method", "get").lower()
        if form.get("action") or not form.get("hx-post"):
            # Without an action a form goes to its own page, query string and all (a GET form's
            # fields then replace the query string).
            action = urlsplit(form.get("action") or self.page_path)
            keep_query = method == "post" and action.query
            path = f"{action.path}?{action.query}" if keep_query else action.path
            self.targets.append(Target(method, path, fields))
        for hx_method in ("get", "post"):
            if form.get(f"hx-{hx_method}"):
                self.targets.append(Target(hx_method, form[f"hx-{hx_method}"], fields, htmx=True))
        for hx_method, url, name, include in self.htmx_elements:
            # A field of the form that asks for a partial with its own value (and the values of
            # the part of the form that hx-include names).
            sent = tuple(
                (field, kind, value)
                for field, kind, value, ancestors in self.fields
                if field == name or (include and include in ancestors)
            )
            self.targets.append(Target(hx_method, url, sent, htmx=True))
        self.htmx_elements = []


def link_target(url: str) -> Target:
    split = urlsplit(url)
    params = parse_qsl(split.query, keep_blank_values=True)
    return Target("get", split.path, tuple((name, "value", value) for name, value in params))


def url_patterns() -> Iterator[tuple[str, URLPattern]]:
    """Every named URL pattern of the URLconf, with its full name, outside skipped namespaces."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[tuple[str, URLPattern]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace not in SKIPPED_NAMESPACES:
                    yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern

    yield from walk(get_resolver().url_patterns, "")


def parameters_read_by_views() -> dict[str, set[tuple[str, str]]]:
    """For each page, the parameters its view reads by name outside a form: (method, name)."""
    read = {}
    for name, pattern in url_patterns():
        view = getattr(pattern.callback, "view_class", None) or inspect.unwrap(pattern.callback)
        try:
            source = inspect.getsource(view)
        except (OSError, TypeError):  # no source to read: its forms and links will have to do
            continue
        read[name] = {(method.lower(), p) for method, p in PARAMETER_READ.findall(source)}
    return read


class Browser:
    """A test client as one identity, whose every request leaves the world as it found it."""

    def __init__(self, name: str, user: User | None = None) -> None:
        self.name = name
        self.client = Client(raise_request_exception=False)
        if user is not None:
            self.client.force_login(user)
        self.client.get("/")  # the visitor cookie that experiments need
        self.cookies = self.client.cookies.output(header="", sep="\n")
        self.requests = 0
        self.last_path = ""

    def send(
        self, method: str, path: str, data: dict[str, str] | None = None, htmx: bool = False
    ) -> Any:  # the test client's response
        self.client.cookies = SimpleCookie(self.cookies)  # logged out, logged in: undone
        self.requests += 1
        if path != self.last_path:
            # A fresh cache for each page: no rate limit or remembered exposure carried over from
            # the page before (clearing it for every request would cost a third of the time).
            cache.clear()
            self.last_path = path
        with transaction.atomic():
            send = self.client.get if method == "get" else self.client.post
            response = send(path, data or {}, headers={"HX-Request": "true"} if htmx else {})
            transaction.set_rollback(True)
        return response


def crawl(browsers: list[Browser], seeds: list[str]) -> list[Target]:
    """The targets (links, forms, htmx requests) of the pages reachable from ``seeds``."""
    targets: dict[tuple, Target] = {}

    def found(target: Target) -> None:
        name = view_name(target.path)
        if name is not None and not urlsplit(target.path).netloc:
            names = ",".join(sorted(field[0] for field in target.fields))
            targets.setdefault((target.method, name, target.htmx, names), target)

    for browser in browsers:
        queue, visited = list(seeds), set[str]()
        paths_per_page: dict[str, int] = {}
        while queue and len(visited) < MAX_PAGES:
            url = queue.pop(0)
            name = view_name(url)
            found(link_target(url))
            if url in visited or name is None or paths_per_page.get(name, 0) >= PATHS_PER_PAGE:
                continue
            visited.add(url)
            paths_per_page[name] = paths_per_page.get(name, 0) + 1
            response = browser.send("get", url)
            if response.status_code in (301, 302) and response["Location"].startswith("/"):
                queue.append(response["Location"])
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = PageParser(url)
            parser.feed(response.content.decode())
            for target in parser.targets:
                found(target)
            queue += [link for link in parser.links if link.startswith("/")]
    return list(targets.values())


def with_view_parameters(targets: list[Target]) -> dict[tuple[str, str, bool], list[Target]]:
    """``targets`` by page (method, view name, htmx), with the parameters each view reads outside
    its forms added where the page's own forms and links do not send them (a target of their own
    for a method that no form or link of the page uses, such as a POST that only a script sends)."""
    read = parameters_read_by_views()
    by_view: dict[str, list[Target]] = {}
    for target in targets:
        by_view.setdefault(view_name(target.path) or "", []).append(target)
    pages: dict[tuple[str, str, bool], list[Target]] = {}
    for name, view_targets in by_view.items():
        methods = {target.method for target in view_targets}
        for method in sorted({method for method, _ in read.get(name, set())} - methods):
            view_targets.append(Target(method, view_targets[0].path, ()))
        for target in view_targets:
            known = {field[0] for field in target.fields}
            extra = tuple(
                (parameter, "value", "")
                for method, parameter in sorted(read.get(name, set()))
                if method == target.method and parameter not in known
            )
            page = (target.method, name, target.htmx)
            pages.setdefault(page, []).append(
                Target(target.method, target.path, target.fields + extra, target.htmx)
            )
    return pages


# --- Sending the corpus -------------------------------------------------------------------------


def hostile_value(key: str, target: Target) -> str:
    return urlsplit(target.path).path if key == "itself" else CORPUS[key]


def with_segment(path: str, kwarg: str, value: str) -> str:
    """``path`` with its ``kwarg`` path segment replaced by ``value``."""
    match = resolve(urlsplit(path).path)

    def segment(found: re.Match[str]) -> str:
        name = found.group(1)
        return quote(value, safe="") if name == kwarg else str(match.kwargs[name])

    return "/" + SEGMENT.sub(segment, str(match.route))


def hostile_requests(
    pages: dict[tuple[str, str, bool], list[Target]],
) -> Iterator[tuple[Target, str, str, str, dict]]:
    """(target, field, corpus key, path, data) for every hostile request to send.

    A field is free text if any form of its page shows it as such. It gets the corpus in two
    contexts where its page has a fresh one (nothing else filled in: a new search, which the
    model reads) and a full one (a search the model already understood, with its chips), else in
    the plainest it has. The same request is sent once, and path segments get the corpus once
    per page.
    """
    for (_, page, _), targets in pages.items():
        kinds: dict[str, str] = {}
        for target in targets:
            for field, kind, _ in target.fields:
                kinds[field] = "text" if "text" in (kind, kinds.get(field)) else kind
        sent: set[tuple] = set()
        for field, kind in kinds.items():
            having = [target for target in targets if field in target.base]
            plainest = min(having, key=lambda target: target.filled)
            fullest = max(having, key=lambda target: target.filled)
            contexts = (plainest, fullest) if plainest.filled == 0 else (plainest,)
            for target in dict.fromkeys(contexts):
                for key in TEXT_ENTRIES if kind == "text" else VALUE_ENTRIES:
                    data = target.base | {field: hostile_value(key, target)}
                    request = (target.method, target.path, target.htmx, *sorted(data.items()))
                    if request not in sent:
                        sent.add(request)
                        yield target, field, key, target.path, data
        target = targets[0]
        for kwarg in resolve(urlsplit(target.path).path).kwargs:
            for key in PATH_ENTRIES:
                path = with_segment(target.path, kwarg, CORPUS[key])
                # What the path converter refuses is the resolver's 404, never the view's.
                if view_name(unquote(path)) == page:
                    yield target, f"<{kwarg}>", key, path, target.base


@pytest.mark.slow
def test_no_hostile_value_in_any_field_of_any_page_gives_a_server_error(world, caplog):
    # Thousands of 404s and 400s are expected; a 5xx is reported below with its exception.
    caplog.set_level(logging.CRITICAL, logger="django.request")
    browsers = [Browser("a visitor"), Browser("a logged-in user", world.user)]
    pages = with_view_parameters(crawl(browsers, world.seeds))

    missing = {name for name, _ in url_patterns()} - {name for _, name, _ in pages}
    assert not missing, (
        f"No page links to {sorted(missing)}: give the world of this test what those pages show, "
        "or add their address to its seeds, so that their fields are swept too."
    )

    failures = []
    for browser in browsers:
        for target, field, key, path, data in hostile_requests(pages):
            response = browser.send(target.method, path, data, htmx=target.htmx)
            if response.status_code >= 500:
                error = getattr(response, "exc_info", None)
                reason = f"{error[0].__name__}: {str(error[1])[:120]}" if error else ""
                htmx = " (htmx)" if target.htmx else ""
                failures.append(
                    f"{target.method.upper()} {target.path}{htmx} {field}={key} "
                    f"as {browser.name}: {response.status_code} {reason}"
                )
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures)
