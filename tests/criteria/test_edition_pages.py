"""The yearly edition's pages: the coordinator's whole path, and nobody else reaching any of it."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from parindex.audit.models import AuditEntry
from parindex.criteria import services_edition as editions
from parindex.criteria.models import CriteriaSetRecord

SET = "backan-2022-commune"


def editor_urls(set_id=SET, code="a.1.1"):
    """Every URL of the editor, as (method, url)."""
    return [
        ("get", reverse("criteria:editions")),
        ("post", reverse("criteria:edition_start", args=["backan-2021-commune"])),
        ("get", reverse("criteria:edition", args=[set_id])),
        ("get", reverse("criteria:edition_item", args=[set_id, code])),
        ("post", reverse("criteria:edition_item", args=[set_id, code])),
        ("get", reverse("criteria:edition_remove", args=[set_id, code])),
        ("post", reverse("criteria:edition_remove", args=[set_id, code])),
        ("get", reverse("criteria:edition_add", args=[set_id, "a.1"])),
        ("post", reverse("criteria:edition_add", args=[set_id, "a.1"])),
        ("get", reverse("criteria:edition_expected", args=[set_id])),
        ("post", reverse("criteria:edition_expected", args=[set_id])),
        ("get", reverse("criteria:edition_diff", args=[set_id])),
        ("get", reverse("criteria:edition_approve", args=[set_id])),
        ("post", reverse("criteria:edition_approve", args=[set_id])),
        ("get", reverse("criteria:edition_delete", args=[set_id])),
        ("post", reverse("criteria:edition_delete", args=[set_id])),
        ("get", reverse("criteria:edition_appendix", args=[set_id])),
        ("get", reverse("criteria:edition_appendix_import", args=[set_id])),
        ("post", reverse("criteria:edition_appendix_import", args=[set_id])),
    ]


def _item_post(client, code="a.1.1", **changes):
    """The item form as the page shows it, with ``changes`` typed over it."""
    page = client.get(reverse("criteria:edition_item", args=[SET, code]))
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not False}
    return client.post(reverse("criteria:edition_item", args=[SET, code]), data)


def test_nobody_but_the_coordinator_reaches_any_editor_url(client, draft, outsiders):
    source = draft.source
    for method, url in editor_urls():
        response = getattr(client, method)(url, {"version": "1", "title": "x"})
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("accounts:login")), (method, url)
    for name, person in outsiders.items():
        client.force_login(person)
        for method, url in editor_urls():
            response = getattr(client, method)(url, {"version": "1", "title": "x", "confirmed": "1"})
            assert response.status_code == 403, (name, method, url, response.status_code)
    draft.refresh_from_db()
    assert (draft.source, draft.version, draft.status) == (source, 1, "draft")
    assert CriteriaSetRecord.objects.count() == 4
    assert not AuditEntry.objects.exclude(action="criteria.edition_started").filter(action__startswith="criteria.")


def test_a_draft_is_not_public(client, draft, outsiders):
    assert SET not in client.get(reverse("criteria:index")).content.decode()
    assert client.get(reverse("criteria:detail", args=[SET])).status_code == 404
    client.force_login(outsiders["canbo"])
    assert client.get(reverse("criteria:detail", args=[SET])).status_code == 404
    assert "Soạn bộ tiêu chí năm sau" not in client.get(reverse("criteria:index")).content.decode()


def test_the_coordinator_finds_the_editor_on_the_criteria_page_and_starts_next_year(client, coordinator,
                                                                                    commune_2021):
    client.force_login(coordinator)
    index = client.get(reverse("criteria:index")).content.decode()
    assert reverse("criteria:editions") in index
    page = client.get(reverse("criteria:editions")).content.decode()
    assert "Soạn bộ năm 2022" in page
    response = client.post(reverse("criteria:edition_start", args=["backan-2021-commune"]))
    assert response.status_code == 302 and response["Location"] == reverse("criteria:edition", args=[SET])
    draft_page = client.get(response["Location"]).content.decode()
    assert "Dự thảo" in draft_page and 'data-edit="a.1.1"' in draft_page
    assert "Bước tiếp theo" in draft_page


def test_editing_an_item_through_the_form(client, coordinator, draft):
    client.force_login(coordinator)
    response = _item_post(client, title="Ban hành kế hoạch CCHC năm 2022", evidence="Kế hoạch năm 2022")
    assert response.status_code == 302
    draft.refresh_from_db()
    item = draft.parsed().items_by_code["a.1.1"]
    assert (item.title, item.evidence, draft.version) == ("Ban hành kế hoạch CCHC năm 2022", "Kế hoạch năm 2022", 2)


@pytest.mark.parametrize(("typed", "message"), [
    ("１", "Điểm tối đa «１» không phải là số hợp lệ"),
    ("-1", "Điểm tối đa «-1» không phải là số hợp lệ"),
    ("1" * 500, "Quá dài: tối đa 20 ký tự"),
])
def test_bad_numbers_are_refused_in_vietnamese_and_nothing_is_saved(client, coordinator, draft, typed, message):
    client.force_login(coordinator)
    response = _item_post(client, max_points=typed)
    assert response.status_code == 200
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert draft.version == 1


def test_a_bad_rubric_line_and_a_huge_title_are_refused(client, coordinator, draft):
    client.force_login(coordinator)
    html = _item_post(client, choices="1 | Đạt\n０,5 | Nửa\nkhông có dấu").content.decode()
    assert "Điểm ở dòng 2 của thang chấm «０,5» không phải là số hợp lệ" in html
    assert "Dòng 3 của thang chấm «không có dấu»: thiếu dấu «|»" in html
    html = _item_post(client, title="x" * 100_000).content.decode()
    assert "Quá dài: tối đa 2000 ký tự" in html
    draft.refresh_from_db()
    assert draft.version == 1


def test_a_change_the_loader_refuses_shows_every_problem_with_the_item(client, coordinator, draft):
    client.force_login(coordinator)
    response = _item_post(client, max_points="7")
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"Chưa lưu: bộ tiêu chí sau khi sửa có \d+ lỗi", html)
    assert "a.1.1: mức điểm cao nhất" in html and "phải bằng max_points 7" in html
    draft.refresh_from_db()
    assert draft.version == 1


def test_two_coordinators_at_once_the_second_gets_a_conflict(client, coordinator, second_coordinator, draft):
    client.force_login(coordinator)
    page = client.get(reverse("criteria:edition_item", args=[SET, "a.1.1"]))
    assert page.context["form"]["version"].value() == 1
    editions.edit_item(SET, "a.1.1", {"title": "Người kia lưu trước"}, version=1, actor=second_coordinator)
    response = _item_post(client, version="1", title="Tôi lưu sau")
    assert response.status_code == 409
    assert "vừa được người khác sửa" in response.content.decode()
    draft.refresh_from_db()
    assert draft.parsed().items_by_code["a.1.1"].title == "Người kia lưu trước"


def test_removing_the_last_item_of_a_criterion_is_refused_on_the_page(client, coordinator, draft):
    client.force_login(coordinator)
    url = reverse("criteria:edition_remove", args=[SET, "a.1.1"])
    assert "Xoá a.1.1 khỏi dự thảo" in client.get(url).content.decode()
    assert client.post(url, {"version": "1", "follow_expected": "on"}).status_code == 302
    response = client.post(reverse("criteria:edition_remove", args=[SET, "a.1.2"]),
                           {"version": "2", "follow_expected": "on"})
    assert "Không xoá được a.1.2" in response.content.decode()
    assert client.get(reverse("criteria:edition_remove", args=[SET, "zz.9"])).status_code == 404


def test_adding_an_item_and_editing_expected(client, coordinator, draft):
    client.force_login(coordinator)
    url = reverse("criteria:edition_add", args=[SET, "a.1"])
    response = client.post(url, {"version": "1", "title": "Tiêu chí mới", "max_points": "1", "method": "self",
                                 "rubric_kind": "choices", "choices": "1 | Có\n0 | Không", "evidence": "Văn bản",
                                 "agency": "PNV", "ref": "QĐ năm 2022", "follow_expected": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"].endswith("#item-a.1.3")
    expected = client.get(reverse("criteria:edition_expected", args=[SET]))
    form = expected.context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "from_tree"}
    data["total_max"] = "１00"
    html = client.post(reverse("criteria:edition_expected", args=[SET]), data).content.decode()
    assert "Tổng điểm tối đa «１00» không phải là số hợp lệ" in html
    data["total_max"] = "100"
    html = client.post(reverse("criteria:edition_expected", args=[SET]), data).content.decode()
    assert "tổng điểm tối đa là 101, quyết định quy định 100" in html


def test_the_diff_page_shows_changes_by_code(client, coordinator, draft):
    editions.edit_item(SET, "a.1.2", {"agency": "PTP"}, version=1, actor=coordinator)
    client.force_login(coordinator)
    html = client.get(reverse("criteria:edition_diff", args=[SET])).content.decode()
    assert 'data-code="a.1.2" data-status="changed"' in html
    assert "PTP (Phòng Tư pháp)" in html
    assert "giữ nguyên mã" in html


def test_approving_needs_a_confirmation_then_freezes_and_publishes(client, coordinator, draft):
    client.force_login(coordinator)
    url = reverse("criteria:edition_approve", args=[SET])
    confirm = client.get(url).content.decode()
    assert "Không hoàn tác được" in confirm and 'name="confirmed"' in confirm
    response = client.post(url, {"version": "1", "confirmed": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("criteria:detail", args=[SET])
    draft.refresh_from_db()
    assert draft.status == "approved"
    assert client.get(reverse("criteria:detail", args=[SET])).status_code == 200
    client.logout()
    assert f'data-set="{SET}"' in client.get(reverse("criteria:index")).content.decode()
    client.force_login(coordinator)
    for method, url in editor_urls()[2:]:
        if "so-sanh" in url:
            continue
        response = getattr(client, method)(url, {"version": "1", "title": "x", "confirmed": "1"})
        assert response.status_code == 404, (method, url)
    draft.refresh_from_db()
    assert draft.status == "approved" and draft.version == 1
    assert client.get(reverse("criteria:edition_diff", args=[SET])).status_code == 200


def test_deleting_a_draft_after_confirmation(client, coordinator, draft):
    client.force_login(coordinator)
    url = reverse("criteria:edition_delete", args=[SET])
    assert "Xoá dự thảo" in client.get(url).content.decode()
    assert client.post(url, {"version": "1", "confirmed": "1"}).status_code == 302
    assert not CriteriaSetRecord.objects.filter(set_id=SET).exists()


def test_editor_pages_fit_a_narrow_phone(client, coordinator, draft):
    """No fixed widths wider than 390 px in the editor's own stylesheet; long diffs stack."""
    from django.contrib.staticfiles import finders

    css = open(finders.find("criteria/edition.css"), encoding="utf-8").read()
    widths = [int(w) for w in re.findall(r"(?<![\d.])(\d+)px", css)]
    assert all(w <= 390 for w in widths)
    assert ".diff-pair { display:grid; grid-template-columns:1fr;" in css
    client.force_login(coordinator)
    html = client.get(reverse("criteria:edition", args=[SET])).content.decode()
    assert 'name="viewport"' in html


