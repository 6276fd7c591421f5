"""Loading a period's unit list (`manage.py load_units FILE.csv --period YEAR`)."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from parindex.audit.models import AuditEntry
from parindex.periods.models import Period
from parindex.periods.timeline import default_timeline
from parindex.units.models import PeriodUnit, Unit, UnitKind

FIXTURES = Path(__file__).resolve().parents[2] / "parindex" / "units" / "fixtures"
BROKEN = Path(__file__).parent / "fixtures" / "units"


@pytest.fixture
def empty_period(db):
    return Period.objects.create(year=2021, **default_timeline(2021))


def load(path, year=2021):
    from io import StringIO
    out = StringIO()
    call_command("load_units", str(path), "--period", str(year), stdout=out)
    return out.getvalue()


def test_bac_kan_2021_loads_135_assessed_units(empty_period):
    assert "thêm 117" in load(FIXTURES / "backan-2021-units.csv")
    assert "thêm 19" in load(FIXTURES / "backan-2021-departments.csv")
    units = PeriodUnit.objects.filter(period=empty_period)
    counts = {kind: units.filter(kind=kind).count() for kind in UnitKind.values}
    assert counts == {"province": 1, "department": 19, "district": 8, "commune": 108}
    hoa_muc = units.get(code="02098")
    assert (hoa_muc.name, hoa_muc.type_label, hoa_muc.parent.name) == ("Xã Hoà Mục", "Xã", "Huyện Chợ Mới")
    assert units.get(code="STP").parent.kind == UnitKind.PROVINCE
    assert units.get(code="065").children.count() == 14


def test_loading_twice_changes_nothing(empty_period):
    load(FIXTURES / "backan-2021-units.csv")
    entries = AuditEntry.objects.count()
    assert "thêm 0, cập nhật 0, không đổi 117" in load(FIXTURES / "backan-2021-units.csv")
    assert PeriodUnit.objects.count() == 117
    assert AuditEntry.objects.count() == entries


def test_an_unchanged_unit_keeps_its_identity_across_years(empty_period, tmp_path):
    load(FIXTURES / "backan-2021-units.csv")
    Period.objects.create(year=2022, **default_timeline(2022))
    renamed = (FIXTURES / "backan-2021-units.csv").read_text().replace("Xã Hoà Mục", "Xã Hòa Mục")
    (tmp_path / "2022.csv").write_text(renamed)
    load(tmp_path / "2022.csv", year=2022)
    v2021 = PeriodUnit.objects.get(period__year=2021, code="02098")
    v2022 = PeriodUnit.objects.get(period__year=2022, code="02098")
    assert v2021.unit_id == v2022.unit_id
    assert (v2021.name, v2022.name) == ("Xã Hoà Mục", "Xã Hòa Mục")
    assert Unit.objects.count() == 117


@pytest.mark.parametrize(("name", "errors"), [
    ("unknown_parent", ["dòng 6: không có đơn vị cấp trên mã «099»"]),
    ("duplicate_code", ["dòng 6: mã «02098» trùng với dòng 5"]),
    ("wrong_kind", ["dòng 4: cấp «village» không hợp lệ (cho phép: province, district, commune)",
                    "dòng 6: đơn vị cấp trên «06» là Tỉnh, cần UBND cấp huyện"]),
    ("wrong_department_kind", ["dòng 3: kỳ 2021 chưa có (đúng một) đơn vị cấp tỉnh; nạp danh sách đơn vị "
                               "hành chính trước",
                               "dòng 4: loại «district» không hợp lệ (tệp sở, ban, ngành chỉ nhận department)",
                               "dòng 5: mã «stc» phải là chữ in hoa, không dấu, ví dụ STP"]),
    ("bad_header", ["dòng tiêu đề không đúng: cần «level,parent,name,type,gso_code,parent_gso_code» "
                    "hoặc «code,name,short_name,kind»"]),
])
def test_a_broken_file_lists_every_error_with_its_line_and_saves_nothing(empty_period, name, errors):
    path = BROKEN / f"{name}.csv"
    with pytest.raises(CommandError) as info:
        load(path)
    lines = str(info.value).splitlines()
    assert lines[0] == f"{path}: Tệp đơn vị có {len(errors)} lỗi, chưa lưu gì"
    assert lines[1:] == [f"{path}: {e}" for e in errors]
    assert PeriodUnit.objects.count() == 0
    assert Unit.objects.count() == 0


def test_departments_need_the_province_first(empty_period):
    with pytest.raises(CommandError, match="chưa có \\(đúng một\\) đơn vị cấp tỉnh"):
        load(FIXTURES / "backan-2021-departments.csv")
    assert PeriodUnit.objects.count() == 0


def test_unknown_period_and_missing_file_are_clear_errors(empty_period, tmp_path):
    with pytest.raises(CommandError, match="Chưa có kỳ đánh giá năm 1999"):
        load(FIXTURES / "backan-2021-units.csv", year=1999)
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        load(tmp_path / "khong-co.csv")


def test_a_code_cannot_change_kind_within_a_period(empty_period, tmp_path):
    load(FIXTURES / "backan-2021-units.csv")
    text = "level,parent,name,type,gso_code,parent_gso_code\ncommune,Huyện Chợ Mới,Xã Lạ,Xã,065,065\n"
    (tmp_path / "x.csv").write_text(text)
    with pytest.raises(CommandError, match="dòng 2: mã «065» đã là UBND cấp huyện trong kỳ 2021"):
        load(tmp_path / "x.csv")
    assert PeriodUnit.objects.get(code="065").kind == UnitKind.DISTRICT
