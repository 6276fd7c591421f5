"""The score sheet as .xlsx (appendix layout): exact Decimal points out, every problem listed on the way in."""

import io
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from parindex.accounts.models import Role
from parindex.accounts.services import grant_role
from parindex.assessments import excel, importing, services
from parindex.assessments.models import ItemScore
from parindex.audit.models import AuditEntry
from parindex.core.errors import DomainError
from parindex.jobs.models import Job
from parindex.units.models import Unit
from tests.meeting import full_meeting

URL = "/ky/2021/don-vi/02098/tu-danh-gia/"


@pytest.fixture
def hoa_muc(assessment_of, fill):
    return fill(assessment_of("02098"), "hoamuc.canbo")


@pytest.fixture
def officer(persona):
    return persona("hoamuc.canbo")


def all_scores():
    """Every ItemScore of every unit, to prove a refused import changed nothing anywhere."""
    return {(s.assessment_id, s.item_code): (s.points, s.explanation, s.version, s.updated_by_id, s.updated_at)
            for s in ItemScore.objects.all()}


def imports():
    return AuditEntry.objects.filter(action="assessment.imported").count()


def rows_of(data: bytes) -> dict[str, int]:
    ws = load_workbook(io.BytesIO(data))[excel.SHEET]
    return {str(row[0].value): row[0].row for row in ws.iter_rows(min_row=9) if row[0].value}


def edit(data: bytes, change) -> bytes:
    """Open the exported file with openpyxl as a person's spreadsheet program would, change it, save it."""
    wb = load_workbook(io.BytesIO(data))
    change(wb, wb[excel.SHEET], rows_of(data))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_raw_number(data: bytes, ref: str, text: str) -> bytes:
    """Rewrite one numeric cell's stored text in the sheet XML (openpyxl itself writes only 16 digits)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content, count = re.subn(rf'(<c r="{ref}"[^>]*><v>)[^<]+(</v>)'.encode(),
                                         rb"\g<1>" + text.encode() + rb"\g<2>", content)
                assert count == 1
            target.writestr(info, content)
    return out.getvalue()


def set_points(**values):
    def change(wb, ws, rows):
        for code, value in values.items():
            ws[f"D{rows[code.replace('_', '.')]}"] = value
    return change


def refused(assessment, data, actor) -> list[str]:
    """Import a bad file: it must raise, list the errors, and leave every score and the audit log as they were."""
    before, audited = all_scores(), imports()
    with pytest.raises(DomainError) as info:
        importing.import_scores(assessment, data, actor=actor)
    assert all_scores() == before
    assert imports() == audited
    return info.value.errors


# -- export -------------------------------------------------------------------------------------

def raw_numbers(data: bytes, column: str) -> dict[int, str]:
    """The exact text of the numbers stored in one column of the sheet's XML (no float noise allowed)."""
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    return {int(r): v for r, v in re.findall(rf'<c r="{column}(\d+)"[^>]*t="n"[^>]*><v>([^<]+)</v>', xml)}


