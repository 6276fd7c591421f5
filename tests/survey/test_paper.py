"""Paper questionnaires with double entry (III.1.2–1.3, V.1.1.c of 1679/QĐ-UBND; issue 10 §2).

The test design's group «dan» answers on paper (D1 → a.4.2, D2 → b.1.3); the survey window of the
demo period runs 13/11/2026–03/01/2027 and the clock is frozen at 20/11/2026 10:00.
"""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from parindex.accounts.models import Role, RoleAssignment
from parindex.audit import formatting
from parindex.audit.models import AuditEntry
from parindex.core.errors import DomainError, NotAllowed
from parindex.survey import paper
from parindex.survey.models import Answer, PaperEntry, PaperForm, Response, Survey
from tests.survey.test_collect import DESIGN, survey_on_the_test_design

DAY = date(2026, 11, 15)
SAME = {"D1": "1", "D2": "2"}


@pytest.fixture
def survey(world):
    return survey_on_the_test_design(world)


def surveyor(username):
    user = get_user_model().objects.create_user(username=username, password="x")
    RoleAssignment.objects.create(user=user, role=Role.SURVEYOR)
    return user


@pytest.fixture
def typists(persona):
    return persona("khaosat"), surveyor("khaosat2"), surveyor("khaosat3")


@pytest.fixture
def serials(survey, unit_of, persona):
    return paper.issue_forms(survey, "dan", unit_of("SYT"), 3, actor=persona("snv.dieuphoi"), design=DESIGN)


def enter(survey, serial, answers, user, day=DAY):
    return paper.enter(survey, serial, answers, day, actor=user, design=DESIGN)


def test_serials_are_readable_and_run_on(survey, serials, unit_of, persona):
    assert serials == ["2021-DAN-0001", "2021-DAN-0002", "2021-DAN-0003"]
    more = paper.issue_forms(survey, "dan", unit_of("STP"), 2, actor=persona("snv.dieuphoi"), design=DESIGN)
    assert more == ["2021-DAN-0004", "2021-DAN-0005"]
    assert AuditEntry.objects.filter(action="survey.paper_issued").count() == 2


def test_only_the_coordinator_issues_and_only_paper_groups(survey, unit_of, persona):
    with pytest.raises(NotAllowed):
        paper.issue_forms(survey, "dan", unit_of("SYT"), 1, actor=persona("khaosat"), design=DESIGN)
    with pytest.raises(DomainError, match="không trả lời bằng phiếu giấy"):
        paper.issue_forms(survey, "hdnd", unit_of("SYT"), 1, actor=persona("snv.dieuphoi"), design=DESIGN)
    with pytest.raises(DomainError, match="có 400 người"):
        paper.issue_forms(survey, "dan", unit_of("SYT"), 401, actor=persona("snv.dieuphoi"), design=DESIGN)
    assert PaperForm.objects.count() == 0


def test_two_equal_entries_count_the_form_without_its_serial(survey, serials, typists):
    first, second, _third = typists
    form = enter(survey, serials[0].lower().replace("-", " - "), SAME, first)  # case and spaces do not matter
    assert form.status == PaperForm.Status.PENDING and Response.objects.count() == 0
    form = enter(survey, serials[0], SAME, second)
    assert form.status == PaperForm.Status.COUNTED
    response = Response.objects.get()
    assert (response.source, response.received_on, response.group) == ("paper", DAY, "dan")
    assert sorted(Answer.objects.values_list("question", "option")) == [("D1", "1"), ("D2", "2")]
    assert not [f for f in Response._meta.get_fields() if "paper" in f.name or "serial" in f.name]
    logged = AuditEntry.objects.filter(action="survey.paper_entered")
    assert logged.count() == 2 and "D1" not in str(list(logged.values_list("after", flat=True)))
    shown = " ".join(formatting.lines_of(logged.order_by("pk").last()))
    assert "Số phiếu" in shown and "Đã tính" in shown


