"""Date bands in rubrics: every day falls in exactly one band (issue 12 §3, item 1).

The shipped 2021 sets left 31/01 in no band in department and commune a.1.1 («trước ngày 31/01»
then «từ ngày 01/02»), 31/12 of the year before in department g.1.1 and 31/12 in district a.7.2
(«trước ngày 31/12» then «sau ngày 31/12»). «Trước ngày D» is read as the decision's default
reading (hết ngày hôm trước, parindex/periods/timeline.py Reading.STRICT; QĐ 1679 mục V.1–V.3
set its deadlines with «Trước ngày …»).
"""

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from parindex.rulebook import load
from parindex.rulebook.datebands import NotADate, bands, check

DATA = Path(__file__).resolve().parents[2] / "parindex" / "rulebook" / "data"
SETS = {kind: load(DATA / f"backan-2021-{kind}.yaml") for kind in ("department", "district", "commune")}


def days(text):
    return [(b.first, b.last) for b in bands(text)]


@pytest.mark.parametrize(("text", "first", "last"), [
    ("Ban hành chậm nhất ngày 31/01 của năm kế hoạch", None, date(2024, 1, 31)),
    ("Ban hành trước ngày 31/01 của năm kế hoạch", None, date(2024, 1, 30)),
    ("Ban hành từ ngày 01/02 đến hết tháng 02 của năm kế hoạch", date(2024, 2, 1), date(2024, 2, 29)),
    ("từ ngày 01/02 đến ngày cuối cùng của tháng 02 năm kế hoạch", date(2024, 2, 1), date(2024, 2, 29)),
    ("từ ngày 01/01 đến 31/01", date(2024, 1, 1), date(2024, 1, 31)),
    ("Ban hành sau tháng 02 của năm kế hoạch hoặc không ban hành", date(2024, 3, 1), None),
    ("gửi kết quả sau ngày 31/12", date(2025, 1, 1), None),
    ("gửi kết quả từ ngày 31/12 trở đi", date(2024, 12, 31), None),
    ("giao dự toán chậm nhất ngày 31/12 của năm trước năm ngân sách", None, date(2023, 12, 31)),
    ("giao dự toán trong tháng 01 của năm ngân sách", date(2024, 1, 1), date(2024, 1, 31)),
    ("trước tháng 03", None, date(2024, 2, 29)),
])
def test_each_phrase_names_its_days(text, first, last):
    [(got_first, got_last)] = days(text)
    if first is not None:
        assert got_first == first
    else:
        assert got_first.year < 2023  # open towards the past
    if last is not None:
        assert got_last == last
    else:
        assert got_last.year > 2025  # open towards the future


def test_conditions_without_a_date_band_are_not_read():
    assert days("Gửi chậm không quá 05 ngày làm việc") == []
    assert days("cập nhật chậm nhất 05 ngày làm việc kể từ ngày nhận được Quyết định công bố") == []
    assert days("Không tổ chức thẩm định") == []


def test_the_shipped_gaps_are_what_the_check_reports():
    """The four gaps issue 12 §3 item 1 names, as the old wording gave them."""
    a11 = [(D("0.5"), "Ban hành trước ngày 31/01 của năm kế hoạch"),
           (D("0.25"), "Ban hành từ ngày 01/02 đến hết tháng 02 của năm kế hoạch"),
           (D("0"), "Ban hành sau tháng 02 của năm kế hoạch hoặc không ban hành")]
    assert check(a11) == ["ngày 31/01 không thuộc mức điểm nào"]
    g11 = [(D("0.5"), "Phân bổ, giao dự toán trước ngày 31/12 của năm trước năm ngân sách"),
           (D("0.25"), "Phân bổ, giao dự toán trong tháng 01 của năm ngân sách"),
           (D("0"), "Phân bổ, giao dự toán sau tháng 01 của năm ngân sách")]
    assert check(g11) == ["ngày 31/12 năm trước không thuộc mức điểm nào"]
    a72 = [(D("0.5"), "gửi kết quả về UBND tỉnh (qua Sở Nội vụ) trước ngày 31/12"),
           (D("0.25"), "Hoàn thành thẩm định, công bố nhưng gửi kết quả sau ngày 31/12"),
           (D("0"), "Không tổ chức thẩm định")]
    assert check(a72) == ["ngày 31/12 không thuộc mức điểm nào"]


