"""The client's address for django-axes' login lockout (settings ``AXES_CLIENT_IP_CALLABLE``).

Not behind a proxy (the default): ``REMOTE_ADDR`` only, the address of the TCP peer; an
``X-Forwarded-For`` header sent by the client is ignored, so nobody can pretend to be someone
else's address. Behind ``PROXY_COUNT`` reverse proxies (``BEHIND_PROXY=1``): each proxy appends
the address it received the request from to ``X-Forwarded-For``, so the client's address is
the ``PROXY_COUNT``-th entry from the right; anything to its left was written by the client
and is ignored. A missing or malformed header falls back to ``REMOTE_ADDR``.
See docs/security.md ("Login lockout behind a reverse proxy") and docs/operations.md.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    if not getattr(settings, "BEHIND_PROXY", False):
        return remote
    count = settings.PROXY_COUNT
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < count:
        return remote
    return _valid(hops[-count]) or remote
