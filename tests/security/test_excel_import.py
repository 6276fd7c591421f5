"""Excel import of handcrafted bad files: malformed or truncated XML, entity declarations (billion
laughs), external entities (XXE), zip bombs, too many members, too slow. Each answers a clear error,
never 500, and saves nothing (docs/security.md, "Excel import")."""

import io
import os
import zipfile

import openpyxl.xml
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.assessments import excel, importing
from parindex.assessments.models import ItemScore
from parindex.audit.models import AuditEntry
from parindex.core.errors import DomainError

URL = "/ky/2021/don-vi/02098/tu-danh-gia/excel/nhap/"
SHEET_XML = "xl/worksheets/sheet1.xml"
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
          + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
          '<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
XXE = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
       '<c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>')


@pytest.fixture
def hoa_muc(assessment_of):
    return assessment_of("02098")


def rebuilt(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None,
            compression=zipfile.ZIP_DEFLATED) -> bytes:
    """The exported workbook with some members replaced or added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, content in add.items():
            dst.writestr(name, content)
    return out.getvalue()


def sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(SHEET_XML)


def bad_files(template: bytes) -> dict[str, tuple[bytes, str]]:
    sheet = sheet_xml(template)
    return {
        "truncated-xml": (rebuilt(template, {SHEET_XML: sheet[: len(sheet) // 2]}), excel.BROKEN),
        "truncated-zip": (template[: len(template) - 200], excel.BROKEN),
        "billion-laughs": (rebuilt(template, {SHEET_XML: LAUGHS.encode()}), excel.BROKEN),
        "xxe": (rebuilt(template, {SHEET_XML: XXE.encode()}), excel.BROKEN),
        "entities-in-workbook": (rebuilt(template, {"xl/workbook.xml": LAUGHS.encode()}), excel.BROKEN),
        "zip-bomb": (rebuilt(template, add={"xl/media/pad.bin": b"\0" * (3 * 1024 * 1024)}), "nén"),
        "many-members": (rebuilt(template, add={f"xl/extra/{n}.xml": b"<a/>" for n in range(excel.MAX_MEMBERS)}),
                         "thành phần"),
    }


def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.xml.DEFUSEDXML


def test_every_bad_file_answers_a_clear_error_and_saves_nothing(hoa_muc, persona):
    template = excel.export(hoa_muc)
    for name, (data, message) in bad_files(template).items():
        with pytest.raises(DomainError) as info:
            importing.import_scores(hoa_muc, data, actor=persona("hoamuc.canbo"))
        assert message in info.value.message, (name, info.value.message)
    assert not ItemScore.objects.filter(assessment=hoa_muc).exists()
    assert not AuditEntry.objects.filter(action="assessment.imported").exists()


def test_through_the_page_no_bad_file_gives_500(hoa_muc, login):
    client = login("hoamuc.canbo")
    for name, (data, message) in bad_files(excel.export(hoa_muc)).items():
        response = client.post(URL, {"f-file": SimpleUploadedFile(f"{name}.xlsx", data)}, follow=True)
        assert response.status_code == 200, name  # the job's page, the job failed with the message
        assert message in response.content.decode(), name
    assert not ItemScore.objects.filter(assessment=hoa_muc).exists()


def test_the_unzipped_size_is_capped_at_a_few_times_the_units_template(hoa_muc, persona):
    template = excel.export(hoa_muc)
    limit = excel.max_unzipped(hoa_muc)
    assert excel.TEMPLATE_FACTOR * excel.unzipped_size(template) < limit < 20 * 1024 * 1024
    padding = os.urandom(limit)  # random bytes do not compress: not a zip bomb, simply too big
    data = rebuilt(template, add={"xl/media/pad.bin": padding})
    with pytest.raises(DomainError) as info:
        importing.import_scores(hoa_muc, data, actor=persona("hoamuc.canbo"))
    assert info.value.message.startswith("Tệp Excel giải nén ra ")
    assert f"tối đa {limit / 1048576:.1f} MB" in info.value.message


def test_reading_stops_after_the_time_limit(hoa_muc, persona, monkeypatch):
    monkeypatch.setattr(excel, "PARSE_SECONDS", -1)
    with pytest.raises(DomainError) as info:
        importing.import_scores(hoa_muc, excel.export(hoa_muc), actor=persona("hoamuc.canbo"))
    assert info.value.message.startswith("Đọc tệp Excel quá -1 giây")
    assert not ItemScore.objects.filter(assessment=hoa_muc).exists()


def test_the_template_itself_still_imports(hoa_muc, persona):
    assert importing.import_scores(hoa_muc, excel.export(hoa_muc), actor=persona("hoamuc.canbo")) == 0
