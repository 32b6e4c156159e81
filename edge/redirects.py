"""Where a request may ask to be sent next: a path on this site, or the view's own default."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

# A path on this site, written the way the site's own links write it: one leading slash (a second
# one, or a backslash, sends browsers to another host), then printable ASCII only, since a real
# URL percent-encodes everything else (a tab or a newline is dropped by browsers, so "/\t/evil"
# would be "//evil").
SITE_PATH = re.compile(r"/(?![/\\])[!-~]*")


def is_site_path(target: str) -> bool:
    """Whether ``target`` is a path on this site that is safe to redirect to (Django's own check
    comes last: it also refuses addresses longer than it cares to parse)."""
    return SITE_PATH.fullmatch(target) is not None and url_has_allowed_host_and_scheme(
        target, allowed_hosts=None
    )


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go back to after a POST: the request's ``next`` if it is a path on this site,
    else ``fallback``.

    Only a path will do: ``redirect()`` takes any other text for the name of a view (and 500s
    when there is none), and a browser takes "//host/…" to another site. Nor the address of this
    very request: a page that sends logged-in people on would send them round in a loop.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if is_site_path(target) and urlsplit(target).path != request.path:
        return target
    return fallback