def test_the_same_person_twice_is_refused_and_nothing_saved(survey, serials, typists):
    first, *_ = typists
    enter(survey, serials[0], SAME, first)
    with pytest.raises(DomainError, match="lần nhập thứ hai phải do người khác"):
        enter(survey, serials[0], SAME, first)
    assert PaperEntry.objects.count() == 1 and Response.objects.count() == 0


def test_a_mismatch_is_listed_then_resolved_by_a_third_person(survey, serials, typists):
    first, second, third = typists
    enter(survey, serials[1], SAME, first)
    form = enter(survey, serials[1], {"D1": "1", "D2": "kb"}, second, day=date(2026, 11, 16))
    assert form.status == PaperForm.Status.MISMATCH and Response.objects.count() == 0
    assert [d.code for d in paper.differences(form, DESIGN)] == [paper.RECEIVED, "D2"]
    assert list(paper.mismatches(survey)) == [form]
    with pytest.raises(DomainError, match="không khớp"):
        enter(survey, serials[1], SAME, third)  # a third typing is not the way: settle it
    with pytest.raises(NotAllowed, match="người thứ ba"):
        paper.resolve(survey, serials[1], SAME, DAY, actor=second, reason="xem lại", design=DESIGN)
    with pytest.raises(DomainError, match="lý do"):
        paper.resolve(survey, serials[1], SAME, DAY, actor=third, reason=" ", design=DESIGN)
    form = paper.resolve(survey, serials[1], SAME, DAY, actor=third, reason="Phiếu gốc ghi 2", design=DESIGN)
    assert form.status == PaperForm.Status.COUNTED and Response.objects.get().received_on == DAY
    assert AuditEntry.objects.get(action="survey.paper_resolved").reason == "Phiếu gốc ghi 2"


@pytest.mark.parametrize(("answers", "day", "message"), [
    ({"D1": "1"}, DAY, "Chưa trả lời 1 câu"),
    ({"D1": "1", "D2": "7"}, DAY, "không có trong thang"),
    ({"D1": "1", "D2": "2", "C1": "1"}, DAY, "thuộc phiếu của nhóm"),
    (SAME, None, "Chưa nhập ngày nhận phiếu"),
    (SAME, date(2026, 11, 1), "ngoài thời gian thu phiếu"),
    (SAME, date(2026, 11, 21), "chưa tới"),
])
def test_bad_entries_save_nothing(survey, serials, typists, answers, day, message):
    with pytest.raises(DomainError) as caught:
        enter(survey, serials[0], answers, typists[0], day=day)
    assert message in " ".join(caught.value.errors)
    assert PaperEntry.objects.count() == 0


def test_unknown_serial_counted_form_and_closed_survey(survey, serials, typists, persona):
    first, second, third = typists
    with pytest.raises(DomainError, match="Không có phiếu số"):
        enter(survey, "2021-DAN-9999", SAME, first)
    enter(survey, serials[0], SAME, first)
    enter(survey, serials[0], SAME, second)
    with pytest.raises(DomainError, match="đã được tính"):
        enter(survey, serials[0], SAME, third)
    with pytest.raises(NotAllowed):
        enter(survey, serials[1], SAME, persona("stp.canbo"))
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    with pytest.raises(DomainError, match="đã chốt"):
        enter(survey, serials[1], SAME, first)


def test_entries_are_deleted_only_after_the_survey_is_closed(survey, serials, typists):
    first, second, _third = typists
    enter(survey, serials[0], SAME, first)
    enter(survey, serials[0], SAME, second)
    with pytest.raises(DomainError, match="sau khi cuộc điều tra đã chốt"):
        paper.purge_entries(survey)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    assert paper.purge_entries(Survey.objects.get(pk=survey.pk)) == 2
    assert PaperEntry.objects.count() == 0 and Response.objects.count() == 1


def test_next_form_waits_for_the_other_typist(survey, serials, typists):
    first, second, _third = typists
    enter(survey, serials[0], SAME, first)
    assert paper.next_serial_for(survey, first) == serials[1]
    assert paper.next_serial_for(survey, second) == serials[0]
