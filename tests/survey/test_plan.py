"""Sample size (V.1.1.c «xác định quy mô mẫu»): fixed, or Slovin's n = N / (1 + N·e²) rounded up, never
above N; the plan per group and unit with its totals. Pure: no database."""

from decimal import Decimal
from pathlib import Path

import pytest

from parindex.survey.design import sample_size
from parindex.survey.loader import load
from parindex.survey.plan import UnitRef, sample_plan, unknown_units

MINI = Path(__file__).parent / "fixtures" / "mini.yaml"


@pytest.mark.parametrize(("population", "fixed", "margin", "expected"), [
    (50, None, Decimal("0.1"), 34),      # 50 / 1.5 = 33.33… → 34 (rounded up)
    (100, None, Decimal("0.1"), 50),     # 100 / 2 = 50 exactly: no rounding up
    (1000, None, Decimal("0.05"), 286),  # 1000 / 3.5 = 285.71… → 286 (Bộ Nội vụ's e = 5 %)
    (42, None, Decimal("0.1"), 30),      # 42 / 1.42 = 29.57… → 30
    (1, None, Decimal("0.5"), 1),        # 1 / 1.25 = 0.8 → 1
    (0, None, Decimal("0.1"), 0),        # nobody to ask
    (0, 30, Decimal("0.1"), 0),          # a fixed sample of nobody is nobody
    (3000, 60, Decimal("0.1"), 60),      # fixed
    (8, 30, Decimal("0.1"), 8),          # fixed, but never above N
])
def test_sample_size(population, fixed, margin, expected):
    assert sample_size(population, fixed, margin) == expected


def test_the_formula_is_exact_decimal_arithmetic_not_float():
    # 30 / (1 + 30 · 0.01) = 30 / 1.3 = 23.07… → 24; and N·e² exactly 1 gives N / 2
    assert sample_size(30, None, Decimal("0.1")) == 24
    assert sample_size(400, None, Decimal("0.05")) == 200


def test_the_plan_per_group_and_unit_with_totals():
    design = load(MINI)
    units = {"department": [UnitRef("STP", "Sở Tư pháp"), UnitRef("SYT", "Sở Y tế")],
             "district": [UnitRef("065", "Huyện Chợ Mới"), UnitRef("066", "Huyện Na Rì")]}
    plan = sample_plan(design, units)
    hdnd, dan = plan.groups
    assert [(r.unit.code, r.population, r.sample) for r in hdnd.rows] == [("STP", 50, 34), ("SYT", 50, 34)]
    assert [(r.unit.code, r.population, r.sample) for r in dan.rows] == [("065", 2800, 60), ("066", 3000, 60)]
    assert (hdnd.population, hdnd.sample) == (100, 68)  # one form per delegate and department
    assert (dan.population, dan.sample) == (5800, 120)
    assert plan.sample == 188
    assert plan.sample_of_kind("department") == 68 and plan.sample_of_kind("district") == 120


def test_a_kind_without_units_gives_empty_rows_and_zero_totals():
    plan = sample_plan(load(MINI), {"department": []})
    assert all(g.rows == () for g in plan.groups) and plan.sample == 0


def test_population_by_unit_naming_no_unit_of_the_period_is_found():
    design = load(MINI)
    assert unknown_units(design, {"department": ["STP"], "district": ["066"]}) == [("dan", "065")]
    assert unknown_units(design, {"department": ["STP"], "district": ["065"]}) == []