def test_a_filled_commune_sheet_exports_every_item_with_its_exact_points(hoa_muc, officer):
    services.save_item(hoa_muc, "g.1", "3,25", "dự toán", actor=officer, version=None)
    services.save_item(hoa_muc, "h.2.1", "0,5", "", actor=officer, version=None)
    data = excel.export(hoa_muc)
    wb = load_workbook(io.BytesIO(data))
    ws = wb[excel.SHEET]
    assert wb.sheetnames == [excel.SHEET, excel.META_SHEET]
    assert (ws["B2"].value, ws["D2"].value, ws["B3"].value) == ("Xã Hoà Mục", "02098", 2021)
    cset = services.criteria_of(hoa_muc)
    assert ws["B5"].value == f"backan-2021-commune · SHA-256 {cset.sha256[:12]}"
    assert [c.value for c in ws[8]] == ["TT", "Nội dung", "Điểm tối đa", "Điểm tự đánh giá", "Tài liệu kiểm chứng",
                                       "Giải trình"]
    assert ws.freeze_panes == "A9"
    rows, exact = rows_of(data), raw_numbers(data, "D")
    views = services.item_views(hoa_muc)
    assert set(views) <= set(rows) and len(views) == 53
    for code, view in views.items():
        r = rows[code]
        assert Decimal(exact[r]) == view.points, code
        assert Decimal(str(ws[f"D{r}"].value)) == view.points
        assert ws[f"D{r}"].number_format == "0.00##"
        assert (ws[f"F{r}"].value or "") == view.score.explanation
    assert exact[rows["g.1"]] == "3.25" and exact[rows["h.2.1"]] == "0.5"
    assert ws[f"A{rows['a']}"].font.b and ws[f"D{rows['a']}"].value == 12
    total = services.totals(hoa_muc).total
    last = max(rows.values()) + 1
    assert ws[f"B{last}"].value == excel.TOTAL_LABEL
    assert Decimal(raw_numbers(data, "D")[last]) == total == Decimal("98.25")
    assert Decimal(str(ws["B6"].value)) == total
    meta = wb[excel.META_SHEET]
    assert meta.sheet_state == "hidden"
    assert [meta[f"B{r}"].value for r in range(2, 6)] == ["02098", 2021, "backan-2021-commune", cset.sha256]
    assert [c.value for c in meta["A"][6:]] == [i.code for i in cset.items]


def test_a_department_sheet_marks_survey_items_and_totals_only_self_points(assessment_of, fill):
    stp = fill(assessment_of("STP"), "stp.canbo")
    data = excel.export(stp)
    ws = load_workbook(io.BytesIO(data))[excel.SHEET]
    rows = rows_of(data)
    assert ws["B2"].value == "Sở Tư pháp" and ws["B3"].value == 2021
    cset = services.criteria_of(stp)
    survey = [i for i in cset.items if i.is_survey]
    assert len(survey) == 26
    for item in survey:
        assert ws[f"D{rows[item.code]}"].value == "ĐTXHH"
    for code, view in services.item_views(stp).items():
        assert Decimal(str(ws[f"D{rows[code]}"].value)) == view.points
    assert ws[f"D{rows['a.8']}"].value == "ĐTXHH"  # a criterion made only of survey items
    last = max(rows.values()) + 1
    assert Decimal(raw_numbers(data, "D")[last]) == services.totals(stp).total == Decimal(74)


def test_evidence_labels_with_their_locations_are_listed_one_per_line(assessment_of, officer):
    hoa_muc = assessment_of("02098")
    plan = services.add_document(hoa_muc, number="12/KH-UBND", issued_on=None, issuer="UBND xã Hoà Mục",
                                 summary="Kế hoạch CCHC năm 2021", actor=officer)
    report = services.add_document(hoa_muc, number="30/BC-UBND", issued_on=None, issuer="UBND xã Hoà Mục",
                                   summary="=HYPERLINK(\"http://x\")", actor=officer)
    services.link_evidence(hoa_muc, "a.1.1", plan, "mục II, trang 3", actor=officer)
    services.link_evidence(hoa_muc, "a.1.1", report, "điểm 2", actor=officer)
    data = excel.export(hoa_muc)
    cell = load_workbook(io.BytesIO(data))[excel.SHEET][f"E{rows_of(data)['a.1.1']}"]
    assert cell.value == (f"{plan} — mục II, trang 3\n{report} — điểm 2")
    assert cell.data_type == "s"  # a person's text is never written as a formula


