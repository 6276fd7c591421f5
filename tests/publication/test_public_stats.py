"""The public site's numbers (parindex/publication/public_stats.py), from handwritten content: exact Decimals,
no database."""

from __future__ import annotations

from decimal import Decimal

from parindex.publication import public_stats as stats

CLASSES = [("xuat_sac", "Xuất sắc"), ("tot", "Tốt"), ("kha", "Khá"), ("trung_binh", "Trung bình")]


def unit(code, fields=None, criteria=None, *, index="90.00", rank=1, klass="xuat_sac", not_assessed=None,
         name=None):
    scored = fields is not None
    return {"code": code, "name": name or f"Đơn vị {code}", "total": index if scored else None,
            "index": index if scored else None, "rank": rank if scored else None, "class": klass if scored else None,
            "class_label": "X", "fields": fields or {}, "criteria": criteria or {}, "not_assessed": not_assessed}


GROUP = {
    "fields": [{"code": "a", "title": "Công tác chỉ đạo", "max": "8"}, {"code": "b", "title": "Thể chế", "max": "4"}],
    "criteria": [{"code": "a.1", "title": "Kế hoạch", "max": "2", "field": "a"}],
    "units": [
        unit("A", {"a": "8", "b": "4"}, {"a.1": "0.125"}),
        unit("B", {"a": "7.5", "b": "1.99"}, {"a.1": "0.125"}, rank=2),
        unit("C", {"a": "7", "b": "2"}, {"a.1": "2"}, rank=3, klass="tot"),
        unit("D", not_assessed="Giải thể"),       # no score: left out of the average, counted apart
        unit("E"),                                 # blocked / not classified, no score
    ],
}


def test_the_average_is_over_scored_units_and_rounded_half_up_to_2_decimals():
    fields = {c.code: c for c in stats.compare(GROUP, GROUP["units"][1])}
    assert fields["a"].average == Decimal("7.50")           # (8 + 7.5 + 7) / 3 = 7.5
    assert fields["a"].best == Decimal("8") and fields["a"].points == Decimal("7.5") and fields["a"].max == 8
    assert fields["b"].average == Decimal("2.66")           # 7.99 / 3 = 2.66333…
    criteria = stats.compare(GROUP, GROUP["units"][0], "criteria")
    assert criteria[0].average == Decimal("0.75")            # 2.25 / 3 = 0.75
    two = {"fields": [{"code": "a", "max": "1"}], "units": [unit("A", {"a": "0.125"}), unit("B", {"a": "0.125"})]}
    assert stats.compare(two, two["units"][0])[0].average == Decimal("0.13")   # 0.125 → 0.13 (half-up, not half-even)
    assert stats.average([]) is None


def test_a_unit_without_points_compares_as_none_against_its_group():
    row = stats.compare(GROUP, GROUP["units"][3])[0]
    assert row.points is None and row.average == Decimal("7.50")


def test_bands_of_a_share_of_the_maximum():
    m = Decimal(8)
    assert [stats.band(Decimal(p), m) for p in ("0", "3.99", "4", "5.6", "6.4", "7.19", "7.2", "8")] == \
        [0, 0, 1, 2, 3, 3, 4, 4]
    assert stats.band(None, m) is None and stats.band(Decimal(1), Decimal(0)) is None
    assert stats.percent(Decimal("1.99"), Decimal(4)) == Decimal(50)     # 49.75 → 50
    assert stats.percent(Decimal("7.5"), m) == Decimal(94)               # 93.75 → 94


def test_the_heat_map_has_the_scored_units_in_order_one_cell_per_field():
    rows = stats.heat(GROUP)
    assert [u["code"] for u, _cells in rows] == ["A", "B", "C"]
    b = rows[1][1]
    assert (b[0].points, b[0].band, b[0].percent) == (Decimal("7.5"), 4, Decimal(94))
    assert (b[1].points, b[1].band) == (Decimal("1.99"), 0)


def test_distribution_counts_classes_then_not_classified_and_not_assessed():
    counts = [(c.code, c.count, c.bar) for c in stats.distribution(GROUP, CLASSES)]
    assert counts == [("xuat_sac", 2, 200), ("tot", 1, 100), ("kha", 0, 0), ("trung_binh", 0, 0),
                      (stats.NOT_CLASSIFIED, 1, 100), (stats.NOT_ASSESSED, 1, 100)]
    only = {"units": [unit("A", {"a": "1"})]}
    assert [c.code for c in stats.distribution(only, CLASSES)] == ["xuat_sac", "tot", "kha", "trung_binh"]


def _content(year, rows):
    return {"year": year, "groups": {"department": {"units": rows}}}


def test_history_changes_are_from_the_previous_year_with_a_result():
    entries = [
        (2023, 1, _content(2023, [unit("A", {}, index="91.25", rank=2), unit("B", {}, index="95.00", rank=1)])),
        (2021, 2, _content(2021, [unit("A", {}, index="88.50", rank=5)])),
        (2022, 1, _content(2022, [unit("A", None)])),                     # no score in 2022
    ]
    lines = stats.history(entries, "department", "A")
    assert [(h.year, h.index, h.rank, h.of) for h in lines] == [
        (2021, Decimal("88.50"), 5, 1), (2022, None, None, 0), (2023, Decimal("91.25"), 2, 2)]
    assert lines[0].index_change is None and lines[0].rank_change is None
    assert lines[1].index_change is None
    assert lines[2].index_change == Decimal("2.75") and lines[2].rank_change == 3 and lines[2].places_moved == 3
    down = stats.history([(2021, 1, _content(2021, [unit("A", {}, index="90", rank=1)])),
                          (2022, 1, _content(2022, [unit("A", {}, index="89.5", rank=4)]))], "department", "A")
    assert down[1].index_change == Decimal("-0.5") and down[1].rank_change == -3 and down[1].places_moved == 3
    assert stats.history(entries, "district", "A") == []


def test_summary_matches_units_by_code_across_years_with_their_newest_name():
    entries = [(2021, 1, _content(2021, [unit("A", {}, index="88.50", rank=1, name="Sở cũ")])),
               (2022, 1, _content(2022, [unit("A", {}, index="90.00", rank=2, name="Sở mới"),
                                         unit("B", {}, index="95.00", rank=1)]))]
    years, groups = stats.summary(entries, ("department", "district"))
    assert years == [2021, 2022] and groups["district"] == []
    a, b = groups["department"]
    assert (a.code, a.name) == ("A", "Sở mới")
    assert a.years[2021]["index"] == Decimal("88.50") and a.years[2022]["rank"] == 2
    assert 2021 not in b.years


def test_find_unit_names_its_group():
    content = {"groups": {"department": GROUP}}
    kind, group, row = stats.find_unit(content, "B")
    assert kind == "department" and group is GROUP and row["code"] == "B"
    assert stats.find_unit(content, "Z") is None and stats.find_unit({}, "A") is None
    assert stats.ranked_count(GROUP) == 3
