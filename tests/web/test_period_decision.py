"""A period binds the decision it is run under (issue 12 §1): 1679 by default, another decision file when the
province gives one, checked against the criteria sets, fixed once the period opens."""

from pathlib import Path

import pytest

from parindex.audit.models import AuditEntry
from parindex.core.errors import DomainError
from parindex.periods import services
from parindex.periods.models import Period, PeriodDecision, PeriodLocked
from parindex.periods.services import decision_of
from parindex.periods.timeline import VN
from parindex.rulebook.engine import DECISION_1679

TWO_LEVEL = (Path(__file__).resolve().parents[1] / "rulebook/fixtures/decision-two-level.yaml").read_text(
    encoding="utf-8")


def test_a_new_period_is_bound_to_1679_and_keeps_its_text_and_hash(persona):
    period = services.create_period(2022, actor=persona("snv.dieuphoi"))
    bound = PeriodDecision.objects.get(period=period)
    assert (bound.decision_id, bound.sha256) == ("backan-1679", DECISION_1679.sha256)
    assert decision_of(Period.objects.get(pk=period.pk)) == DECISION_1679
    assert AuditEntry.objects.get(action="period.created", object_id=str(period.pk)).after["decision"] == (
        f"backan-1679 ({DECISION_1679.sha256[:12]})")


def test_another_decision_gives_its_levels_timeline_and_reading(persona):
    period = services.create_period(2025, actor=persona("snv.dieuphoi"), decision_source=TWO_LEVEL)
    assert decision_of(period).id == "test-two-level" and period.reading == "inclusive"
    assert sorted(period.criteria_sets.values_list("unit_kind", flat=True)) == ["commune", "department"]
    # «trước ngày 15/11», read inclusively: until the end of 15/11
    assert period.commune_self_due.astimezone(VN).date().isoformat() == "2025-11-16"
    assert period.appraisal_end.astimezone(VN).date().isoformat() == "2026-01-15"


def test_a_broken_decision_or_one_the_sets_do_not_fit_is_refused_and_nothing_is_created(persona):
    with pytest.raises(DomainError) as refused:
        services.create_period(2025, actor=persona("snv.dieuphoi"), decision_source=TWO_LEVEL.replace(
            "ranking: dense", "ranking: olympic"))
    assert refused.value.errors == [
        "quyet-dinh.yaml:24: test-two-level: ranking «olympic» không hợp lệ (cho phép: competition, dense)"]
    with pytest.raises(DomainError) as refused:
        services.create_period(2025, actor=persona("snv.dieuphoi"),
                               decision_source=TWO_LEVEL.replace("  department: 26", "  department: 20"))
    assert refused.value.errors == ["bộ tiêu chí backan-2021-department: 26 điểm điều tra XHH, quyết định "
                                    "test-two-level quy định 20 cho cấp «department»"]
    assert not Period.objects.filter(year=2025).exists() and not PeriodDecision.objects.filter(
        period__year=2025).exists()


def test_the_decision_is_fixed_once_the_period_opens(world):
    bound = PeriodDecision.objects.get(period=world)
    bound.title = "Đổi"
    with pytest.raises(PeriodLocked):
        bound.save()
    with pytest.raises(PeriodLocked):
        bound.delete()
