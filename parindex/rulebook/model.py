"""The criteria set as immutable Python objects. Built by ``loader``, read by ``engine``."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .numbers import format_vi

UNIT_KINDS = ("department", "district", "commune")
METHODS = ("self", "survey")
SURVEY_EVIDENCE = "ĐTXHH"


@dataclass(frozen=True, slots=True)
class Choice:
    points: Decimal
    condition: str


@dataclass(frozen=True, slots=True)
class Part:
    """One part of an item scored as a sum of parts (e.g. commune g.1: thu, chi, công khai)."""

    title: str
    choices: tuple[Choice, ...]

    @property
    def max_points(self) -> Decimal:
        return max(c.points for c in self.choices)


def sums_of_parts(parts: tuple[Part, ...]) -> frozenset[Decimal]:
    """Every total one value per part can make (issue 12 §3, item 2: only these are allowed)."""
    totals = {Decimal(0)}
    for part in parts:
        totals = {t + c.points for t in totals for c in part.choices}
    # 1.5 + 1.5 + 1 is Decimal("4.0"): written the shortest way, as a file or a person writes it
    return frozenset(Decimal(format(t.normalize(), "f")) for t in totals)


@dataclass(frozen=True, slots=True)
class Rubric:
    """A list of allowed values (``choices``), a numeric range with a step, or a sum of ``parts``.

    A sum of parts allows exactly the totals one value per part can make; its points are typed
    as one number, like a range's, so ``is_range`` (“the value is typed, not picked”) is true
    for it too and pages show ``describe()`` and ``condition`` (which then lists the parts)."""

    choices: tuple[Choice, ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    step: Decimal | None = None
    condition: str = ""
    parts: tuple[Part, ...] = ()
    _allowed: frozenset = field(default=frozenset(), init=False, repr=False, compare=False)

    @property
    def is_range(self) -> bool:
        """The value is typed (a range on its step, or a sum of parts), not picked from choices."""
        return self.step is not None or bool(self.parts)

    @property
    def is_parts(self) -> bool:
        return bool(self.parts)

    def allowed_values(self) -> list[Decimal]:
        """Every allowed value, ascending (a range is enumerated on its step)."""
        if self.step is not None:
            assert self.minimum is not None and self.maximum is not None
            count = int((self.maximum - self.minimum) / self.step)
            return [self.minimum + self.step * n for n in range(count + 1)]
        return sorted(self._allowed)

    def accepts(self, value: Decimal) -> bool:
        if self.step is not None:
            assert self.minimum is not None and self.maximum is not None
            return (
                self.minimum <= value <= self.maximum
                and (value - self.minimum) % self.step == 0
            )
        return value in self.allowed_set

    @property
    def allowed_set(self) -> frozenset[Decimal]:
        return self._allowed

    def __post_init__(self) -> None:
        # Decimal("0.5") == Decimal("0.50") and they hash alike, so set membership is exact.
        allowed = sums_of_parts(self.parts) if self.parts else frozenset(c.points for c in self.choices)
        object.__setattr__(self, "_allowed", allowed)

    def describe(self) -> str:
        """What is allowed, in Vietnamese, for error messages and pages."""
        if self.step is not None:
            return (
                f"từ {format_vi(self.minimum)} đến {format_vi(self.maximum)}, "
                f"bước {format_vi(self.step)}"
            )
        values = "; ".join(format_vi(v) for v in self.allowed_values())
        if self.parts:
            return f"tổng điểm của {len(self.parts)} phần, một trong các giá trị {values}"
        return "một trong các giá trị " + values

    def parts_text(self) -> str:
        """The parts as one line of text: «(1) Thu ngân sách — 1,5 điểm: …; 0,75 điểm: …. (2) …»."""
        return " ".join(
            f"({n}) {part.title} — "
            + "; ".join(f"{format_vi(c.points)} điểm: {c.condition}" for c in part.choices) + "."
            for n, part in enumerate(self.parts, 1)
        )


@dataclass(frozen=True, slots=True)
class NotApplicable:
    """«Không phát sinh»: the item gives ``points`` (its maximum) when ``when`` holds for the unit.

    Declared in the set (``not_applicable: {points: full, when: …}``); the unit claims it with an
    explanation and the appraisal checks it like any evidence (docs/algorithms.md)."""

    when: str
    points: Decimal


@dataclass(frozen=True, slots=True)
class Item:
    """A scorable item: a sub-criterion, or a criterion scored directly."""

    code: str
    title: str
    max_points: Decimal
    method: str
    rubric: Rubric | None
    evidence: str
    agency: str
    ref: str
    field: str
    criterion: str
    line: int
    not_applicable: NotApplicable | None = None

    @property
    def is_survey(self) -> bool:
        return self.method == "survey"

    def allowed_description(self) -> str:
        if self.rubric is None:
            return (
                f"số từ 0 đến {format_vi(self.max_points)}, tối đa 4 chữ số thập phân"
            )
        return self.rubric.describe()


@dataclass(frozen=True, slots=True)
class Criterion:
    code: str
    title: str
    max_points: Decimal
    items: tuple[Item, ...]
    scored_directly: bool
    line: int


@dataclass(frozen=True, slots=True)
class Field:
    code: str
    title: str
    max_points: Decimal
    ref: str
    criteria: tuple[Criterion, ...]
    line: int

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for c in self.criteria for i in c.items)

    @property
    def sub_criteria_count(self) -> int:
        return sum(len(c.items) for c in self.criteria if not c.scored_directly)

    @property
    def survey_sub_criteria_count(self) -> int:
        return sum(
            1 for c in self.criteria if not c.scored_directly for i in c.items if i.is_survey
        )

    @property
    def self_max(self) -> Decimal:
        return sum((i.max_points for i in self.items if not i.is_survey), Decimal(0))

    @property
    def survey_max(self) -> Decimal:
        return sum((i.max_points for i in self.items if i.is_survey), Decimal(0))


@dataclass(frozen=True, slots=True)
class CriteriaSet:
    id: str
    unit_kind: str
    year: int
    title: str
    legal_basis: str
    provenance: str
    provenance_note: str
    agencies: dict[str, str]
    fields: tuple[Field, ...]
    source: str
    sha256: str
    items_by_code: dict[str, Item] = field(repr=False)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(self.items_by_code.values())

    @property
    def total_max(self) -> Decimal:
        return sum((f.max_points for f in self.fields), Decimal(0))

    @property
    def self_max(self) -> Decimal:
        return sum((f.self_max for f in self.fields), Decimal(0))

    @property
    def survey_max(self) -> Decimal:
        return sum((f.survey_max for f in self.fields), Decimal(0))
