"""Build a fixture's rows once per test process, then re-insert them: the suite's time is mostly the world.

``demo.populate(NOW)`` (the ``world`` fixture: 6,400 rows through the services, ~2,200 queries) is the same
for every one of the ~880 tests that use it, and each test's rollback throws it away again. A ``Snapshot``
runs the real builder the first time, records the rows it added (every table, every column, as the database
returns them), and on later uses inserts those rows again with their ids — one ``executemany`` per table in
one transaction — which is what the builder would have produced:

- The ids are the same because every table's id sequence is first set to its greatest id (``align``), on
  PostgreSQL too, where a rolled-back test leaves its sequences advanced.
- The replay only happens when the database looks exactly as it did before the recorded build (each table's
  row count and greatest id, ``fingerprint``); otherwise the builder runs for real.
- A builder that changed or removed a row that was there before cannot be replayed by insertion: such a
  snapshot always runs its builder.
- Afterwards every sequence stands where the builder left it.

What a replay does not repeat is what lies outside the database: the builder's ``on_commit`` callbacks (a
log line; inside a test's transaction they never run anyway) and its random values (password salts, survey
tokens), which are the first build's. tests/test_snapshot.py compares a replay with a real build.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import connection, transaction


def _tables() -> list[tuple[str, str]]:
    """(table, primary-key column) of every concrete model, many-to-many tables included, in a fixed order."""
    seen = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped and meta.db_table not in seen:
            seen[meta.db_table] = meta.pk.column
    return sorted(seen.items())


_SEQUENCES: dict[str, str | None] = {}


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _sequence_name(table: str, pk: str) -> str | None:
    """The sequence behind an integer id: PostgreSQL's serial/identity sequence, or SQLite's AUTOINCREMENT row
    (looked up once per process: the schema does not change during the suite)."""
    if table not in _SEQUENCES:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [_quote(table), pk])
                _SEQUENCES[table] = cursor.fetchone()[0]
            elif connection.vendor == "sqlite":
                cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
                row = cursor.fetchone()
                _SEQUENCES[table] = table if row and "AUTOINCREMENT" in row[0].upper() else None
            else:
                raise NotImplementedError(connection.vendor)
    return _SEQUENCES[table]


class Snapshot:
    """``Snapshot("world").apply(build)``: ``build()`` the first time, a replay of its rows afterwards."""

    def __init__(self, name: str):
        self.name = name
        self.before: dict[str, tuple[int, Any]] | None = None   # fingerprint the recorded build started from
        self.rows: dict[str, tuple[list[str], list[tuple]]] = {}  # table → (columns, added rows)
        self.sequences: dict[str, int] = {}                       # sequence → value the build left
        self.result: Any = None
        self.replayable = True
        self.replays = 0

    # -- the database's state ------------------------------------------------------------------------------
    @staticmethod
    def fingerprint() -> dict[str, tuple[int, Any]]:
        """Each table's row count and greatest primary key, in one query."""
        # the greatest integer id; for other keys (uuid) the greatest as text, which still tells a change
        parts = [f"SELECT '{table}', COUNT(*), "  # noqa: S608 - table names from the models
                 f"{'CAST(MAX({0}) AS TEXT)' if _sequence_name(table, pk) else 'MAX(CAST({0} AS TEXT))'} "
                 .format(_quote(pk)) + f"FROM {_quote(table)}" for table, pk in _tables()]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts))
            return {table: (count, top) for table, count, top in cursor.fetchall()}

    @staticmethod
    def _dump() -> dict[str, tuple[list[str], dict[Any, tuple]]]:
        dump = {}
        with connection.cursor() as cursor:
            for table, pk in _tables():
                cursor.execute(f"SELECT * FROM {_quote(table)}")  # noqa: S608 - table names from the models
                columns = [c[0] for c in cursor.description]
                at = columns.index(pk)
                dump[table] = (columns, {row[at]: tuple(row) for row in cursor.fetchall()})
        return dump

    @staticmethod
    def _sequence_values() -> dict[str, int]:
        values = {}
        with connection.cursor() as cursor:
            for table, pk in _tables():
                sequence = _sequence_name(table, pk)
                if sequence is None:
                    continue
                if connection.vendor == "postgresql":
                    cursor.execute(f"SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END "  # noqa: S608
                                   f"FROM {sequence}")
                else:
                    cursor.execute("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0)", [table])
                values[sequence] = cursor.fetchone()[0]
        return values

    @staticmethod
    def _set_sequences(values: dict[str, int]) -> None:
        with connection.cursor() as cursor:
            for sequence, value in values.items():
                if connection.vendor == "postgresql":
                    cursor.execute("SELECT setval(%s, %s, %s)", [sequence, max(value, 1), value >= 1])
                else:
                    cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [sequence])
                    if value:
                        cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [sequence, value])

    @classmethod
    def align(cls) -> None:
        """Every id sequence to its table's greatest id (so the next ids do not depend on earlier tests)."""
        tops = cls.fingerprint()
        values = {}
        for table, pk in _tables():
            sequence = _sequence_name(table, pk)
            if sequence is not None:
                top = tops[table][1]
                values[sequence] = int(top) if top is not None else 0
        cls._set_sequences(values)

    # -- build or replay -------------------------------------------------------------------------------------
    def apply(self, build: Callable[[], Any]) -> Any:
        with transaction.atomic():
            self.align()
            now = self.fingerprint()
            if self.before is not None and self.replayable and now == self.before:
                self._replay()
                self.replays += 1
                return self.result
            if self.before is not None:
                return build()
            return self._record(build, now)

    def _record(self, build: Callable[[], Any], before_print: dict) -> Any:
        before = self._dump()
        result = build()
        after = self._dump()
        for table, (columns, rows) in after.items():
            old = before[table][1]
            if any(key not in rows or rows[key] != row for key, row in old.items()):
                self.replayable = False   # the builder changed what was there: only a real build is faithful
            added = [row for key, row in rows.items() if key not in old]
            if added:
                self.rows[table] = (columns, added)
        self.sequences = self._sequence_values()
        self.before, self.result = before_print, result
        return result

    def _replay(self) -> None:
        adapt = _adapter()
        with connection.cursor() as cursor:
            for table, (columns, rows) in self.rows.items():
                names = ", ".join(_quote(c) for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks})",  # noqa: S608
                                   [adapt(row) for row in rows])
        self._set_sequences(self.sequences)


def _adapter() -> Callable[[tuple], tuple]:
    """PostgreSQL hands jsonb back as dicts and lists; they go in again as jsonb."""
    if connection.vendor != "postgresql":
        return lambda row: row
    from psycopg.types.json import Jsonb

    def adapt(row: tuple) -> tuple:
        return tuple(Jsonb(v) if isinstance(v, dict | list) else v for v in row)
    return adapt
