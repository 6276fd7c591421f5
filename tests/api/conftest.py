"""The open API's tests: the province's results' world (tests/publication/province_world.py), published."""

import dataclasses

import pytest

from parindex.publication import province
from tests.publication.province_world import (
    AFTER_START,
    ready,  # noqa: F401 - the province's results' world
)


@pytest.fixture
def published(ready, world, persona):  # noqa: F811 - the fixture imported above
    """Everything ready, the province's results approved and published (version 1)."""
    ready()
    province.submit(world, actor=persona("snv.dieuphoi"))
    province.approve(world, "12/QĐ-UBND", "15/02/2022", actor=persona("ubnd.lanhdao"))
    province.publish_province(world, actor=persona("snv.dieuphoi"), at=AFTER_START)
    return world


def pytest_collection_modifyitems(items):
    """Under pytest 9.2, schemathesis 4.32.5 gives all the items of test_schema.py (one per operation) the same
    node id; pytest-xdist sends tests by node id, so it ran one operation of fifteen. Each id names its operation."""
    for item in items:
        label = getattr(item, "operation_label", None)
        if label and item.id.params is None:
            item._id = dataclasses.replace(item.id, params=label)
