"""Period pages: create, timeline edits with bad input, opening; the home page; demo mode."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from parindex.core import demo
from parindex.periods.models import Period
from parindex.publication import province


def test_the_coordinator_creates_a_period_from_the_page(login):
    client = login("snv.dieuphoi")
    response = client.post("/ky/tao/", {"year": "2022", "reading": "strict"})
    assert response.status_code == 302
    assert response["Location"] == "/ky/2022/"
    html = client.get("/ky/2022/").content.decode()
    assert "hết ngày 29/11/2022" in html
    assert html.count("<code>backan-2021-") == 3


@pytest.mark.parametrize(("year", "message"), [
    ("hai nghìn", "Năm phải là số, ví dụ 2021"),
    ("1999", "Năm phải từ 2000 đến 2100"),
    ("2021", "Kỳ đánh giá năm 2021 đã có"),
])
def test_a_bad_year_is_explained_and_nothing_is_created(login, year, message):
    response = login("snv.dieuphoi").post("/ky/tao/", {"year": year, "reading": "strict"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Period.objects.count() == 1


def test_other_roles_cannot_create_a_period_even_by_posting(login):
    assert login("chomoi.noivu").post("/ky/tao/", {"year": "2022", "reading": "strict"}).status_code == 403
    assert not Period.objects.filter(year=2022).exists()


def _timeline_form(period, **changes):
    data = {name: getattr(period, name).astimezone(demo.VN).strftime("%Y-%m-%dT%H:%M")
            for name in ("commune_self_due", "district_publish_due", "self_due", "appraisal_start",
                         "appraisal_end", "survey_start", "survey_end", "publication_start", "publication_end")}
    data["reason"] = "Điều chỉnh theo Kế hoạch của UBND tỉnh"
    data.update(changes)
    return data


def test_timeline_edits_out_of_order_are_refused_on_the_page(world, login):
    before = Period.objects.get(pk=world.pk).appraisal_end
    response = login("snv.dieuphoi").post("/ky/2021/moc-thoi-gian/",
                                          _timeline_form(world, appraisal_end="2026-11-15T00:00"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Chưa lưu. Các mốc thời gian chưa đúng thứ tự" in html
    assert "«Bắt đầu thẩm định của tỉnh (V.4)» (ngày 20/11/2026) phải trước" in html
    assert Period.objects.get(pk=world.pk).appraisal_end == before


@pytest.mark.parametrize(("changes", "message"), [
    ({"reason": ""}, "Phải ghi lý do thay đổi mốc thời gian"),
    ({"self_due": "31/12/abc"}, "Thời điểm không hợp lệ"),
    ({"self_due": ""}, "Chưa nhập thời điểm"),
])
def test_timeline_form_bad_input_is_explained(world, login, changes, message):
    response = login("snv.dieuphoi").post("/ky/2021/moc-thoi-gian/", _timeline_form(world, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_valid_timeline_edit_is_saved_in_vietnam_time(world, login):
    response = login("snv.dieuphoi").post("/ky/2021/moc-thoi-gian/",
                                          _timeline_form(world, commune_self_due="2026-12-05T00:00"))
    assert response.status_code == 302
    period = Period.objects.get(pk=world.pk)
    assert period.commune_self_due.astimezone(demo.VN).strftime("%d/%m/%Y %H:%M") == "05/12/2026 00:00"
    assert "hết ngày 04/12/2026" in login("snv.dieuphoi").get("/ky/2021/").content.decode()


def test_opening_an_open_period_again_is_refused_with_a_message(world, login):
    response = login("snv.dieuphoi").post("/ky/2021/mo/", follow=True)
    assert "không mở được" in response.content.decode()


@pytest.mark.parametrize(("username", "expected"), [
    ("snv.dieuphoi", "Theo dõi sở, ban, ngành và cấp huyện: 27 đơn vị chưa nộp, 0 đơn vị quá hạn"),
    ("chomoi.noivu", "Huyện Chợ Mới: 14/14 xã chưa nộp tự đánh giá, 0 xã quá hạn"),
    ("stp.canbo", "Sở Tư pháp: Tự đánh giá, chấm điểm kèm tài liệu kiểm chứng — Chưa bắt đầu"),
    ("stp.giamdoc", "Sở Tư pháp: Duyệt và nộp kết quả tự đánh giá — Chưa bắt đầu"),
    ("hoamuc.canbo", "Xã Hoà Mục: Tự đánh giá, chấm điểm kèm tài liệu kiểm chứng — Chưa bắt đầu"),
    ("stc.thamdinh", "Thẩm định kết quả tự đánh giá của các đơn vị được phân công"),
    ("khaosat", "Nhập phiếu điều tra xã hội học khi Sở Nội vụ mở đợt điều tra"),
    ("snv.dieuphoi", "Tổng hợp dự thảo kết quả Chỉ số của sở, ban, ngành và cấp huyện, trình UBND tỉnh"),
    ("ubnd.lanhdao", "Chưa có kết quả Chỉ số CCHC nào chờ phê duyệt"),
])
def test_each_role_has_its_own_todo_list(login, username, expected):
    assert expected in login(username).get("/").content.decode()


def test_a_person_without_a_role_is_told_to_ask_the_department(world, client):
    from django.contrib.auth import get_user_model
    user = get_user_model().objects.create_user("moi", password="x")
    client.force_login(user)
    assert "Tài khoản chưa được giao vai trò" in client.get("/").content.decode()


def test_demo_data_is_refused_outside_demo_mode(db, settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="chỉ được tạo ở chế độ demo"):
        call_command("demo_setup")
    assert not Period.objects.exists()


def test_demo_data_is_idempotent_and_the_banner_lists_every_login(world, settings):
    from parindex.audit.models import AuditEntry
    entries = AuditEntry.objects.count()
    demo.populate(demo.datetime(2026, 11, 21, tzinfo=demo.VN))
    assert AuditEntry.objects.count() == entries
    settings.DEMO = True
    out = StringIO()
    call_command("demo_banner", "--url", "http://127.0.0.1:8000/", stdout=out)
    text = out.getvalue()
    assert f"mật khẩu chung: {demo.DEMO_PASSWORD}" in text
    for username, *_ in demo.ACCOUNTS:
        assert f"  {username} " in text


def test_the_english_switch_translates_the_pages_of_every_role(login):
    client = login("chomoi.noivu")
    client.cookies["django_language"] = "en"
    board = client.get("/ky/2021/bang-theo-doi/xa/").content.decode()
    assert "Status board: communes" in board
    assert "Not started" in board
    assert "To do" in client.get("/").content.decode()
    assert "Timeline" in client.get("/ky/2021/").content.decode()


def test_every_catalogue_entry_is_translated_to_english():
    from pathlib import Path
    po = (Path(__file__).resolve().parents[2] / "parindex/locale/en/LC_MESSAGES/django.po").read_text()
    entries = po.split("\n\n")[1:]
    untranslated = [e for e in entries if 'msgstr ""' in e and "\n\"" not in e.split('msgstr ""', 1)[1][:2]]
    assert untranslated == []
    assert not [e for e in entries if "#, fuzzy" in e]



def test_the_approver_is_told_when_the_results_await_approval(login, ready, world, persona):
    ready()
    province.submit(world, actor=persona("snv.dieuphoi"))
    approver = login("ubnd.lanhdao").get("/").content.decode()
    assert "Phê duyệt kết quả Chỉ số CCHC năm 2021 do Sở Nội vụ trình" in approver
    coordinator = login("snv.dieuphoi").get("/").content.decode()
    assert "Kết quả Chỉ số của tỉnh đã trình UBND tỉnh: chờ phê duyệt" in coordinator
