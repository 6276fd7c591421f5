"""Items scored as the sum of their parts (issue 12 §3, item 2).

Commune g.1 was a range 0–4 step 0,25, but its three parts, {0; 0,75; 1,5} + {0; 1,5} + {0; 0,5; 1},
can never add up to 0,25 or 3,75: a unit could be given a score no assessment can produce. It is now
a rubric of ``parts`` whose allowed values are exactly the reachable sums. The other range rubrics
of the three sets were checked the same way (commune g.2, four parts of {0; 0,5; 1}: every value of
its old range 0–4 step 0,5 is reachable); it is written as parts too, so that the sheet shows them.
"""

from decimal import Decimal as D
from itertools import product
from pathlib import Path

import pytest

from parindex.rulebook import ScoreError, load
from parindex.rulebook.engine import validate_scores
from parindex.rulebook.model import Choice, Part, Rubric, sums_of_parts

DATA = Path(__file__).resolve().parents[2] / "parindex" / "rulebook" / "data"
SETS = {kind: load(DATA / f"backan-2021-{kind}.yaml") for kind in ("department", "district", "commune")}
COMMUNE = SETS["commune"]


def values(*texts):
    return [D(t) for t in texts]


def test_commune_g1_allows_exactly_the_sums_of_its_three_parts():
    rubric = COMMUNE.items_by_code["g.1"].rubric
    assert rubric.is_parts and rubric.is_range  # typed as one number, like a range
    assert [[c.points for c in p.choices] for p in rubric.parts] == [
        values("1.5", "0.75", "0"), values("1.5", "0"), values("1", "0.5", "0")]
    by_hand = sorted({a + b + c for a, b, c in product(values("0", "0.75", "1.5"), values("0", "1.5"),
                                                        values("0", "0.5", "1"))})
    assert rubric.allowed_values() == by_hand
    assert [str(v) for v in rubric.allowed_values()] == [
        "0", "0.5", "0.75", "1", "1.25", "1.5", "1.75", "2", "2.25", "2.5", "2.75", "3", "3.25", "3.5", "4"]
    old_range = {D("0.25") * n for n in range(17)}
    assert old_range - set(rubric.allowed_values()) == {D("0.25"), D("3.75")}


@pytest.mark.parametrize("typed", ["3,75", "0,25", "3.75"])
def test_the_engine_refuses_a_total_the_parts_cannot_make(typed):
    """Issue 12 §3, item 2: the exact message names the item and the reachable totals."""
    with pytest.raises(ScoreError) as info:
        validate_scores(COMMUNE, {"g.1": typed}, "Xã Hoà Mục")
    assert info.value.messages == [
        f"Xã Hoà Mục: tiêu chí g.1: giá trị «{typed}» không hợp lệ — cho phép: tổng điểm của 3 phần, một trong "
        "các giá trị 0; 0,5; 0,75; 1; 1,25; 1,5; 1,75; 2; 2,25; 2,5; 2,75; 3; 3,25; 3,5; 4"]
    assert validate_scores(COMMUNE, {"g.1": "3,25"}, "Xã Hoà Mục") == {"g.1": D("3.25")}


def test_commune_g2_keeps_the_values_of_its_old_range():
    rubric = COMMUNE.items_by_code["g.2"].rubric
    assert len(rubric.parts) == 4 and all([c.points for c in p.choices] == values("1", "0.5", "0")
                                          for p in rubric.parts)
    assert rubric.allowed_values() == [D("0.5") * n for n in range(9)]


def test_the_sheet_text_shows_every_part_and_its_values():
    """Until the score sheet draws the parts, ``condition`` (shown beside the input) lists them."""
    rubric = COMMUNE.items_by_code["g.1"].rubric
    assert rubric.condition.startswith("Cộng điểm 3 nội dung. (1) Thu ngân sách xã — 1,5 điểm: Thu ngân sách xã "
                                       "đạt từ 100% dự toán HĐND xã giao trở lên; 0,75 điểm: Đạt từ 90% đến dưới "
                                       "100% dự toán; 0 điểm: Đạt dưới 90% dự toán. (2) Chi ngân sách xã — 1,5 điểm:")
    assert "(3) Công khai ngân sách xã — 1 điểm:" in rubric.condition


def test_no_typed_rubric_of_the_shipped_sets_allows_an_unreachable_value():
    """Issue 12 §3, item 2, over the three sets: the only typed items were commune g.1 and g.2, both
    additive; no plain range is left, and a parts rubric allows only what its parts can make."""
    typed = {(kind, i.code) for kind, cset in SETS.items() for i in cset.items if i.rubric and i.rubric.is_range}
    assert typed == {("commune", "g.1"), ("commune", "g.2")}
    for kind, code in typed:
        rubric = SETS[kind].items_by_code[code].rubric
        assert rubric.step is None and rubric.is_parts
        assert set(rubric.allowed_values()) == sums_of_parts(rubric.parts)
        assert max(rubric.allowed_values()) == SETS[kind].items_by_code[code].max_points


def test_sums_of_parts_are_written_the_short_way():
    parts = (Part("A", (Choice(D("1.5"), "x"), Choice(D(0), "y"))), Part("B", (Choice(D("2.5"), "x"),
                                                                           Choice(D(0), "y"))))
    rubric = Rubric(parts=parts)
    assert [str(v) for v in rubric.allowed_values()] == ["0", "1.5", "2.5", "4"]
    assert rubric.accepts(D("4.00")) and not rubric.accepts(D(1))
    assert rubric.describe() == "tổng điểm của 2 phần, một trong các giá trị 0; 1,5; 2,5; 4"