def test_the_api_shows_approved_sets_only(client, draft):
    listed = [s["id"] for s in client.get("/api/v1/criteria-sets").json()]
    assert SET not in listed and "backan-2021-commune" in listed
    assert client.get(f"/api/v1/criteria-sets/{SET}").status_code == 404


def test_an_item_scored_as_its_parts_keeps_them_when_edited_and_keeps_its_not_applicable(client, coordinator, draft):
    """Commune g.1 is a sum of parts and b.1 gives full points «không phát sinh» (issue 12 §3): the form edits the
    text around them and never turns the parts into levels or a range, nor drops the «không phát sinh»."""
    client.force_login(coordinator)
    page = client.get(reverse("criteria:edition_item", args=[SET, "g.1"])).content.decode()
    assert '<option value="parts" selected>Tổng điểm các phần</option>' in page and "# Thu ngân sách xã" in page
    assert _item_post(client, "g.1", title="Quản lý ngân sách xã năm 2022").status_code == 302
    assert _item_post(client, "b.1", evidence="Danh mục VBQPPL năm 2022").status_code == 302
    draft.refresh_from_db()
    cset = draft.parsed()
    g1 = cset.items_by_code["g.1"]
    assert g1.title == "Quản lý ngân sách xã năm 2022" and len(g1.rubric.parts) == 3
    assert not g1.rubric.accepts(Decimal("3.75"))
    assert cset.items_by_code["b.1"].not_applicable is not None


