"""Collecting the survey's answers (III.1.2–1.3, V.1.1.c of 1679/QĐ-UBND; issue 10 §2 core and §6).

The world's demo timeline opens the survey window on 13/11/2026 and closes it at the end of 03/01/2027
(Vietnam time); the clock is frozen at 20/11/2026 10:00.
"""

import os
import subprocess
import sys
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.db import models

from parindex.audit.models import AuditEntry
from parindex.core.errors import Conflict, DomainError, NotAllowed
from parindex.periods.timeline import VN
from parindex.survey import collect
from parindex.survey.design import SurveyDesign
from parindex.survey.models import Answer, Invitation, ItemResolution, PaperEntry, PaperForm, Response, Survey
from parindex.survey.scoring import score_survey
from tests.survey.test_scoring import ITEMS, design_data

DESIGN = SurveyDesign.from_dict(design_data())
TODAY = date(2026, 11, 20)


def design_of(survey):
    return DESIGN


def survey_on_the_test_design(period) -> Survey:
    """The period's survey on the small test design (replacing the demo's and its answers, if the demo made one)."""
    Survey.objects.filter(period=period).delete()
    return Survey.objects.create(period=period, status=Survey.Status.OPEN, design_text="# test",
                                 design_sha256="0" * 64, design_id=DESIGN.id)


@pytest.fixture
def survey(world):
    return survey_on_the_test_design(world)


@pytest.fixture
def syt(unit_of):
    return unit_of("SYT")


@pytest.fixture
def links(survey, syt, persona):
    """Three online links of the provincial council delegates (hdnd: C1 → a.4.2, C2 → b.1.3) for Sở Y tế."""
    created = collect.create_invitations(survey, "hdnd", syt, 3, actor=persona("snv.dieuphoi"), design=DESIGN)
    return [i.token for i in created]


def nothing_saved():
    return Response.objects.count() == 0 and Answer.objects.count() == 0


def submit(token, answers, **kw):
    return collect.submit(token, answers, design_of=design_of, **kw)


def save(token, answers, version, **kw):
    return collect.save_draft(token, answers, version, design_of=design_of, **kw)


# -- links ------------------------------------------------------------------------------------------

def test_a_token_is_a_long_random_url_safe_secret():
    tokens = {collect.new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(t) == 43 and collect.TOKEN_SHAPE.match(t) for t in tokens)


def test_creating_links_is_audited_without_the_tokens(links, survey):
    assert Invitation.objects.filter(survey=survey, group="hdnd").count() == 3
    entry = AuditEntry.objects.get(action="survey.invitations_created", object_id=str(survey.pk))
    assert entry.after == {"group": "Đại biểu HĐND tỉnh", "unit": "Sở Y tế", "links": 3, "links_total": 3}
    assert not any(t in str(entry.before) + str(entry.after) + entry.object_repr for t in links)


def test_only_the_coordinator_creates_links(survey, syt, persona):
    with pytest.raises(NotAllowed):
        collect.create_invitations(survey, "hdnd", syt, 1, actor=persona("syt.canbo"), design=DESIGN)
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize(("group", "unit", "count", "message"), [
    ("dan", "SYT", 1, "Nhóm «Người dân, tổ chức» trả lời bằng phiếu giấy, không dùng đường dẫn trực tuyến"),
    ("hdnd", "058", 1, "Nhóm «Đại biểu HĐND tỉnh» không đánh giá Thành phố Bắc Kạn"),
    ("hdnd", "SYT", 0, "Số đường dẫn cần tạo phải từ 1 đến 1000"),
    ("hdnd", "SYT", 51, "Nhóm «Đại biểu HĐND tỉnh» của Sở Y tế có 50 người; đã có 0 đường dẫn, chỉ tạo thêm được 50"),
    ("nhom", "SYT", 1, "Nhóm đối tượng «nhom» không có trong thiết kế điều tra"),
])
def test_links_that_do_not_fit_the_design_are_refused(survey, unit_of, persona, group, unit, count, message):
    with pytest.raises(DomainError) as caught:
        collect.create_invitations(survey, group, unit_of(unit), count, actor=persona("snv.dieuphoi"), design=DESIGN)
    assert caught.value.message == message
    assert Invitation.objects.count() == 0


# -- the respondent's steps ----------------------------------------------------------------------------

