"""Publishing through the timeline and a confirmation page; the results found by the public and the communes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from parindex.accounts import permissions
from parindex.audit.models import AuditEntry
from parindex.core import clock
from parindex.core.errors import DomainError, NotAllowed
from parindex.periods import services as period_services
from parindex.periods.models import Period
from parindex.publication import services
from parindex.publication.models import Publication

RESULTS = "/ky/2021/huyen/065/ket-qua-xa/"
PUBLISH = RESULTS + "cong-bo/"
PUBLIC = "/cong-bo/2021/huyen/065/"


def test_only_the_districts_own_coordinator_may_publish_its_communes(world, persona, unit_of):
    chomoi, nari = unit_of("065"), unit_of("066")
    assert permissions.can_publish_communes(persona("chomoi.noivu"), chomoi)
    assert not permissions.can_publish_communes(persona("chomoi.noivu"), nari)
    for username in ["admin", "snv.dieuphoi", "chomoi.thamdinh", "hoamuc.canbo"]:
        assert not permissions.can_publish_communes(persona(username), chomoi), username
    assert not permissions.can_publish_communes(persona("chomoi.noivu"), unit_of("02098"))  # a commune
    with pytest.raises(NotAllowed):
        services.publish_communes(chomoi, actor=persona("snv.dieuphoi"))


def test_the_confirmation_page_sums_up_what_will_be_published(chomoi_finalized, login):
    page = login("chomoi.noivu").get(PUBLISH).content.decode()
    summary = page.split('<dl class="summary">')[1].split("</dl>")[0]
    for text in ["Huyện Chợ Mới", "14 xã, 14 xã có kết quả xếp hạng", "Xuất sắc: 9 · Tốt: 2 · Khá: 2 · Trung bình: 1",
                 "Thị trấn Đồng Tâm — hạng 1, chỉ số 100,00",
                 "Xã Yên Hân — hạng 14, chỉ số 49,00", "Lần 1"]:
        assert text in summary, text
    assert 'name="confirmed"' in page and "Công bố kết quả" in page
    assert 'name="reason"' not in page  # the first publication needs no reason
    # a POST without the confirmation shows the page again and publishes nothing
    assert login("chomoi.noivu").post(PUBLISH).status_code == 200
    assert not Publication.objects.exists()
    login("chomoi.noivu").post(PUBLISH, {"confirmed": "1"})
    page = login("chomoi.noivu").get(PUBLISH).content.decode()
    assert "Lần 2 — đính chính bản lần 1" in page and 'name="reason"' in page


def test_the_confirmation_page_says_why_it_cannot_publish_yet(hoa_muc_appraisal, login):
    page = login("chomoi.noivu").get(PUBLISH).content.decode()
    assert "Chưa công bố được: 14 xã chưa chốt kết quả thẩm định" in page
    assert 'name="confirmed"' not in page  # blocked: no button


def test_a_first_publication_follows_the_timeline_and_its_extension(chomoi_finalized, persona, world):
    district = chomoi_finalized
    due = world.district_publish_due
    with pytest.raises(DomainError, match="Đã quá hạn «UBND cấp huyện thẩm định, công bố Chỉ số cấp xã»"):
        services.publish_communes(district, actor=persona("chomoi.noivu"), at=due)
    assert not Publication.objects.exists()
    # Sở Nội vụ extends the district's deadline (audited): the same step is now allowed
    period_services.grant_extension(district, "district_publish", due + timedelta(days=5), "Chờ xã khiếu nại",
                                    actor=persona("snv.dieuphoi"))
    done = services.publish_communes(district, actor=persona("chomoi.noivu"), at=due + timedelta(days=1))
    assert done.version == 1
    entry = AuditEntry.objects.get(action="publication.published")
    assert (entry.object_type, entry.after) == ("publication.publication", {"scope": "district:065", "version": 1})
    # a correction after the deadline: allowed, with a reason, and the reason has a length limit
    with pytest.raises(DomainError, match="Lý do đính chính dài 1001 ký tự, tối đa 1000 ký tự"):
        services.publish_communes(district, actor=persona("chomoi.noivu"), reason="x" * 1001,
                                  at=due + timedelta(days=30))
    again = services.publish_communes(district, actor=persona("chomoi.noivu"), reason="Sửa tên xã",
                                      at=due + timedelta(days=30))
    assert again.version == 2


def test_a_closed_period_publishes_nothing(chomoi_finalized, persona, world):
    Period.objects.filter(pk=world.pk).update(status=Period.Status.CLOSED)
    district = chomoi_finalized
    district.period.refresh_from_db()
    with pytest.raises(DomainError, match="chưa mở hoặc đã kết thúc"):
        services.publish_communes(district, actor=persona("chomoi.noivu"))
    assert not Publication.objects.exists()


def test_everyone_finds_the_results_from_the_header(chomoi_finalized, persona, client, login):
    client.logout()
    page = client.get("/cong-bo/").content.decode()
    assert 'href="/cong-bo/"' in page.split('<header class="site">')[1].split("</header>")[0]
    assert 'id="nothing-published"' in page
    assert client.get("/cong-bo/2021/").status_code == 200
    services.publish_communes(chomoi_finalized, actor=persona("chomoi.noivu"))
    services.publish_communes(chomoi_finalized, actor=persona("chomoi.noivu"), reason="Đính chính")
    page = client.get("/cong-bo/").content.decode()
    assert 'href="/cong-bo/2021/"' in page and "1 bản công bố" in page
    year = client.get("/cong-bo/2021/").content.decode()
    row = year.split('id="district065"')[1].split("</tr>")[0]
    assert 'href="/cong-bo/2021/huyen/065/"' in row and "Lần 2, ngày 20/11/2026" in row
    assert 'href="/cong-bo/2021/huyen/065/?phien-ban=1"' in row
    assert "Huyện Na Rì" in year.split('id="waiting"')[1]  # not published yet, said so
    assert client.get("/cong-bo/1999/").status_code == 404


def test_public_pages_keep_technical_ids_in_a_details_line(chomoi_finalized, persona, client):
    services.publish_communes(chomoi_finalized, actor=persona("chomoi.noivu"))
    page = client.get(PUBLIC).content.decode()
    face, details = page.split('<details class="technical">')
    assert "SHA-256" not in face and "backan-2021-commune" not in face
    assert "SHA-256" in details and "backan-2021-commune" in details
    for part in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "UBND HUYỆN CHỢ MỚI",
                 "Số: ……/QĐ-UBND", "Bắc Kạn, ngày 20 tháng 11 năm 2026", "(Ký, ghi rõ họ tên, đóng dấu)"]:
        assert part in face, part


def test_a_commune_sees_its_published_result_on_its_home_page(chomoi_finalized, persona, login, unit_of):
    assert 'id="published-results"' not in login("hoamuc.canbo").get("/").content.decode()
    services.publish_communes(chomoi_finalized, actor=persona("chomoi.noivu"))
    result = services.published_result_of(unit_of("02098"))
    assert (result.total, result.index, result.class_label, result.rank, result.ranked) == \
        ("99.5", "99.50", "Xuất sắc", 3, 14)
    for username in ["hoamuc.canbo", "hoamuc.chutich"]:
        block = login(username).get("/").content.decode().split('id="published-results"')[1].split("</section>")[0]
        assert ("Đã công bố kết quả: Xã Hoà Mục đạt 99,5 điểm, chỉ số 99,50, xếp loại Xuất sắc, "
                "xếp hạng 3/14 trong huyện") in block, username
        assert 'href="/cong-bo/2021/huyen/065/"' in block
    assert 'id="published-results"' not in login("kimlu.canbo").get("/").content.decode()  # Na Rì: nothing yet
    assert services.published_result_of(unit_of("065")) is None  # a district: the province's publication


def test_the_commune_summary_links_each_districts_results(world, login):
    page = login("snv.dieuphoi").get("/ky/2021/tong-hop-xa/").content.decode()
    row = page.split('data-code="065"')[1].split("</tr>")[0]
    assert 'href="/ky/2021/huyen/065/ket-qua-xa/"' in row
    page = login("chomoi.noivu").get("/ky/2021/tong-hop-xa/").content.decode()
    assert page.count("/ket-qua-xa/") == 1  # their own district only


@pytest.mark.django_db(transaction=True)
def test_the_model_moved_without_losing_a_row(world, persona):
    """From the appraisal app's state (before the move) to now: the row, its table and its permission stay."""
    executor = MigrationExecutor(connection)
    executor.migrate([("appraisal", "0004_alter_explanationevidence_options"), ("publication", None)])
    old_apps = executor.loader.project_state(("appraisal", "0004_alter_explanationevidence_options")).apps
    OldPublication = old_apps.get_model("appraisal", "Publication")
    OldPublication.objects.create(period_id=world.pk, scope="district:065", version=1, published_at=clock.now(),
                                  published_by_id=persona("chomoi.noivu").pk, content={"units": []})
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert list(Publication.objects.values_list("scope", "version")) == [("district:065", 1)]
    assert Publication._meta.db_table == "appraisal_publication"


def test_the_generic_step_numbers_versions_and_asks_a_reason_for_corrections(world, persona):
    """``publish`` is what the province's publication will call (next issue) with its own scope."""
    actor = persona("snv.dieuphoi")
    first = services.publish(world, "province", {"units": []}, actor=actor)
    assert (first.version, first.reason) == (1, "")
    with pytest.raises(DomainError, match="Đính chính kết quả đã công bố phải ghi lý do"):
        services.publish(world, "province", {"units": []}, actor=actor, reason="  ")
    second = services.publish(world, "province", {"units": [1]}, actor=actor, reason="Sửa số liệu")
    assert second.version == 2 and services.latest(world, "province") == second
    assert services.latest(world, "district:065") is None
    assert AuditEntry.objects.filter(action="publication.published").count() == 2
    # the province's scope is not listed with the districts' (its page comes with its publication)
    assert services.publications_of(world) == [] and services.years_published() == [(2021, 1)]