def test_libreoffice_opens_the_exported_files(hoa_muc, assessment_of, fill, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is missing: run scripts/ensure-libreoffice.sh"
    (tmp_path / "hoamuc.xlsx").write_bytes(excel.export(hoa_muc))
    (tmp_path / "stp.xlsx").write_bytes(excel.export(fill(assessment_of("STP"), "stp.canbo")))
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(tmp_path / "out"),
                    str(tmp_path / "hoamuc.xlsx"), str(tmp_path / "stp.xlsx")],
                   check=True, timeout=120, capture_output=True)
    commune = (tmp_path / "out" / "hoamuc.csv").read_text(encoding="utf-8")
    assert "Xã Hoà Mục" in commune and "Tổng điểm tự đánh giá".upper() in commune
    assert all(f'"{code}"' in commune for code in ("a.1.1", "c.3.1", "g.1", "h.5.3"))
    department = (tmp_path / "out" / "stp.csv").read_text(encoding="utf-8")
    assert "Sở Tư pháp" in department and '"a.4.2"' in department and "ĐTXHH" in department


# -- import: the round trip ---------------------------------------------------------------------

def test_round_trip_changes_exactly_the_edited_items_with_one_audit_entry(hoa_muc, officer, unit_of):
    data = excel.export(hoa_muc)
    assert importing.import_scores(hoa_muc, data, actor=officer) == 0  # the unchanged file changes nothing
    assert imports() == 0
    before = all_scores()
    edited = edit(data, set_points(a_1_1="0,5", g_1=3.25))
    assert importing.import_scores(hoa_muc, edited, actor=officer) == 2
    after = all_scores()
    changed = {key for key in after if after[key] != before[key]}
    assert changed == {(hoa_muc.pk, "a.1.1"), (hoa_muc.pk, "g.1")}
    version = before[(hoa_muc.pk, "a.1.1")][2]
    assert after[(hoa_muc.pk, "a.1.1")][:3] == (Decimal("0.5"), "Giải trình a.1.1", version + 1)
    assert after[(hoa_muc.pk, "g.1")][0] == Decimal("3.25")
    entry = AuditEntry.objects.get(action="assessment.imported")
    assert entry.actor_label == "hoamuc.canbo"
    assert entry.before == {"a.1.1": {"points": "1", "explanation": "Giải trình a.1.1"},
                            "g.1": {"points": "4", "explanation": "Giải trình g.1"}}
    assert entry.after == {"a.1.1": {"points": "0.5", "explanation": "Giải trình a.1.1"},
                           "g.1": {"points": "3.25", "explanation": "Giải trình g.1"}}
    assert services.totals(hoa_muc).total == Decimal("98.75")


def test_an_empty_sheet_filled_in_excel_starts_the_self_assessment(assessment_of, officer, unit_of):
    hoa_muc = assessment_of("02098")
    assert unit_of("02098").state == "not_started"

    def change(wb, ws, rows):
        ws[f"D{rows['a.1.1']}"] = 1
        ws[f"F{rows['a.1.1']}"] = "Kế hoạch số 12/KH-UBND"
        ws[f"D{rows['h.2.1']}"] = "1,5"
        ws[f"D{rows['g.2']}"] = 1.5
    data = edit(excel.export(hoa_muc), change)
    # Excel writes 17 significant digits: 0,1 + 1,1 + 0,3 computed in a cell is stored as 1.5000000000000002
    data = with_raw_number(data, f"D{rows_of(data)['g.2']}", repr(0.1 + 1.1 + 0.3))
    assert importing.import_scores(hoa_muc, data, actor=officer) == 3
    assert {s.item_code: (s.points, s.explanation) for s in ItemScore.objects.filter(assessment=hoa_muc)} == {
        "a.1.1": (Decimal(1), "Kế hoạch số 12/KH-UBND"), "h.2.1": (Decimal("1.5"), ""), "g.2": (Decimal("1.5"), "")}
    assert unit_of("02098").state == "self_assessing"


# -- import: bad files, each refused whole with every problem and its row -----------------------

def test_an_unknown_code_is_refused_with_its_row(hoa_muc, officer):
    data = excel.export(hoa_muc)
    row = rows_of(data)["a.1"]
    bad = edit(data, lambda wb, ws, rows: ws.__setitem__(f"A{row}", "a.9"))
    assert refused(hoa_muc, bad, officer) == [
        f"Dòng {row}: mã «a.9» không có trong bộ tiêu chí backan-2021-commune; cột TT phải giữ nguyên mã của mẫu"]


