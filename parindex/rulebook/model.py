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
class Rubric:
    """Either a list of allowed values (``choices``) or a numeric range with a step."""

    choices: tuple[Choice, ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    step: Decimal | None = None
    condition: str = ""
    _allowed: frozenset = field(default=frozenset(), init=False, repr=False, compare=False)

    @property
    def is_range(self) -> bool:
        return self.step is not None

    def allowed_values(self) -> list[Decimal]:
        """Every allowed value, ascending (a range is enumerated on its step)."""
        if self.is_range:
            assert self.minimum is not None and self.maximum is not None and self.step
            count = int((self.maximum - self.minimum) / self.step)
            return [self.minimum + self.step * n for n in range(count + 1)]
        return sorted(c.points for c in self.choices)

    def accepts(self, value: Decimal) -> bool:
        if self.is_range:
            assert self.minimum is not None and self.maximum is not None and self.step
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
        object.__setattr__(self, "_allowed", frozenset(c.points for c in self.choices))

    def describe(self) -> str:
        """What is allowed, in Vietnamese, for error messages and pages."""
        if self.is_range:
            return (
                f"từ {format_vi(self.minimum)} đến {format_vi(self.maximum)}, "
                f"bước {format_vi(self.step)}"
            )
        return "một trong các giá trị " + "; ".join(format_vi(v) for v in self.allowed_values())


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
