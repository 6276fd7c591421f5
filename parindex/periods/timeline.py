"""The yearly timeline of section V of Decision 1679/QĐ-UBND, and its reading.

Deadlines are stored as the first instant at which it is too late (an exclusive bound), in
UTC, and shown in Asia/Ho_Chi_Minh. "Trước ngày 30/11" is read strictly by default: the last
moment allowed is 23:59:59 on 29/11, so the stored deadline is 30/11 00:00 Vietnam time. The
inclusive reading (until the end of 30/11) moves every "trước ngày" deadline one day later.
The coordinator chooses the reading when creating the period and can edit every date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parindex.rulebook.decision import ORDER

VN = ZoneInfo("Asia/Ho_Chi_Minh")


class Reading(models.TextChoices):
    STRICT = "strict", _("Trước ngày = hết ngày hôm trước (mặc định)")
    INCLUSIVE = "inclusive", _("Trước ngày = hết chính ngày đó")


class Step(models.TextChoices):
    COMMUNE_SELF = "commune_self", _("UBND cấp xã tự đánh giá, gửi UBND cấp huyện")
    DISTRICT_PUBLISH = "district_publish", _("UBND cấp huyện thẩm định, công bố Chỉ số cấp xã")
    SELF = "self", _("Sở, ban, ngành và UBND cấp huyện tự đánh giá, gửi UBND tỉnh")
    APPRAISAL = "appraisal", _("Tổ thẩm định tỉnh thẩm định")
    PUBLICATION = "publication", _("UBND tỉnh công bố Chỉ số")
    SURVEY = "survey", _("Sở Nội vụ điều tra xã hội học (thu phiếu)")


class AppraisalStep(models.TextChoices):
    """The steps of an appraisal after the self-assessment (never extended per unit, so not ``Step``)."""

    COMMUNE_APPRAISAL = "commune_appraisal", _("UBND cấp huyện thẩm định UBND cấp xã")
    EXPLANATION = "explanation", _("Vòng giải trình của đơn vị")
    FINALIZATION = "finalization", _("Chốt kết quả thẩm định")


@dataclass(frozen=True)
class StepRule:
    start_field: str | None
    end_field: str
    kinds: tuple[str, ...]  # unit kinds whose work the step is
    article: str
    by_kind: dict[str, tuple[str | None, str]] | None = None  # (start, end) for a kind with another window
    extendable: bool = True  # the coordinator may grant one unit a later deadline

    def window(self, kind: str) -> tuple[str | None, str]:
        """The timeline fields (start or None, exclusive end) of this step for a unit kind."""
        if self.by_kind and kind in self.by_kind:
            return self.by_kind[kind]
        return self.start_field, self.end_field


# Departments and districts are appraised by the province in its window (V.4, January unless the
# coordinator moves it); communes by their district before the district's publication (V.2).
_COMMUNE_WINDOW = {"commune": (None, "district_publish_due")}


STEPS: dict[str, StepRule] = {
    Step.COMMUNE_SELF: StepRule(None, "commune_self_due", ("commune",), "V.1"),
    Step.DISTRICT_PUBLISH: StepRule(None, "district_publish_due", ("district",), "V.2"),
    Step.SELF: StepRule(None, "self_due", ("department", "district"), "V.3"),
    # communes too where the province's team appraises them (a two-level decision: ``appraisal_step``)
    Step.APPRAISAL: StepRule("appraisal_start", "appraisal_end", ("department", "district", "commune"), "V.4",
                             extendable=False),
    Step.PUBLICATION: StepRule("publication_start", "publication_end", ("province",), "V.5", extendable=False),
    # V.1.1.c: the survey evaluates departments and districts; answers are taken in its window only
    Step.SURVEY: StepRule("survey_start", "survey_end", ("department", "district"), "V.1.1.c", extendable=False),
    AppraisalStep.COMMUNE_APPRAISAL: StepRule(None, "district_publish_due", ("commune",), "V.2", extendable=False),
    AppraisalStep.EXPLANATION: StepRule("appraisal_start", "appraisal_end", ("department", "district", "commune"),
                                        "V.2, V.4", by_kind=_COMMUNE_WINDOW, extendable=False),
    AppraisalStep.FINALIZATION: StepRule("appraisal_start", "appraisal_end", ("department", "district", "commune"),
                                         "V.2, V.4", by_kind=_COMMUNE_WINDOW, extendable=False),
}
STEP_LABELS = {**dict(Step.choices), **dict(AppraisalStep.choices)}


def appraisal_step(unit) -> str:
    """The step during which this unit is appraised (round 1 and the final round): a commune by its district
    before the district's publication (V.2), every other unit — and a commune of a two-level period, which has
    no district — by the province in its window (V.4)."""
    return AppraisalStep.COMMUNE_APPRAISAL if unit.appraising_district is not None else Step.APPRAISAL


def window_kind(unit) -> str:
    """The key a unit's windows are looked up by (``StepRule.window``): its kind, except that a commune the
    province appraises follows the province's appraisal windows, not those of a district's communes."""
    if unit.kind == "commune" and unit.appraising_district is None:
        return "commune:province"
    return unit.kind

# Field → label, in timeline order (used by forms, pages and messages).
FIELDS: dict[str, str] = {
    "commune_self_due": _("Hạn UBND cấp xã gửi kết quả tự đánh giá (V.1)"),
    "district_publish_due": _("Hạn UBND cấp huyện công bố Chỉ số cấp xã (V.2)"),
    "self_due": _("Hạn sở, ban, ngành, UBND cấp huyện gửi kết quả tự đánh giá (V.3)"),
    "appraisal_start": _("Bắt đầu thẩm định của tỉnh (V.4)"),
    "appraisal_end": _("Kết thúc thẩm định của tỉnh (V.4)"),
    "survey_start": _("Bắt đầu thu phiếu điều tra xã hội học (V.1.1.c)"),
    "survey_end": _("Kết thúc thu phiếu điều tra xã hội học (V.1.1.c)"),
    "publication_start": _("Bắt đầu công bố (V.5)"),
    "publication_end": _("Kết thúc công bố (V.5)"),
}


def default_timeline(year: int, reading: str = Reading.STRICT, decision=None) -> dict[str, datetime]:
    """Section V for assessment year Y, as exclusive deadlines at local midnight, from the decision file
    (``rulebook/decisions/backan-1679.yaml`` by default: V.1 «trước ngày 30/11» → until the end of 29/11
    in the strict reading; V.2, V.3 «trước ngày 31/12»; V.4 January of the next year; V.5 February; the
    survey from December to the end of the appraisal month, V.1.1.c setting no date)."""
    from parindex.rulebook.engine import DECISION_1679

    days = (decision or DECISION_1679).default_dates(year, reading)
    return {name: datetime(d.year, d.month, d.day, tzinfo=VN) for name, d in days.items()}


# (earlier, later, strictly before?): one list, with the decision files' check (rulebook/decision.py ORDER)
ORDER_RULES: tuple[tuple[str, str, bool], ...] = ORDER


def format_instant(value: datetime) -> str:
    """'hết ngày 29/11/2021' for a midnight deadline, else 'HH:MM ngày dd/mm/yyyy' (Vietnam time)."""
    local = value.astimezone(VN)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        last_day = local - timedelta(days=1)
        return gettext("hết ngày %(date)s") % {"date": f"{last_day:%d/%m/%Y}"}
    return gettext("%(time)s ngày %(date)s") % {"time": f"{local:%H:%M}", "date": f"{local:%d/%m/%Y}"}


def format_start(value: datetime) -> str:
    local = value.astimezone(VN)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return gettext("ngày %(date)s") % {"date": f"{local:%d/%m/%Y}"}
    return gettext("%(time)s ngày %(date)s") % {"time": f"{local:%H:%M}", "date": f"{local:%d/%m/%Y}"}


def order_errors(values: dict[str, datetime | None]) -> list[str]:
    """Every pair of dates out of order, each as a clear Vietnamese sentence."""
    errors = []
    for field, value in values.items():
        if value is None:
            errors.append(gettext("«%(field)s»: chưa nhập thời điểm") % {"field": FIELDS[field]})
    for earlier, later, strict in ORDER_RULES:
        a, b = values.get(earlier), values.get(later)
        if a is None or b is None:
            continue
        if (strict and not a < b) or (not strict and not a <= b):
            relation = gettext("phải trước") if strict else gettext("không được sau")
            errors.append(
                f"«{FIELDS[earlier]}» ({format_start(a)}) {relation} "
                f"«{FIELDS[later]}» ({format_start(b)})"
            )
    return errors
