"""The work state of a unit in a period, and the transitions later steps may make.

Defined once here; the self-assessment, appraisal and publication services drive it through
``units.services.change_state``, which refuses any transition not listed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkState(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa bắt đầu")
    SELF_ASSESSING = "self_assessing", _("Đang tự đánh giá")
    SUBMITTED = "submitted", _("Đã nộp")
    APPRAISING = "appraising", _("Đang thẩm định")
    AWAITING_EXPLANATION = "awaiting_explanation", _("Chờ giải trình")
    APPRAISED = "appraised", _("Đã thẩm định")
    PUBLISHED = "published", _("Đã công bố")


S = WorkState
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NOT_STARTED: frozenset({S.SELF_ASSESSING}),
    S.SELF_ASSESSING: frozenset({S.SUBMITTED}),
    # withdrawn by the head before the deadline, sent back, or re-opened by the coordinator
    S.SUBMITTED: frozenset({S.SELF_ASSESSING, S.APPRAISING}),
    S.APPRAISING: frozenset({S.AWAITING_EXPLANATION, S.APPRAISED}),
    S.AWAITING_EXPLANATION: frozenset({S.APPRAISING}),
    # re-opened by the coordinator with a reason, or published
    S.APPRAISED: frozenset({S.APPRAISING, S.PUBLISHED}),
    # a correction after publication re-opens the appraisal; the old publication stays readable
    S.PUBLISHED: frozenset({S.APPRAISED}),
}

# States in which the unit's own part (self-assessment) is finished.
SUBMITTED_OR_LATER = frozenset({S.SUBMITTED, S.APPRAISING, S.AWAITING_EXPLANATION, S.APPRAISED, S.PUBLISHED})
# States in which the unit has a final result (what IV.1.4 asks of communes).
HAS_RESULT = frozenset({S.APPRAISED, S.PUBLISHED})


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())