def test_overlaps_open_ends_and_leap_days_are_reported():
    assert check([(D(1), "chậm nhất ngày 31/01"), (D("0.5"), "từ ngày 31/01 đến ngày 28/02"),
                  (D(0), "từ ngày 01/03 trở đi")]) == [
        "ngày 31/01 thuộc cả mức 1 và mức 0,5", "ngày 29/02 không thuộc mức điểm nào"]
    assert check([(D(1), "chậm nhất ngày 31/01"), (D(0), "trong tháng 02")]) == [
        "các ngày từ ngày 01/03 trở đi không thuộc mức điểm nào"]
    assert check([(D(1), "trong tháng 01"), (D(0), "sau tháng 01")]) == [
        "các ngày đến hết ngày 31/12 năm trước không thuộc mức điểm nào"]


def test_a_day_that_does_not_exist_is_refused():
    with pytest.raises(NotADate):
        bands("từ ngày 31/02 đến hết tháng 03")
    assert check([(D(1), "chậm nhất ngày 31/01"), (D(0), "từ ngày 32/01 trở đi")]) == [
        "mức 0: ngày 32/01 không tồn tại"]


def test_one_date_band_alone_is_not_checked():
    """Commune a.4.2: «Gửi trước ngày 30/11» then «Gửi chậm …»: lateness in working days is not a band."""
    assert check([(D(1), "Gửi trước ngày 30/11"), (D("0.5"), "Gửi chậm không quá 05 ngày làm việc"),
                  (D(0), "Gửi chậm quá 05 ngày làm việc hoặc không gửi")]) == []


def test_every_date_rubric_of_the_shipped_sets_covers_every_day_once():
    """Issue 12 §3 item 1: the shipped sets load (the loader runs the check) and the rubrics with
    date bands are exactly the ones the correction looked at."""
    dated = set()
    for kind, cset in SETS.items():
        for item in cset.items:
            if item.rubric is None or not item.rubric.choices:
                continue
            pairs = [(c.points, c.condition) for c in item.rubric.choices]
            assert check(pairs) == [], (kind, item.code)
            if sum(1 for _, text in pairs if bands(text)) >= 2:
                dated.add((kind, item.code))
    assert dated == {("department", "a.1.1"), ("department", "g.1.1"), ("district", "a.1.1"),
                     ("district", "a.7.2"), ("commune", "a.1.1")}


def test_the_annual_plan_item_is_worded_alike_in_the_three_sets():
    """Issue 12 §3 item 1: a.1.1 (Kế hoạch CCHC năm) names the same bands in the same words
    in Phụ lục I, II and III (district a.1.1 used to say «đến ngày cuối cùng của tháng 02 năm …»)."""
    worded = {}
    for kind, cset in SETS.items():
        rubric = cset.items_by_code["a.1.1"].rubric
        worded[kind] = [[b.phrase for b in bands(c.condition)] for c in rubric.choices]
    assert worded["department"] == worded["district"] == worded["commune"] == [
        ["chậm nhất ngày 31/01 của năm kế hoạch"],
        ["từ ngày 01/02 đến hết tháng 02 của năm kế hoạch"],
        ["sau tháng 02 của năm kế hoạch"],
    ]
    for kind, cset in SETS.items():
        first, second, zero = (c.condition for c in cset.items_by_code["a.1.1"].rubric.choices)
        assert first.startswith("Ban hành chậm nhất ngày 31/01 của năm kế hoạch"), kind
        assert second.startswith("Ban hành từ ngày 01/02 đến hết tháng 02 của năm kế hoạch"), kind
        assert zero == "Ban hành sau tháng 02 của năm kế hoạch hoặc không ban hành", kind


def test_district_a_7_2_follows_the_deadline_of_article_v_2():
    """QĐ 1679 mục V.2: «Trước ngày 31/12 hằng năm, UBND cấp huyện hoàn thành công tác thẩm định,
    công bố Chỉ số CCHC cấp xã …»; 31/12 itself is late (issue 12 §3, item 1)."""
    choices = SETS["district"].items_by_code["a.7.2"].rubric.choices
    assert [[(b.first, b.last) for b in bands(c.condition)] for c in choices][:2] == [
        [(date(2019, 1, 1), date(2024, 12, 30))], [(date(2024, 12, 31), date(2029, 12, 31))]]
