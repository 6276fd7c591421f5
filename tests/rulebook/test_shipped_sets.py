"""The three shipped sets match every count and total of Decision 1679/QĐ-UBND, section II.

The numbers below are typed from the decision's text, not read from the YAML's own
``expected`` block, so a file whose declaration and content drift together still fails.
"""

from decimal import Decimal

import pytest

from parindex.rulebook import registry

# field letter → (criteria, sub-criteria, survey sub-criteria), from the decision
DECISION = {
    # II.1.1: sở, ban, ngành — 7 fields, 38 criteria, 90 sub-criteria, 26 survey
    "department": {
        "a": (8, 11, 4), "b": (4, 10, 4), "c": (7, 20, 5), "d": (3, 7, 2),
        "e": (5, 6, 4), "g": (5, 13, 3), "h": (6, 23, 4),
    },
    # II.2.1: UBND cấp huyện — 7 fields, 38 criteria, 99 sub-criteria, 34 survey
    "district": {
        "a": (9, 15, 5), "b": (4, 10, 4), "c": (7, 19, 5), "d": (3, 7, 2),
        "e": (5, 14, 11), "g": (4, 10, 3), "h": (6, 24, 4),
    },
    # II.3.1: UBND cấp xã — 7 fields, 25 criteria, 46 sub-criteria, no survey
    "commune": {
        "a": (5, 8, 0), "b": (4, 6, 0), "c": (5, 13, 0), "d": (2, 2, 0),
        "e": (2, 0, 0), "g": (2, 0, 0), "h": (5, 17, 0),
    },
}
# II.1.2, II.2.2, II.3.2: (self points, survey points), out of 100
POINTS = {
    "department": (Decimal(74), Decimal(26)),
    "district": (Decimal(66), Decimal(34)),
    "commune": (Decimal(100), Decimal(0)),
}
PROVINCIAL_TEAM = {"VPUBND", "SNV", "STP", "STC", "STTTT", "SKHCN"}  # III.3.1.a


def shipped(kind):
    matches = [s for s in registry.shipped_sets() if s.unit_kind == kind and s.year == 2021]
    assert len(matches) == 1, f"expected one 2021 set for {kind}, found {len(matches)}"
    return matches[0]


def test_three_sets_are_shipped_one_per_unit_kind():
    kinds = sorted(s.unit_kind for s in registry.shipped_sets())
    assert kinds == ["commune", "department", "district"]


@pytest.mark.parametrize("kind", DECISION)
def test_counts_per_field_match_the_decision_section_II(kind):
    cset = shipped(kind)
    got = {
        f.code: (len(f.criteria), f.sub_criteria_count, f.survey_sub_criteria_count)
        for f in cset.fields
    }
    assert got == DECISION[kind]


@pytest.mark.parametrize("kind", DECISION)
def test_totals_match_the_decision(kind):
    cset = shipped(kind)
    self_max, survey_max = POINTS[kind]
    assert cset.total_max == Decimal(100)
    assert cset.self_max == self_max
    assert cset.survey_max == survey_max
    assert sum((i.max_points for i in cset.items), Decimal(0)) == Decimal(100)


@pytest.mark.parametrize("kind", DECISION)
def test_field_letters_follow_the_decision_without_f(kind):
    assert [f.code for f in shipped(kind).fields] == ["a", "b", "c", "d", "e", "g", "h"]


def test_commune_field_h_is_hien_dai_hoa_hanh_chinh():
    """II.3.1.h names the communes' field h differently from departments and districts."""
    assert shipped("commune").fields[-1].title == "Hiện đại hóa hành chính"
    assert shipped("department").fields[-1].title == "Xây dựng và phát triển chính quyền điện tử"


def test_commune_fields_e_and_g_are_scored_directly():
    """II.3.1.e and g: two criteria each, no sub-criteria."""
    cset = shipped("commune")
    for letter in "eg":
        field = next(f for f in cset.fields if f.code == letter)
        assert [c.scored_directly for c in field.criteria] == [True, True]


@pytest.mark.parametrize("kind", DECISION)
def test_sets_are_marked_as_reconstructions(kind):
    cset = shipped(kind)
    assert cset.provenance == "reconstructed"
    assert "chính thức" in cset.provenance_note


@pytest.mark.parametrize("kind", ["department", "district"])
def test_survey_items_are_one_point_each_marked_DTXHH_and_run_by_SNV(kind):
    """III.1.2: survey items are shown in the evidence column as ĐTXHH; Sở Nội vụ runs it."""
    survey = [i for i in shipped(kind).items if i.is_survey]
    assert survey
    assert {i.max_points for i in survey} == {Decimal(1)}
    assert {i.evidence for i in survey} == {"ĐTXHH"}
    assert {i.agency for i in survey} == {"SNV"}


@pytest.mark.parametrize("kind", ["department", "district"])
def test_departments_and_districts_are_appraised_by_the_provincial_team(kind):
    """III.3.1.a: the six member agencies of the provincial appraisal team."""
    cset = shipped(kind)
    assert set(cset.agencies) == PROVINCIAL_TEAM
    assert {i.agency for i in cset.items} <= PROVINCIAL_TEAM


def test_communes_are_appraised_by_the_district_team():
    """III.3.1.b: the district's team — its chairperson, divisions and PAR civil servant."""
    cset = shipped("commune")
    assert not set(cset.agencies) & PROVINCIAL_TEAM
    assert {i.agency for i in cset.items} <= set(cset.agencies)


@pytest.mark.parametrize("kind", DECISION)
def test_every_self_item_allows_zero_for_missing_evidence(kind):
    """III.3.2.b: no evidence and no explanation → 0, so 0 must always be a valid score."""
    for item in shipped(kind).items:
        if not item.is_survey:
            assert item.rubric.accepts(Decimal(0)), item.code
            assert item.rubric.accepts(item.max_points), item.code
            assert item.evidence and item.ref, item.code


@pytest.mark.parametrize("kind", DECISION)
def test_shipped_set_ids_are_stable(kind):
    assert shipped(kind).id == f"backan-2021-{kind}"
