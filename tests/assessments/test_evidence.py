"""Evidence (tài liệu kiểm chứng): uploads checked by content, a library per unit, references, links."""

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.assessments import services
from parindex.assessments.models import Evidence, ItemEvidence
from parindex.core.errors import DomainError

from .files import exe_bytes, pdf_bytes, png_bytes

URL = "/ky/2021/don-vi/02098/tu-danh-gia/"


@pytest.fixture
def hoa_muc(assessment_of):
    return assessment_of("02098")


def upload(assessment, name, data, persona, username="hoamuc.canbo"):
    return services.upload_evidence(assessment, SimpleUploadedFile(name, data), actor=persona(username))


def test_a_real_pdf_is_stored_under_its_hash_with_its_name(hoa_muc, persona):
    data = pdf_bytes()
    evidence = upload(hoa_muc, "Báo cáo CCHC 2021.pdf", data, persona)
    sha = hashlib.sha256(data).hexdigest()
    assert (evidence.original_name, evidence.sha256, evidence.size) == ("Báo cáo CCHC 2021.pdf", sha, len(data))
    assert evidence.file.name == f"evidence/{sha[:2]}/{sha}.pdf"
    assert default_storage.open(evidence.file.name).read() == data
    assert evidence.content_type == "application/pdf"


def test_the_same_file_uploaded_twice_is_one_library_entry(hoa_muc, persona):
    data = png_bytes()
    first = upload(hoa_muc, "anh.png", data, persona)
    second = upload(hoa_muc, "anh-chup.png", data, persona)
    assert first.pk == second.pk
    assert Evidence.objects.filter(assessment=hoa_muc).count() == 1


def test_the_same_file_uploaded_by_two_requests_at_once_is_one_library_entry(hoa_muc, persona, monkeypatch):
    """The other request stores the file and creates the row between this one's look-up and its insert:
    no 500, this request answers with the other's library entry."""
    data = png_bytes()
    other = upload(hoa_muc, "cua-nguoi-khac.png", data, persona)
    real_filter = type(hoa_muc.evidence).filter
    looked_up = []

    def first_look_finds_nothing(manager, *args, **kwargs):  # this request looked before the other's commit
        found = real_filter(manager, *args, **kwargs)
        if kwargs.get("sha256") and not looked_up:
            looked_up.append(True)
            return found.none()
        return found

    monkeypatch.setattr(type(hoa_muc.evidence), "filter", first_look_finds_nothing)
    evidence = upload(hoa_muc, "anh.png", data, persona)
    assert looked_up and evidence.pk == other.pk and evidence.original_name == "cua-nguoi-khac.png"
    assert Evidence.objects.filter(assessment=hoa_muc).count() == 1
    assert default_storage.exists(evidence.file.name)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("bao-cao.pdf", exe_bytes(), "Tệp «bao-cao.pdf» không được chấp nhận (nội dung là "
                                 "application/x-msdownload); chỉ nhận PDF, DOC/DOCX, XLS/XLSX, ODT/ODS, JPG/PNG"),
    ("trong.pdf", b"", "Tệp «trong.pdf» rỗng (0 byte)"),
    ("anh.pdf", png_bytes(), "Tệp «anh.pdf» có đuôi «.pdf» nhưng nội dung là PNG; hãy đặt đúng đuôi .png"),
    ("ghi-chu.txt", b"just text", "Tệp «ghi-chu.txt» không được chấp nhận (không nhận ra loại nội dung)"),
])
def test_bad_files_are_refused_with_a_clear_message_and_nothing_is_stored(hoa_muc, persona, name, data, message):
    with pytest.raises(DomainError) as info:
        upload(hoa_muc, name, data, persona)
    assert message in info.value.message
    assert not Evidence.objects.exists()


def test_an_oversized_file_is_refused(hoa_muc, persona, settings):
    settings.EVIDENCE_MAX_MB = 1
    data = pdf_bytes() + b"\n%" + b"x" * (1024 * 1024)
    with pytest.raises(DomainError, match=r"Tệp «lon.pdf» nặng 1\.\d MB, vượt giới hạn 1 MB"):
        upload(hoa_muc, "lon.pdf", data, persona)
    assert not Evidence.objects.exists()


