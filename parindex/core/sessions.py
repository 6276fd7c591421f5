"""Sliding session expiry without writing the session on every request.

``SESSION_SAVE_EVERY_REQUEST`` writes the session row on every page view: one UPDATE per request,
the main cost of a logged-in page next to a bare view (issue 9). Instead the session is re-saved
(which moves its expiry to now + SESSION_COOKIE_AGE) only when less than half of SESSION_COOKIE_AGE
is left since it was last saved by this middleware. A person is therefore logged out after between
half of SESSION_COOKIE_AGE and all of it without a request (4 to 8 hours with SESSION_HOURS=8), and
a session in use never expires under them. See docs/decisions.md, "Sliding sessions".
"""

from __future__ import annotations

import time

from django.conf import settings

RENEWED = "_parindex_renewed"  # when the session's expiry was last moved (Unix seconds)


def born_renewed(sender, request, user, **kwargs):
    """At login (signal ``user_logged_in``): the new session is saved with a fresh expiry anyway,
    so the first page after it has nothing to renew."""
    if hasattr(request, "session"):
        request.session[RENEWED] = int(time.time())


class SlidingSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # no cookie → nothing to extend, and no session is created for anonymous visitors
        if session is None or (session.session_key is None and not session.modified):
            return response
        if not session.keys():  # an unknown or expired key, or a session just flushed (logout)
            return response
        now = int(time.time())
        renewed = session.get(RENEWED)
        if session.modified or not isinstance(renewed, int) or now - renewed > settings.SESSION_COOKIE_AGE // 2:
            session[RENEWED] = now  # marks it modified: SessionMiddleware saves it with a new expiry
        return response
