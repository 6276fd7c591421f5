"""«Người dùng và vai trò»: accounts and roles in the site, through the audited services, scoped."""

import pytest
from django.contrib.auth import get_user_model

from parindex.accounts.models import Role, RoleAssignment
from parindex.audit.models import AuditEntry

URL = "/tai-khoan/nguoi-dung/"
STRONG = "Hoà-Mục-văn-thư-2021"


def account(**changes):
    data = {"action": "account", "a-username": "hoamuc.vanthu", "a-full_name": "Lương Thị Văn Thư",
            "a-email": "vanthu@hoamuc.invalid", "a-password": STRONG}
    data.update({f"a-{k}": v for k, v in changes.items()})
    return data


def grant(**changes):
    data = {"action": "grant", "g-username": "hoamuc.vanthu", "g-role": Role.UNIT_OFFICER, "g-unit": "02098",
            "g-agency": "", "g-team": "", "g-fields_text": "", "g-reason": "Quyết định 12/QĐ-UBND"}
    data.update({f"g-{k}": v for k, v in changes.items()})
    return data


def test_the_district_coordinator_creates_an_account_and_names_a_commune_officer(login):
    client = login("chomoi.noivu")
    response = client.post(URL, account())
    assert response.status_code == 302
    user = get_user_model().objects.get(username="hoamuc.vanthu")
    assert user.check_password(STRONG) and user.first_name == "Lương Thị Văn Thư"
    assert client.post(URL, grant()).status_code == 302
    assignment = RoleAssignment.objects.active().get(user=user)
    assert (assignment.role, assignment.unit.key) == (Role.UNIT_OFFICER, "gso:02098")
    entries = {e.action: e for e in AuditEntry.objects.filter(actor_label="chomoi.noivu")}
    assert entries["account.created"].after["user"] == "hoamuc.vanthu"
    assert entries["role.granted"].reason == "Quyết định 12/QĐ-UBND"
    page = client.get(URL).content.decode()
    assert "Cán bộ đơn vị — Xã Hoà Mục" in page
    assert "stp.canbo" not in page  # another level's people are not listed


@pytest.mark.parametrize(("changes", "message"), [
    ({"username": "Hoà Mục"}, "Tên đăng nhập «Hoà Mục» không hợp lệ"),
    ({"username": "stp.canbo"}, "Tên đăng nhập «stp.canbo» đã có người dùng"),
    ({"full_name": ""}, "Chưa nhập họ và tên"),
    ({"full_name": "A" * 151}, "Họ và tên tối đa 150 ký tự"),
    ({"email": "không-phải-thư"}, "Thư điện tử «không-phải-thư» không hợp lệ"),
    ({"password": "12345678"}, "Mật khẩu: "),
])
def test_a_bad_account_is_refused_with_a_message_and_nothing_is_saved(login, changes, message):
    before = get_user_model().objects.count()
    response = login("snv.dieuphoi").post(URL, account(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert get_user_model().objects.count() == before


@pytest.mark.parametrize(("changes", "message"), [
    ({"username": "khong.co"}, "Không có tài khoản «khong.co» trong phạm vi của bạn"),
    ({"role": "vai-tro-la"}, "Vai trò «vai-tro-la» không có trong danh sách"),
    ({"unit": ""}, "phải gắn với một đơn vị"),
    ({"unit": "99999"}, "Không có đơn vị mã «99999» trong kỳ đánh giá"),
    ({"role": Role.APPRAISER, "unit": "", "agency": "", "team": "065"}, "Thành viên tổ thẩm định phải có mã cơ quan"),
    ({"role": Role.APPRAISER, "unit": "", "agency": "PNV", "team": "065", "fields_text": "a x"},
     "Lĩnh vực không hợp lệ: x"),
    ({"role": Role.APPRAISER, "unit": "", "agency": "P" * 21, "team": "065"}, "Mã cơ quan tối đa 20 ký tự"),
])
def test_a_bad_grant_is_refused_with_a_message_and_nothing_is_granted(login, changes, message):
    client = login("snv.dieuphoi")
    client.post(URL, account())
    before = RoleAssignment.objects.count()
    response = client.post(URL, grant(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert RoleAssignment.objects.count() == before


def test_a_district_coordinator_cannot_grant_outside_their_district_even_by_a_handcrafted_post(login):
    client = login("chomoi.noivu")
    client.post(URL, account())
    before = RoleAssignment.objects.count()
    # xã Kim Lư is in Na Rì; Na Rì's team; a department; a coordinator's role
    assert client.post(URL, grant(unit="02158")).status_code == 403
    assert client.post(URL, grant(role=Role.APPRAISER, unit="", agency="PNV", team="066")).status_code == 403
    assert client.post(URL, grant(unit="STP")).status_code == 403
    response = client.post(URL, grant(role=Role.DISTRICT_COORDINATOR, unit="065"))
    assert response.status_code == 200 and "không có trong danh sách" in response.content.decode()
    # nor revoke someone else's role: another district's officer, Sở Nội vụ's own
    kimlu = RoleAssignment.objects.active().get(user__username="kimlu.canbo")
    assert client.get(f"{URL}vai-tro/{kimlu.pk}/thu-hoi/").status_code == 404
    assert client.post(f"{URL}vai-tro/{kimlu.pk}/thu-hoi/", {"confirmed": "1"}).status_code == 404
    assert RoleAssignment.objects.count() == before
    assert RoleAssignment.objects.get(pk=kimlu.pk).revoked_at is None


def test_revoking_asks_to_confirm_then_is_audited(login):
    client = login("chomoi.noivu")
    hoamuc = RoleAssignment.objects.active().get(user__username="hoamuc.canbo")
    page = client.get(f"{URL}vai-tro/{hoamuc.pk}/thu-hoi/").content.decode()
    assert "Cán bộ đơn vị — Xã Hoà Mục" in page and 'name="confirmed"' in page
    assert RoleAssignment.objects.get(pk=hoamuc.pk).revoked_at is None  # a GET changes nothing
    response = client.post(f"{URL}vai-tro/{hoamuc.pk}/thu-hoi/", {"confirmed": "1", "reason": "Chuyển công tác"})
    assert response.status_code == 302
    assert RoleAssignment.objects.get(pk=hoamuc.pk).revoked_at is not None
    entry = AuditEntry.objects.get(action="role.revoked")
    assert (entry.actor_label, entry.reason) == ("chomoi.noivu", "Chuyển công tác")


def test_people_who_may_not_manage_roles_get_403(login):
    for username in ("stp.canbo", "chomoi.thamdinh", "hoamuc.chutich"):
        client = login(username)
        assert client.get(URL).status_code == 403
        assert client.post(URL, account()).status_code == 403
    assert not get_user_model().objects.filter(username="hoamuc.vanthu").exists()


def test_the_django_admin_is_in_vietnamese_with_the_sites_titles(login):
    page = login("admin").get("/admin/").content.decode()
    assert "Quản trị hệ thống Chỉ số CCHC" in page and "Dành cho quản trị hệ thống" in page
    assert "Người dùng và vai trò" in page and "Nhật ký" in page  # the apps' names
    assert "Site administration" not in page and "Django administration" not in page
