"""The numbers of the public results site, computed only from published content (pure: no Django, no database).

Every input is a province publication's ``content`` (docs/results.md) or one of its groups; points are the
Decimal strings it holds, read back with ``Decimal`` and never through float.

- ``compare``: a unit's points per field (or criterion) against the group's average and best. The average is
  over the units with a score, rounded half-up to 2 decimals (``rulebook.numbers.round_index``, the one
  2-decimal rounding); the best is the highest points of a unit of the group.
- ``heat``: each unit's field points as a share of the field's maximum, in one of 5 bands (``BANDS``).
- ``distribution``: the number of units per class, then the units not classified and not assessed.
- ``history`` / ``summary``: a unit's index, class and rank over the published years (matched by its code),
  with the change from the previous year in which it had a result.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from parindex.rulebook.numbers import round_index

# A share of a field's maximum falls in band 0 below 50 %, 1 from 50 %, 2 from 70 %, 3 from 80 %, 4 from 90 %
# (the same steps as the classes: Khá from 50, Tốt from 80, Xuất sắc from 90, with 70 splitting Khá).
BANDS = (Decimal("0.5"), Decimal("0.7"), Decimal("0.8"), Decimal("0.9"))
NOT_CLASSIFIED = "khong_xep_loai"
NOT_ASSESSED = "khong_danh_gia"


def _dec(raw) -> Decimal | None:
    return Decimal(str(raw)) if raw is not None and raw != "" else None


def scored(group: dict) -> list[dict]:
    """The units of a group that have a score (not the units not assessed, nor those that blocked)."""
    return [u for u in group.get("units", []) if u.get("total") is not None]


def ranked_count(group: dict) -> int:
    return sum(1 for u in group.get("units", []) if u.get("rank") is not None)


def average(values: list[Decimal]) -> Decimal | None:
    """The mean, rounded half-up to 2 decimals; None for no values."""
    return round_index(sum(values, Decimal(0)) / len(values)) if values else None


def find_unit(content: dict, code: str) -> tuple[str, dict, dict] | None:
    """(group kind, group, unit row) of the unit with this code in a province publication, or None."""
    for kind, group in (content.get("groups") or {}).items():
        for unit in group.get("units", []):
            if unit.get("code") == code:
                return kind, group, unit
    return None


@dataclass(frozen=True)
class Compared:
    """One field or criterion of a unit against its group."""

    code: str
    title: str
    max: Decimal
    points: Decimal | None
    average: Decimal | None
    best: Decimal | None


def compare(group: dict, unit: dict, what: str = "fields") -> list[Compared]:
    """``what`` is "fields" or "criteria": each with the unit's points, the group's average and best."""
    others = scored(group)
    out = []
    for item in group.get(what, []):
        code = item["code"]
        values = [v for v in (_dec(u.get(what, {}).get(code)) for u in others) if v is not None]
        out.append(Compared(code, item.get("title", ""), Decimal(item["max"]), _dec(unit.get(what, {}).get(code)),
                            average(values), max(values) if values else None))
    return out


def band(points: Decimal | None, maximum: Decimal) -> int | None:
    """0 (below 50 % of the maximum) … 4 (90 % or more); None without points or without a maximum."""
    if points is None or maximum <= 0:
        return None
    share = points / maximum
    return sum(1 for step in BANDS if share >= step)


def percent(points: Decimal | None, maximum: Decimal) -> Decimal | None:
    """The share of the maximum in whole per cent, rounded half-up."""
    if points is None or maximum <= 0:
        return None
    return (points * 100 / maximum).quantize(Decimal(1), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class HeatCell:
    points: Decimal | None
    max: Decimal
    band: int | None
    percent: Decimal | None


def heat(group: dict) -> list[tuple[dict, list[HeatCell]]]:
    """Every scored unit of the group (in the published order) with one cell per field."""
    fields = [(f["code"], Decimal(f["max"])) for f in group.get("fields", [])]
    rows = []
    for unit in scored(group):
        cells = []
        for code, maximum in fields:
            points = _dec(unit.get("fields", {}).get(code))
            cells.append(HeatCell(points, maximum, band(points, maximum), percent(points, maximum)))
        rows.append((unit, cells))
    return rows


@dataclass(frozen=True)
class ClassCount:
    code: str
    label: str
    count: int
    bar: int = 0   # the bar's length in the chart, 0 … BAR_WIDTH, proportional to the largest count


BAR_WIDTH = 200


def distribution(group: dict, classes: list[tuple[str, str]],
                 extra_labels: tuple[str, str] = ("Không xếp loại", "Không đánh giá năm nay")) -> list[ClassCount]:
    """Units per class (``classes``: (code, label), best first), then the units not classified (with a score
    or blocked) and those not assessed, the last two only when there are any."""
    counts = {code: 0 for code, _label in classes}
    not_classified = not_assessed = 0
    for unit in group.get("units", []):
        if unit.get("not_assessed") is not None:
            not_assessed += 1
        elif unit.get("class") in counts:
            counts[unit["class"]] += 1
        else:
            not_classified += 1
    rows = [(code, label, counts[code]) for code, label in classes]
    if not_classified:
        rows.append((NOT_CLASSIFIED, extra_labels[0], not_classified))
    if not_assessed:
        rows.append((NOT_ASSESSED, extra_labels[1], not_assessed))
    top = max((n for _c, _l, n in rows), default=0)
    return [ClassCount(code, label, n, (n * BAR_WIDTH // top) if top else 0) for code, label, n in rows]


@dataclass(frozen=True)
class YearLine:
    """A unit in one published year, with the change from the previous year in which it had a result."""

    year: int
    version: int
    name: str
    index: Decimal | None
    class_label: str
    rank: int | None
    of: int
    index_change: Decimal | None = None
    rank_change: int | None = None      # positive: up that many places
    district: str = ""                  # published by this district (a commune of a three-level period)

    @property
    def places_moved(self) -> int | None:
        return abs(self.rank_change) if self.rank_change is not None else None


def history(entries: list[tuple[int, int, dict]], kind: str, code: str) -> list[YearLine]:
    """The unit (its group ``kind`` and its code) in every entry (year, version, content), oldest first."""
    lines: list[YearLine] = []
    previous: YearLine | None = None
    for year, version, content in sorted(entries, key=lambda e: e[0]):
        group = (content.get("groups") or {}).get(kind)
        unit = next((u for u in (group or {}).get("units", []) if u.get("code") == code), None)
        if unit is None:
            continue
        index = _dec(unit.get("index"))
        line = YearLine(year, version, unit.get("name", ""), index, unit.get("class_label", ""), unit.get("rank"),
                        ranked_count(group))
        if previous is not None:
            line = replace(line, index_change=index - previous.index if index is not None else None,
                           rank_change=previous.rank - line.rank
                           if line.rank is not None and previous.rank is not None else None)
        if index is not None:
            previous = line
        lines.append(line)
    return lines


def district_history(entries: list[tuple[int, int, dict]], code: str) -> list[YearLine]:
    """A commune in the district publications (year, version, content: one per district and year, the newest),
    oldest first: where a commune of a three-level period was published (IV.2.1), ranked within its district."""
    found = [(year, version, content) for year, version, content in entries
             if any(u.get("code") == code for u in content.get("units", []))]
    lines = history([(y, v, {"groups": {"commune": c}}) for y, v, c in found], "commune", code)
    districts = {y: (c.get("district") or {}).get("code", "") for y, _v, c in found}
    return [replace(line, district=districts.get(line.year, "")) for line in lines]


@dataclass
class SummaryRow:
    kind: str
    code: str
    name: str
    years: dict[int, dict] = field(default_factory=dict)   # year → {"index", "class_label", "rank"}


def summary(entries: list[tuple[int, int, dict]],
            kinds: tuple[str, ...]) -> tuple[list[int], dict[str, list[SummaryRow]]]:
    """The published years (oldest first) and, per group, one row per unit code (its newest name), in code
    order, with its index, class and rank in each year it appears."""
    years = sorted({year for year, _v, _c in entries})
    rows: dict[str, dict[str, SummaryRow]] = {kind: {} for kind in kinds}
    for year, _version, content in sorted(entries, key=lambda e: e[0]):
        for kind in kinds:
            for unit in ((content.get("groups") or {}).get(kind) or {}).get("units", []):
                row = rows[kind].setdefault(unit["code"], SummaryRow(kind, unit["code"], unit.get("name", "")))
                row.name = unit.get("name", row.name)
                row.years[year] = {"index": _dec(unit.get("index")), "class_label": unit.get("class_label", ""),
                                   "rank": unit.get("rank")}
    return years, {kind: [rows[kind][c] for c in sorted(rows[kind])] for kind in kinds}