def test_a_submission_stores_anonymous_answers_valued_by_the_scale(links, survey):
    """III.1.2: one response per questionnaire; "không biết" is stored with no value."""
    assert submit(links[0], {"C1": "2", "C2": "kb"}) == TODAY
    response = Response.objects.get()
    assert (response.group, response.unit.code, response.source, response.received_on) == (
        "hdnd", "SYT", Response.Source.ONLINE, None)
    assert sorted(response.answers.values_list("question", "item", "option", "value")) == [
        ("C1", "a.4.2", "2", D("0.67")), ("C2", "b.1.3", "kb", None)]
    invitation = Invitation.objects.get(token=links[0])
    assert (invitation.completed_on, invitation.draft) == (TODAY, {})


def test_save_and_resume_with_the_same_link(links):
    """§2: the respondent saves a screen, comes back with the link and finds his answers."""
    assert save(links[0], {"C1": "3"}, 0) == 1
    page = collect.invitation_for(links[0])
    assert (page.draft, page.draft_version) == ({"C1": "3"}, 1)
    assert save(links[0], {"C1": "1"}, 1) == 2  # changed his mind
    submit(links[0], {"C2": "4"})               # the last screen: merged over the draft
    assert sorted(Answer.objects.values_list("question", "value")) == [("C1", D("1")), ("C2", D("0"))]


def test_an_empty_answer_takes_the_question_out_of_the_draft(links):
    save(links[0], {"C1": "3", "C2": "1"}, 0)
    save(links[0], {"C2": ""}, 1)
    assert collect.invitation_for(links[0]).draft == {"C1": "3"}


def test_a_draft_saved_from_another_tab_meanwhile_is_a_conflict(links):
    save(links[0], {"C1": "3"}, 0)
    with pytest.raises(Conflict):
        save(links[0], {"C1": "1"}, 0)  # the other tab loaded version 0
    assert collect.invitation_for(links[0]).draft == {"C1": "3"}


def test_a_second_submission_is_refused_with_the_day_of_the_first(links):
    """§6: double submission (two tabs, the link reused): one response, a clear message."""
    submit(links[0], {"C1": "1", "C2": "1"})
    for step in (lambda: submit(links[0], {"C1": "4", "C2": "4"}), lambda: save(links[0], {"C1": "4"}, 1)):
        with pytest.raises(DomainError) as caught:
            step()
        assert caught.value.message == ("Phiếu này đã được gửi ngày 20/11/2026; mỗi đường dẫn chỉ gửi được một lần. "
                                        "Cảm ơn ông/bà đã tham gia.")
    assert Response.objects.count() == 1
    assert list(Answer.objects.values_list("option", flat=True).order_by("question")) == ["1", "1"]


@pytest.mark.parametrize("token", [
    "x" * 43, "short", "", "a" * 65, "' OR 1=1 --", None, "ü" * 43,
])
def test_an_unknown_or_tampered_link_says_nothing_and_saves_nothing(links, token):
    """§6: one message for every bad link, that tells nothing about which links exist."""
    for step in (lambda: submit(token, {"C1": "1", "C2": "1"}), lambda: save(token, {"C1": "1"}, 0),
                 lambda: collect.invitation_for(token)):
        with pytest.raises(NotAllowed) as caught:
            step()
        assert caught.value.message == collect.bad_link().message
    assert nothing_saved()


def test_a_link_changed_by_one_character_is_unknown(links):
    tampered = links[0][:-1] + ("A" if links[0][-1] != "A" else "B")
    with pytest.raises(NotAllowed):
        submit(tampered, {"C1": "1", "C2": "1"})
    assert nothing_saved()


@pytest.mark.parametrize(("moment", "message"), [
    (datetime(2027, 1, 4, 0, 0, tzinfo=VN),
     "Đã quá hạn «Sở Nội vụ điều tra xã hội học (thu phiếu)»: hạn cuối hết ngày 03/01/2027"),
    (datetime(2026, 11, 12, 23, 59, tzinfo=VN),
     "Chưa đến thời gian «Sở Nội vụ điều tra xã hội học (thu phiếu)»: bắt đầu ngày 13/11/2026"),
])
def test_answers_outside_the_survey_window_are_refused(links, moment, message):
    """V.1.1.c, §6: the window of the period's timeline (Step.SURVEY), through periods.may_act."""
    for step in (lambda: submit(links[0], {"C1": "1", "C2": "1"}, at=moment),
                 lambda: save(links[0], {"C1": "1"}, 0, at=moment)):
        with pytest.raises(DomainError) as caught:
            step()
        assert caught.value.message == message
    assert nothing_saved()
    assert collect.invitation_for(links[0]).draft == {}


