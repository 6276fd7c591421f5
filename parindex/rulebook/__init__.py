"""The rulebook: criteria sets as data and the scoring engine. Imports nothing from Django."""

from .engine import (
    CLASSES_1679,
    InputError,
    PublishedCommune,
    ScoreError,
    UnitInput,
    UnitResult,
    classify,
    competition_ranks,
    district_class,
    evaluate,
    score_unit,
)
from .loader import CriteriaSetError, Problem, load, loads
from .model import CriteriaSet, Criterion, Field, Item, Rubric

__all__ = [
    "CLASSES_1679", "CriteriaSet", "CriteriaSetError", "Criterion", "Field", "InputError", "Item",
    "Problem", "PublishedCommune", "Rubric", "ScoreError", "UnitInput", "UnitResult", "classify", "competition_ranks",
    "district_class", "evaluate", "load", "loads", "score_unit",
]