def test_upload_through_the_page_reports_errors_in_vietnamese(hoa_muc, login):
    client = login("hoamuc.canbo")
    response = client.post(URL + "tai-lieu/", {"kind": "file", "f-file": SimpleUploadedFile("virus.pdf", exe_bytes())},
                           follow=True)
    assert "không được chấp nhận" in response.content.decode()
    response = client.post(URL + "tai-lieu/", {"kind": "file", "f-file": SimpleUploadedFile("bc.pdf", pdf_bytes())},
                           follow=True)
    assert "Đã thêm tệp «bc.pdf» vào thư viện" in response.content.decode()
    assert Evidence.objects.filter(assessment=hoa_muc).count() == 1


def test_downloads_only_for_people_who_may_see_the_unit(hoa_muc, persona, login):
    evidence = upload(hoa_muc, "Kế hoạch.pdf", pdf_bytes(), persona)
    url = f"{URL}tai-lieu/{evidence.pk}/"
    for username in ("hoamuc.canbo", "hoamuc.chutich", "chomoi.noivu", "snv.dieuphoi", "chomoi.thamdinh"):
        response = login(username).get(url)
        assert response.status_code == 200, username
        assert "Kế hoạch.pdf" in response["Content-Disposition"] or "K%E1%BA%BF" in response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    for username in ("kimlu.canbo", "nari.noivu", "stp.canbo", "stc.thamdinh"):
        assert login(username).get(url).status_code == 404, username
    inline = login("hoamuc.canbo").get(url + "?xem=1")
    assert inline["Content-Disposition"].startswith("inline")


def test_a_document_reference_needs_its_number_issuer_and_summary(hoa_muc, persona):
    with pytest.raises(DomainError, match="Văn bản kiểm chứng thiếu: số hiệu, trích yếu"):
        services.add_document(hoa_muc, number="", issued_on=None, issuer="UBND xã Hoà Mục", summary="",
                              actor=persona("hoamuc.canbo"))
    assert not Evidence.objects.exists()


def test_one_document_backs_many_items_each_with_its_exact_place(hoa_muc, persona, login):
    officer = persona("hoamuc.canbo")
    import datetime
    plan = services.add_document(hoa_muc, number="12/KH-UBND", issued_on=datetime.date(2020, 12, 28),
                                 issuer="UBND xã Hoà Mục", summary="Kế hoạch CCHC năm 2021", actor=officer)
    services.save_item(hoa_muc, "a.1.1", "1", "", actor=officer, version=None)
    services.link_evidence(hoa_muc, "a.1.1", plan, "Mục I, trang 1", actor=officer)
    services.link_evidence(hoa_muc, "a.1.2", plan, "Mục II, điểm 2, trang 3", actor=officer)
    views = services.item_views(hoa_muc)
    assert [link.location for link in views["a.1.1"].links] == ["Mục I, trang 1"]
    assert not views["a.1.1"].missing_support
    html = login("hoamuc.canbo").get(URL).content.decode()
    assert "12/KH-UBND ngày 28/12/2020 của UBND xã Hoà Mục: Kế hoạch CCHC năm 2021" in html
    assert "<em>Mục II, điểm 2, trang 3</em>" in html
    link = ItemEvidence.objects.get(score__item_code="a.1.1")
    services.unlink_evidence(link, actor=officer)
    assert services.item_views(hoa_muc)["a.1.1"].missing_support


def test_evidence_of_another_unit_cannot_be_linked(hoa_muc, assessment_of, persona):
    other = assessment_of("02158")
    foreign = services.add_document(other, number="1/KH", issued_on=None, issuer="UBND xã Kim Lư", summary="KH",
                                    actor=persona("kimlu.canbo"))
    with pytest.raises(DomainError, match="không thuộc thư viện"):
        services.link_evidence(hoa_muc, "a.1.1", foreign, "", actor=persona("hoamuc.canbo"))
    assert not ItemEvidence.objects.exists()