def test_a_value_out_of_range_is_refused_naming_item_value_and_rule(hoa_muc, officer):
    data = excel.export(hoa_muc)
    row = rows_of(data)["a.1.1"]
    assert refused(hoa_muc, edit(data, set_points(a_1_1=2)), officer) == [
        f"Dòng {row}: tiêu chí a.1.1: giá trị «2» không hợp lệ — cho phép: một trong các giá trị 0; 0,5; 1"]


def test_a_value_not_in_the_rubric_is_refused(hoa_muc, officer):
    data = excel.export(hoa_muc)
    rows = rows_of(data)
    assert refused(hoa_muc, edit(data, set_points(a_1_1="0,3", g_1=3.8)), officer) == [
        f"Dòng {rows['a.1.1']}: tiêu chí a.1.1: giá trị «0,3» không hợp lệ — cho phép: một trong các giá trị 0; 0,5; 1",
        f"Dòng {rows['g.1']}: tiêu chí g.1: giá trị «3.8» không hợp lệ — cho phép: tổng điểm của 3 phần, "
        "một trong các giá trị 0; 0,5; 0,75; 1; 1,25; 1,5; 1,75; 2; 2,25; 2,5; 2,75; 3; 3,25; 3,5; 4"]


def test_text_in_a_number_cell_is_refused(hoa_muc, officer):
    data = excel.export(hoa_muc)
    row = rows_of(data)["c.3.1"]
    assert refused(hoa_muc, edit(data, set_points(c_3_1="abc")), officer) == [
        f"Dòng {row}: tiêu chí c.3.1: giá trị «abc» không phải là số (chỉ nhận chữ số 0–9 với dấu phẩy hoặc chấm, "
        "không dấu + hay −) — "
        "cho phép: một trong các giá trị 0; 1,5; 3; 4; 5; 6"]


def test_a_missing_item_row_is_refused(hoa_muc, officer):
    data = excel.export(hoa_muc)
    bad = edit(data, lambda wb, ws, rows: ws.delete_rows(rows["a.1.2"]))
    assert refused(hoa_muc, bad, officer) == [
        "Thiếu dòng của tiêu chí a.1.2 «Mức độ hoàn thành Kế hoạch CCHC năm» (tối đa 2 điểm); không xoá dòng của mẫu "
        "— để trống ô điểm nếu chưa chấm"]


def test_every_problem_of_a_file_is_listed_at_once(hoa_muc, officer):
    data = excel.export(hoa_muc)
    rows = rows_of(data)

    def change(wb, ws, _rows):
        ws[f"D{rows['a.1.1']}"] = "abc"
        ws[f"D{rows['b.1']}"] = 7
        ws[f"D{rows['h.5.3']}"] = "=1/2"
        ws.delete_rows(rows["e.2"])
    errors = refused(hoa_muc, edit(data, change), officer)
    assert len(errors) == 4
    assert errors[0].startswith(f"Dòng {rows['a.1.1']}: tiêu chí a.1.1: giá trị «abc» không phải là số")
    assert errors[1].startswith(f"Dòng {rows['b.1']}: tiêu chí b.1: giá trị «7» không hợp lệ")
    assert errors[2].startswith(f"Dòng {rows['h.5.3'] - 1}: tiêu chí h.5.3: ô điểm chứa công thức «=1/2»; hãy nhập số")
    assert errors[3].startswith("Thiếu dòng của tiêu chí e.2 «")


def test_another_units_file_is_refused(hoa_muc, unit_of, assessment_of):
    thanh_mai = assessment_of("02101")
    assert (unit_of("02101").name, unit_of("02101").parent.code) == ("Xã Thanh Mai", "065")
    other_officer = get_user_model().objects.create_user("thanhmai.canbo", password="x")
    grant_role(other_officer, Role.UNIT_OFFICER, actor=None, unit=Unit.objects.get(key="gso:02101"))
    assert refused(thanh_mai, excel.export(hoa_muc), other_officer) == [
        "Tệp là bảng tự đánh giá của Xã Hoà Mục (mã 02098), không phải của Xã Thanh Mai (mã 02101); "
        "hãy tải mẫu Excel của Xã Thanh Mai rồi nhập lại"]


