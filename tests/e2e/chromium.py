"""How the project's tooling starts Chromium: the browser tests and ``make screenshots``.

Playwright drives the system's Chromium (Debian's ``chromium`` package, or whatever
``CHROMIUM_PATH`` names) rather than a browser it downloads itself.
"""

from __future__ import annotations

import os
import shutil

DEFAULT_CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless=new",
    "--no-sandbox",  # CI runs as root in a container, where Chromium's sandbox cannot start
    "--disable-gpu",
    # Without these Chromium phones Google (updates, sync, field trials) at start, which fails
    # without network and leaves errors in the log.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def person_user_agent(version: str) -> str:
    """The User-Agent of a person's desktop Chrome of this ``version``.

    Headless Chromium says "HeadlessChrome", which experiments take for a bot (no variant, no
    exposure; experiments/units.py); the browser tests and screenshots play people.
    """
    return (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{version} Safari/537.36"
    )


def find_chromium() -> str | None:
    """The Chromium binary to launch (``CHROMIUM_PATH``: a path or a name on PATH), if any."""
    return shutil.which(os.environ.get("CHROMIUM_PATH", DEFAULT_CHROMIUM))


def missing_chromium_message() -> str:
    wanted = os.environ.get("CHROMIUM_PATH", DEFAULT_CHROMIUM)
    return (
        f"no Chromium at {wanted}: install it (apt-get install chromium) "
        "or point CHROMIUM_PATH at a Chromium or Chrome binary"
    )