def test_the_last_moment_of_the_window_is_accepted(links):
    assert submit(links[0], {"C1": "1", "C2": "1"}, at=datetime(2027, 1, 3, 23, 59, tzinfo=VN)) == date(2027, 1, 3)


@pytest.mark.parametrize(("status", "message"), [
    (Survey.Status.CLOSED, "Cuộc điều tra xã hội học năm 2021 đã chốt kết quả, không nhận thêm phiếu"),
    (Survey.Status.DESIGN, "Cuộc điều tra xã hội học năm 2021 chưa bắt đầu thu phiếu"),
])
def test_a_survey_not_open_takes_no_answers(links, survey, status, message):
    Survey.objects.filter(pk=survey.pk).update(status=status)
    with pytest.raises(DomainError) as caught:
        submit(links[0], {"C1": "1", "C2": "1"})
    assert caught.value.message == message
    assert nothing_saved()


@pytest.mark.parametrize(("answers", "errors"), [
    ({"C1": "1"}, ["Chưa trả lời 1 câu: C2. Mọi câu đều phải trả lời; nếu không biết, chọn «Không biết / không "
                   "trả lời»"]),
    ({"C1": ""}, ["Chưa trả lời 2 câu: C1, C2. Mọi câu đều phải trả lời; nếu không biết, chọn «Không biết / không "
                  "trả lời»"]),
    ({"C1": "9", "C2": "1"}, ["Câu C1: lựa chọn «9» không có trong thang «Mức độ đồng ý» — chọn một trong: "
                              "1 (Rất đồng ý); 2 (Đồng ý); 3 (Không đồng ý); 4 (Rất không đồng ý); "
                              "kb (Không biết / không trả lời)"]),
    ({"C1": "1", "C2": "1", "L1": "1"}, ["Câu «L1» thuộc phiếu của nhóm «Lãnh đạo phòng cấp huyện», không thuộc "
                                         "phiếu này («Đại biểu HĐND tỉnh»)"]),
    ({"C1": "1", "C2": "1", "Z9": "1"}, ["Câu «Z9» không có trong phiếu «Đại biểu HĐND tỉnh»"]),
    ({"C1": 1, "C2": "1"}, ["Câu C1: lựa chọn «1» không có trong thang «Mức độ đồng ý» — chọn một trong: "
                            "1 (Rất đồng ý); 2 (Đồng ý); 3 (Không đồng ý); 4 (Rất không đồng ý); "
                            "kb (Không biết / không trả lời)"]),
])
def test_bad_answers_are_refused_with_every_reason_and_nothing_saved(links, answers, errors):
    """§6: missing or out-of-scale answers, answers to another questionnaire's questions."""
    save(links[0], {"C1": "2"}, 0)
    with pytest.raises(DomainError) as caught:
        submit(links[0], answers)
    assert caught.value.message == "Phiếu chưa gửi được, chưa có gì được lưu"
    assert caught.value.errors == errors
    assert nothing_saved()
    invitation = collect.invitation_for(links[0])
    assert (invitation.completed_on, invitation.draft, invitation.draft_version) == (None, {"C1": "2"}, 1)




def test_two_tabs_submitting_at_once_in_a_child_run(tmp_path):
    """§6: the double submission with real threads, on a database they share as a deployment's workers do
    (the suite's in-memory SQLite is not shared: the case runs in a child pytest, as tests/security does)."""
    from django.conf import settings
    sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    name = str(tmp_path / "two-tabs.sqlite3") if sqlite else "test_parindex_survey_two_tabs"
    env = {**os.environ, "PARINDEX_CONCURRENCY_DB": name, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--create-db",
         os.path.join(os.path.dirname(__file__), "concurrent_submit_cases.py")],
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))), env=env, capture_output=True, text=True,
        timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout


