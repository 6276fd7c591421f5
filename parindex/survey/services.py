"""The survey's design: load it into a period, replace it while it is still designed, open the survey.

Each service has the house shape (docs/decisions.md): permission → transaction.atomic → lock the one
row that serialises the change (parindex/core/locks.py) → check → change → audit → after commit.
The design is stored as its YAML text with its SHA-256 (``Survey.design_text``); ``design_of``
parses it once per text (cached by hash) against the period's own criteria sets, so what a page
shows is what the loader checked. A design with any loader problem is refused with every problem
(line and message) in Vietnamese, and nothing is saved.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parindex.accounts import permissions
from parindex.audit.services import record
from parindex.core import locks
from parindex.core.errors import Conflict, DomainError, NotAllowed
from parindex.periods.models import Period
from parindex.rulebook.bounded import ByteBoundedCache
from parindex.rulebook.model import CriteriaSet
from parindex.units.models import PeriodUnit, UnitKind

from .design import EVALUATED_KINDS, SurveyDesign
from .loader import SurveyDesignError, loads, sha256_of
from .models import Survey
from .plan import SamplePlan, UnitRef, sample_plan, unknown_units

log = logging.getLogger(__name__)
DATA_DIR = Path(__file__).resolve().parent / "data"

# A stored design's YAML is at most this long (the shipped one is ~50 kB): a bigger text is refused
# before it is parsed (docs/security.md, "Memory").
MAX_DESIGN_BYTES = 512 * 1024
DESIGN_CACHE_BYTES = 16 * 1024 * 1024
NOT_OPENABLE = gettext_lazy("Cuộc điều tra đang ở trạng thái «%(s)s», không mở được")
PARSED_BYTES_PER_SOURCE_BYTE = 8


# -- reading -------------------------------------------------------------------------------------------

def _sets_key(period: Period) -> tuple[tuple[str, str, str], ...]:
    """(kind, set id, SHA-256) of the period's department and district sets: what a parsed design depends on,
    read without the sets' YAML texts (60-100 kB each; read only when a set is not parsed yet)."""
    return tuple(period.criteria_sets.filter(unit_kind__in=EVALUATED_KINDS).order_by("unit_kind")
                 .values_list("unit_kind", "set_id", "sha256"))


def _sets_of(period: Period, sets_key) -> dict[str, CriteriaSet]:
    from parindex.criteria.models import parse_stored

    def source_of(kind: str):
        return lambda: period.criteria_sets.filter(unit_kind=kind).values_list("source", flat=True).get()

    return {kind: parse_stored(sha, f"{set_id}.yaml", source_of(kind)) for kind, set_id, sha in sets_key}


_DESIGNS = ByteBoundedCache(DESIGN_CACHE_BYTES)  # by bytes, not by count (docs/security.md, "Memory")


def design_of(survey: Survey) -> SurveyDesign:
    """The stored design, parsed once per text (its SHA-256) and per the period's criteria sets.

    The YAML text is read only when this process has not parsed it yet: the respondent's pages and
    submissions load the survey with ``defer("design_text")`` (``WITHOUT_TEXT``)."""
    sets_key = _sets_key(survey.period)
    key = (survey.design_sha256, sets_key)
    found, value = _DESIGNS.get(key)
    if found:
        return value
    text = survey.design_text
    value = loads(text, "thiet-ke.yaml", sets=_sets_of(survey.period, sets_key))
    _DESIGNS.put(key, value, sys.getsizeof(text) + PARSED_BYTES_PER_SOURCE_BYTE * len(text.encode()))
    return value


def survey_items(period: Period) -> dict[str, list]:
    """kind → the survey sub-criteria (rulebook ``Item``s, in set order) of the period's criteria sets."""
    sets = _sets_of(period, _sets_key(period))
    return {kind: [i for i in cset.items if i.is_survey] for kind, cset in sets.items()}


def gaps_of(survey: Survey) -> dict[str, list]:
    """kind → the survey sub-criteria no group's questionnaire asks about (empty lists: no gap)."""
    design = design_of(survey)
    items = survey_items(survey.period)
    return {kind: [i for i in its if i.code not in design.items_covered(kind)] for kind, its in items.items()}


def evaluated_units(period: Period) -> dict[str, list[UnitRef]]:
    out: dict[str, list[UnitRef]] = {kind: [] for kind in EVALUATED_KINDS}
    for code, name, kind in (PeriodUnit.objects.filter(period=period, kind__in=EVALUATED_KINDS).assessed()
                             .order_by("kind", "code").values_list("code", "name", "kind")):
        out[kind].append(UnitRef(code, name))
    return out


def plan_of(survey: Survey) -> SamplePlan:
    return sample_plan(design_of(survey), evaluated_units(survey.period))


def shipped_design(year: int) -> Path | None:
    """The design shipped with parindex for this year, if any (data/*-<year>-survey.yaml)."""
    found = sorted(DATA_DIR.glob(f"*-{year}-survey.yaml"))
    return found[0] if found else None


def survey_of(period: Period) -> Survey | None:
    return Survey.objects.filter(period=period).first()


# -- checking a text -------------------------------------------------------------------------------------

def problem_lines(problems) -> list[str]:
    """Each loader problem as a person reads it: «Dòng 12 (hdnd-so/C3): …»."""
    out = []
    for p in problems:
        where = f" ({p.code})" if p.code and p.code != "-" else ""
        out.append(_("Dòng %(line)s%(where)s: %(message)s") % {"line": p.line, "where": where,
                                                                "message": p.message})
    return out


