"""Survey points, resolutions, closing (issue 10 §3; III.1.2–1.3, V.1.1.d of 1679/QĐ-UBND)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from parindex.audit.models import AuditEntry
from parindex.core.errors import DomainError, NotAllowed
from parindex.rulebook.engine import score_unit
from parindex.survey import collect, results, services
from parindex.survey.models import Answer, ItemResolution, Survey
from parindex.survey.scoring import round_points
from parindex.units.models import PeriodUnit


@pytest.fixture
def survey(world):
    return services.survey_of(world)


@pytest.fixture
def coordinator(persona):
    return persona("snv.dieuphoi")


def _unit(world, code):
    return PeriodUnit.objects.get(period=world, code=code)


def test_points_of_one_unit_by_hand_from_the_stored_answers(world, survey):
    """III.1.3: per group the mean of the valid values; the groups' weighted mean × the item's maximum."""
    design = services.design_of(survey)
    ks = results.current_scores(survey)["department"]
    item = ks.items[0]
    code = ks.units[0].code
    by_group = {}
    for group, value in Answer.objects.filter(response__survey=survey, response__unit__code=code,
                                              item=item.code).values_list("response__group", "value"):
        if value is not None:
            by_group.setdefault(group, []).append(Fraction(value))
    counted = {g: v for g, v in by_group.items() if len(v) >= design.min_valid_of(design.group(g))}
    weights = {g: Fraction(design.group(g).weight) for g in counted}
    combined = sum(weights[g] * sum(v) / len(v) for g, v in counted.items()) / sum(weights.values())
    expected = round_points(Fraction(item.max_points) * combined)
    assert ks.scores.results[(code, item.code)].points == expected
    assert isinstance(expected, Decimal) and expected.as_tuple().exponent == -2


def resolve_all(survey, world, coordinator, points="0.5"):
    """The demo leaves a few items without enough valid answers (as a real survey does): decide them."""
    for ks in results.current_scores(survey).values():
        for unit, item in ks.scores.unresolved:
            results.resolve_item(survey, _unit(world, unit), item, points, "Không đủ phiếu hợp lệ", actor=coordinator)


def _make_unresolved(survey, world):
    """Remove every answer about one item of one department: no group reaches the minimum."""
    ks = results.current_scores(survey)["department"]
    unit, item = ks.units[0], ks.items[0]
    Answer.objects.filter(response__survey=survey, response__unit__code=unit.code, item=item.code).delete()
    return _unit(world, unit.code), item


def test_close_is_refused_while_an_item_is_unresolved_then_resolution_closes(world, survey, coordinator):
    unit, item = _make_unresolved(survey, world)
    with pytest.raises(DomainError) as refused:
        results.close_survey(survey, actor=coordinator)
    assert any(unit.name in line and item.code in line for line in refused.value.errors)
    assert Survey.objects.get(pk=survey.pk).status == Survey.Status.OPEN
    results.resolve_item(survey, unit, item.code, "0,5", "Không đủ phiếu; lấy mức trung bình các sở", actor=coordinator)
    resolve_all(survey, world, coordinator)
    published = results.close_survey(survey, actor=coordinator)
    assert published.version == 1 and published.scope == "survey"
    assert Survey.objects.get(pk=survey.pk).status == Survey.Status.CLOSED
    assert results.survey_points(unit)[item.code] == Decimal("0.5")
    assert AuditEntry.objects.filter(action="survey.closed").count() == 1
    assert AuditEntry.objects.filter(action="survey.item_resolved").count() >= 1


# "-0", "+1", "１" and "١": plain decimals only (issue 12 §3).
@pytest.mark.parametrize("points", ["-1", "999", "abc", "0,123", "NaN", "-0", "+1", "１", "١"])
def test_a_resolution_out_of_range_is_refused(world, survey, coordinator, points):
    unit, item = _make_unresolved(survey, world)
    before = list(ItemResolution.objects.values_list("pk", "points"))
    with pytest.raises(DomainError) as refused:
        results.resolve_item(survey, unit, item.code, points, "lý do", actor=coordinator)
    assert refused.value.message.startswith(f"Tiêu chí {item.code}: điểm «{points}» không hợp lệ — cho phép từ 0 đến")
    assert list(ItemResolution.objects.values_list("pk", "points")) == before


def test_a_resolution_needs_a_reason_and_the_coordinator(world, survey, coordinator, persona):
    unit, item = _make_unresolved(survey, world)
    with pytest.raises(DomainError):
        results.resolve_item(survey, unit, item.code, "0", "  ", actor=coordinator)
    with pytest.raises(NotAllowed):
        results.resolve_item(survey, unit, item.code, "0", "lý do", actor=persona("stp.canbo"))
    with pytest.raises(DomainError):
        results.resolve_item(survey, unit, "không-có", "0", "lý do", actor=coordinator)


def test_closing_freezes_a_snapshot_and_a_correction_is_a_new_version(world, survey, coordinator):
    resolve_all(survey, world, coordinator)
    first = results.close_survey(survey, actor=coordinator)
    unit = _unit(world, first.content["kinds"]["district"]["units"][0]["code"])
    frozen = results.survey_points(unit)
    assert frozen and all(isinstance(v, Decimal) for v in frozen.values())
    # answers cannot come in any more (collect checks the status)
    design = services.design_of(survey)
    group = design.groups_for("district")[0]
    with pytest.raises(DomainError):
        collect.record_response(survey, group.code, unit, {}, "paper", world.survey_start.date(), design=design)
    with pytest.raises(DomainError):
        results.close_survey(survey, actor=coordinator)
    with pytest.raises(DomainError):
        results.correct_survey(survey, actor=coordinator, reason="")
    item = next(iter(frozen))
    Answer.objects.filter(response__unit=unit, item=item).delete()
    results.resolve_item(survey, unit, item, "0", "Phiếu của đơn vị bị loại sau khi chốt", actor=coordinator)
    second = results.correct_survey(survey, actor=coordinator, reason="Loại phiếu không hợp lệ")
    assert second.version == 2 and second.reason == "Loại phiếu không hợp lệ"
    assert results.survey_points(unit)[item] == Decimal("0")
    assert first.content["kinds"]["district"]["units"][0]["items"][item] == str(frozen[item].normalize()) \
        or Decimal(first.content["kinds"]["district"]["units"][0]["items"][item]) == frozen[item]


def test_survey_points_reach_the_engine(world, survey, coordinator):
    resolve_all(survey, world, coordinator)
    results.close_survey(survey, actor=coordinator)
    unit = _unit(world, "SNV") if PeriodUnit.objects.filter(period=world, code="SNV").exists() else \
        PeriodUnit.objects.filter(period=world, kind="department").first()
    cset = world.criteria_sets.get(unit_kind="department").parsed()
    points = results.survey_points(unit)
    scored = score_unit(cset, points, unit.name)
    assert scored.survey_points == sum(points.values()) > 0
    assert scored.self_points == 0


def test_the_unit_card_shows_the_closed_survey_points_to_the_coordinator(world, survey, coordinator, login):
    resolve_all(survey, world, coordinator)
    results.close_survey(survey, actor=coordinator)
    unit = _unit(world, "STP")
    total = sum(results.survey_points(unit).values())
    page = login("snv.dieuphoi").get(f"/ky/2021/don-vi/{unit.code}/").content.decode()
    assert 'id="unit-survey"' in page and f"{total}".replace(".", ",") in page


def test_closing_deletes_the_typed_entries_of_counted_paper_forms(world, survey, coordinator, persona):
    """Anonymity (docs/security.md): a typed entry keeps answers beside a serial until the points are frozen."""
    from parindex.survey.models import PaperEntry, PaperForm

    unit = _unit(world, "SYT")
    counted = PaperForm.objects.create(survey=survey, serial="T-0001", group="hdnd-so", unit=unit,
                                       status=PaperForm.Status.COUNTED)
    pending = PaperForm.objects.create(survey=survey, serial="T-0002", group="hdnd-so", unit=unit)
    for form in (counted, pending):
        PaperEntry.objects.create(form=form, entered_by=coordinator, answers={"C1": "1"})
    resolve_all(survey, world, coordinator)
    results.close_survey(survey, actor=coordinator)
    assert list(PaperEntry.objects.values_list("form__serial", flat=True)) == ["T-0002"]
    assert AuditEntry.objects.filter(action="survey.paper_entries_purged").count() == 1