def test_a_draft_with_an_unknown_question_is_refused(links):
    with pytest.raises(DomainError) as caught:
        save(links[0], {"X1": "1"}, 0)
    assert caught.value.errors == ["Câu «X1» thuộc phiếu của nhóm «Lãnh đạo UBND cấp xã», không thuộc phiếu này "
                                   "(«Đại biểu HĐND tỉnh»)"]
    assert collect.invitation_for(links[0]).draft_version == 0


def test_answers_that_are_not_a_form_are_refused(links):
    for bad in (["C1", "1"], "C1=1", {f"Q{n}": "1" for n in range(collect.MAX_ANSWERS + 1)}):
        with pytest.raises(DomainError):
            submit(links[0], bad)
    assert nothing_saved()


def test_a_submission_is_not_audited(links):
    """Anonymity: an audit entry (time, address) would tie the answers to a person."""
    before = AuditEntry.objects.count()
    save(links[0], {"C1": "1"}, 0)
    submit(links[0], {"C2": "1"})
    assert AuditEntry.objects.count() == before


# -- paper forms and imported files ---------------------------------------------------------------------

def test_a_paper_form_is_recorded_with_the_same_checks(survey, syt):
    response = collect.record_response(survey, "dan", syt, {"D1": "1", "D2": "kb"}, Response.Source.PAPER,
                                       date(2026, 11, 18), design=DESIGN)
    assert (response.source, response.received_on, response.answers.count()) == ("paper", date(2026, 11, 18), 2)
    with pytest.raises(DomainError) as caught:
        collect.record_response(survey, "dan", syt, {"D1": "1"}, Response.Source.PAPER, TODAY, design=DESIGN)
    assert caught.value.errors[0].startswith("Chưa trả lời 1 câu: D2.")


@pytest.mark.parametrize(("group", "received", "message"), [
    ("hdnd", TODAY, "Nhóm «Đại biểu HĐND tỉnh» không trả lời bằng phiếu giấy"),
    ("dan", date(2026, 11, 12), "Ngày nhận phiếu 12/11/2026 ngoài thời gian thu phiếu: từ ngày 13/11/2026 đến hết "
                                "ngày 03/01/2027"),
    ("dan", date(2026, 11, 21), "Ngày nhận phiếu 21/11/2026 chưa tới (hôm nay 20/11/2026)"),
    ("dan", None, "Chưa nhập ngày nhận phiếu"),
])
def test_a_paper_form_out_of_place_is_refused(survey, syt, group, received, message):
    answers = {"C1": "1", "C2": "1"} if group == "hdnd" else {"D1": "1", "D2": "1"}
    with pytest.raises(DomainError) as caught:
        collect.record_response(survey, group, syt, answers, Response.Source.PAPER, received, design=DESIGN)
    assert caught.value.message == message
    assert nothing_saved()


def test_a_paper_form_received_on_the_last_day_is_taken_after_the_window(survey, syt):
    """Forms received in the window may be typed after it, while the survey is still open."""
    late = datetime(2027, 1, 10, 9, 0, tzinfo=VN)
    collect.record_response(survey, "dan", syt, {"D1": "1", "D2": "1"}, Response.Source.IMPORT, date(2027, 1, 3),
                            design=DESIGN, at=late)
    assert Response.objects.get().received_on == date(2027, 1, 3)


def test_record_response_does_not_take_online_answers(survey, syt):
    with pytest.raises(ValueError, match="not 'online'"):
        collect.record_response(survey, "hdnd", syt, {"C1": "1", "C2": "1"}, Response.Source.ONLINE, TODAY,
                                design=DESIGN)


def test_another_surveys_design_is_a_programming_error(survey, syt):
    other = SurveyDesign.from_dict(design_data(id="other-2021"))
    with pytest.raises(ValueError, match="is not the survey's"):
        collect.record_response(survey, "dan", syt, {"D1": "1", "D2": "1"}, Response.Source.PAPER, TODAY,
                                design=other)


# -- anonymity (§2: as LimeSurvey's anonymised surveys) -----------------------------------------------------

LINKING = {Invitation, PaperForm, PaperEntry, get_user_model()}


def forward_models(model, seen=None):
    """Every model reachable from ``model`` by following its own foreign keys, transitively."""
    seen = set() if seen is None else seen
    for field in model._meta.get_fields():
        if field.is_relation and (field.many_to_one or field.one_to_one or field.many_to_many) and field.concrete:
            target = field.related_model
            if target not in seen:
                seen.add(target)
                forward_models(target, seen)
    return seen


