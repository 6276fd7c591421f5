"""Loading a period's unit list from CSV, and moving a unit through its work states."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from parindex.audit.services import record
from parindex.core.errors import DomainError

from .models import PeriodUnit, Unit, UnitKind, parent_kind
from .states import WorkState, can_move

ADMIN_HEADER = ["level", "parent", "name", "type", "gso_code", "parent_gso_code"]
DEPARTMENT_HEADER = ["code", "name", "short_name", "kind"]
LEVELS = {"province": UnitKind.PROVINCE, "district": UnitKind.DISTRICT, "commune": UnitKind.COMMUNE}


@dataclass
class _Row:
    line: int
    kind: str
    code: str
    key: str
    name: str
    short_name: str
    type_label: str
    parent_code: str | None
    predecessors: tuple[str, ...] = ()   # codes as written in the file's «predecessors» column


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


def _read(text: str) -> tuple[list[str] | None, list[tuple[int, list[str]]]]:
    """Header and rows with their file line numbers; '#' lines are comments (the source)."""
    header = None
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = next(csv.reader(io.StringIO(line)))
        if header is None:
            header = [c.strip() for c in cells]
        else:
            rows.append((number, [c.strip() for c in cells]))
    return header, rows


PREDECESSORS = "predecessors"  # optional last column: the codes of the units this one succeeds, ";"-separated


def _predecessors(cells: list[str], width: int) -> tuple[str, ...]:
    return tuple(c.strip() for c in cells[width].split(";") if c.strip()) if len(cells) > width else ()


def parse_units_csv(text: str) -> tuple[list[_Row], list[str]]:
    header, raw_rows = _read(text)
    errors: list[str] = []
    rows: list[_Row] = []
    extra = 1 if header and header[-1:] == [PREDECESSORS] else 0
    if header and extra:
        header = header[:-1]
    if header == ADMIN_HEADER:
        for line, cells in raw_rows:
            if len(cells) != len(ADMIN_HEADER) + extra:
                errors.append(f"dòng {line}: cần {len(ADMIN_HEADER) + extra} cột, có {len(cells)}")
                continue
            level, _parent_name, name, type_label, code, parent_code = cells[:len(ADMIN_HEADER)]
            if level not in LEVELS:
                errors.append(f"dòng {line}: cấp «{level}» không hợp lệ (cho phép: province, district, commune)")
                continue
            if not code.isdigit():
                errors.append(f"dòng {line}: mã GSO «{code}» phải là dãy chữ số")
                continue
            if not name:
                errors.append(f"dòng {line}: thiếu tên đơn vị")
                continue
            rows.append(_Row(line, LEVELS[level], code, f"gso:{code}", name, "", type_label, parent_code or None,
                             _predecessors(cells, len(ADMIN_HEADER))))
    elif header == DEPARTMENT_HEADER:
        for line, cells in raw_rows:
            if len(cells) != len(DEPARTMENT_HEADER) + extra:
                errors.append(f"dòng {line}: cần {len(DEPARTMENT_HEADER) + extra} cột, có {len(cells)}")
                continue
            code, name, short_name, kind = cells[:len(DEPARTMENT_HEADER)]
            if kind != "department":
                errors.append(f"dòng {line}: loại «{kind}» không hợp lệ (tệp sở, ban, ngành chỉ nhận department)")
                continue
            if not code or not code.replace("_", "").isalnum() or not code.isupper():
                errors.append(f"dòng {line}: mã «{code}» phải là chữ in hoa, không dấu, ví dụ STP")
                continue
            if not name:
                errors.append(f"dòng {line}: thiếu tên đơn vị")
                continue
            rows.append(_Row(line, UnitKind.DEPARTMENT, code, f"dept:{code}", name, short_name, "Sở, ban, ngành", None,
                             _predecessors(cells, len(DEPARTMENT_HEADER))))
    else:
        allowed = (f"«{','.join(ADMIN_HEADER)}» hoặc «{','.join(DEPARTMENT_HEADER)}» "
                   f"(có thể thêm cột cuối «{PREDECESSORS}»)")
        return [], [f"dòng tiêu đề không đúng: cần {allowed}"]
    seen: dict[str, int] = {}
    for row in rows:
        if row.code in seen:
            errors.append(f"dòng {row.line}: mã «{row.code}» trùng với dòng {seen[row.code]}")
        else:
            seen[row.code] = row.line
    if not rows and not errors:
        errors.append("tệp không có dòng dữ liệu nào")
    return rows, errors


def _line_of(message: str) -> int:
    head = message.split(":", 1)[0]
    return int(head[4:]) if head.startswith("dòng ") and head[4:].strip().isdigit() else 0


def _key(kind: str, code: str) -> str:
    return f"dept:{code}" if kind == UnitKind.DEPARTMENT else f"gso:{code}"


def _predecessor_problems(rows: list[_Row]) -> list[str]:
    """A unit may succeed units known from earlier periods, of its own kind (a merged commune, a merged department),
    each succeeded by one unit only, never itself."""
    named = {_key(row.kind, c) for row in rows for c in row.predecessors}
    known = dict(Unit.objects.filter(key__in=named).values_list("key", "kind")) if named else {}
    problems, taken = [], {}
    listed = {_key(row.kind, row.code) for row in rows}
    for row in rows:
        for code in row.predecessors:
            key = _key(row.kind, code)
            if code == row.code:
                problems.append(f"dòng {row.line}: đơn vị «{row.code}» không thể là đơn vị trước sáp nhập của chính nó")
            elif key not in known:
                problems.append(f"dòng {row.line}: đơn vị trước sáp nhập «{code}» không có trong các kỳ trước")
            elif known[key] != row.kind:
                problems.append(f"dòng {row.line}: đơn vị trước sáp nhập «{code}» là {UnitKind(known[key]).label}, "
                                f"cần {UnitKind(row.kind).label}")
            elif key in listed:
                problems.append(f"dòng {row.line}: đơn vị trước sáp nhập «{code}» vẫn có trong danh sách này")
            elif key in taken:
                problems.append(f"dòng {row.line}: đơn vị trước sáp nhập «{code}» đã ghi cho dòng {taken[key]}")
            else:
                taken[key] = row.line
    return problems


def load_units(period, text: str, *, actor=None, source: str = "") -> LoadResult:
    """Validate every row, then save all of them, or nothing (DomainError listing every error). The period's
    row is locked while the list is read and written: two loads of the same period run one after the other."""
    from parindex.core import locks
    from parindex.periods.models import Period

    with transaction.atomic():
        locks.lock_one(Period, pk=period.pk)
        return _load_units(period, text, actor=actor, source=source)


def _load_units(period, text: str, *, actor, source: str) -> LoadResult:
    from parindex.periods.services import decision_of

    rows, errors = parse_units_csv(text)
    decision = decision_of(period)
    existing = {pu.code: pu for pu in PeriodUnit.objects.filter(period=period).select_related("unit", "parent")}
    kinds = {code: pu.kind for code, pu in existing.items()}
    kinds.update({row.code: row.kind for row in rows})
    province_codes = [c for c, k in kinds.items() if k == UnitKind.PROVINCE]
    for row in rows:
        old = existing.get(row.code)
        if old is not None and old.kind != row.kind:
            errors.append(f"dòng {row.line}: mã «{row.code}» đã là {old.get_kind_display()} trong kỳ {period.year}")
        wanted = parent_kind(row.kind, decision.levels)
        if row.kind in (UnitKind.DISTRICT, UnitKind.COMMUNE, UnitKind.DEPARTMENT) and row.kind not in decision.levels:
            errors.append(f"dòng {row.line}: quyết định {decision.id} của kỳ {period.year} không có cấp "
                          f"«{UnitKind(row.kind).label}»")
        elif row.kind == UnitKind.DEPARTMENT:
            if len(province_codes) != 1:
                errors.append(f"dòng {row.line}: kỳ {period.year} chưa có (đúng một) đơn vị cấp tỉnh; "
                              "nạp danh sách đơn vị hành chính trước")
            else:
                row.parent_code = province_codes[0]
        elif wanted is None:
            if row.parent_code:
                errors.append(f"dòng {row.line}: đơn vị cấp tỉnh không có đơn vị cấp trên")
        elif not row.parent_code:
            errors.append(f"dòng {row.line}: thiếu mã đơn vị cấp trên (parent_gso_code)")
        elif row.parent_code not in kinds:
            errors.append(f"dòng {row.line}: không có đơn vị cấp trên mã «{row.parent_code}»")
        elif kinds[row.parent_code] != wanted:
            errors.append(f"dòng {row.line}: đơn vị cấp trên «{row.parent_code}» là "
                          f"{UnitKind(kinds[row.parent_code]).label}, cần {UnitKind(wanted).label}")
    errors.extend(_predecessor_problems(rows))
    if errors:
        errors.sort(key=_line_of)
        raise DomainError(f"Tệp đơn vị có {len(errors)} lỗi, chưa lưu gì", errors=errors)
    created = updated = unchanged = 0
    order = {UnitKind.PROVINCE: 0, UnitKind.DEPARTMENT: 1, UnitKind.DISTRICT: 1, UnitKind.COMMUNE: 2}
    with transaction.atomic():
        by_code = dict(existing)
        for row in sorted(rows, key=lambda r: order[r.kind]):
            unit, _ = Unit.objects.get_or_create(key=row.key, defaults={"kind": row.kind})
            parent = by_code.get(row.parent_code) if row.parent_code else None
            values = {"unit": unit, "kind": row.kind, "name": row.name, "short_name": row.short_name,
                      "type_label": row.type_label, "parent": parent,
                      "predecessors": [_key(row.kind, c) for c in row.predecessors]}
            pu = by_code.get(row.code)
            if pu is None:
                pu = PeriodUnit.objects.create(period=period, code=row.code, **values)
                created += 1
            elif any(getattr(pu, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(pu, k, v)
                pu.save()
                updated += 1
            else:
                unchanged += 1
            by_code[row.code] = pu
        if created or updated:
            record("units.loaded", period, actor=actor, reason=source,
                   after={"created": created, "updated": updated, "unchanged": unchanged})
    return LoadResult(created, updated, unchanged)


def change_state(unit: PeriodUnit, target: str, *, actor=None, reason: str = "", request=None) -> PeriodUnit:
    """Move a unit to another work state; only the transitions of ``states.TRANSITIONS``."""
    if target not in WorkState.values:
        raise DomainError(f"Trạng thái «{target}» không tồn tại")
    if not can_move(unit.state, target):
        raise DomainError(f"{unit.name}: không chuyển được từ «{WorkState(unit.state).label}» "
                          f"sang «{WorkState(target).label}»")
    before = unit.state
    with transaction.atomic():
        unit.state = target
        unit.state_changed_at = timezone.now()
        unit.save(update_fields=["state", "state_changed_at"])
        record("unit.state_changed", unit, actor=actor, request=request, before={"state": before},
               after={"state": target}, reason=reason)
    return unit
