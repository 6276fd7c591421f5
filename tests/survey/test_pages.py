"""Survey pages as the Sở Nội vụ coordinator, a surveyor, a unit officer and an anonymous visitor."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.survey import services
from parindex.survey.models import Survey

BASE = "/ky/2021/dieu-tra/"
READ_PAGES = ["", "thiet-ke/", "thiet-ke/nhom/hdnd-so/", "tieu-chi-chua-hoi/", "co-mau/", "co-mau/?loai=district"]
EDIT_PAGES = ["thiet-ke/sua/", "thiet-ke.yaml", "mo/"]


def test_the_coordinator_sees_the_overview_with_status_provenance_and_counts(login):
    page = login("snv.dieuphoi").get(BASE).content.decode()
    assert "Đang thu phiếu" in page and "Bản dựng lại" in page
    assert "Mọi tiêu chí điều tra của bộ tiêu chí đều có câu hỏi." in page
    assert "Sửa thiết kế" not in page  # open: the design is fixed
    for path in READ_PAGES + EDIT_PAGES:
        assert login("snv.dieuphoi").get(BASE + path).status_code == 200, path


def test_the_design_page_says_who_evaluates_whom(login):
    page = login("snv.dieuphoi").get(BASE + "thiet-ke/").content.decode()
    assert "Lãnh đạo UBND cấp xã đánh giá UBND huyện của mình" in page
    assert "UBND cấp huyện của mình" in page and "mọi sở, ban, ngành" in page
    assert "Không biết / không trả lời — không tính điểm" in page
    assert "Hài lòng — giá trị 0,67" in page


def test_a_groups_questionnaire_is_shown_by_section_with_its_items(login):
    page = login("snv.dieuphoi").get(BASE + "thiet-ke/nhom/lanhdao-xa/").content.decode()
    assert page.index("Chỉ đạo, điều hành cải cách hành chính") < page.index("Xây dựng và phát triển chính quyền")
    assert "e.5.5" in page and "Năng lực chuyên môn, nghiệp vụ của cán bộ, công chức cấp xã" in page
    assert "Bảng hỏi: 13 câu" in page


def test_the_gaps_page_names_its_empty_state(login):
    page = login("snv.dieuphoi").get(BASE + "tieu-chi-chua-hoi/").content.decode()
    assert page.count("Không còn tiêu chí nào chưa có câu hỏi.") == 2  # departments and districts


def test_the_plan_shows_each_unit_and_the_totals(login):
    page = login("snv.dieuphoi").get(BASE + "co-mau/?loai=district").content.decode()
    plan = services.plan_of(Survey.objects.get())
    assert "Huyện Chợ Mới" in page and "42 / 30" in page  # 14 communes × 3 leaders → n = 30 (e = 0.1)
    assert f"{plan.sample_of_kind('district')}</td>" in page
    assert f"Tổng số phiếu của cả cuộc điều tra: {plan.sample}." in page
    assert "Sở Tư pháp" not in page  # one kind per page
    assert login("snv.dieuphoi").get(BASE + "co-mau/?loai=commune").status_code == 404


def test_the_yaml_is_downloaded_as_stored(login, shipped_text):
    response = login("snv.dieuphoi").get(BASE + "thiet-ke.yaml")
    assert response.content.decode() == shipped_text
    assert response["Content-Disposition"] == 'attachment; filename="backan-2021-survey.yaml"'


def test_the_surveyor_reads_but_does_not_edit(login):
    client = login("khaosat")
    for path in READ_PAGES:
        assert client.get(BASE + path).status_code == 200, path
    for path in EDIT_PAGES:
        assert client.get(BASE + path).status_code == 403, path
    assert "Tải tệp YAML" not in client.get(BASE).content.decode()


@pytest.mark.parametrize("username", ["stp.canbo", "chomoi.noivu", "stc.thamdinh", "admin"])
def test_units_appraisers_and_the_administrator_are_refused(login, username):
    client = login(username)
    for path in READ_PAGES + EDIT_PAGES:
        assert client.get(BASE + path).status_code == 403, path


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get(BASE)["Location"].startswith("/tai-khoan/dang-nhap/")


def test_the_step_is_found_from_the_home_and_the_period_pages(login):
    client = login("snv.dieuphoi")
    assert f'href="{BASE}"' in client.get("/").content.decode()
    assert f'href="{BASE}"' in client.get("/ky/2021/").content.decode()
    assert f'href="{BASE}"' in login("khaosat").get("/").content.decode()
    assert f'href="{BASE}"' not in login("stp.canbo").get("/ky/2021/").content.decode()


# -- loading and editing through the page ---------------------------------------------------------------------

def test_without_a_survey_the_shipped_design_is_offered_and_saved(no_survey, login, shipped_text):
    client = login("snv.dieuphoi")
    assert "Xem và nạp thiết kế mẫu của năm" in client.get(BASE).content.decode()
    page = client.get(BASE + "thiet-ke/sua/").content.decode()
    assert "thiết kế mẫu kèm theo phần mềm" in page and "backan-2021-survey" in page
    assert client.get(BASE + "thiet-ke/").status_code == 404
    response = client.post(BASE + "thiet-ke/sua/", {"text": shipped_text})
    assert response.status_code == 302 and response["Location"] == BASE
    survey = Survey.objects.get()
    assert survey.status == Survey.Status.DESIGN and survey.design_text == shipped_text


def test_errors_are_shown_by_line_and_nothing_is_saved(designed, login, shipped_text):
    broken = shipped_text.replace("min_valid: 3 ", "min_valid: 0 ").replace("scope: own", "scope: xa", 1)
    page = login("snv.dieuphoi").post(BASE + "thiet-ke/sua/", {"text": broken, "version": 1}).content.decode()
    assert "Thiết kế điều tra có 2 lỗi, chưa lưu gì" in page
    assert "Dòng 13 (backan-2021-survey): min_valid phải từ 1 trở lên, không phải 0" in page
    assert "(phong-huyen-so): scope «xa» không hợp lệ (cho phép: all, own)" in page
    assert "min_valid: 0 " in page  # the text as typed, to fix
    designed.refresh_from_db()
    assert designed.version == 1 and designed.design_text == shipped_text


def test_an_uploaded_file_replaces_the_design(designed, login, shipped_text):
    upload = SimpleUploadedFile("thiet-ke.yaml", shipped_text.replace("margin: 0.1 ", "margin: 0.05").encode())
    response = login("snv.dieuphoi").post(BASE + "thiet-ke/sua/", {"file": upload, "version": 1,
                                                                   "reason": "Sai số 5 %"})
    assert response.status_code == 302
    designed.refresh_from_db()
    assert designed.version == 2 and "margin: 0.05" in designed.design_text


def test_a_stale_page_is_refused_as_a_conflict(designed, login, shipped_text):
    client = login("snv.dieuphoi")
    client.post(BASE + "thiet-ke/sua/", {"text": shipped_text.replace("margin: 0.1 ", "margin: 0.2 "), "version": 1})
    page = client.post(BASE + "thiet-ke/sua/", {"text": shipped_text.replace("margin: 0.1 ", "margin: 0.3 "),
                                                "version": 1}).content.decode()
    assert "phiên bản 2, bạn sửa từ phiên bản 1" in page
    designed.refresh_from_db()
    assert "margin: 0.2 " in designed.design_text


def test_an_open_survey_cannot_be_edited_through_the_page(world, login, shipped_text):
    page = login("snv.dieuphoi").post(BASE + "thiet-ke/sua/", {"text": shipped_text, "version": 1}).content.decode()
    assert "thiết kế đã cố định, không sửa được" in page


def test_opening_asks_for_confirmation_then_opens(designed, login):
    client = login("snv.dieuphoi")
    page = client.get(BASE + "mo/").content.decode()
    assert "Mở đợt thu phiếu" in page and "Tổng số phiếu theo kế hoạch" in page
    designed.refresh_from_db()
    assert designed.status == Survey.Status.DESIGN  # a GET never writes
    assert client.post(BASE + "mo/").status_code == 200  # without «confirmed»: the summary again
    response = client.post(BASE + "mo/", {"confirmed": "1"}, follow=True)
    assert "Đã mở đợt thu phiếu điều tra xã hội học" in response.content.decode()
    designed.refresh_from_db()
    assert designed.status == Survey.Status.OPEN
