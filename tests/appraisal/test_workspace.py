"""The appraisers' workspace and the unit's explanation page, through the web."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from benchmarks.appraisal_web import start_round1, submit_province
from parindex.appraisal import services
from parindex.appraisal.models import ExplanationEvidence, ItemAppraisal, Stage
from parindex.core import clock
from parindex.periods.timeline import VN

from .test_rules import full_round1

WINDOW_END = datetime(2026, 11, 27, tzinfo=VN)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def row(appraisal, code):
    return ItemAppraisal.objects.get(appraisal=appraisal, item_code=code)


def page(client, code, **params):
    return client.get(f"/ky/2021/tham-dinh/{code}/", params)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def stp_appraisal(assessment_of, submit):
    return services.get_or_start(submit(assessment_of("STP"), "stp.canbo", "stp.giamdoc"))


@pytest.fixture
def in_explanation(hoa_muc_appraisal, persona):
    """Round 1 done on Hòa Mục with one comment (c.1.1 given 0), the window open until 27/11."""
    full_round1(hoa_muc_appraisal, persona("chomoi.thamdinh"), {"c.1.1": ("0", "Chưa niêm yết TTHC đúng quy định")})
    services.open_explanation(hoa_muc_appraisal, WINDOW_END, actor=persona("chomoi.noivu"))
    return hoa_muc_appraisal


# -- the list ------------------------------------------------------------------------------------

def test_the_list_shows_each_person_the_units_they_may_appraise_with_progress(
        login, stp_appraisal, hoa_muc_appraisal, persona):
    stc = persona("stc.thamdinh")
    code_g = next(r.item_code for r in stp_appraisal.items.all() if r.agency == "STC" and r.item_code.startswith("g."))
    services.appraise(stp_appraisal, code_g, stp_appraisal.assessment.snapshot["items"][code_g]["points"], "",
                      actor=stc)
    own = stp_appraisal.items.filter(agency="STC", item_code__startswith="g.").count()
    body = text(login("stc.thamdinh").get("/ky/2021/tham-dinh/"))
    assert "Sở Tư pháp" in body and "Hòa Mục" not in body and "Hoà Mục" not in body
    assert f'<span class="done">1</span> / <span class="total">{own}</span>' in body

    services.appraise(hoa_muc_appraisal, "a.1.1", "1", "", actor=persona("chomoi.thamdinh"))
    body = text(login("chomoi.thamdinh").get("/ky/2021/tham-dinh/"))  # the lead: every item
    assert 'data-code="02098"' in body and "Sở Tư pháp" not in body
    assert '<span class="done">1</span> / <span class="total">53</span>' in body

    body = text(login("chomoi.noivu").get("/ky/2021/tham-dinh/"))  # the district coordinator
    assert 'data-code="02098"' in body and 'data-code="STP"' not in body
    body = text(login("snv.dieuphoi").get("/ky/2021/tham-dinh/"))  # the province coordinator
    assert 'data-code="STP"' in body and 'data-code="02098"' not in body
    assert login("nari.noivu").get("/ky/2021/tham-dinh/").status_code == 200  # nothing submitted there
    assert 'data-code="02098"' not in text(login("nari.noivu").get("/ky/2021/tham-dinh/"))


@pytest.mark.parametrize("username", ["stp.canbo", "hoamuc.chutich", "khaosat"])
def test_people_with_no_appraisal_role_get_403(login, username):
    assert login(username).get("/ky/2021/tham-dinh/").status_code == 403


def test_the_list_runs_a_bounded_number_of_queries_for_the_whole_province(
        world, login, persona, django_assert_max_num_queries):
    assessments = submit_province(world)
    assert len(assessments) == 27
    start_round1(assessments, persona("stc.thamdinh"))
    client = login("stc.thamdinh")
    client.get("/ky/2021/tham-dinh/")  # criteria sets parsed once per process
    with django_assert_max_num_queries(20):
        response = client.get("/ky/2021/tham-dinh/")
    body = text(response)
    assert body.count('class="unit-row') == 27
    assert body.count('data-stage="round1"') == 18 and body.count('data-stage=""') == 9  # 9 not opened yet
    for assessment in assessments[:3]:  # confirmed one item, opened, not opened
        unit = assessment.period_unit
        cset = assessment.criteria_set.parsed()
        own = sum(1 for code, agency in services.agency_map(world, unit.kind, cset).items()
                  if agency == "STC" and cset.items_by_code[code].field == "g")
        assert own > 0
        done = 1 if assessment is assessments[0] else 0
        row_html = body[body.index(f'data-code="{unit.code}"'):]
        assert f'<span class="done">{done}</span> / <span class="total">{own}</span>' in row_html[:600]
    coordinator = login("snv.dieuphoi")
    with django_assert_max_num_queries(20):
        assert text(coordinator.get("/ky/2021/tham-dinh/")).count('class="unit-row') == 27
    for assessment in assessments[:2]:  # started and not started: a GET creates nothing either way
        code = assessment.period_unit.code
        with django_assert_max_num_queries(25):  # the unit page: the set, every item, no per-item query
            assert text(coordinator.get(f"/ky/2021/tham-dinh/{code}/")).count('class="sheet-item appraisal-item') \
                == len(services.agency_map(world, assessment.period_unit.kind, assessment.criteria_set.parsed()))


# -- the unit page -------------------------------------------------------------------------------

def test_the_unit_page_shows_the_self_assessment_beside_the_three_columns(login, assessment_of, submit, persona,
                                                                          chomoi_team):
    from parindex.assessments import services as assessment_services
    assessment = assessment_of("02098")
    officer = persona("hoamuc.canbo")
    report = assessment_services.store_upload(assessment, SimpleUploadedFile("bao-cao.pdf", PDF), actor=officer)
    assessment_services.link_evidence(assessment, "a.1.1", report, "Mục II, trang 3", actor=officer,
                                      at=datetime(2026, 11, 25, tzinfo=VN))
    plan = assessment_services.add_document(assessment, number="15/KH-UBND", issued_on=None, issuer="UBND xã",
                                            summary="Kế hoạch CCHC", actor=officer,
                                            at=datetime(2026, 11, 25, tzinfo=VN))
    assessment_services.link_evidence(assessment, "a.1.2", plan, "Điều 2", actor=officer,
                                      at=datetime(2026, 11, 25, tzinfo=VN))
    appraisal = services.get_or_start(submit(assessment, "hoamuc.canbo", "hoamuc.chutich"))
    services.appraise(appraisal, "a.1.1", "0,5", "Ban hành chậm", actor=persona("chomoi.thamdinh"))
    body = text(page(login("chomoi.thamdinh"), "02098"))
    assert body.count('class="sheet-item appraisal-item') == 53
    assert f'/tu-danh-gia/tai-lieu/{report.pk}/?xem=1"' in body and "bao-cao.pdf" in body
    assert "Mục II, trang 3" in body and "15/KH-UBND" in body and "Điều 2" in body
    assert "Giải trình a.1.1" in body  # the unit's explanation
    for column in ("Vòng 1", "Giải trình", "Cuối"):
        assert f"<h3>{column}</h3>" in body
    assert "Ban hành chậm" in body and "Phòng Nội vụ — tổ thẩm định huyện Chợ Mới" in body
    assert "/giai-trinh/" in body and "/tham-dinh/02098/bien-ban/" in body
    assert 'name="points" value="0,5" checked' in body


def test_the_finance_appraiser_sees_only_field_g_of_stp_and_no_commune(login, stp_appraisal, hoa_muc_appraisal):
    client = login("stc.thamdinh")
    body = text(page(client, "STP"))
    codes = {r.item_code for r in stp_appraisal.items.all()}
    shown = {c for c in codes if f'id="item-{c}"' in body}
    assert shown and all(c.startswith("g.") for c in shown)
    assert shown == {r.item_code for r in stp_appraisal.items.filter(agency="STC", item_code__startswith="g.")}
    assert body.count('class="appraise-form"') == len(shown)
    assert page(client, "02098").status_code == 404
    assert client.post("/ky/2021/tham-dinh/02098/muc/a.1.1/", {"points": "0"}).status_code == 404


def test_a_differing_score_without_comment_is_refused_with_the_services_message(login, hoa_muc_appraisal):
    client = login("chomoi.thamdinh")
    response = client.post("/ky/2021/tham-dinh/02098/muc/a.1.1/", {"points": "0,5", "comment": ""}, follow=True)
    assert "khác điểm tự chấm (1) nên phải ghi nhận xét" in text(response)
    assert row(hoa_muc_appraisal, "a.1.1").round1_points is None
    response = client.post("/ky/2021/tham-dinh/02098/muc/a.1.1/", {"points": "0,5", "comment": ""},
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "phải ghi nhận xét" in response.json()["error"]
    response = client.post("/ky/2021/tham-dinh/02098/muc/a.1.1/", {"points": "0,5", "comment": "Ban hành chậm"},
                           HTTP_ACCEPT="application/json")
    data = response.json()
    assert (data["ok"], data["points"], data["round"]) == (True, "0,5", "round1")
    assert data["by"] and data["at"] == "10:00 20/11/2026"
    assert row(hoa_muc_appraisal, "a.1.1").round1_points == Decimal("0.5")
    response = client.post("/ky/2021/tham-dinh/02098/muc/a.1.2/", {"points": "1", "comment": ""})
    assert response.status_code == 302 and response["Location"].endswith("/tham-dinh/02098/#item-a.1.2")


def test_an_appraiser_posting_an_unassigned_item_gets_403(login, stp_appraisal):
    code_a = next(r.item_code for r in stp_appraisal.items.all() if r.item_code.startswith("a."))
    client = login("stc.thamdinh")
    assert client.post(f"/ky/2021/tham-dinh/STP/muc/{code_a}/", {"points": "0", "comment": "x"}).status_code == 403
    response = client.post(f"/ky/2021/tham-dinh/STP/muc/{code_a}/", {"points": "0", "comment": "x"},
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 403 and response.json()["ok"] is False


def test_III_3_2_b_proposes_zero_and_refuses_more(login, assessment_of, submit, chomoi_team):
    appraisal = services.get_or_start(submit(assessment_of("02098"), "hoamuc.canbo", "hoamuc.chutich",
                                             support=False))
    client = login("chomoi.thamdinh")
    body = text(page(client, "02098"))
    start = body.index('id="item-a.1.1"')
    item = body[start:body.index("</article>", start)]
    assert "Đề xuất 0 điểm (mục III.3.2.b)" in item
    assert 'value="0" checked' in item
    other = body[body.index('id="item-a.1.2"'):]
    assert "Đề xuất 0 điểm" not in other[:other.index("</article>")]
    response = client.post("/ky/2021/tham-dinh/02098/muc/a.1.1/", {"points": "1", "comment": ""}, follow=True)
    assert "chỉ cho 0 điểm (mục III.3.2.b)" in text(response)
    assert row(appraisal, "a.1.1").round1_points is None
    client.post("/ky/2021/tham-dinh/02098/muc/a.1.1/", {"points": "0", "comment": "Không có tài liệu"})
    assert row(appraisal, "a.1.1").round1_points == Decimal(0)


def test_the_filters(login, hoa_muc_appraisal, persona):
    lead = persona("chomoi.thamdinh")
    services.appraise(hoa_muc_appraisal, "a.1.1", "0,5", "Ban hành chậm", actor=lead)
    services.appraise(hoa_muc_appraisal, "a.1.2", hoa_muc_appraisal.assessment.snapshot["items"]["a.1.2"]["points"],
                      "", actor=lead)
    client = login("chomoi.thamdinh")

    def shown(loc):
        body = text(page(client, "02098", loc=loc))
        return {r.item_code for r in hoa_muc_appraisal.items.all() if f'id="item-{r.item_code}"' in body}

    assert shown("khac") == {"a.1.1"}
    assert len(shown("chua")) == 51 and not {"a.1.1", "a.1.2"} & shown("chua")
    assert len(shown("khong-tai-lieu")) == 53  # the fixture explains every item, with no evidence
    assert len(shown("")) == 53


def test_a_link_filter_keeps_the_filter_after_saving(login, hoa_muc_appraisal):
    client = login("chomoi.thamdinh")
    response = client.post("/ky/2021/tham-dinh/02098/muc/a.1.1/", {"points": "1", "comment": "", "loc": "chua"})
    assert response["Location"].endswith("/tham-dinh/02098/?loc=chua#item-a.1.1")


# -- rounds through the page ---------------------------------------------------------------------

def test_the_coordinator_opens_the_explanation_round(login, hoa_muc_appraisal, persona):
    full_round1(hoa_muc_appraisal, persona("chomoi.thamdinh"), {"c.1.1": ("0", "Chưa niêm yết")})
    lead = login("chomoi.thamdinh")
    assert "Mở vòng giải trình" not in text(page(lead, "02098"))
    assert lead.post("/ky/2021/tham-dinh/02098/giai-trinh/mo/", {"until": "2026-11-27T00:00"}).status_code == 403
    client = login("chomoi.noivu")
    assert "Mở vòng giải trình" in text(page(client, "02098"))
    response = client.post("/ky/2021/tham-dinh/02098/giai-trinh/mo/", {"until": "2030-01-01T00:00"}, follow=True)
    assert "Hạn giải trình phải sau hiện tại" in text(response)
    client.post("/ky/2021/tham-dinh/02098/giai-trinh/mo/", {"until": "2026-11-27T00:00"})
    hoa_muc_appraisal.refresh_from_db()
    assert hoa_muc_appraisal.stage == Stage.EXPLANATION and hoa_muc_appraisal.explanation_until == WINDOW_END
    assert "hết ngày 26/11/2026" in text(page(client, "02098"))


def test_the_lead_finalizes_and_the_coordinator_reopens_with_a_reason(login, hoa_muc_appraisal, persona):
    lead_user = persona("chomoi.thamdinh")
    full_round1(hoa_muc_appraisal, lead_user)
    lead = login("chomoi.thamdinh")
    lead.post("/ky/2021/tham-dinh/02098/vong-cuoi/")
    hoa_muc_appraisal.refresh_from_db()
    assert hoa_muc_appraisal.stage == Stage.FINAL
    response = lead.post("/ky/2021/tham-dinh/02098/chot/", follow=True)
    assert "chưa có điểm thẩm định cuối" in text(response)
    body = text(page(lead, "02098"))
    assert "Xác nhận điểm vòng 1 cho các tiêu chí không giải trình" in body and "Chốt kết quả" in body
    response = lead.post("/ky/2021/tham-dinh/02098/xac-nhan/", follow=True)
    assert "cho 53 tiêu chí" in text(response)
    assert login("chomoi.noivu").post("/ky/2021/tham-dinh/02098/chot/").status_code == 403
    lead = login("chomoi.thamdinh")
    lead.post("/ky/2021/tham-dinh/02098/chot/")
    hoa_muc_appraisal.refresh_from_db()
    assert hoa_muc_appraisal.stage == Stage.FINALIZED and len(hoa_muc_appraisal.result) == 53

    assert lead.get("/ky/2021/tham-dinh/02098/mo-lai/").status_code == 403
    coordinator = login("chomoi.noivu")
    assert 'href="/ky/2021/tham-dinh/02098/mo-lai/"' in text(page(coordinator, "02098"))
    form = coordinator.get("/ky/2021/tham-dinh/02098/mo-lai/")
    assert form.status_code == 200 and 'name="reason"' in text(form)
    response = coordinator.post("/ky/2021/tham-dinh/02098/mo-lai/", {"reason": "  "})
    assert response.status_code == 200 and "Phải ghi lý do mở lại" in text(response)
    hoa_muc_appraisal.refresh_from_db()
    assert hoa_muc_appraisal.stage == Stage.FINALIZED
    coordinator.post("/ky/2021/tham-dinh/02098/mo-lai/", {"reason": "Sai sót khi nhập điểm c.2"})
    hoa_muc_appraisal.refresh_from_db()
    assert hoa_muc_appraisal.stage == Stage.FINAL


def test_after_the_window_closes_by_itself_the_lead_confirms_and_finalizes(login, in_explanation, unit_of):
    clock.freeze(WINDOW_END)  # nobody answered, nobody re-scored: the stored stage is still «explanation»
    lead = login("chomoi.thamdinh")
    body = text(page(lead, "02098"))
    assert 'data-stage="final"' in body and "Đã đóng (hết ngày 26/11/2026)" in body
    response = lead.post("/ky/2021/tham-dinh/02098/xac-nhan/", follow=True)
    assert "cho 53 tiêu chí" in text(response)
    lead.post("/ky/2021/tham-dinh/02098/chot/")
    in_explanation.refresh_from_db()
    assert in_explanation.stage == Stage.FINALIZED and in_explanation.result["c.1.1"] == "0"
    assert unit_of("02098").state == "appraised"


def test_the_chomoi_coordinator_cannot_touch_na_ri(login, assessment_of, submit, persona):
    from django.contrib.auth import get_user_model

    from parindex.accounts.models import Role
    from parindex.accounts.services import grant_role
    from parindex.units.models import Unit
    head = get_user_model().objects.create(username="kimlu.chutich")
    grant_role(head, Role.UNIT_HEAD, actor=None, unit=Unit.objects.get(key="gso:02158"))
    services.get_or_start(submit(assessment_of("02158"), "kimlu.canbo", "kimlu.chutich"))
    client = login("chomoi.noivu")
    assert page(client, "02158").status_code == 404
    assert client.post("/ky/2021/tham-dinh/02158/giai-trinh/mo/", {"until": "2026-11-27T00:00"}).status_code == 404
    assert client.post("/ky/2021/tham-dinh/02158/mo-lai/", {"reason": "x"}).status_code == 404
    assert 'data-code="02158"' not in text(client.get("/ky/2021/tham-dinh/"))
    assert page(login("nari.noivu"), "02158").status_code == 200


def test_a_unit_not_yet_submitted_or_the_units_own_people_get_404(login, hoa_muc_appraisal):
    assert page(login("chomoi.thamdinh"), "02099").status_code == 404  # another Chợ Mới commune, not submitted
    assert page(login("hoamuc.canbo"), "02098").status_code == 404


# -- the explanation page ------------------------------------------------------------------------

def test_the_officer_answers_an_item_under_comment_only(login, in_explanation):
    client = login("hoamuc.canbo")
    body = text(client.get("/ky/2021/don-vi/02098/giai-trinh/"))
    assert 'id="item-c.1.1"' in body and 'id="item-a.1.1"' not in body
    assert "Chưa niêm yết TTHC đúng quy định" in body and "hết ngày 26/11/2026" in body
    assert 'action="/ky/2021/don-vi/02098/giai-trinh/muc/c.1.1/"' in body
    response = client.post("/ky/2021/don-vi/02098/giai-trinh/muc/c.1.1/",
                           {"explanation": "Đã niêm yết bổ sung ngày 25/11"})
    assert response["Location"].endswith("/giai-trinh/#item-c.1.1")
    assert row(in_explanation, "c.1.1").explanation == "Đã niêm yết bổ sung ngày 25/11"
    response = client.post("/ky/2021/don-vi/02098/giai-trinh/muc/a.1.1/", {"explanation": "…"}, follow=True)
    assert "không có ý kiến thẩm định cần giải trình" in text(response)
    assert row(in_explanation, "a.1.1").explanation == ""
    # the appraisers see the answer in the Giải trình column
    assert "Đã niêm yết bổ sung ngày 25/11" in text(page(login("chomoi.thamdinh"), "02098"))


def test_the_officer_adds_evidence_from_the_library_or_a_new_file(login, in_explanation, persona):
    client = login("hoamuc.canbo")
    response = client.post("/ky/2021/don-vi/02098/giai-trinh/muc/c.1.1/tai-lieu/",
                           {"file": SimpleUploadedFile("niem-yet.pdf", PDF), "location": "trang 2"}, follow=True)
    assert "Đã bổ sung tài liệu «niem-yet.pdf»" in text(response)
    link = ExplanationEvidence.objects.get(item__item_code="c.1.1")
    assert link.location == "trang 2" and link.evidence.assessment_id == in_explanation.assessment_id
    client.post("/ky/2021/don-vi/02098/giai-trinh/muc/c.1.1/tai-lieu/", {"evidence": link.evidence_id,
                                                                          "location": "trang 3"})
    assert ExplanationEvidence.objects.filter(item__item_code="c.1.1").count() == 2
    response = client.post("/ky/2021/don-vi/02098/giai-trinh/muc/a.1.1/tai-lieu/",
                           {"file": SimpleUploadedFile("khac.pdf", PDF + b"%2"), "location": ""}, follow=True)
    assert "không có ý kiến thẩm định cần giải trình" in text(response)
    assert not in_explanation.assessment.evidence.filter(original_name="khac.pdf").exists()  # rolled back
    body = text(page(login("chomoi.thamdinh"), "02098"))
    assert "niem-yet.pdf" in body and "trang 2" in body
    # III.2.1: a document added in the round says where in it, too; without that nothing is stored
    client = login("hoamuc.canbo")
    for data in ({"file": SimpleUploadedFile("thieu-vi-tri.pdf", PDF + b"%3"), "location": " "},
                 {"evidence": link.evidence_id, "location": ""}):
        response = client.post("/ky/2021/don-vi/02098/giai-trinh/muc/c.1.1/tai-lieu/", data, follow=True)
        assert "Tiêu chí c.1.1: hãy ghi vị trí nội dung kiểm chứng trong «" in text(response)
        assert "(mục III.2.1)" in text(response)
    assert ExplanationEvidence.objects.filter(item__item_code="c.1.1").count() == 2
    assert not in_explanation.assessment.evidence.filter(original_name="thieu-vi-tri.pdf").exists()


def test_nobody_answers_outside_the_window(login, in_explanation):
    clock.freeze(WINDOW_END)
    client = login("hoamuc.canbo")
    body = text(client.get("/ky/2021/don-vi/02098/giai-trinh/"))
    assert "Vòng giải trình đã đóng" in body and 'id="item-c.1.1"' in body and "<textarea" not in body
    response = client.post("/ky/2021/don-vi/02098/giai-trinh/muc/c.1.1/", {"explanation": "muộn"}, follow=True)
    assert "Ngoài thời gian giải trình" in text(response)
    response = client.post("/ky/2021/don-vi/02098/giai-trinh/muc/c.1.1/tai-lieu/",
                           {"file": SimpleUploadedFile("muon.pdf", PDF)}, follow=True)
    assert "Ngoài thời gian giải trình" in text(response)
    assert row(in_explanation, "c.1.1").explanation == ""
    assert not in_explanation.assessment.evidence.filter(original_name="muon.pdf").exists()


def test_before_the_window_opens_the_unit_sees_no_round1_result(login, hoa_muc_appraisal, persona):
    services.appraise(hoa_muc_appraisal, "c.1.1", "0", "Chưa niêm yết", actor=persona("chomoi.thamdinh"))
    body = text(login("hoamuc.canbo").get("/ky/2021/don-vi/02098/giai-trinh/"))
    assert "Vòng giải trình chưa mở" in body and "Chưa niêm yết" not in body


def test_the_head_and_other_units_cannot_answer(login, in_explanation):
    head = login("hoamuc.chutich")
    assert head.get("/ky/2021/don-vi/02098/giai-trinh/").status_code == 200
    assert head.post("/ky/2021/don-vi/02098/giai-trinh/muc/c.1.1/", {"explanation": "x"}).status_code == 403
    assert head.post("/ky/2021/don-vi/02098/giai-trinh/muc/c.1.1/tai-lieu/",
                     {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 403
    other = login("kimlu.canbo")
    assert other.get("/ky/2021/don-vi/02098/giai-trinh/").status_code == 404
    assert other.post("/ky/2021/don-vi/02098/giai-trinh/muc/c.1.1/", {"explanation": "x"}).status_code == 404
    assert row(in_explanation, "c.1.1").explanation == ""


def test_the_appraisal_page_and_the_explanation_page_link_to_each_other(login, in_explanation):
    body = text(login("chomoi.thamdinh").get("/ky/2021/don-vi/02098/giai-trinh/"))
    assert 'href="/ky/2021/tham-dinh/02098/"' in body
    assert 'href="/ky/2021/don-vi/02098/giai-trinh/"' in text(page(login("chomoi.thamdinh"), "02098"))
    officer_page = text(login("hoamuc.canbo").get("/ky/2021/don-vi/02098/giai-trinh/"))
    assert 'href="/ky/2021/tham-dinh/02098/"' not in officer_page