def test_no_path_leads_from_an_answer_to_a_link_a_paper_form_or_a_person():
    """§2: the stored answers keep no reference to the token, the invitation, the paper form or a user."""
    for model in (Response, Answer):
        reachable = forward_models(model)
        assert not reachable & LINKING, f"{model.__name__} reaches {reachable & LINKING}"
        names = [f.name for f in model._meta.concrete_fields]
        assert not [n for n in names if any(w in n for w in ("token", "invitation", "paper", "user", "ip", "by"))]
        assert not [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)], \
            "a time of day could be matched against the web server's log"
    assert forward_models(Answer) >= {Response, Survey}
    assert set(f.name for f in Response._meta.concrete_fields) == {
        "id", "survey", "group", "unit", "source", "received_on"}
    assert set(f.name for f in Answer._meta.concrete_fields) == {
        "id", "response", "question", "item", "option", "value"}
    received_on = Response._meta.get_field("received_on")
    assert type(received_on) is models.DateField and received_on.null  # a paper form's day; online: none


def test_a_lone_respondent_of_the_day_cannot_be_joined_to_his_link_by_the_day(links, survey):
    """§2, as LimeSurvey's anonymised surveys: the day of an online answer is kept on one side only.

    Two delegates answer on 20/11, one on 25/11: were the day on the response too, the 25/11 answers
    would be his (a join on group, unit and day)."""
    submit(links[0], {"C1": "1", "C2": "1"})
    submit(links[1], {"C1": "4", "C2": "4"})
    submit(links[2], {"C1": "2", "C2": "kb"}, at=datetime(2026, 11, 25, 9, 0, tzinfo=VN))
    assert sorted(Invitation.objects.values_list("completed_on", flat=True)) == [TODAY, TODAY, date(2026, 11, 25)]
    assert set(Response.objects.values_list("received_on", flat=True)) == {None}
    days = {d for d in Invitation.objects.values_list("completed_on", flat=True)}
    assert not Response.objects.filter(received_on__in=days).exists()


def test_response_ids_are_random_so_their_order_says_nothing(links):
    for token in links:
        submit(token, {"C1": "1", "C2": "1"})
    ids = list(Response.objects.values_list("id", flat=True))
    assert all(isinstance(i, uuid.UUID) and i.version == 4 for i in ids)
    assert Response._meta.pk.default is uuid.uuid4 and Answer._meta.pk.default is uuid.uuid4


def test_no_stored_answer_value_mentions_the_token(links):
    submit(links[0], {"C1": "1", "C2": "kb"})
    stored = [str(v) for row in Response.objects.values_list() for v in row]
    stored += [str(v) for row in Answer.objects.values_list() for v in row]
    assert stored and not [v for v in stored if links[0] in v]


# -- from the stored answers to the points ------------------------------------------------------------------

def test_stored_answers_and_resolutions_feed_the_scoring(links, survey, syt, persona):
    """III.1.2–1.3: three delegates answer for Sở Y tế; b.1.3 has too few valid answers and is resolved."""
    submit(links[0], {"C1": "1", "C2": "kb"})
    submit(links[1], {"C1": "2", "C2": "1"})
    submit(links[2], {"C1": "2", "C2": "kb"})
    ItemResolution.objects.create(survey=survey, unit=syt, item="b.1.3", points=D("0.75"), reason="Quá ít phiếu",
                                  decided_by=persona("snv.dieuphoi"))
    result = score_survey(DESIGN, "department", ITEMS, ["SYT"], collect.answer_rows(survey, "department"),
                          collect.resolutions_of(survey))
    assert result.points_of("SYT") == {"a.4.2": D("0.78"), "b.1.3": D("0.75")}  # (1 + 0,67 + 0,67) ÷ 3
    assert result.complete


def test_a_district_is_evaluated_through_its_own_groups_links(survey, unit_of, persona):
    """V.1.1.c: the survey window applies to districts as to departments (Step.SURVEY)."""
    district = unit_of("058")
    [link] = collect.create_invitations(survey, "xa", district, 1, actor=persona("snv.dieuphoi"), design=DESIGN)
    submit(link.token, {"X1": "3"}, at=datetime(2026, 12, 1, 8, 0, tzinfo=VN) - timedelta(days=1))
    assert Response.objects.get().unit == district
