"""Build a fixture's rows once per test process, then re-insert them: the suite's time is mostly the world.

``demo.populate(NOW)`` (the ``world`` fixture: 6,400 rows through the services, ~2,200 queries) is the same
for every one of the ~880 tests that use it, and each test's rollback throws it away again. A ``Snapshot``
runs the real builder the first time, records the rows it added (every table, every column, as the database
returns them), and on later uses inserts those rows again with their ids — one ``executemany`` (PostgreSQL: one
``COPY``) per table in one transaction — which is what the builder would have produced:

- The ids are the same because every table's id sequence is first set to its greatest id (``align``), on
  PostgreSQL too, where a rolled-back test leaves its sequences advanced.
- The replay only happens when the database holds exactly what it held before the recorded build (a digest of
  every row of every table but ``RENUMBERED``); from any other state the builder runs for real, and that state
  is recorded too (up to ``LIMIT`` states, the least replayed forgotten first).
- A builder that changed or removed a row that was there before, or added rows that point into ``RENUMBERED``,
  cannot be replayed faithfully: from that state it always runs.
- Afterwards every sequence stands where the builder left it.

What a replay does not repeat is what lies outside the database: the builder's ``on_commit`` callbacks (a
log line; inside a test's transaction they never run anyway) and its random values (password salts, survey
tokens), which are the first build's. tests/test_snapshot.py compares a replay with a real build.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.db import connection, transaction


@cache
def _tables() -> list[tuple[str, str]]:
    """(table, primary-key column) of every concrete model, many-to-many tables included, in a fixed order
    (once per process: the schema does not change during the suite)."""
    seen = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped and meta.db_table not in seen:
            seen[meta.db_table] = meta.pk.column
    return sorted(seen.items())


# Content types and permissions: every transactional test's flush deletes them and post_migrate re-creates them
# under new ids. Nothing of parindex reads them; the digest leaves them out, and a recording that points into
# them is refused.
RENUMBERED = frozenset({"django_content_type", "auth_permission"})

_SEQUENCES: dict[str, str | None] = {}


@cache
def _points_into_renumbered(table: str) -> bool:
    return any(field.is_relation and field.related_model._meta.db_table in RENUMBERED
               for model in apps.get_models(include_auto_created=True) if model._meta.db_table == table
               for field in model._meta.concrete_fields)


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


@dataclass
class _Recording:
    rows: dict[str, tuple[list[str], list[tuple]]]   # table → (columns, the rows the build added)
    sequences: dict[str, int]                         # sequence → the value the build left
    result: Any                                       # what the builder returned


class Snapshot:
    """``Snapshot("world").apply(build)``: ``build()`` the first time from a given state of the database, a
    replay of its rows afterwards from that same state."""

    LIMIT = 8   # states recorded per process (a test that prepares rows of its own before the world is one more)

    def __init__(self, name: str):
        self.name = name
        # digest of the state a build started from → its recording (None: the builder changed existing rows)
        self.recordings: dict[str, _Recording | None] = {}
        self.hits: dict[str, int] = {}
        self.replays = 0
        self.builds = 0

    # -- the database's state ------------------------------------------------------------------------------
    @staticmethod
    def _greatest_ids() -> dict[str, int]:
        """Each sequenced table's greatest id (0 when empty), in one query."""
        tables = [(table, pk) for table, pk in _tables() if _sequence_name(table, pk)]
        parts = [f"SELECT '{table}', COALESCE(MAX({_quote(pk)}), 0) FROM {_quote(table)}"  # noqa: S608
                 for table, pk in tables]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts))
            return dict(cursor.fetchall())

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
        tops = cls._greatest_ids()
        cls._set_sequences({_sequence_name(table, pk): tops[table] for table, pk in _tables() if table in tops})

    @staticmethod
    def digest(dump: dict[str, tuple[list[str], dict[Any, tuple]]]) -> str:
        """Every row of every table, as one SHA-256: the replay starts only from the very state it was recorded in."""
        sha = hashlib.sha256()
        for table, (columns, rows) in sorted(dump.items()):
            if table not in RENUMBERED:
                sha.update(repr((table, columns, sorted(rows.items()))).encode())
        return sha.hexdigest()

    # -- build or replay -------------------------------------------------------------------------------------
    def apply(self, build: Callable[[], Any]) -> Any:
        with transaction.atomic():
            _keep_autovacuum_out()
            try:
                return self._apply(build)
            finally:
                _analyze()

    def _apply(self, build: Callable[[], Any]) -> Any:
        self.align()
        before = self._dump()
        key = self.digest(before)
        recording = self.recordings.get(key)
        if recording is not None:
            self._replay(recording)
            self.replays += 1
            self.hits[key] += 1
            return recording.result
        self.builds += 1
        if key in self.recordings:
            return build()
        if len(self.recordings) >= self.LIMIT:
            least = min(self.recordings, key=self.hits.__getitem__)
            del self.recordings[least], self.hits[least]
        result, self.recordings[key] = self._record(build, before)
        self.hits[key] = 0
        return result

    def _record(self, build: Callable[[], Any], before: dict) -> tuple[Any, _Recording | None]:
        result = build()
        after = self._dump()
        added = {}
        for table, (columns, rows) in after.items():
            old = before[table][1]
            if any(key not in rows or rows[key] != row for key, row in old.items()):
                return result, None   # the builder changed what was there: only a real build is faithful
            new = [row for key, row in rows.items() if key not in old]
            if new and _points_into_renumbered(table):
                return result, None   # its ids would not be the build's after a flush
            if new:
                added[table] = (columns, new)
        return result, _Recording(added, self._sequence_values(), result)

    @staticmethod
    def _replay(recording: _Recording) -> None:
        adapt = _adapter()
        with connection.cursor() as cursor:
            for table, (columns, rows) in recording.rows.items():
                names = ", ".join(_quote(c) for c in columns)
                if connection.vendor == "postgresql":   # COPY: one stream per table, 5× faster than executemany
                    with cursor.cursor.copy(f"COPY {_quote(table)} ({names}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(adapt(row))
                    continue
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks})",  # noqa: S608
                                   [adapt(row) for row in rows])
        Snapshot._set_sequences(recording.sequences)


# PostgreSQL's statistics in a test database. A test's rows are rolled back, so autovacuum, between tests, finds
# the tables empty and records 0 rows — while their pages, which it often cannot truncate under the next test's
# locks, remain: the planner then expects 0 rows of a table holding the world's 5,000 answers, nests loops over
# it, and one DELETE took minutes (the suite hung on PostgreSQL). So the snapshot's transaction (the test's,
# outside transactional tests) keeps autovacuum out of every table — SHARE UPDATE EXCLUSIVE, which the tests' own
# reads and writes never wait on and autovacuum skips — and ANALYZE, inside it, counts the rows just written; the
# row counts it stores in pg_class outlive the rollback, so the next test starts from them too.

def _keep_autovacuum_out() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE " + ", ".join(_quote(t) for t, _pk in _tables()) +
                           " IN SHARE UPDATE EXCLUSIVE MODE")


def _analyze() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(_quote(t) for t, _pk in _tables()))


def _adapter() -> Callable[[tuple], tuple]:
    """PostgreSQL hands jsonb back as dicts and lists; they go in again as jsonb."""
    if connection.vendor != "postgresql":
        return lambda row: row
    from psycopg.types.json import Jsonb

    def adapt(row: tuple) -> tuple:
        return tuple(Jsonb(v) if isinstance(v, dict | list) else v for v in row)
    return adapt
