"""«Không phát sinh» made explicit in the data (issue 12 §3, item 4).

An item whose rubric gives full points «hoặc trong năm không phát sinh …» / «(không … thì được điểm
tối đa)» carries ``not_applicable: {points: full, when: …}``; the loader reads it as the item's
maximum. Items where «không phát sinh» gives less than full points (the absence is what is
assessed) do not carry it.
"""

import re
from pathlib import Path

from parindex.rulebook import load

DATA = Path(__file__).resolve().parents[2] / "parindex" / "rulebook" / "data"
SETS = {kind: load(DATA / f"backan-2021-{kind}.yaml") for kind in ("department", "district", "commune")}

FULL_WHEN_ABSENT = re.compile(
    r"hoặc (?:trong năm )?(?:cơ quan )?không (?:phát sinh|có|được giao|quản lý)"
    r"|\((?:trong năm )?(?:kiểm tra |rà soát )?không [^()]* thì được điểm tối đa\)"
    r"|trong năm không ban hành VBQPPL thì được điểm tối đa")


def test_the_items_that_say_so_carry_not_applicable():
    marked = {(k, i.code) for k, s in SETS.items() for i in s.items if i.not_applicable}
    worded = {(k, i.code) for k, s in SETS.items() for i in s.items
              if i.rubric and i.rubric.choices and FULL_WHEN_ABSENT.search(i.rubric.choices[0].condition)}
    assert marked == worded
    assert len(marked) == 22


def test_not_applicable_gives_the_items_maximum():
    for cset in SETS.values():
        for item in cset.items:
            if item.not_applicable:
                assert item.not_applicable.points == item.max_points
                assert item.rubric.accepts(item.not_applicable.points)
                assert item.not_applicable.when[0].isupper()


def test_where_absence_scores_less_than_full_it_is_not_marked():
    """Online payment «Không phát sinh giao dịch» gives 0; «không phát sinh hồ sơ» by post gives 0,25."""
    assert SETS["commune"].items_by_code["h.4.3"].not_applicable is None
    assert SETS["district"].items_by_code["h.3.4"].not_applicable is None
    assert SETS["department"].items_by_code["c.3.3"].not_applicable is None
    assert SETS["commune"].items_by_code["c.4.1"].not_applicable.when == "Trong năm không phát sinh PAKN"
