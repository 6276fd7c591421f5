"""The sample plan of a survey design (V.1.1.c: «xác định quy mô mẫu điều tra»), pure Python.

Per group and per evaluated unit of the period: the population N (``population_by_unit`` or the
group's ``population``) and the sample n (``design.sample_size``: fixed, or n = N / (1 + N·e²)
rounded up, never above N, 0 when N is 0). Totals per group and overall are numbers of
questionnaires (phiếu): a provincial council delegate who evaluates every department fills one per
department, so a group of scope ``all`` counts its n once per unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .design import Group, SurveyDesign


@dataclass(frozen=True, slots=True)
class UnitRef:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class PlanRow:
    unit: UnitRef
    population: int
    sample: int


@dataclass(frozen=True, slots=True)
class GroupPlan:
    group: Group
    rows: tuple[PlanRow, ...]

    @property
    def population(self) -> int:
        return sum(r.population for r in self.rows)

    @property
    def sample(self) -> int:
        return sum(r.sample for r in self.rows)


@dataclass(frozen=True, slots=True)
class SamplePlan:
    groups: tuple[GroupPlan, ...]

    @property
    def sample(self) -> int:
        return sum(g.sample for g in self.groups)

    def by_kind(self, kind: str) -> tuple[GroupPlan, ...]:
        return tuple(g for g in self.groups if g.group.evaluates == kind)

    def sample_of_kind(self, kind: str) -> int:
        return sum(g.sample for g in self.by_kind(kind))


def sample_plan(design: SurveyDesign, units: Mapping[str, Iterable[UnitRef]]) -> SamplePlan:
    """``units``: the evaluated units of the period per kind (department, district), in display order."""
    listed = {kind: tuple(refs) for kind, refs in units.items()}
    plans = []
    for group in design.groups:
        rows = tuple(PlanRow(unit, group.population_of(unit.code), design.sample_size(group, unit.code))
                     for unit in listed.get(group.evaluates, ()))
        plans.append(GroupPlan(group, rows))
    return SamplePlan(tuple(plans))


def unknown_units(design: SurveyDesign, units: Mapping[str, Iterable[str]]) -> list[tuple[str, str]]:
    """(group, unit code) of every ``population_by_unit`` entry naming no unit of the evaluated kind."""
    known = {kind: set(codes) for kind, codes in units.items()}
    return [(g.code, code) for g in design.groups for code in g.population_by_unit
            if code not in known.get(g.evaluates, set())]
