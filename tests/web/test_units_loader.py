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
                    "hoặc «code,name,short_name,kind» (có thể thêm cột cuối «predecessors»)"]),
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


# -- units that succeed merged ones (issue 12 §1) -------------------------------------------------------------

DEPARTMENTS_2021 = (FIXTURES / "backan-2021-departments.csv").read_text(encoding="utf-8")


def _departments_2022(tmp_path, edit) -> Path:
    """The 2021 department list with a «predecessors» column, changed by ``edit`` (lines → lines)."""
    lines = [line for line in DEPARTMENTS_2021.splitlines() if line and not line.startswith("#")]
    lines = [lines[0] + ",predecessors"] + [line + "," for line in lines[1:]]
    path = tmp_path / "2022.csv"
    path.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")
    return path


def _merge(lines, into: str, merged: str, *more: str):
    out = []
    for line in lines:
        if line.startswith(f"{merged},") or any(line.startswith(f"{m},") for m in more):
            continue
        out.append(line + ";".join((merged, *more)) if line.startswith(f"{into},") else line)
    return out


def test_a_unit_may_name_the_units_it_succeeds(empty_period, tmp_path):
    load(FIXTURES / "backan-2021-units.csv")
    load(FIXTURES / "backan-2021-departments.csv")
    period = Period.objects.create(year=2022, **default_timeline(2022))
    load(FIXTURES / "backan-2021-units.csv", year=2022)
    # 2025's reform, as a test: Sở Khoa học và Công nghệ takes in Sở Thông tin và Truyền thông, Sở Tài chính
    # takes in Sở Kế hoạch và Đầu tư
    path = _departments_2022(tmp_path, lambda ls: _merge(_merge(ls, "SKHCN", "STTTT"), "STC", "SKHDT"))
    assert "thêm 17" in load(path, year=2022)
    units = PeriodUnit.objects.filter(period=period)
    assert units.get(code="SKHCN").predecessors == ["dept:STTTT"]
    assert units.get(code="STC").predecessors == ["dept:SKHDT"]
    assert units.get(code="STP").predecessors == []
    assert not units.filter(code__in=["STTTT", "SKHDT"]).exists()


@pytest.mark.parametrize(("edit", "message"), [
    (lambda ls: _merge(ls, "SKHCN", "SXYZ"), "đơn vị trước sáp nhập «SXYZ» không có trong các kỳ trước"),
    (lambda ls: [line.replace("SKHCN,Sở Khoa học và Công nghệ,Khoa học và Công nghệ,department,",
                              "SKHCN,Sở Khoa học và Công nghệ,Khoa học và Công nghệ,department,SKHCN") for line in ls],
     "đơn vị «SKHCN» không thể là đơn vị trước sáp nhập của chính nó"),
    (lambda ls: [line.replace("SKHCN,Sở Khoa học và Công nghệ,Khoa học và Công nghệ,department,",
                              "SKHCN,Sở Khoa học và Công nghệ,Khoa học và Công nghệ,department,STP") for line in ls],
     "đơn vị trước sáp nhập «STP» vẫn có trong danh sách này"),
    (lambda ls: _merge(_merge(ls, "SKHCN", "STTTT"), "STC", "SKHDT", "STTTT"),
     "đơn vị trước sáp nhập «STTTT» đã ghi cho dòng"),
])
def test_a_wrong_predecessor_is_refused_naming_its_line_and_nothing_is_loaded(empty_period, tmp_path, edit, message):
    load(FIXTURES / "backan-2021-units.csv")
    load(FIXTURES / "backan-2021-departments.csv")
    Period.objects.create(year=2022, **default_timeline(2022))
    load(FIXTURES / "backan-2021-units.csv", year=2022)
    with pytest.raises(CommandError) as refused:
        load(_departments_2022(tmp_path, edit), year=2022)
    assert message in str(refused.value)
    assert not PeriodUnit.objects.filter(period__year=2022, kind=UnitKind.DEPARTMENT).exists()


def test_a_commune_cannot_succeed_a_district(empty_period, tmp_path):
    load(FIXTURES / "backan-2021-units.csv")
    Period.objects.create(year=2022, **default_timeline(2022))
    text = (FIXTURES / "backan-2021-units.csv").read_text(encoding="utf-8").splitlines()
    text = [line for line in text if line and not line.startswith("#")]
    text = [text[0] + ",predecessors"] + [line + ("," + "066" if ",02098," in line else ",") for line in text[1:]]
    (tmp_path / "u.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        load(tmp_path / "u.csv", year=2022)
    assert "đơn vị trước sáp nhập «066» là UBND cấp huyện, cần UBND cấp xã" in str(refused.value)
