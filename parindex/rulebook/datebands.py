"""Date bands in a rubric's choices: every day in exactly one band (issue 12 §3, item 1).

Many rubrics give points by the date something was done: «Ban hành chậm nhất ngày 31/01 của năm
kế hoạch» → 0,5; «từ ngày 01/02 đến hết tháng 02» → 0,25; «sau tháng 02» → 0. When two or more
choices of one rubric carry such a band, the bands must not overlap and must leave no day out;
``check`` says which day falls in no band, or in two.

Pure (no Django, no YAML): the loader calls ``check`` with each choice's points and condition.
Only the phrases below are read; a condition without one of them is not a date band and is left
alone (a rubric with fewer than two date bands is not checked).

| phrase | days |
|---|---|
| ``chậm nhất ngày D/M`` | up to D/M inclusive |
| ``trước ngày D/M`` | up to the day before D/M (the decision's default reading, «hết ngày hôm trước») |
| ``từ ngày D/M đến [hết] [ngày] D/M`` · ``… đến hết tháng M`` | both ends inclusive |
| ``từ ngày D/M đến ngày cuối cùng của tháng M`` | both ends inclusive |
| ``từ ngày D/M trở đi`` · ``sau ngày D/M`` (from the next day) · ``sau tháng M`` | open towards the future |
| ``trong tháng M`` · ``trước tháng M`` | the month; up to the month's last day before it |

A year may follow a date or a month: «của năm trước năm kế hoạch / ngân sách / đánh giá» is the
year before; «năm sau» the year after; otherwise the plan year. Days are counted in a leap year,
so «đến ngày 28/02» followed by «từ ngày 01/3» leaves 29/02 out and is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

# a leap plan year, so that 29/02 exists; the year before and the year after around it
_PLAN_YEAR = 2024
_OPEN_START = date(_PLAN_YEAR - 5, 1, 1)
_OPEN_END = date(_PLAN_YEAR + 5, 12, 31)

_DAY = r"(\d{1,2})/(\d{1,2})"
_MONTH = r"(\d{1,2})"
# what may follow a date or a month to name its year (captured as one group)
_YEAR = (
    r"(\s+(?:của\s+)?năm\s+trước(?:\s+năm\s+(?:kế\s+hoạch|ngân\s+sách|đánh\s+giá))?"
    r"|\s+(?:của\s+)?năm\s+sau"
    r"|\s+(?:của\s+)?năm\s+(?:kế\s+hoạch|ngân\s+sách|đánh\s+giá))?"
)
_UNTIL_END = rf"(?:ngày\s+cuối\s+cùng\s+của\s+tháng|hết\s+tháng)\s+{_MONTH}{_YEAR}"

# (pattern, kind); tried in this order, each match consumed so that «từ … đến …» is not also read
# as two open bands
_PATTERNS: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), kind) for p, kind in (
        (rf"từ\s+ngày\s+{_DAY}{_YEAR}\s+đến\s+(?:hết\s+)?(?:ngày\s+)?{_DAY}{_YEAR}", "from_to_day"),
        (rf"từ\s+ngày\s+{_DAY}{_YEAR}\s+đến\s+{_UNTIL_END}", "from_to_month"),
        (rf"từ\s+ngày\s+{_DAY}{_YEAR}\s+(?:trở\s+đi|trở\s+về\s+sau)", "from"),
        (rf"chậm\s+nhất\s+(?:là\s+)?ngày\s+{_DAY}{_YEAR}", "until"),
        (rf"trước\s+ngày\s+{_DAY}{_YEAR}", "before"),
        (rf"sau\s+ngày\s+{_DAY}{_YEAR}", "after"),
        (rf"sau\s+tháng\s+{_MONTH}{_YEAR}", "after_month"),
        (rf"trong\s+tháng\s+{_MONTH}{_YEAR}", "in_month"),
        (rf"trước\s+tháng\s+{_MONTH}{_YEAR}", "before_month"),
    )
)


class NotADate(ValueError):
    """A phrase names a day that does not exist (e.g. 31/02)."""


@dataclass(frozen=True, slots=True)
class Band:
    """Days ``first``..``last`` inclusive; the open ends are far-away sentinels."""

    first: date
    last: date
    phrase: str


def _year(text: str | None) -> int:
    words = " ".join((text or "").lower().split())
    if "năm trước" in words:
        return _PLAN_YEAR - 1
    if "năm sau" in words:
        return _PLAN_YEAR + 1
    return _PLAN_YEAR


def _day(d: str, m: str, year_text: str | None) -> date:
    try:
        return date(_year(year_text), int(m), int(d))
    except ValueError:
        raise NotADate(f"ngày {d}/{m} không tồn tại") from None


def _month_bounds(m: str, year_text: str | None) -> tuple[date, date]:
    year = _year(year_text)
    try:
        first = date(year, int(m), 1)
    except ValueError:
        raise NotADate(f"tháng {m} không tồn tại") from None
    nxt = date(year + 1, 1, 1) if first.month == 12 else date(year, first.month + 1, 1)
    return first, nxt - timedelta(days=1)


def _band(kind: str, g: tuple, phrase: str) -> Band:
    one = timedelta(days=1)
    if kind == "from_to_day":
        return Band(_day(g[0], g[1], g[2]), _day(g[3], g[4], g[5]), phrase)
    if kind == "from_to_month":
        return Band(_day(g[0], g[1], g[2]), _month_bounds(g[3], g[4])[1], phrase)
    if kind == "from":
        return Band(_day(g[0], g[1], g[2]), _OPEN_END, phrase)
    if kind == "until":
        return Band(_OPEN_START, _day(g[0], g[1], g[2]), phrase)
    if kind == "before":
        return Band(_OPEN_START, _day(g[0], g[1], g[2]) - one, phrase)
    if kind == "after":
        return Band(_day(g[0], g[1], g[2]) + one, _OPEN_END, phrase)
    if kind == "after_month":
        return Band(_month_bounds(g[0], g[1])[1] + one, _OPEN_END, phrase)
    if kind == "in_month":
        first, last = _month_bounds(g[0], g[1])
        return Band(first, last, phrase)
    assert kind == "before_month"
    return Band(_OPEN_START, _month_bounds(g[0], g[1])[0] - one, phrase)


def bands(condition: str) -> list[Band]:
    """The date bands a condition names (none when it names no date band)."""
    text = " ".join(condition.split())
    found: list[Band] = []
    for pattern, kind in _PATTERNS:
        def take(match: re.Match, kind: str = kind) -> str:
            found.append(_band(kind, match.groups(), match.group(0)))
            return " " * len(match.group(0))
        text = pattern.sub(take, text)
    for band in found:
        if band.first > band.last:
            raise NotADate(f"«{band.phrase}» không chứa ngày nào")
    return found


def show_day(day: date) -> str:
    """31/01; 31/12 năm trước; 01/01 năm sau."""
    text = f"{day.day:02d}/{day.month:02d}"
    if day.year < _PLAN_YEAR:
        return text + " năm trước"
    if day.year > _PLAN_YEAR:
        return text + " năm sau"
    return text


def _show_points(points: Decimal) -> str:
    return format(points.normalize(), "f").replace(".", ",")


def _show_days(first: date, last: date) -> str:
    if first == last:
        return f"ngày {show_day(first)}"
    if first == _OPEN_START:
        return f"các ngày đến hết ngày {show_day(last)}"
    if last == _OPEN_END:
        return f"các ngày từ ngày {show_day(first)} trở đi"
    return f"các ngày từ {show_day(first)} đến {show_day(last)}"


def check(choices: list[tuple[Decimal, str]]) -> list[str]:
    """Problems of a rubric's date bands, in Vietnamese; empty when fine or not a date rubric.

    ``choices`` is each choice's points and condition, in file order."""
    spans: list[tuple[date, date, Decimal]] = []
    problems: list[str] = []
    for points, condition in choices:
        try:
            found = bands(condition)
        except NotADate as exc:
            problems.append(f"mức {_show_points(points)}: {exc}")
            continue
        spans.extend((b.first, b.last, points) for b in found)
    if problems:
        return problems
    if len({p for _, _, p in spans}) < 2:
        return []
    spans.sort()
    one = timedelta(days=1)
    reach, reach_points = _OPEN_START - one, None
    for first, last, points in spans:
        if first > reach + one:
            problems.append(f"{_show_days(reach + one, first - one)} không thuộc mức điểm nào")
        elif first <= reach and points != reach_points:
            problems.append(
                f"{_show_days(first, min(last, reach))} thuộc cả mức {_show_points(reach_points)} "
                f"và mức {_show_points(points)}")
        if last > reach:
            reach, reach_points = last, points
    if reach < _OPEN_END:
        problems.append(f"{_show_days(reach + one, _OPEN_END)} không thuộc mức điểm nào")
    return problems