def test_another_sets_file_is_refused(hoa_muc, assessment_of, persona):
    stp = assessment_of("STP")
    commune, department = services.criteria_of(hoa_muc).sha256[:12], services.criteria_of(stp).sha256[:12]
    errors = refused(stp, excel.export(hoa_muc), persona("stp.canbo"))
    assert errors == [
        "Tệp là bảng tự đánh giá của Xã Hoà Mục (mã 02098), không phải của Sở Tư pháp (mã STP); "
        "hãy tải mẫu Excel của Sở Tư pháp rồi nhập lại",
        f"Tệp theo bộ tiêu chí «backan-2021-commune» (SHA-256 {commune}), khác bộ tiêu chí của kỳ này "
        f"«backan-2021-department» (SHA-256 {department})"]


def test_a_file_without_the_score_sheet_is_refused(hoa_muc, officer):
    renamed = edit(excel.export(hoa_muc), lambda wb, ws, rows: setattr(ws, "title", "Sheet1"))
    assert refused(hoa_muc, renamed, officer) == [
        "Tệp không có trang «Tự đánh giá» (các trang trong tệp: «Sheet1», «_parindex»); "
        "hãy dùng mẫu Excel tải từ hệ thống"]


def test_a_file_without_its_hidden_sheet_is_refused(hoa_muc, officer):
    stripped = edit(excel.export(hoa_muc), lambda wb, ws, rows: wb.remove(wb[excel.META_SHEET]))
    assert refused(hoa_muc, stripped, officer)[0].startswith("Tệp không có trang ẩn «_parindex» của mẫu parindex")


def test_a_survey_item_with_a_value_is_refused(assessment_of, fill, persona):
    stp = fill(assessment_of("STP"), "stp.canbo")
    data = excel.export(stp)
    row = rows_of(data)["a.4.2"]
    assert refused(stp, edit(data, set_points(a_4_2=1)), persona("stp.canbo")) == [
        f"Dòng {row}: tiêu chí a.4.2 được chấm qua điều tra xã hội học (ĐTXHH), đơn vị không tự chấm — ô điểm có «1»; "
        "hãy để «ĐTXHH» hoặc bỏ trống"]


def test_a_pdf_renamed_xlsx_is_refused(hoa_muc, officer):
    assert refused(hoa_muc, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", officer) == [
        "Tệp không phải tệp Excel .xlsx (nội dung là PDF); hãy dùng mẫu Excel tải từ hệ thống"]


def test_an_empty_file_is_refused(hoa_muc, officer):
    assert refused(hoa_muc, b"", officer) == ["Tệp rỗng (0 byte); hãy chọn tệp Excel (.xlsx) đã tải từ hệ thống"]


