"""The live server serves the stylesheet and the scripts that every page loads."""

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_stylesheet_applies_and_htmx_loads(page: Page):
    page.goto("/")

    body_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert body_background == "rgb(246, 247, 245)"  # --bg in bazaar.css; unstyled it is transparent
    assert page.evaluate("typeof window.htmx?.ajax") == "function"
