"""Text longer than its column: a clear message on both databases, nothing saved (docs/security.md).

SQLite would store the long value silently and PostgreSQL would answer 500; every path checks first:
participants (name, position), evidence documents (number, issuer, summary), the location of an
item's evidence, and the location of evidence added in the explanation round.
"""

import html
from datetime import datetime

import pytest
from django.contrib.messages import get_messages

from parindex.appraisal import services as appraisal_services
from parindex.appraisal.models import ExplanationEvidence
from parindex.assessments import services
from parindex.assessments.models import Evidence, ItemEvidence, Participant
from parindex.core.errors import DomainError
from parindex.core.lengths import too_long
from parindex.periods.timeline import VN
from tests.appraisal.conftest import chomoi_team, hoa_muc_appraisal, submit  # noqa: F401 - fixtures
from tests.appraisal.test_rules import full_round1

SHEET = "/ky/2021/don-vi/02098/tu-danh-gia/"
EXPLANATION = "/ky/2021/don-vi/02098/giai-trinh/"
A40 = "A" * 40


@pytest.fixture
def hoa_muc(assessment_of):
    return assessment_of("02098")


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_message_names_the_value_its_length_and_the_limit():
    assert too_long("Chức vụ", "B" * 201, 200) == f"Chức vụ «{'B' * 40}…» dài 201 ký tự, tối đa 200 ký tự"
    assert too_long("Chức vụ", "B" * 200, 200) is None


@pytest.mark.parametrize(("line", "message"), [
    (f"{'A' * 151}; Chủ tịch", f"Dòng 1: họ và tên «{A40}…» dài 151 ký tự, tối đa 150 ký tự"),
    (f"Nguyễn Văn A; {'B' * 201}", f"Dòng 1: chức vụ «{'B' * 40}…» dài 201 ký tự, tối đa 200 ký tự"),
])
def test_a_participant_longer_than_the_column_is_refused_on_the_page_and_in_the_service(
        hoa_muc, login, persona, line, message):
    services.set_participants(hoa_muc, [("Người A", "Chủ tịch")], actor=persona("hoamuc.canbo"))
    response = login("hoamuc.canbo").post(SHEET + "thanh-phan/", {"rows": line, "difficulties": ""})
    assert response.status_code == 200
    # the page names the box the line is in («Thành phần khác»: people beyond the required ones)
    assert message.replace("Dòng 1", "Thành phần khác, dòng 1") in html.unescape(response.content.decode())
    name, position = (part.strip() for part in line.split(";"))
    with pytest.raises(DomainError) as info:
        services.set_participants(hoa_muc, [(name, position)], actor=persona("hoamuc.canbo"))
    assert info.value.errors == [message]
    assert [(p.name, p.position) for p in Participant.objects.filter(assessment=hoa_muc)] == [("Người A", "Chủ tịch")]


@pytest.mark.parametrize(("field", "limit", "label"), [
    ("number", 100, "Số hiệu"), ("issuer", 200, "Cơ quan ban hành"), ("summary", 500, "Trích yếu")])
def test_a_document_field_longer_than_the_column_is_refused(hoa_muc, login, persona, field, limit, label):
    data = {"number": "12/KH-UBND", "issuer": "UBND xã Hoà Mục", "summary": "Kế hoạch CCHC năm 2021"}
    data[field] = "C" * (limit + 1)
    response = login("hoamuc.canbo").post(SHEET + "tai-lieu/", {f"d-{k}": v for k, v in data.items()})
    assert response.status_code == 200
    assert f"{label} dài {limit + 1} ký tự, tối đa {limit} ký tự" in html.unescape(response.content.decode())
    with pytest.raises(DomainError) as info:
        services.add_document(hoa_muc, issued_on=None, actor=persona("hoamuc.canbo"), **data)
    assert info.value.message == f"{label} «{'C' * 40}…» dài {limit + 1} ký tự, tối đa {limit} ký tự"
    assert not Evidence.objects.filter(assessment=hoa_muc).exists()


def test_an_evidence_location_longer_than_the_column_is_refused(hoa_muc, login, persona):
    document = services.add_document(hoa_muc, number="12/KH-UBND", issued_on=None, issuer="UBND xã",
                                     summary="Kế hoạch", actor=persona("hoamuc.canbo"))
    client = login("hoamuc.canbo")
    message = f"Tiêu chí a.1.1: vị trí trong tài liệu «{'D' * 40}…» dài 201 ký tự, tối đa 200 ký tự"
    response = client.post(SHEET + "muc/a.1.1/tai-lieu/", {"evidence": document.pk, "location": "D" * 201})
    assert message in flashed(response)
    assert not ItemEvidence.objects.filter(evidence=document).exists()
    client.post(SHEET + "muc/a.1.1/tai-lieu/", {"evidence": document.pk, "location": "D" * 200})
    assert ItemEvidence.objects.get(evidence=document).location == "D" * 200


def test_an_explanation_evidence_location_longer_than_the_column_is_refused(hoa_muc_appraisal, persona, login):  # noqa: F811
    full_round1(hoa_muc_appraisal, persona("chomoi.thamdinh"), {"a.1.1": ("0,5", "Kế hoạch ban hành chậm")})
    appraisal_services.open_explanation(hoa_muc_appraisal, datetime(2026, 11, 27, tzinfo=VN),
                                        actor=persona("chomoi.noivu"))
    document = Evidence.objects.create(assessment=hoa_muc_appraisal.assessment, kind=Evidence.Kind.DOCUMENT,
                                       number="15/BC", issuer="UBND xã", summary="Báo cáo",
                                       added_by=persona("hoamuc.canbo"))
    response = login("hoamuc.canbo").post(EXPLANATION + "muc/a.1.1/tai-lieu/",
                                          {"evidence": document.pk, "location": "E" * 201})
    assert response.status_code == 302
    assert f"Vị trí trong tài liệu «{'E' * 40}…» dài 201 ký tự, tối đa 200 ký tự" in flashed(response)
    assert not ExplanationEvidence.objects.exists()