def test_a_damaged_file_is_refused(hoa_muc, officer):
    data = excel.export(hoa_muc)
    assert refused(hoa_muc, data[: len(data) // 2], officer) == [
        "Tệp không phải tệp Excel .xlsx hoặc đã bị hỏng, không đọc được; hãy dùng mẫu Excel tải từ hệ thống"]


# -- through the pages --------------------------------------------------------------------------

def upload(name: str, data: bytes):
    return {"f-file": SimpleUploadedFile(name, data, content_type="application/octet-stream")}


def test_the_download_is_an_xlsx_named_after_the_unit(hoa_muc, login):
    response = login("hoamuc.chutich").get(URL + "excel/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="tu-danh-gia-02098-2021.xlsx"'
    assert load_workbook(io.BytesIO(response.content))[excel.SHEET]["B2"].value == "Xã Hoà Mục"


def test_the_officer_imports_through_the_page(hoa_muc, login):
    client = login("hoamuc.canbo")
    assert client.get(URL + "excel/nhap/").status_code == 200
    data = edit(excel.export(hoa_muc), set_points(a_1_1="0,5"))
    response = client.post(URL + "excel/nhap/", upload("diem.xlsx", data), follow=True)
    job = Job.objects.get()  # the import ran as a background job (inside the request under the test settings)
    assert response.redirect_chain == [(f"/viec/{job.pk}/", 302)]
    page = response.content.decode()
    assert "Đã nhập từ Excel: cập nhật 1 tiêu chí" in page and "Đã xong" in page
    assert f'href="{URL}"' in page  # the next step: back to the sheet
    assert ItemScore.objects.get(assessment=hoa_muc, item_code="a.1.1").points == Decimal("0.5")


def test_a_bad_file_through_the_page_lists_every_error_and_saves_nothing(hoa_muc, login):
    data = excel.export(hoa_muc)
    rows = rows_of(data)
    before = all_scores()
    client = login("hoamuc.canbo")
    response = client.post(URL + "excel/nhap/", upload("diem.xlsx", edit(data, set_points(a_1_1="abc", a_1_2=5))),
                           follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and response.redirect_chain[0][0].startswith("/viec/")  # the job's page
    assert "Không thành công" in page
    assert "Tệp Excel có 2 lỗi; chưa nhập điểm nào, hãy sửa rồi nhập lại" in page
    assert f"Dòng {rows['a.1.1']}: tiêu chí a.1.1: giá trị «abc» không phải là số" in page
    assert f"Dòng {rows['a.1.2']}: tiêu chí a.1.2: giá trị «5» không hợp lệ" in page
    for name, content, message in [("bao-cao.xlsx", b"%PDF-1.4 x", "nội dung là PDF"),
                                   ("rong.xlsx", b"", "Tệp «rong.xlsx» rỗng (0 byte)")]:
        response = client.post(URL + "excel/nhap/", upload(name, content), follow=True)
        assert response.status_code == 200 and message in response.content.decode()
    assert all_scores() == before and imports() == 0


def test_an_oversized_file_is_refused_with_the_limit(hoa_muc, login, settings):
    settings.EVIDENCE_MAX_MB = 1
    response = login("hoamuc.canbo").post(URL + "excel/nhap/", upload("lon.xlsx", b"PK" + b"0" * (1024 * 1024)))
    assert response.status_code == 200
    assert "Tệp «lon.xlsx» nặng 1.0 MB, vượt giới hạn 1 MB" in response.content.decode()


def test_only_the_units_officer_may_import(hoa_muc, login):
    data = edit(excel.export(hoa_muc), set_points(a_1_1="0"))
    before = all_scores()
    assert login("hoamuc.chutich").post(URL + "excel/nhap/", upload("d.xlsx", data)).status_code == 403
    assert login("kimlu.canbo").post(URL + "excel/nhap/", upload("d.xlsx", data)).status_code == 404
    assert login("kimlu.canbo").get(URL + "excel/").status_code == 404
    assert all_scores() == before


def test_a_submitted_assessment_cannot_be_imported(hoa_muc, persona, login):
    officer = persona("hoamuc.canbo")
    data = edit(excel.export(hoa_muc), set_points(a_1_1="0"))
    services.set_participants(hoa_muc, full_meeting(hoa_muc), actor=officer)
    services.send_for_approval(hoa_muc, actor=officer)
    services.approve_and_submit(hoa_muc, actor=persona("hoamuc.chutich"))
    before = all_scores()
    client = login("hoamuc.canbo")
    assert client.post(URL + "excel/nhap/", upload("d.xlsx", data)).status_code == 403
    assert "chỉ cán bộ được giao tự đánh giá" in client.get(URL + "excel/nhap/").content.decode()
    with pytest.raises(DomainError, match="«Đã nộp», không sửa được"):
        importing.import_scores(hoa_muc, data, actor=officer)
    assert all_scores() == before