def test_linking_by_url_with_another_units_evidence_id_is_refused(hoa_muc, assessment_of, persona, login):
    other = assessment_of("02158")
    foreign = services.add_document(other, number="1/KH", issued_on=None, issuer="UBND xã Kim Lư", summary="KH",
                                    actor=persona("kimlu.canbo"))
    response = login("hoamuc.canbo").post(URL + "muc/a.1.1/tai-lieu/", {"evidence": str(foreign.pk)}, follow=True)
    assert "chưa chọn tài liệu trong thư viện của đơn vị" in response.content.decode()
    assert not ItemEvidence.objects.exists()


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "C:\\Users\\bao-cao.pdf", "a/b.pdf", "x\x00.pdf"])
def test_a_path_in_a_file_name_is_refused_by_the_check(name):
    from parindex.assessments.files import check_name
    with pytest.raises(DomainError, match="không được chứa đường dẫn hoặc ký tự điều khiển"):
        check_name(name)


def test_a_path_sent_in_the_upload_never_leaves_the_storage(hoa_muc, login, tmp_path):
    """Django keeps only the base name of a multipart file name; the file is stored under its hash."""
    data = pdf_bytes()
    boundary = "BoUnDaRy"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nfile\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"f-file\"; filename=\"../../../tmp/evil.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    client = login("hoamuc.canbo")
    response = client.generic("POST", URL + "tai-lieu/", body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 302
    evidence = Evidence.objects.get(assessment=hoa_muc)
    assert evidence.original_name == "evil.pdf"
    assert evidence.file.name.startswith("evidence/")
    assert not (tmp_path.parent / "evil.pdf").exists()


# -- III.2.1: «tài liệu kiểm chứng phải chỉ cụ thể nội dung tại mục, điểm, khoản nào» ----------------

@pytest.mark.parametrize("location", ["", "   "])
def test_iii_2_1_a_link_without_its_location_is_refused_and_nothing_is_linked(hoa_muc, persona, login, location):
    officer = persona("hoamuc.canbo")
    plan = services.add_document(hoa_muc, number="12/KH-UBND", issued_on=None, issuer="UBND xã Hoà Mục",
                                 summary="Kế hoạch CCHC năm 2021", actor=officer)
    message = ("Tiêu chí a.1.1: hãy ghi vị trí nội dung kiểm chứng trong «12/KH-UBND của UBND xã Hoà Mục: Kế hoạch "
               "CCHC năm 2021» (mục, điểm, khoản hoặc trang); tài liệu kiểm chứng phải chỉ cụ thể nội dung tại mục, "
               "điểm, khoản nào (mục III.2.1)")
    with pytest.raises(DomainError) as refused:
        services.link_evidence(hoa_muc, "a.1.1", plan, location, actor=officer)
    assert refused.value.message == message
    response = login("hoamuc.canbo").post(URL + "muc/a.1.1/tai-lieu/", {"evidence": plan.pk, "location": location},
                                          HTTP_ACCEPT="application/json")
    assert (response.status_code, response.json()["error"]) == (400, message)
    assert not ItemEvidence.objects.exists()


def test_iii_2_1_a_link_kept_from_before_without_location_blocks_sending_and_is_named(hoa_muc, fill, persona,
                                                                                       login):
    officer = persona("hoamuc.canbo")
    fill(hoa_muc, "hoamuc.canbo")
    plan = services.add_document(hoa_muc, number="12/KH-UBND", issued_on=None, issuer="UBND xã Hoà Mục",
                                 summary="Kế hoạch CCHC năm 2021", actor=officer)
    link = services.link_evidence(hoa_muc, "c.3.1", plan, "Mục II", actor=officer)
    ItemEvidence.objects.filter(pk=link.pk).update(location="")  # as linked before the rule was enforced
    assert "chưa ghi vị trí (mục, điểm, khoản) — bắt buộc theo mục III.2.1" in login("hoamuc.canbo").get(URL) \
        .content.decode()
    with pytest.raises(DomainError) as refused:
        services.send_for_approval(hoa_muc, actor=officer)
    assert refused.value.errors[1:3] == [
        "1 tiêu chí có tài liệu kiểm chứng chưa ghi vị trí nội dung (mục, điểm, khoản — mục III.2.1):",
        f"c.3.1 {services.criteria_of(hoa_muc).items_by_code['c.3.1'].title}"]
    assert services.get_or_create(hoa_muc.period_unit).status == "draft"
