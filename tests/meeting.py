"""A self-assessment meeting's participants covering every role the period's decision requires (III.2.2)."""

from parindex.assessments.services import required_roles
from parindex.rulebook.decision import shipped_decision

NAMES = ("Người A", "Người B", "Người C", "Người D")


def full_meeting(assessment, names=NAMES) -> list[tuple[str, str, str]]:
    """(name, position, role) rows: one person for each required role, the role's words as the position."""
    roles = required_roles(assessment.period_unit)
    return [(names[i % len(names)], role, role) for i, role in enumerate(roles)]


# the required participants of 1679 (III.2.2), by their words in the decision file
CHAIR, PAR_OFFICER, SPECIALISTS = shipped_decision().participants["commune"]
DEPT_HEAD, DIVISION_HEADS = shipped_decision().participants["department"]
