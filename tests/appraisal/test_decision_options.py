"""The options of the decision file the period is run under (issue 12 §3; docs/decisions.md): 1679 does not
set the explanation round nor forbid an appraisal above the self-score, and keeps both on; a decision that
turns them off is followed by the appraisal."""

import hashlib
from datetime import datetime

import pytest

from parindex.appraisal import services
from parindex.appraisal.models import Appraisal, ItemAppraisal, Stage
from parindex.assessments.models import Assessment
from parindex.core.errors import DomainError
from parindex.periods.models import PeriodDecision
from parindex.periods.services import decision_of
from parindex.periods.timeline import VN
from parindex.rulebook.decision import shipped_source

from .test_rules import full_round1

UNTIL = datetime(2026, 11, 27, tzinfo=VN)


def bind_options_off(period) -> None:
    """The open period re-bound (as a test's setup, past the model's lock) to 1679 with both options off."""
    text = shipped_source()
    text = text.replace("id: backan-1679", "id: test-no-options").replace("    value: true", "    value: false")
    PeriodDecision.objects.filter(period=period).update(
        decision_id="test-no-options", source=text, sha256=hashlib.sha256(text.encode()).hexdigest())


def lowered_self_score(appraisal, code: str) -> None:
    """The unit self-scored ``code`` at 0 (its frozen sheet edited, as a unit that gave itself nothing)."""
    assessment = Assessment.objects.get(pk=appraisal.assessment_id)
    snapshot = assessment.snapshot
    snapshot["items"][code]["points"] = "0"
    Assessment.objects.filter(pk=assessment.pk).update(snapshot=snapshot)
    appraisal.assessment.refresh_from_db()


def test_under_1679_the_appraisal_may_give_more_than_the_self_score_with_a_comment(hoa_muc_appraisal, persona):
    assert decision_of(hoa_muc_appraisal.assessment.period_unit.period).option("appraisal_may_exceed_self")
    lowered_self_score(hoa_muc_appraisal, "a.1.1")
    services.appraise(hoa_muc_appraisal, "a.1.1", "1", "Tài liệu kiểm chứng cho thấy đã hoàn thành",
                      actor=persona("chomoi.thamdinh"))
    assert ItemAppraisal.objects.get(appraisal=hoa_muc_appraisal, item_code="a.1.1").round1_points == 1


def test_a_decision_without_it_refuses_more_than_the_self_score_and_stores_nothing(world, hoa_muc_appraisal, persona):
    bind_options_off(world)
    lowered_self_score(hoa_muc_appraisal, "a.1.1")
    with pytest.raises(DomainError) as refused:
        services.appraise(hoa_muc_appraisal, "a.1.1", "1", "Cao hơn", actor=persona("chomoi.thamdinh"))
    assert refused.value.message == ("Tiêu chí a.1.1: theo test-no-options, điểm thẩm định không được cao hơn điểm "
                                     "tự chấm (0), đã nhập 1")
    assert ItemAppraisal.objects.get(appraisal=hoa_muc_appraisal, item_code="a.1.1").round1_points is None
    services.appraise(hoa_muc_appraisal, "a.1.1", "0", "", actor=persona("chomoi.thamdinh"))  # equal is allowed


def test_a_decision_without_the_explanation_round_refuses_to_open_it(world, hoa_muc_appraisal, persona):
    full_round1(hoa_muc_appraisal, persona("chomoi.thamdinh"), {"c.1.1": ("0", "Chưa niêm yết TTHC đúng quy định")})
    bind_options_off(world)
    appraisal = Appraisal.objects.get(pk=hoa_muc_appraisal.pk)  # read again, as the next request would
    with pytest.raises(DomainError, match="Theo test-no-options không có vòng giải trình"):
        services.open_explanation(appraisal, UNTIL, actor=persona("chomoi.noivu"))
    assert Appraisal.objects.get(pk=appraisal.pk).stage == Stage.ROUND1
    services.close_explanation(appraisal, actor=persona("chomoi.thamdinh"))  # straight to the final round
