"""Browser tests: Chromium driven by Playwright against pytest-django's live server.

``make test-e2e`` runs them (``pytest -m e2e tests/e2e``); ``make test`` leaves them out. One
Chromium serves the whole run, each test gets fresh browser contexts (its own cookies: a
separate person), and a test fails when the browser reports a JavaScript error, a failed
resource or a dialog, even if every assertion passed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.e2e.chromium import (
    LAUNCH_ARGS,
    find_chromium,
    missing_chromium_message,
    person_user_agent,
)

E2E_DIR = Path(__file__).resolve().parent
# Where a failing test leaves a screenshot of each of its pages (git-ignored).
FAILURE_SCREENSHOTS = settings.BASE_DIR / "test-results" / "e2e"
# Long enough for a slow CI machine, short enough that a missing element fails fast.
TIMEOUT_MS = 5_000
DESKTOP = {"width": 1280, "height": 800}

phase_reports = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is an e2e test.

    ``tryfirst``: the marker must be on the items before pytest's own hook deselects by ``-m``
    (``addopts`` has ``-m 'not e2e'``), so a new test module here cannot slip into ``make test``.
    """
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    report = yield
    item.stash.setdefault(phase_reports, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium (``apt-get install chromium``), or ``CHROMIUM_PATH``."""
    found = find_chromium()
    if found is None:
        message = missing_chromium_message()
        if settings.REQUIRE_SERVICES:
            pytest.fail(f"{message}, and BAZAAR_REQUIRE_SERVICES is on")
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def _allow_sync_orm_beside_playwright() -> Iterator[None]:
    """Let the test thread use the ORM while Playwright is running.

    Playwright's sync API keeps an asyncio event loop running in the test's thread, and Django
    then refuses every database call from that thread (``SynchronousOnlyOperation``), although
    the tests make plain synchronous calls between browser steps and nothing else shares the
    connection. Set here, for the e2e session only, so the guard stays on for the rest of the
    suite.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(chromium_path: str, _allow_sync_orm_beside_playwright: None) -> Iterator[Browser]:
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(
    browser: Browser, live_server: Any, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Page]]:
    """Opens a page in a fresh browser context: each call is another person, logged out.

    Relative URLs go to the live server. Whatever the browser reports as an error (uncaught
    exceptions, ``console.error``, a resource that failed to load) or any dialog (``alert``,
    ``confirm``: the site has none) fails the test when it ends.
    """
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    def on_dialog(dialog: Any) -> None:
        problems.append(f"dialog ({dialog.type}): {dialog.message}")
        dialog.dismiss()

    def open_page(**context_options: Any) -> Page:
        options = {
            "viewport": DESKTOP,
            "user_agent": person_user_agent(browser.version),
            **context_options,
        }
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.on(
            "console",
            lambda message: (
                problems.append(f"console error: {message.text} ({message.location['url']})")
                if message.type == "error"
                else None
            ),
        )
        context.on("weberror", lambda error: problems.append(f"uncaught error: {error.error}"))
        context.on("dialog", on_dialog)
        contexts.append(context)
        return context.new_page()

    yield open_page

    report = request.node.stash.get(phase_reports, {}).get("call")
    if report is not None and report.failed:
        _save_failure_screenshots(request.node.name, contexts)
    for context in contexts:
        context.close()
    if problems:
        pytest.fail("the browser reported:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A page at desktop size for one anonymous visitor."""
    return new_page()


def _save_failure_screenshots(test_name: str, contexts: list[BrowserContext]) -> None:
    FAILURE_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", test_name)
    pages = [open_page for context in contexts for open_page in context.pages]
    for number, open_page in enumerate(pages, start=1):
        path = FAILURE_SCREENSHOTS / f"{stem}-{number}.png"
        open_page.screenshot(path=path, full_page=True)
        print(f"screenshot of {open_page.url}: {path}")
