"""The address a request came from, as far as it can be trusted.

Rate limits and the login throttle count per person; a client that keeps no cookies and has no
account is only its address. Behind reverse proxies ``REMOTE_ADDR`` is the nearest proxy, and
``X-Forwarded-For`` lists the addresses each proxy saw, the client's first. Anyone can send that
header, so only the entries the site's own proxies appended are believed: with
``TRUSTED_PROXY_HOPS = n`` the client is the n-th address from the right (each trusted proxy
appends one). With 0 (the default: gunicorn faces the clients), the header is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# An IPv6 client usually has a whole /64 to itself and picks a new address in it at will.
IPV6_PREFIX = 64


def client_address(request: HttpRequest) -> str:
    """The client's address (an IPv6 one as its /64 network), or "unknown"."""
    hops = settings.TRUSTED_PROXY_HOPS
    address = request.META.get("REMOTE_ADDR", "")
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        # Fewer entries than proxies: the request did not come through all of them, so the
        # header says nothing we can trust and the connection's address is what counts.
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return _normalise(address)


def _normalise(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:203.0.113.7 is 203.0.113.7
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)
