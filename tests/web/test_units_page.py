"""«Danh sách đơn vị»: the coordinator loads a draft period's units in the site (issue 12 §1; the rules of the file
are tested in test_units_loader.py). Bad files get a message and save nothing; an open period's list is fixed;
nobody else reaches the page."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.audit.models import AuditEntry
from parindex.periods import services
from parindex.periods.models import Period
from parindex.units.models import PeriodUnit

ADMIN = "level,parent,name,type,gso_code,parent_gso_code\nprovince,,Bắc Kạn,Tỉnh,06,\n" \
        "district,Bắc Kạn,Huyện Chợ Mới,Huyện,065,06\ncommune,Huyện Chợ Mới,Xã Hoà Mục,Xã,02098,065\n"


def _file(content: bytes, name="don-vi.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.fixture
def draft(world, persona):
    return services.create_period(2022, actor=persona("snv.dieuphoi"))


def test_the_coordinator_loads_the_list_and_sees_the_counts(login, draft):
    coordinator = login("snv.dieuphoi")
    assert "Nạp danh sách đơn vị" in coordinator.get("/ky/2022/").content.decode()
    page = html.unescape(coordinator.post("/ky/2022/danh-sach-don-vi/", {"units_file": _file(
        ("\ufeff" + ADMIN).encode("utf-8"))}, follow=True).content.decode())   # a BOM from Excel is fine
    assert "Đã nạp «don-vi.csv»: 3 đơn vị mới, 0 đơn vị cập nhật, 0 không đổi" in page
    assert sorted(PeriodUnit.objects.filter(period=draft).values_list("code", flat=True)) == ["02098", "06", "065"]
    again = html.unescape(coordinator.post("/ky/2022/danh-sach-don-vi/", {"units_file": _file(ADMIN.encode())},
                                           follow=True).content.decode())
    assert "0 đơn vị mới, 0 đơn vị cập nhật, 3 không đổi" in again
    assert AuditEntry.objects.filter(action="units.loaded", object_id=str(draft.pk)).count() == 1


@pytest.mark.parametrize(("content", "message"), [
    (ADMIN.encode("utf-16"), "Tệp «don-vi.csv» không phải văn bản UTF-8"),
    (b"#" * 2_000_001, "Tệp «don-vi.csv» nặng 2000001 byte, tối đa 2000000 byte"),
    (b"a,b\n1,2\n", "dòng tiêu đề không đúng"),
    (ADMIN.replace("02098,065", "02098,999").encode(), "dòng 4: không có đơn vị cấp trên mã «999»"),
    (ADMIN.replace("Xã Hoà Mục,Xã,02098", "Xã Hoà Mục,Xã,=1+2").encode(), "dòng 4: mã GSO «=1+2» phải là dãy chữ số"),
])
def test_a_bad_file_gets_a_message_and_saves_nothing(login, draft, content, message):
    response = login("snv.dieuphoi").post("/ky/2022/danh-sach-don-vi/", {"units_file": _file(content)})
    assert response.status_code == 200 and message in html.unescape(response.content.decode())
    assert not PeriodUnit.objects.filter(period=draft).exists()


def test_no_file_is_a_message(login, draft):
    response = login("snv.dieuphoi").post("/ky/2022/danh-sach-don-vi/", {})
    assert "Hãy chọn tệp danh sách đơn vị" in html.unescape(response.content.decode())


def test_an_open_periods_list_is_fixed(login, world):
    before = PeriodUnit.objects.filter(period=world).count()
    response = login("snv.dieuphoi").post("/ky/2021/danh-sach-don-vi/", {"units_file": _file(
        ADMIN.replace("Xã Hoà Mục", "Xã Đổi Tên").encode())})
    assert "Kỳ đánh giá 2021 đã mở: danh sách đơn vị được cố định" in html.unescape(response.content.decode())
    assert PeriodUnit.objects.filter(period=world).count() == before
    assert PeriodUnit.objects.get(period=world, code="02098").name == "Xã Hoà Mục"
    assert Period.objects.get(year=2021).status == Period.Status.OPEN


@pytest.mark.parametrize("username", ["stp.canbo", "chomoi.noivu", "ubnd.lanhdao", "hoamuc.chutich"])
def test_nobody_else_loads_units(login, draft, username):
    client = login(username)
    assert client.get("/ky/2022/danh-sach-don-vi/").status_code == 403
    assert client.post("/ky/2022/danh-sach-don-vi/", {"units_file": _file(ADMIN.encode())}).status_code == 403
    assert not PeriodUnit.objects.filter(period=draft).exists()