def test_the_parts_of_an_item_are_edited_in_the_form_and_checked_by_the_loader(client, coordinator, draft):
    """Commune g.1's parts (issue 12 §3: a sum of parts): a level of a part is changed; the allowed sums follow.
    A part without its «# title» line, a level without «|», or one part only are refused, nothing saved."""
    client.force_login(coordinator)
    page = client.get(reverse("criteria:edition_item", args=[SET, "g.1"]))
    parts = page.context["form"]["parts"].value()
    assert parts.startswith("# Thu ngân sách xã\n1,5 | ") and parts.count("\n# ") == 2
    changed = parts.replace("0,75 | Đạt từ 90% đến dưới 100% dự toán", "1 | Đạt từ 90% đến dưới 100% dự toán")
    assert changed != parts
    assert _item_post(client, "g.1", parts=changed).status_code == 302
    draft.refresh_from_db()
    g1 = draft.parsed().items_by_code["g.1"]
    assert [c.points for c in g1.rubric.parts[0].choices] == [Decimal("1.5"), Decimal("1"), Decimal("0")]
    assert g1.rubric.accepts(Decimal("3.5")) and not g1.rubric.accepts(Decimal("3.25"))
    version = draft.version
    for bad, message in [
        ("1 | Không có tên phần\n" + changed, "chưa có dòng «# tên phần» ở trước"),
        (changed.replace("1 | Đạt từ 90%", "1 Đạt từ 90%"), "thiếu dấu «|» giữa điểm và điều kiện"),
        (changed.split("\n# ")[0], "parts phải có ít nhất 2 phần"),
    ]:
        response = _item_post(client, "g.1", parts=bad)
        assert response.status_code == 200 and message in response.content.decode(), message
    draft.refresh_from_db()
    assert draft.version == version
