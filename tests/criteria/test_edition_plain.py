"""Editing a set as plain data (parindex/rulebook/edition.py): read and write keep it exact."""

from decimal import Decimal

import pytest

from parindex.rulebook import edition as plain
from parindex.rulebook import loads, registry


@pytest.mark.parametrize("path", registry.shipped_paths(), ids=lambda p: p.name)
def test_writing_back_a_shipped_set_keeps_every_item_exactly(path):
    text = path.read_text(encoding="utf-8")
    data = plain.read(text)
    assert all(isinstance(i["max_points"], (int, Decimal)) for _f, _c, i, _s in plain.items_of(data))
    before, after = loads(text, "a"), loads(plain.write(data), "b")
    assert before.items == tuple(after.items) or [
        (i.code, i.title, i.max_points, i.rubric, i.evidence, i.agency, i.method, i.ref) for i in before.items
    ] == [(i.code, i.title, i.max_points, i.rubric, i.evidence, i.agency, i.method, i.ref) for i in after.items]
    assert plain.write(plain.read(plain.write(data))) == plain.write(data)  # stable


def test_numbers_are_written_plain_never_as_floats():
    text = plain.write({"a": Decimal("0.25"), "b": Decimal("2.50"), "c": Decimal("1E+2"), "d": Decimal("0.1")})
    assert text == "a: 0.25\nb: 2.5\nc: 100\nd: 0.1\n"


def test_the_last_item_of_a_criterion_cannot_be_removed():
    data = plain.read(registry.shipped_paths()[0].read_text(encoding="utf-8"))
    crit = next(c for _f, c in plain.criteria_of(data) if len(c.get("sub_criteria") or []) >= 2)
    codes = [s["code"] for s in crit["sub_criteria"]]
    for code in codes[:-1]:
        plain.remove_item(data, code)
    with pytest.raises(plain.LastOne):
        plain.remove_item(data, codes[-1])
    with pytest.raises(plain.EditError):
        plain.remove_item(data, "z.9.9")


def test_sums_follow_the_items_and_expected_is_counted_from_the_tree():
    data = plain.read(registry.shipped_paths()[0].read_text(encoding="utf-8"))
    field, crit = next((f, c) for f, c in plain.criteria_of(data) if "sub_criteria" in c)
    before = field["max_points"]
    crit["sub_criteria"][0]["max_points"] += Decimal("0.5")
    plain.follow_sums(data)
    assert field["max_points"] == before + Decimal("0.5")
    assert plain.expected_from_tree(data)["total_max"] == Decimal("100.5")
