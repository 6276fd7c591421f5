"""Login, lockout, password change and reset, hashing, sessions; role grants."""

import re

import pytest
from django.conf import settings
from django.core import mail

from parindex.accounts import permissions
from parindex.accounts.models import Role, RoleAssignment
from parindex.accounts.services import grant_role, revoke_role
from parindex.core.demo import DEMO_PASSWORD
from parindex.core.errors import DomainError, NotAllowed
from parindex.units.models import Unit


def test_login_with_the_right_password_goes_home(client, world):
    response = client.post("/tai-khoan/dang-nhap/", {"username": "stp.canbo", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "Sở Tư pháp" in client.get("/").content.decode()


def test_a_wrong_password_is_refused_in_vietnamese(client, world):
    response = client.post("/tai-khoan/dang-nhap/", {"username": "stp.canbo", "password": "sai"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_for_that_address(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/tai-khoan/dang-nhap/", {"username": "hoamuc.canbo", "password": "sai"})
    response = client.post("/tai-khoan/dang-nhap/", {"username": "hoamuc.canbo", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "Tạm khoá đăng nhập" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_production_hashes_passwords_with_argon2():
    import parindex.settings as production
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_sessions_expire():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert not settings.SESSION_SAVE_EVERY_REQUEST  # the expiry slides without it: tests/deploy/test_sessions.py


def test_password_change_applies_django_validators(login):
    client = login("stp.canbo")
    response = client.post("/tai-khoan/mat-khau/doi/", {
        "old_password": DEMO_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert "quá phổ biến" in response.content.decode() or "toàn bộ là số" in response.content.decode()
    new = "Tư-pháp-Bắc-Kạn-2021"
    response = client.post("/tai-khoan/mat-khau/doi/", {
        "old_password": DEMO_PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302


def test_password_reset_sends_a_one_time_link(client, world):
    response = client.post("/tai-khoan/mat-khau/quen/", {"email": "stp.canbo@demo.parindex.invalid"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/tai-khoan/mat-khau/dat-lai/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new = "Mật-khẩu-mới-2026!"
    response = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    response = client.post("/tai-khoan/dang-nhap/", {"username": "stp.canbo", "password": new})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_unknown_email_for_reset_sends_nothing_and_reveals_nothing(client, world):
    response = client.post("/tai-khoan/mat-khau/quen/", {"email": "nobody@example.invalid"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_person_may_hold_several_roles(world, persona):
    user = persona("stp.canbo")
    grant_role(user, Role.SURVEYOR, actor=persona("snv.dieuphoi"), reason="kiêm nhiệm")
    user = persona("stp.canbo")
    scope = permissions.scope_of(user)
    assert scope.surveyor
    assert Unit.objects.get(key="dept:STP").pk in scope.officer_of


@pytest.mark.parametrize(("role", "kwargs", "message"), [
    (Role.UNIT_OFFICER, {}, "phải gắn với một đơn vị"),
    (Role.DISTRICT_COORDINATOR, {"unit": "dept:STP"}, "không gắn được với Sở, ban, ngành"),
    (Role.APPRAISER, {"agency": "STC", "fields": ["f"]}, "Lĩnh vực không hợp lệ: f"),
    (Role.APPRAISER, {"fields": ["g"]}, "phải có mã cơ quan"),
    (Role.SURVEYOR, {"unit": "gso:065"}, "không gắn với đơn vị"),
])
def test_a_role_with_the_wrong_scope_is_refused(world, persona, role, kwargs, message):
    if "unit" in kwargs:
        kwargs["unit"] = Unit.objects.get(key=kwargs["unit"])
    before = RoleAssignment.objects.count()
    with pytest.raises(DomainError) as info:
        grant_role(persona("khaosat"), role, actor=persona("snv.dieuphoi"), **kwargs)
    assert any(message in e for e in info.value.errors)
    assert RoleAssignment.objects.count() == before


def test_only_administrators_grant_administration_and_units_grant_nothing(world, persona):
    with pytest.raises(NotAllowed):
        grant_role(persona("khaosat"), Role.ADMIN, actor=persona("snv.dieuphoi"))
    with pytest.raises(NotAllowed):
        grant_role(persona("khaosat"), Role.UNIT_HEAD, actor=persona("stp.giamdoc"),
                   unit=Unit.objects.get(key="dept:STP"))


def test_revoking_a_role_removes_the_access_and_is_logged(world, persona, client):
    assignment = RoleAssignment.objects.get(user__username="chomoi.noivu")
    revoke_role(assignment, actor=persona("snv.dieuphoi"), reason="chuyển công tác")
    client.force_login(persona("chomoi.noivu"))
    assert client.get("/ky/2021/bang-theo-doi/xa/").status_code == 403
    assert client.get("/ky/2021/don-vi/02098/").status_code == 404


def test_admin_role_makes_and_unmakes_a_superuser(world, persona):
    admin = persona("admin")
    assert admin.is_superuser and admin.is_staff
    revoke_role(RoleAssignment.objects.get(user=admin, role=Role.ADMIN), actor=admin, reason="thôi việc")
    admin.refresh_from_db()
    assert not admin.is_superuser and not admin.is_staff


def test_the_admin_grants_roles_through_the_audited_service(world, login, persona):
    from parindex.audit.models import AuditEntry
    client = login("admin")
    user = persona("khaosat")
    bad = client.post("/admin/accounts/roleassignment/add/", {"user": user.pk, "role": "unit_officer",
                                                               "agency": "", "fields": "[]"})
    assert bad.status_code == 200
    assert "phải gắn với một đơn vị" in bad.content.decode()
    unit = Unit.objects.get(key="dept:SYT")
    good = client.post("/admin/accounts/roleassignment/add/", {"user": user.pk, "role": "unit_officer",
                                                                "unit": unit.pk, "agency": "", "fields": "[]"})
    assert good.status_code == 302
    assignment = RoleAssignment.objects.active().get(user=user, role="unit_officer")
    assert assignment.unit == unit
    entry = AuditEntry.objects.filter(action="role.granted").latest("id")
    assert (entry.actor_label, entry.reason) == ("admin", "Giao qua trang quản trị")
