"""A save that collides with another at the database answers a clear 409, never a 500.

SQLite (configured with BEGIN IMMEDIATE and a busy timeout, settings.py) makes writers wait
their turn; only a wait longer than the timeout still fails, with "database is locked".
PostgreSQL reports a serialization failure (40001), a deadlock (40P01) or a lock it could not
take (55P03). Each becomes ``Conflict``, which ``DomainErrorMiddleware`` answers like any other
conflict: JSON 409 for the page scripts (which keep the typed value and show the message), else a
flashed message and a redirect back. Nothing was saved: the transaction was rolled back.
"""

from __future__ import annotations

import logging

from django.db.utils import OperationalError
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


class DatabaseConflictMiddleware(DomainErrorMiddleware):
    """Place after ``DomainErrorMiddleware``: turns a lock error into its ``Conflict`` answer."""

    def process_exception(self, request, exception):
        if not is_lock_conflict(exception):
            return None
        log.warning("concurrent save refused on %s: %s", request.path, exception)
        return super().process_exception(request, busy_conflict())
