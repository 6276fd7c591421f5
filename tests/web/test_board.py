"""The status board, unit cards, the commune completeness summary and the state machine."""

import pytest

from parindex.core.errors import DomainError
from parindex.periods.models import Period
from parindex.periods.timeline import default_timeline
from parindex.units.models import PeriodUnit
from parindex.units.services import change_state
from parindex.units.states import TRANSITIONS, WorkState
from tests.meeting import full_meeting

S = WorkState


def rows(html):
    return html.count('class="unit-row')


def test_the_province_sees_27_departments_and_districts_and_108_communes(login):
    client = login("snv.dieuphoi")
    html = client.get("/ky/2021/bang-theo-doi/tinh/").content.decode()
    assert rows(html) == 27
    counts = '<li data-state="not_started"><a href="?trang_thai=not_started">Chưa bắt đầu</a>: <strong>27</strong>'
    assert counts in html
    assert rows(client.get("/ky/2021/bang-theo-doi/xa/").content.decode()) == 108


def test_a_district_coordinator_sees_only_their_communes(login):
    client = login("chomoi.noivu")
    html = client.get("/ky/2021/bang-theo-doi/xa/").content.decode()
    assert rows(html) == 14
    assert html.count('<option value="065"') == 1
    assert '<option value="066"' not in html
    html = client.get("/ky/2021/bang-theo-doi/xa/?huyen=066").content.decode()
    assert "Không có huyện mã «066» trong phạm vi của bạn" in html


def move(unit, *states):
    for state in states:
        change_state(unit, state, reason="kiểm thử")


def test_filters_by_district_and_state(world, login):
    hoa_muc = PeriodUnit.objects.get(period=world, code="02098")
    move(hoa_muc, S.SELF_ASSESSING, S.SUBMITTED)
    client = login("snv.dieuphoi")
    html = client.get("/ky/2021/bang-theo-doi/xa/?huyen=065&trang_thai=submitted").content.decode()
    assert rows(html) == 1
    assert 'data-code="02098"' in html
    assert rows(client.get("/ky/2021/bang-theo-doi/xa/?huyen=065&trang_thai=not_started").content.decode()) == 13
    html = client.get("/ky/2021/bang-theo-doi/xa/?trang_thai=xong").content.decode()
    assert "Trạng thái «xong» không tồn tại" in html
    assert rows(html) == 108


def test_overdue_units_are_highlighted_and_submitted_ones_are_not(world, login):
    Period.objects.filter(pk=world.pk).update(**default_timeline(2021))  # every deadline in the past
    hoa_muc = PeriodUnit.objects.get(period=world, code="02098")
    move(hoa_muc, S.SELF_ASSESSING, S.SUBMITTED)
    client = login("chomoi.noivu")
    html = client.get("/ky/2021/bang-theo-doi/xa/").content.decode()
    assert html.count('class="unit-row overdue"') == 13
    assert 'class="unit-row" data-code="02098"' in html
    assert "quá hạn" in html and "hết ngày 29/11/2021" in html
    assert rows(client.get("/ky/2021/bang-theo-doi/xa/?qua_han=1").content.decode()) == 13


def test_time_left_is_shown_before_the_deadline(login):
    html = login("snv.dieuphoi").get("/ky/2021/bang-theo-doi/tinh/").content.decode()
    assert "Hạn sở, ban, ngành, UBND cấp huyện gửi kết quả tự đánh giá (V.3): <strong>hết ngày" in html
    assert "Kết thúc thẩm định của tỉnh (V.4): <strong>" in html
    assert 'class="unit-row overdue"' not in html
    assert '<td class="left">còn ' in html


def test_the_board_runs_a_bounded_number_of_queries(login, django_assert_max_num_queries):
    client = login("snv.dieuphoi")
    with django_assert_max_num_queries(15):
        response = client.get("/ky/2021/bang-theo-doi/xa/")
    assert rows(response.content.decode()) == 108


