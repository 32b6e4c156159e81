"""What people do on the site again and again, as browser steps shared by the e2e tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from django.core import signing
from PIL import Image
from playwright.sync_api import Page, expect

from experiments.units import VISITOR_COOKIE, VISITOR_COOKIE_SALT
from tests.factories import PASSWORD

if TYPE_CHECKING:
    from playwright._impl._api_structures import SetCookieParam  # the type add_cookies takes


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """From any page: the top bar's "Log in", the form, back to where the person was."""
    page.get_by_role("link", name="Log in", exact=True).click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Messages")).to_be_visible()


@contextmanager
def same_document(page: Page) -> Iterator[None]:
    """Fails if the page navigated or reloaded while the block ran (htmx swaps in place).

    A flag set on ``window`` survives a DOM swap but not a new document.
    """
    page.evaluate("window.__e2eSameDocument = true")
    yield
    assert page.evaluate("window.__e2eSameDocument === true"), "the page was reloaded"


def photo_file(folder: Path, name: str, colour: tuple[int, int, int]) -> Path:
    """A PNG photo of one colour on disk, for ``set_input_files``."""
    path = folder / name
    Image.new("RGB", (800, 600), colour).save(path, format="PNG")
    return path


def visitor_cookie(visitor_id: str, url: str) -> SetCookieParam:
    """The signed visitor cookie that ``VisitorMiddleware`` would have set for ``visitor_id``.

    For a browser context's ``add_cookies``: the visitor then is that unit in experiments.
    """
    signer = signing.get_cookie_signer(salt=VISITOR_COOKIE + VISITOR_COOKIE_SALT)
    return {"name": VISITOR_COOKIE, "value": signer.sign(visitor_id), "url": url}
