"""The appraisal's rules as pure functions: plain data in, the answer out (no database, no Django).

Services, views, the minutes, the Excel code and the page scripts read these answers; none of
them re-derives a rule.

- III.3.1: each item is appraised by one member agency — ``effective_agency``.
- III.3.2.b: an item with neither evidence nor explanation is given 0; more only if the unit adds
  evidence or an explanation in the explanation round — ``is_supported``, ``allowed_without_support``.
- III.3.2: the unit answers only the items the appraisal commented on — ``under_comment``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

ZERO = Decimal(0)

# The stages of ``appraisal.models.Stage`` (kept as plain strings: this module imports no Django).
ROUND1, EXPLANATION, FINAL, FINALIZED = "round1", "explanation", "final", "finalized"

EMPTY_ITEM: Mapping = {"points": None, "explanation": "", "evidence": []}


def snapshot_item(snapshot: Mapping | None, code: str) -> Mapping:
    """One item of a submitted self-assessment's snapshot (points, explanation, evidence)."""
    return ((snapshot or {}).get("items") or {}).get(code, EMPTY_ITEM)


def self_points(item: Mapping) -> Decimal:
    """The unit's own points for a snapshot item; an unscored item counts 0."""
    raw = item.get("points")
    return Decimal(raw) if raw is not None else ZERO


def had_support(item: Mapping) -> bool:
    """III.3.2.b: the unit submitted evidence or an explanation with the item."""
    return bool(item.get("evidence")) or bool((item.get("explanation") or "").strip())


def is_supported(item: Mapping, explanation_text: str, added_evidence_count: int, stage: str) -> bool:
    """III.3.2.b at this stage: in round 1 what was submitted; from the explanation round on, also
    what the unit added (an explanation, evidence)."""
    if had_support(item):
        return True
    if stage == ROUND1:
        return False
    return bool((explanation_text or "").strip()) or added_evidence_count > 0


def allowed_without_support(points: Decimal) -> bool:
    """III.3.2.b: without evidence and without explanation only 0 may be given."""
    return points == ZERO


def unsupported_points(points: Decimal | None, has_evidence: bool, explanation: str) -> bool:
    """III.3.2.b seen from the self-assessment: points above 0 with neither evidence nor explanation
    will be given 0 by the appraisal (the score sheet, the report and the Excel file warn of it)."""
    return (points is not None and not allowed_without_support(points) and not has_evidence
            and not (explanation or "").strip())


def needs_comment(points: Decimal, own: Decimal, comment: str) -> bool:
    """An appraised score that differs from the self-score must say why."""
    return points != own and not (comment or "").strip()


def under_comment(round1_points: Decimal | None, round1_comment: str, own: Decimal) -> bool:
    """III.3.2: the unit may answer an item whose round-1 points differ from its own or carry a comment."""
    return round1_points is not None and (round1_points != own or bool((round1_comment or "").strip()))


def effective_agency(item, overrides: Mapping[str, str]) -> str:
    """III.3.1: the agency that appraises an item — its criterion's assignment, else its field's,
    else the agency the criteria set names."""
    return overrides.get(item.criterion) or overrides.get(item.field) or item.agency


def current_round(stage: str | None) -> str | None:
    """The round whose points may be entered at this stage: "round1", "final", or None."""
    return {ROUND1: "round1", FINAL: "final"}.get(stage)


def stage_now(stage: str, explanation_until, now) -> str:
    """The explanation round ends by itself when its window closes."""
    if stage == EXPLANATION and explanation_until is not None and now >= explanation_until:
        return FINAL
    return stage
