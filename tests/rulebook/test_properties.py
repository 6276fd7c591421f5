"""Property tests (hypothesis) over the shipped sets and the classification rules."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.rulebook import classify, district_class, registry, score_unit
from parindex.rulebook.engine import class_rank

CLASSES = ["xuat_sac", "tot", "kha", "trung_binh"]


def _valid_value(item):
    if item.rubric is None:  # survey: any value in [0, max] with ≤ 4 decimals
        steps = int(item.max_points * 10000)
        return st.integers(0, steps).map(lambda n: Decimal(n).scaleb(-4))
    if item.rubric.step is not None:
        steps = int(item.rubric.maximum / item.rubric.step)
        return st.integers(0, steps).map(lambda n: item.rubric.step * n)
    return st.sampled_from(item.rubric.allowed_values())


def _scores(cset):
    return st.fixed_dictionaries(
        {}, optional={i.code: _valid_value(i).map(str) for i in cset.items}
    )


@pytest.mark.parametrize("kind", ["department", "district", "commune"])
def test_index_stays_within_0_and_100_for_any_valid_scores(kind):
    cset = next(s for s in registry.shipped_sets() if s.unit_kind == kind)

    @settings(max_examples=150, deadline=None)
    @given(_scores(cset))
    def check(scores):
        result = score_unit(cset, scores)
        assert Decimal(0) <= result.index <= Decimal(100)
        assert result.total == result.self_points + result.survey_points
        assert result.total == sum(result.fields.values())
        assert result.self_points <= cset.self_max
        assert result.survey_points <= cset.survey_max

    check()


index_values = st.integers(0, 10000).map(lambda n: Decimal(n).scaleb(-2))


@given(index_values, index_values)
def test_a_higher_index_never_gets_a_lower_class(a, b):
    low, high = sorted((a, b))
    assert class_rank(classify(high)) <= class_rank(classify(low))


@given(st.sampled_from(CLASSES), st.lists(st.sampled_from(CLASSES), min_size=1, max_size=40))
def test_district_class_is_never_above_its_score_class_and_at_most_one_below(own, communes):
    klass, reason = district_class(own, communes)
    drop = class_rank(klass) - class_rank(own)
    assert drop in (0, 1)
    assert (drop == 1) == (reason is not None)
    reaching = sum(1 for c in communes if class_rank(c) <= class_rank(own))
    assert (drop == 0) == (3 * reaching >= 2 * len(communes))
