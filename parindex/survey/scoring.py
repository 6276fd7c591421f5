"""Survey points of each evaluated unit (III.1.2–1.3, V.1.1.c of 1679/QĐ-UBND; docs/algorithms.md §7).

Pure Python, no Django (house style §1): the survey design, the evaluated kind's survey items with
their maximum points (the criteria set's items with ``method: survey``), the evaluated units and the
answers, as ``(unit code, group code, item code, value)`` with ``value`` None for "không biết / không
trả lời", in; per unit and item the groups' counts and means, the combined value and the points out.

For one unit and one survey item:

- each group whose questionnaire asks about the item: ``n_valid`` answers with a value,
  ``n_dont_know`` without; it *counts* when ``n_valid`` reaches its minimum (the group's
  ``min_valid``, else the design's); its mean is the sum of its valid values ÷ ``n_valid``;
- the combined value is the weighted mean of the counted groups' means, the weights being the
  groups' weights in the design renormalised over the counted groups (a design that sets none
  weighs every group 1: equal weights);
- points = the item's maximum × the combined value, rounded half-up to 2 decimals — the only
  rounding: means and the combined value are exact fractions until then;
- no group counts: the item is *unresolved*; the coordinator's recorded decision (``ItemResolution``)
  gives its points, and until every unresolved item has one the survey cannot be closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Protocol

from .design import Group, SurveyDesign

POINTS_QUANTUM = Decimal("0.01")   # survey points: half-up to 2 decimals (the issue's §3)
SHOWN_QUANTUM = Decimal("0.0001")  # means and combined values as shown on pages (never computed with)

SCORED, RESOLVED, UNRESOLVED = "scored", "resolved", "unresolved"


class SurveyItem(Protocol):
    """What scoring reads of a criteria-set item (``parindex.rulebook.model.Item`` is one)."""

    code: str
    max_points: Decimal


class ScoringError(ValueError):
    """The inputs do not fit together (an answer for an item no questionnaire asks...): every problem listed."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def survey_items(cset) -> tuple[SurveyItem, ...]:
    """The survey sub-criteria of a criteria set (``parindex.rulebook.model.CriteriaSet``), in set order."""
    return tuple(item for item in cset.items if item.is_survey)


def round_points(value: Fraction) -> Decimal:
    """Half-up to 2 decimals, exactly (0,125 → 0,13; 0,1249… → 0,12), from an exact fraction."""
    hundredths = value * 100
    whole = (abs(hundredths.numerator) * 2 + hundredths.denominator) // (2 * hundredths.denominator)
    sign = -1 if hundredths < 0 else 1
    return (Decimal(sign * whole) * POINTS_QUANTUM).quantize(POINTS_QUANTUM)