def test_the_commune_summary_tells_whether_a_district_is_complete(world, login):
    """IV.1.4: a district can be classified only when all its communes have a result."""
    for commune in PeriodUnit.objects.filter(period=world, parent__code="065"):
        move(commune, S.SELF_ASSESSING, S.SUBMITTED, S.APPRAISING, S.APPRAISED)
    html = login("snv.dieuphoi").get("/ky/2021/tong-hop-xa/").content.decode()
    assert html.count("<tr data-code=") == 8
    chomoi = html.split('<tr data-code="065">')[1].split("</tr>")[0]
    assert '<td class="num">14</td><td class="num">14</td><td class="num">14</td>' in chomoi
    assert "Đủ" in chomoi and "Chưa đủ" not in chomoi
    nari = html.split('<tr data-code="066">')[1].split("</tr>")[0]
    assert "Chưa đủ — chưa xếp loại được huyện" in nari
    district_view = login("nari.noivu").get("/ky/2021/tong-hop-xa/").content.decode()
    assert district_view.count("<tr data-code=") == 1


def test_the_state_machine_refuses_skipping_steps(world):
    stp = PeriodUnit.objects.get(period=world, code="STP")
    with pytest.raises(DomainError, match="không chuyển được từ «Chưa bắt đầu» sang «Đã thẩm định»"):
        change_state(stp, S.APPRAISED)
    stp.refresh_from_db()
    assert stp.state == S.NOT_STARTED


def test_every_state_can_be_reached_and_transitions_are_audited(world):
    from parindex.audit.models import AuditEntry
    reachable = {S.NOT_STARTED}
    frontier = [S.NOT_STARTED]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in reachable:
                reachable.add(nxt)
                frontier.append(nxt)
    assert reachable == set(S.values)
    stp = PeriodUnit.objects.get(period=world, code="STP")
    move(stp, S.SELF_ASSESSING)
    entry = AuditEntry.objects.filter(action="unit.state_changed").latest("id")
    assert (entry.before, entry.after) == ({"state": "not_started"}, {"state": "self_assessing"})


def test_the_unit_card_shows_state_deadline_and_history(world, login):
    client = login("hoamuc.canbo")
    html = client.get("/ky/2021/don-vi/02098/").content.decode()
    assert "Xã Hoà Mục" in html
    assert 'id="unit-state">Chưa bắt đầu' in html
    assert "hết ngày 03/12/2026" in html  # demo timeline: NOW (20/11/2026) + 14 days, exclusive
    assert "Có: Hạn cuối hết ngày 03/12/2026" in html
    assert "Lịch sử thay đổi" in html


def test_the_coordinators_home_runs_a_bounded_number_of_queries(login, django_assert_max_num_queries):
    client = login("snv.dieuphoi")
    with django_assert_max_num_queries(15):
        response = client.get("/")
    assert response.content.decode().count('class="todo-item') >= 3



def test_the_next_steps_cost_the_same_queries_for_one_unit_or_several(login, assessment_of, persona, fill):
    """The coordinator's «round 1 is done» items: one query per role, not one per unit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parindex.accounts.models import Role
    from parindex.accounts.services import grant_role
    from parindex.appraisal import services as appraisal_services
    from parindex.assessments import services as assessment_services
    from parindex.units.models import Unit

    officer, head = persona("hoamuc.canbo"), persona("hoamuc.chutich")
    counts = []
    for code in ("02098", "02101"):  # two communes of Chợ Mới
        unit = Unit.objects.get(key=f"gso:{code}")
        grant_role(officer, Role.UNIT_OFFICER, actor=None, unit=unit)
        grant_role(head, Role.UNIT_HEAD, actor=None, unit=unit)
        assessment = fill(assessment_of(code), "hoamuc.canbo")
        assessment_services.set_participants(assessment, full_meeting(assessment), actor=officer)
        assessment_services.send_for_approval(assessment, actor=officer)
        assessment_services.approve_and_submit(assessment, actor=head)
        appraisal = appraisal_services.get_or_start(assessment_services.get_or_create(assessment.period_unit))
        appraisal.items.update(round1_points=0)
        client = login("chomoi.noivu")
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/").content.decode()
        counts.append(len(queries))
        assert page.count("đã xong: mở vòng giải trình") == len(counts)
    assert counts[0] == counts[1]