def check_design(period: Period, text: str) -> SurveyDesign:
    """The design in ``text`` for this period, or DomainError listing every problem."""
    raw = text.encode("utf-8")
    if len(raw) > MAX_DESIGN_BYTES:
        raise DomainError(_("Tệp thiết kế quá lớn (%(size)s kB, tối đa %(max)s kB)")
                          % {"size": len(raw) // 1024, "max": MAX_DESIGN_BYTES // 1024})
    try:
        design = loads(raw, "thiet-ke.yaml", sets=_sets_of(period, _sets_key(period)))
    except SurveyDesignError as exc:
        lines = problem_lines(exc.problems)
        raise DomainError(_("Thiết kế điều tra có %(n)s lỗi, chưa lưu gì") % {"n": len(lines)},
                          errors=lines) from None
    errors = []
    if design.year != period.year:
        errors.append(_("Thiết kế dành cho năm %(design)s, không phải kỳ đánh giá %(year)s")
                      % {"design": design.year, "year": period.year})
    units = {kind: [u.code for u in refs] for kind, refs in evaluated_units(period).items()}
    for group, code in unknown_units(design, units):
        errors.append(_("Nhóm «%(group)s»: population_by_unit nêu đơn vị «%(code)s», kỳ đánh giá không có "
                        "đơn vị này") % {"group": group, "code": code})
    if errors:
        raise DomainError(_("Thiết kế điều tra có %(n)s lỗi, chưa lưu gì") % {"n": len(errors)}, errors=errors)
    return design


def _require_editor(actor, what: str) -> None:
    """``actor`` None: the command line (the server's operator); otherwise the Sở Nội vụ coordinator."""
    if actor is not None and not permissions.can_edit_survey_design(actor):
        raise NotAllowed(_("Chỉ điều phối viên Sở Nội vụ được %(what)s") % {"what": what})


def _lock_while_designed(survey: Survey, refusal: str) -> Survey:
    """The survey's row, locked, if it is still being designed; else DomainError(refusal % status)."""
    current = locks.lock_one(Survey.objects.select_related("period"), pk=survey.pk)
    if current.status != Survey.Status.DESIGN:
        raise DomainError(refusal % {"s": current.get_status_display()})
    return current


def _facts(survey: Survey) -> dict:
    return {"design_id": survey.design_id, "provenance": survey.provenance, "sha256": survey.design_sha256,
            "design_version": survey.version, "status": survey.status}


# -- steps -----------------------------------------------------------------------------------------------

def create_survey(period: Period, text: str, *, actor, request=None, source: str = "") -> Survey:
    """The period's survey, from a design text (status «đang thiết kế»)."""
    _require_editor(actor, _("nạp thiết kế điều tra xã hội học"))
    with transaction.atomic():
        locks.lock_one(Period, pk=period.pk)  # one survey per period: two loads queue here
        if Survey.objects.filter(period=period).exists():
            raise DomainError(_("Kỳ đánh giá %(year)s đã có thiết kế điều tra; hãy sửa thiết kế đó")
                              % {"year": period.year})
        design = check_design(period, text)
        survey = Survey.objects.create(period=period, design_text=text, design_sha256=sha256_of(text),
                                       design_id=design.id, provenance=design.provenance)
        record("survey.design_loaded", survey, actor=actor, request=request, after={**_facts(survey),
               "source": source or None})
    transaction.on_commit(lambda: log.info("survey design %s loaded for %s", survey.design_id, period.year))
    return survey


def replace_design(survey: Survey, text: str, *, version: int | None, actor, request=None,
                   reason: str = "") -> Survey:
    """A new design text while the survey is still being designed; ``version`` is the one the person
    edited (None: the command line, no check)."""
    _require_editor(actor, _("sửa thiết kế điều tra xã hội học"))
    with transaction.atomic():
        current = _lock_while_designed(survey, _("Cuộc điều tra đang ở trạng thái «%(s)s»: thiết kế đã cố định, "
                                                 "không sửa được"))
        if version is not None and version != current.version:
            raise Conflict(_("Thiết kế vừa được người khác sửa (phiên bản %(now)s, bạn sửa từ phiên bản "
                             "%(yours)s); chưa lưu gì. Hãy tải lại trang, xem bản mới rồi sửa lại.")
                           % {"now": current.version, "yours": version})
        design = check_design(current.period, text)
        sha = sha256_of(text)
        if sha == current.design_sha256:
            return current
        before = _facts(current)
        current.design_text, current.design_sha256 = text, sha
        current.design_id, current.provenance = design.id, design.provenance
        current.version += 1
        current.save(update_fields=["design_text", "design_sha256", "design_id", "provenance", "version",
                                    "updated_at"])
        record("survey.design_replaced", current, actor=actor, request=request, before=before,
               after=_facts(current), reason=reason)
    transaction.on_commit(lambda: log.info("survey design of %s replaced (v%s)", current.period.year,
                                           current.version))
    return current


def open_survey(survey: Survey, *, actor, request=None) -> Survey:
    """From «đang thiết kế» to «đang thu phiếu»: the design is fixed; refused while any survey item of
    the period's criteria sets is asked of no group (III.1.3)."""
    _require_editor(actor, _("mở đợt thu phiếu điều tra"))
    with transaction.atomic():
        current = _lock_while_designed(survey, NOT_OPENABLE)
        gaps = gaps_of(current)
        missing = [f"{UnitKind(kind).label}: {', '.join(i.code for i in items)}"
                   for kind, items in gaps.items() if items]
        if missing:
            raise DomainError(_("Còn tiêu chí điều tra chưa có câu hỏi cho nhóm nào, chưa mở được"),
                              errors=[_("Tiêu chí chưa có câu hỏi — %(list)s") % {"list": m} for m in missing])
        before = _facts(current)
        current.status = Survey.Status.OPEN
        current.save(update_fields=["status", "updated_at"])
        record("survey.opened", current, actor=actor, request=request, before=before, after=_facts(current))
    return current