def shown(value: Fraction | None) -> Decimal | None:
    """An exact fraction as a 4-decimal Decimal for pages (half-up); never used in a computation."""
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(SHOWN_QUANTUM, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class GroupTally:
    """One group's answers on one item of one unit."""

    group: str
    weight: Decimal
    min_valid: int
    n_valid: int
    n_dont_know: int
    total: Decimal            # the sum of the valid values (exact)

    @property
    def counted(self) -> bool:
        return self.n_valid >= self.min_valid

    @property
    def exact_mean(self) -> Fraction | None:
        return Fraction(self.total) / self.n_valid if self.n_valid else None

    @property
    def mean(self) -> Decimal | None:
        """The mean as shown (4 decimals); the points use ``exact_mean``."""
        return shown(self.exact_mean)


@dataclass(frozen=True, slots=True)
class ItemResult:
    unit: str
    item: str
    max_points: Decimal
    groups: tuple[GroupTally, ...]      # the groups that ask about the item, in design order
    exact_combined: Fraction | None     # None: no group counted
    points: Decimal | None              # None only while unresolved
    status: str                         # SCORED | RESOLVED | UNRESOLVED

    @property
    def combined(self) -> Decimal | None:
        return shown(self.exact_combined)


@dataclass(frozen=True, slots=True)
class SurveyScores:
    kind: str
    results: dict[tuple[str, str], ItemResult]   # (unit, item) → result, units then items in input order
    unresolved: tuple[tuple[str, str], ...]      # (unit, item) with no group counted and no resolution
    superseded: tuple[tuple[str, str], ...]      # resolutions of items that groups now score (not used)

    @property
    def complete(self) -> bool:
        """Every item of every unit has points: the survey may be closed."""
        return not self.unresolved

    def points_of(self, unit: str) -> dict[str, Decimal]:
        """The unit's survey points per item (for ``rulebook.engine.score_unit``); unresolved items left out."""
        return {item: r.points for (u, item), r in self.results.items() if u == unit and r.points is not None}


def _tallies(design: SurveyDesign, kind: str, units: list[str], items: dict[str, SurveyItem],
             answers: Iterable[tuple[str, str, str, Decimal | None]]) -> dict[tuple[str, str, str], list]:
    groups = {g.code: g for g in design.groups_for(kind)}
    asks = {(g.code, q.item) for g in groups.values() for q in g.questions}
    known_units = set(units)
    counts: dict[tuple[str, str, str], list] = {}  # (unit, group, item) → [n_valid, n_dont_know, total]
    problems: list[str] = []
    for unit, group, item, value in answers:
        if unit not in known_units:
            problems.append(f"câu trả lời cho đơn vị «{unit}» không thuộc danh sách được đánh giá")
        elif group not in groups:
            problems.append(f"câu trả lời của nhóm «{group}», nhóm không đánh giá loại đơn vị «{kind}»")
        elif item not in items:
            problems.append(f"câu trả lời cho «{item}», không phải tiêu chí điều tra của bộ tiêu chí")
        elif (group, item) not in asks:
            problems.append(f"nhóm «{group}» không có câu hỏi nào cho tiêu chí {item}")
        elif value is not None and not (isinstance(value, Decimal) and 0 <= value <= 1):
            problems.append(f"giá trị «{value}» của tiêu chí {item} (nhóm «{group}») không nằm trong [0, 1]")
        else:
            tally = counts.setdefault((unit, group, item), [0, 0, Decimal(0)])
            if value is None:
                tally[1] += 1
            else:
                tally[0] += 1
                tally[2] += value
    if problems:
        raise ScoringError(list(dict.fromkeys(problems)))  # one line per kind of mistake, not per answer
    return counts


def _combine(tallies: list[GroupTally]) -> Fraction | None:
    counted = [t for t in tallies if t.counted]
    if not counted:
        return None
    weights = sum((Fraction(t.weight) for t in counted), Fraction(0))
    return sum((Fraction(t.weight) * t.exact_mean for t in counted), Fraction(0)) / weights


def _check_resolutions(resolutions: Mapping[tuple[str, str], Decimal], units: list[str],
                       items: dict[str, SurveyItem]) -> None:
    problems = []
    for (unit, item), points in resolutions.items():
        if unit not in units or item not in items:
            problems.append(f"quyết định cho «{unit}» — «{item}»: "
                            "không phải tiêu chí điều tra của đơn vị được đánh giá")
        elif not (isinstance(points, Decimal) and 0 <= points <= items[item].max_points):
            problems.append(f"quyết định cho «{unit}» — tiêu chí {item}: điểm «{points}» không nằm trong "
                            f"[0, {items[item].max_points}]")
    if problems:
        raise ScoringError(problems)


def score_survey(design: SurveyDesign, kind: str, items: Iterable[SurveyItem], units: Iterable[str],
                 answers: Iterable[tuple[str, str, str, Decimal | None]],
                 resolutions: Mapping[tuple[str, str], Decimal] | None = None) -> SurveyScores:
    """Every survey item of every evaluated unit of ``kind``: tallies, combined value, points.

    ``resolutions`` ((unit, item) → points) give the points of the items no group scores; a resolution
    for an item that some group now scores is not used and is listed in ``superseded``.
    Inputs that do not fit the design raise ``ScoringError`` listing every problem.
    """
    units = list(units)
    by_code = {i.code: i for i in items}
    resolutions = dict(resolutions or {})
    _check_resolutions(resolutions, units, by_code)
    counts = _tallies(design, kind, units, by_code, answers)
    asking: dict[str, list[Group]] = {}
    for group in design.groups_for(kind):
        for item in dict.fromkeys(q.item for q in group.questions):
            asking.setdefault(item, []).append(group)
    results: dict[tuple[str, str], ItemResult] = {}
    unresolved, superseded = [], []
    for unit in units:
        for code, item in by_code.items():
            tallies = []
            for group in asking.get(code, []):
                n_valid, n_dont_know, total = counts.get((unit, group.code, code), (0, 0, Decimal(0)))
                tallies.append(GroupTally(group.code, group.weight, design.min_valid_of(group),
                                          n_valid, n_dont_know, total))
            combined = _combine(tallies)
            if combined is not None:
                points, status = round_points(Fraction(item.max_points) * combined), SCORED
                if (unit, code) in resolutions:
                    superseded.append((unit, code))
            elif (unit, code) in resolutions:
                points, status = resolutions[(unit, code)], RESOLVED
            else:
                points, status = None, UNRESOLVED
                unresolved.append((unit, code))
            results[(unit, code)] = ItemResult(unit, code, item.max_points, tuple(tallies), combined, points, status)
    return SurveyScores(kind, results, tuple(unresolved), tuple(superseded))
