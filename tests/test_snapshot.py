"""The suite's world is replayed from a recorded build (tests/snapshot.py): prove a replay is the real thing.

A replay and a real ``demo.populate`` from the same state give the same tables, the same ids, the same values
and the same id sequences. What may differ is named here and nowhere else: clock readings the services take
from the real time (creation and audit times) and values drawn at random (survey tokens, uuid keys).
"""

import pytest
from django.apps import apps
from django.db import models, transaction

from parindex.core import demo
from tests.conftest import NOW
from tests.snapshot import Snapshot

# the real time at which a row was written, and random draws: the only columns a replay may not repeat
VOLATILE = {
    "accounts_roleassignment": {"granted_at"},
    "audit_auditentry": {"at"},
    "auth_user": {"date_joined", "last_login"},
    "periods_period": {"created_at"},
    "survey_invitation": {"created_at", "token"},
    "survey_survey": {"updated_at"},
    "units_periodunit": {"state_changed_at"},
}


class _Undo(Exception):
    pass


def _state():
    return Snapshot._dump(), Snapshot._sequence_values()


def _random_keys() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Rows keyed by uuid (random keys): {table: key column}, and {table: {column: uuid-keyed table}} for the
    references to them. Such tables are compared by content."""
    keys = {m._meta.db_table: m._meta.pk.column for m in apps.get_models(include_auto_created=True)
            if isinstance(m._meta.pk, models.UUIDField)}
    refs: dict[str, dict[str, str]] = {}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model._meta.db_table in keys:
                refs.setdefault(model._meta.db_table, {})[field.column] = field.related_model._meta.db_table
    return keys, refs


def _by_content(dump, table: str, keys, refs) -> list[tuple]:
    """A table's rows as sorted content: without a uuid key, each reference to a uuid-keyed row replaced by
    that row's content."""
    columns, rows = dump[table]

    def content(row):
        out = []
        for column, value in zip(columns, row, strict=True):
            if column == keys.get(table):
                continue
            target = refs.get(table, {}).get(column)
            if target is not None and value is not None:
                value = content_of(target, dump[target][1][value])
            out.append(repr(value))
        return tuple(out)

    def content_of(target, row):
        return _by_content({**dump, target: (dump[target][0], {0: row})}, target, keys, refs)[0]

    return sorted(content(row) for row in rows.values())


@pytest.mark.django_db
def test_a_replayed_world_is_what_populate_builds(criteria_loaded):
    world = Snapshot("world")   # the conftest's WORLD, without what earlier tests of this process recorded
    try:  # the first use records
        with transaction.atomic():
            world.apply(lambda: demo.populate(NOW))
            assert world.builds == 1
            raise _Undo
    except _Undo:
        pass
    assert list(world.recordings.values()) != [None], "populate changed rows that were there: it cannot be replayed"
    try:
        with transaction.atomic():
            world.apply(lambda: demo.populate(NOW))
            assert (world.builds, world.replays) == (1, 1), "the world was built again instead of replayed"
            replayed, replayed_sequences = _state()
            raise _Undo
    except _Undo:
        pass
    Snapshot.align()
    demo.populate(NOW)
    built, built_sequences = _state()

    assert replayed_sequences == built_sequences
    assert replayed.keys() == built.keys()
    keys, refs = _random_keys()
    compared = 0
    for table, (columns, rows) in built.items():
        assert replayed[table][0] == columns, table
        if table in keys or table in refs:
            assert _by_content(replayed, table, keys, refs) == _by_content(built, table, keys, refs), table
            compared += len(rows)
            continue
        assert replayed[table][1].keys() == rows.keys(), table
        allowed = VOLATILE.get(table, set())
        for key, row in rows.items():
            differs = {c for c, a, b in zip(columns, row, replayed[table][1][key], strict=True) if a != b}
            assert differs <= allowed, (table, key, differs - allowed)
            compared += 1
    assert compared > 6000  # the world: 136 units, their accounts, the survey's 5,000 answers, …


@pytest.mark.django_db
def test_a_world_that_differs_is_built_not_replayed(criteria_loaded):
    """The replay only starts from the state it was recorded from; any other state gets the real builder, and is
    recorded in turn."""
    from parindex.periods.models import Period
    from parindex.units.models import Unit

    world, built = Snapshot("world"), []
    try:
        with transaction.atomic():
            world.apply(lambda: built.append(demo.populate(NOW)))
            raise _Undo
    except _Undo:
        pass
    Unit.objects.create(key="xa-thu-nghiem", kind="commune")
    try:
        with transaction.atomic():
            world.apply(lambda: built.append(demo.populate(NOW)))
            assert len(built) == 2 and world.replays == 0   # another state: built
            raise _Undo
    except _Undo:
        pass
    world.apply(lambda: built.append(demo.populate(NOW)))
    assert len(built) == 2 and world.replays == 1     # that state was recorded in turn
    assert Unit.objects.filter(key="xa-thu-nghiem").exists() and Period.objects.filter(year=demo.DEMO_YEAR).exists()
