"""A save that collides with another at the database answers a clear 409, never a 500.

SQLite (configured with BEGIN IMMEDIATE and a busy timeout, settings.py) makes writers wait
their turn; only a wait longer than the timeout still fails, with "database is locked".
PostgreSQL reports a serialization failure (40001), a deadlock (40P01) or a lock it could not
take (55P03). Each becomes ``Conflict``, which ``DomainErrorMiddleware`` answers like any other
conflict: JSON 409 for the page scripts (which keep the typed value and show the message), else a
flashed message and a redirect back. Nothing was saved: the transaction was rolled back.

Any other ``OperationalError`` or ``InterfaceError`` means the database went away (restarted,
network cut, connection killed): it answers 503 — the ``503.html`` page in the site's layout, or
JSON for the page scripts — saying that nothing changed. The service's transaction was rolled back
by the database itself; Django drops the broken connection at the end of the request, so the next
request opens a new one and works as soon as the database is back (docs/operations.md, "Faults").
"""

from __future__ import annotations

import logging

from django.db.utils import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from .errors import Conflict
from .middleware import DomainErrorMiddleware

log = logging.getLogger(__name__)

LOCK_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
SQLITE_LOCKED = ("database is locked", "database table is locked")


def is_lock_conflict(exc: BaseException) -> bool:
    if not isinstance(exc, OperationalError):
        return False
    if getattr(exc.__cause__, "sqlstate", None) in LOCK_SQLSTATES:
        return True
    return any(text in str(exc).lower() for text in SQLITE_LOCKED)


def busy_conflict() -> Conflict:
    return Conflict(_("Nhiều người đang lưu cùng lúc nên thay đổi của bạn chưa được lưu; giá trị bạn nhập vẫn "
                      "còn trên trang — hãy bấm Lưu lại sau giây lát"))


def is_database_unavailable(exc: BaseException) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError)) and not is_lock_conflict(exc)


def unavailable_message() -> str:
    return _("Hệ thống tạm thời không kết nối được cơ sở dữ liệu; dữ liệu chưa thay đổi, hãy thử lại sau ít phút")


def unavailable_response(request):
    """503 without touching the database: plain context, no context processor (as the 500 page)."""
    from django.conf import settings
    from django.http import HttpResponse, JsonResponse
    from django.template import loader

    from .templatetags.site import same_site_referer

    message = unavailable_message()
    # The session cannot be read or saved either: without ``request.session`` the session middleware
    # leaves the cookie as it is (the person stays logged in) and writes nothing.
    request.__dict__.pop("session", None)
    if request.headers.get("Accept", "").startswith("application/json"):
        response = JsonResponse({"ok": False, "error": message, "errors": [message]}, status=503)
    else:
        html = loader.get_template("503.html").render({"province_name": settings.PROVINCE_NAME, "message": message,
                                                        "back": same_site_referer(request)})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = "60"
    return response


class DatabaseConflictMiddleware(DomainErrorMiddleware):
    """Place after ``DomainErrorMiddleware``: a lock error → its ``Conflict`` answer (409); the
    database gone away → 503 (``unavailable_response``)."""

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            log.error("database unavailable on %s: %s", request.path, exception)
            return unavailable_response(request)
        if not is_lock_conflict(exception):
            return None
        log.warning("concurrent save refused on %s: %s", request.path, exception)
        return super().process_exception(request, busy_conflict())
