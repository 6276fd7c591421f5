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


# -- choosing the decision in the site (issue 12 §1) ---------------------------------------------------------

def _upload(text: str | bytes, name="quyet-dinh.yaml"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8") if isinstance(text, str) else text,
                              content_type="application/x-yaml")


def test_the_create_page_offers_the_shipped_decisions_and_a_file_of_the_provinces_own(login):
    page = login("snv.dieuphoi").get("/ky/tao/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert f'<option value="backan-1679" selected>{DECISION_1679.title} ({DECISION_1679.province})</option>' in page
    assert 'type="file" name="decision_file"' in page


def test_a_period_is_created_in_the_site_under_an_uploaded_decision_with_its_levels_and_timeline(login):
    response = login("snv.dieuphoi").post("/ky/tao/", {"year": "2025", "decision": "backan-1679", "reading": "",
                                                       "decision_file": _upload(TWO_LEVEL)})
    assert response.status_code == 302 and response["Location"] == "/ky/2025/"
    period = Period.objects.get(year=2025)
    assert decision_of(period).id == "test-two-level" and period.reading == "inclusive"  # the file's reading
    assert sorted(period.criteria_sets.values_list("unit_kind", flat=True)) == ["commune", "department"]
    assert period.commune_self_due.astimezone(VN).date().isoformat() == "2025-11-16"
    page = login("snv.dieuphoi").get("/ky/2025/").content.decode()
    assert "Quyết định thử nghiệm — không phải văn bản thật" in page


def test_the_chosen_reading_overrides_the_decisions(login):
    login("snv.dieuphoi").post("/ky/tao/", {"year": "2025", "decision": "backan-1679", "reading": "inclusive"})
    period = Period.objects.get(year=2025)
    assert decision_of(period).id == "backan-1679" and period.reading == "inclusive"


@pytest.mark.parametrize(("upload", "message"), [
    (lambda: _upload(TWO_LEVEL.replace("ranking: dense", "ranking: x")),
     "quyet-dinh.yaml:24: test-two-level: ranking «x» không hợp lệ (cho phép: competition, dense)"),
    (lambda: _upload(TWO_LEVEL.encode("utf-16")),
     "Tệp quyết định «quyet-dinh.yaml» không phải văn bản UTF-8"),
    (lambda: _upload("#" * 200_001),
     "Tệp quyết định «quyet-dinh.yaml» nặng 200001 byte, tối đa 200000 byte"),
    (lambda: _upload("{"), "quyet-dinh.yaml:2: -: lỗi cú pháp YAML"),
])
def test_a_bad_decision_file_is_refused_on_the_page_naming_the_problem_and_nothing_is_created(
        login, upload, message):
    import html

    response = login("snv.dieuphoi").post("/ky/tao/", {"year": "2025", "decision": "backan-1679",
                                                       "decision_file": upload()})
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert not Period.objects.filter(year=2025).exists()
    assert not AuditEntry.objects.filter(action="period.created").exclude(object_id__in=[
        str(pk) for pk in Period.objects.values_list("pk", flat=True)]).exists()


def test_only_the_coordinator_may_create_a_period_with_a_decision_file(login):
    for username in ("stp.canbo", "chomoi.noivu", "ubnd.lanhdao"):
        response = login(username).post("/ky/tao/", {"year": "2025", "decision_file": _upload(TWO_LEVEL)})
        assert response.status_code == 403
    assert not Period.objects.filter(year=2025).exists()
