"""The pure diff of two editions (parindex/rulebook/diff.py), without Django or a database."""

from decimal import Decimal

from parindex.rulebook import edition as plain
from parindex.rulebook import loads, registry
from parindex.rulebook.diff import diff_sets, rubric_text


def _commune():
    path = next(p for p in registry.shipped_paths() if p.name == "backan-2021-commune.yaml")
    return path.read_text(encoding="utf-8")


def _next(text, change=None, expected_from_tree=True):
    data = plain.next_edition(plain.read(text), 2022)
    if change:
        change(data)
    plain.follow_sums(data)
    if expected_from_tree:
        data["expected"] = plain.expected_from_tree(data)
    return loads(plain.write(data), "next.yaml")


def test_a_copy_differs_from_its_source_in_nothing_but_its_id():
    old = loads(_commune(), "old.yaml")
    new = _next(_commune(), expected_from_tree=False)
    assert new.id == "backan-2022-commune" and new.year == 2022
    diff = diff_sets(old, new)
    assert diff.is_empty
    assert diff.kept == len(old.items)


def test_new_removed_reweighted_and_changed_items_are_found_by_code():
    old = loads(_commune(), "old.yaml")
    a11 = old.items_by_code["a.1.1"]

    def change(data):
        plain.set_item(data, "a.1.1", {"title": "Nội dung mới", "max_points": a11.max_points * 2,
                                       "rubric": {"choices": [{"points": a11.max_points * 2, "condition": "Đạt"},
                                                              {"points": Decimal(0), "condition": "Không đạt"}]}})
        plain.set_item(data, "a.1.2", {"agency": "PTP", "evidence": "Báo cáo mới"})
        plain.remove_item(data, "b.2.1")
        plain.add_item(data, "a.1", {"title": "Tiêu chí thêm", "max_points": Decimal(1), "method": "self",
                                     "rubric": {"choices": [{"points": Decimal(1), "condition": "Có"},
                                                            {"points": Decimal(0), "condition": "Không"}]},
                                     "evidence": "Văn bản", "agency": "PNV", "ref": "QĐ 1679"})
    new = _next(_commune(), change)
    diff = diff_sets(old, new)
    by_code = {(e.code, e.kind): e for e in diff.entries}
    new_code = next(e.code for e in diff.new if e.kind == "item")
    assert new_code.startswith("a.1.") and new_code not in old.items_by_code
    assert by_code[("b.2.1", "item")].status == "removed"
    a_1_1 = by_code[("a.1.1", "item")]
    assert a_1_1.status == "changed" and a_1_1.reweighted
    assert [c.aspect for c in a_1_1.changes] == ["title", "max_points", "rubric"]
    assert a_1_1.changes[1].after == str(a11.max_points * 2).replace(".", ",")
    a_1_2 = by_code[("a.1.2", "item")]
    assert [c.aspect for c in a_1_2.changes] == ["evidence", "agency"]
    assert a_1_2.changes[1].after == "PTP (Phòng Tư pháp)"
    assert not a_1_2.reweighted
    assert [e.code for e in diff.reweighted] == ["a.1.1"]
    assert ("a.1", "criterion") in by_code and by_code[("a.1", "criterion")].reweighted
    assert {c.aspect for c in diff.totals} == {"total_max", "self_max"}


def test_a_range_rubric_reads_in_one_line_the_vietnamese_way():
    # the shipped sets have no plain range left (commune g.1 and g.2 are sums of parts): the test set has one
    from pathlib import Path
    mini = Path(__file__).resolve().parents[1] / "rulebook/fixtures/mini.yaml"
    cset = loads(mini.read_text(encoding="utf-8"), "mini.yaml")
    ranged = next(i.rubric for i in cset.items if i.rubric and i.rubric.is_range and not i.rubric.is_parts)
    text = rubric_text(ranged)
    assert text.startswith("từ 0 đến ") and "bước" in text
    parts = next(i.rubric for i in loads(_commune(), "old.yaml").items if i.rubric and i.rubric.is_parts)
    assert rubric_text(parts).startswith("tổng điểm của 3 phần, một trong các giá trị 0; 0,5; 0,75;")
    assert rubric_text(None) == "—"
