"""Row locks that hold only what they must (docs/decisions.md, "Locks").

A service that changes something locks, inside its transaction, the one row that serialises the
change, and only that row:

    assessment = locks.lock_one(Assessment.objects.select_related("period_unit__period"), pk=pk)

- The lock is ``FOR NO KEY UPDATE OF <the row's own table>``. ``OF`` matters: without it
  PostgreSQL also locks every row joined by ``select_related`` (the unit, the period, the criteria
  set), and every save of the province would then wait on the period's one row. "No key" lets
  other transactions insert rows that point at the locked one (an evidence file, an audit entry,
  an appraisal) while two changes of the same row still queue one behind the other.
- A wait is bounded: on PostgreSQL the transaction waits at most ``LOCK_TIMEOUT_SECONDS``
  (settings.py) for a row another change holds; then the step answers ``Conflict`` (HTTP 409,
  "try again in a moment") instead of a 500, and nothing was saved (the transaction rolls back).
- SQLite has no row locks: Django ignores ``select_for_update`` there, and a write transaction
  (BEGIN IMMEDIATE, settings.py) holds the whole database's write lock until it commits. These
  helpers are then plain reads.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.utils import OperationalError

from .concurrency import busy_conflict, is_lock_conflict

DEFAULT_TIMEOUT_SECONDS = 10


def _rows(source: type[Model] | QuerySet) -> QuerySet:
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    return queryset.select_for_update(of=("self",), no_key=True)


def bound_wait() -> None:
    """For the rest of the caller's transaction, wait at most LOCK_TIMEOUT_SECONDS for a row lock."""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("a row lock is taken inside transaction.atomic()")
    seconds = float(getattr(settings, "LOCK_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{max(1, round(seconds * 1000))}ms"])


def _run(read):
    bound_wait()
    try:
        return read()
    except OperationalError as exc:
        if is_lock_conflict(exc):
            raise busy_conflict() from exc
        raise


def lock_one(source: type[Model] | QuerySet, **lookup) -> Model:
    """The one row matching ``lookup``, locked (``DoesNotExist`` if there is none)."""
    return _run(lambda: _rows(source).get(**lookup))


def lock_first(source: type[Model] | QuerySet) -> Model | None:
    """The first row of ``source`` (ordered by its key unless ordered), locked; None if empty."""
    return _run(lambda: _rows(source).first())


def lock_all(source: type[Model] | QuerySet) -> list[Model]:
    """Every row of ``source``, locked, as a list."""
    return _run(lambda: list(_rows(source)))
