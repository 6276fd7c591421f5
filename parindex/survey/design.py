"""A survey design (thiết kế điều tra xã hội học, III.1.2–1.3 and V.1.1.c of 1679/QĐ-UBND) as data.

Pure Python, no Django: the design of one period's sociological survey — answer scales, respondent
groups, who in each group evaluates which units, the population and the sample rule, and one
questionnaire per group whose every question maps to exactly one survey sub-criterion (``method:
survey``) of the period's criteria set for the evaluated kind. The strict YAML loader
(``parindex.survey.loader``) builds these objects; ``SurveyDesign.from_dict`` builds them from plain
Python data (tests, factories) with the same checks left to the loader.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

EVALUATED_KINDS = ("department", "district")
# all: every unit of the evaluated kind is evaluated by the group (e.g. provincial council delegates);
# own: a respondent evaluates one unit, his own (e.g. a commune leader his district; a citizen the unit
# whose one-stop office served him). In both cases an invitation / a form is for one evaluated unit.
SCOPES = ("all", "own")
MODES = ("online", "paper")


@dataclass(frozen=True, slots=True)
class Option:
    code: str
    label: str
    value: Decimal | None  # None: "không biết / không trả lời", excluded from scoring

    @property
    def counts(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, slots=True)
class Scale:
    code: str
    title: str
    options: tuple[Option, ...]

    def option(self, code: str) -> Option | None:
        for o in self.options:
            if o.code == code:
                return o
        return None


@dataclass(frozen=True, slots=True)
class Question:
    code: str          # unique within its group's questionnaire, e.g. "C1"
    item: str          # the survey sub-criterion's code in the evaluated kind's criteria set
    text: str
    scale: Scale
    section: str       # the screen (question group) it is shown on, e.g. "Cải cách thủ tục hành chính"


@dataclass(frozen=True, slots=True)
class Group:
    code: str
    title: str
    evaluates: str                  # one of EVALUATED_KINDS
    scope: str                      # one of SCOPES
    modes: tuple[str, ...]          # subset of MODES
    weight: Decimal                 # combination weight (III.1.3 scoring; see docs/algorithms.md)
    population: int                 # N per evaluated unit unless overridden
    population_by_unit: Mapping[str, int]
    sample_fixed: int | None        # a fixed sample size per unit; None: n = N / (1 + N·e²)
    questions: tuple[Question, ...]
    min_valid: int | None = None    # overrides the design's minimum number of valid answers
    note: str = ""                  # how the population was counted or reconstructed (population_note)

    def question(self, code: str) -> Question | None:
        for q in self.questions:
            if q.code == code:
                return q
        return None

    def sections(self) -> list[tuple[str, tuple[Question, ...]]]:
        """The questionnaire's screens in order: (title, questions)."""
        out: dict[str, list[Question]] = {}
        for q in self.questions:
            out.setdefault(q.section, []).append(q)
        return [(title, tuple(qs)) for title, qs in out.items()]

    def population_of(self, unit_code: str) -> int:
        return self.population_by_unit.get(unit_code, self.population)


@dataclass(frozen=True, slots=True)
class SurveyDesign:
    id: str
    year: int
    title: str
    provenance: str                 # "reconstructed" | "official"
    margin: Decimal                 # e of n = N / (1 + N·e²)
    min_valid: int                  # minimum valid answers for a group to count on an item
    criteria: Mapping[str, str]     # evaluated kind → criteria set id
    scales: tuple[Scale, ...]
    groups: tuple[Group, ...]
    line_of: Mapping[str, int] = field(default_factory=dict)  # node path → YAML line (loader)
    note: str = ""                  # provenance_note: how the design was made

    def group(self, code: str) -> Group | None:
        for g in self.groups:
            if g.code == code:
                return g
        return None

    def groups_for(self, kind: str) -> tuple[Group, ...]:
        return tuple(g for g in self.groups if g.evaluates == kind)

    def min_valid_of(self, group: Group) -> int:
        return group.min_valid if group.min_valid is not None else self.min_valid

    def items_covered(self, kind: str) -> set[str]:
        return {q.item for g in self.groups_for(kind) for q in g.questions}

    def gaps(self, kind: str, survey_items: list[str]) -> list[str]:
        """Survey sub-criteria of the kind's set that no group's questionnaire covers (in set order)."""
        covered = self.items_covered(kind)
        return [code for code in survey_items if code not in covered]

    def sample_size(self, group: Group, unit_code: str) -> int:
        return sample_size(group.population_of(unit_code), group.sample_fixed, self.margin)

    @classmethod
    def from_dict(cls, data: dict) -> SurveyDesign:
        """Plain data → design, no validation beyond types (the strict loader validates YAML)."""
        scales = tuple(
            Scale(s["code"], s.get("title", s["code"]), tuple(
                Option(o["code"], o["label"], None if o.get("value") is None else Decimal(str(o["value"])))
                for o in s["options"]))
            for s in data["scales"])
        by_code = {s.code: s for s in scales}
        groups = []
        for g in data["groups"]:
            sample = g.get("sample", "formula")
            groups.append(Group(
                code=g["code"], title=g["title"], evaluates=g["evaluates"], scope=g.get("scope", "own"),
                modes=tuple(g.get("modes", ("online",))), weight=Decimal(str(g.get("weight", 1))),
                population=int(g.get("population", 0)),
                population_by_unit={str(k): int(v) for k, v in (g.get("population_by_unit") or {}).items()},
                sample_fixed=None if sample == "formula" else int(sample),
                min_valid=g.get("min_valid"),
                questions=tuple(
                    Question(q["code"], str(q["item"]), q["text"], by_code[q.get("scale", g.get("scale"))],
                             q.get("section", ""))
                    for q in g["questions"]),
            ))
        return cls(
            id=data["id"], year=int(data["year"]), title=data.get("title", data["id"]),
            provenance=data.get("provenance", "reconstructed"), margin=Decimal(str(data.get("margin", "0.1"))),
            min_valid=int(data.get("min_valid", 1)), criteria=dict(data.get("criteria", {})),
            scales=scales, groups=tuple(groups))


def sample_size(population: int, fixed: int | None, margin: Decimal) -> int:
    """Sample per group and unit (plan): fixed, or Slovin's n = N / (1 + N·e²) rounded up, never above N."""
    if population <= 0:
        return 0
    if fixed is not None:
        return min(fixed, population)
    n = Decimal(population) / (1 + Decimal(population) * margin * margin)
    return min(population, math.ceil(n))
