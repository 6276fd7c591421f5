"""Paper questionnaires with double entry (III.1.2–1.3, V.1.1.c of 1679/QĐ-UBND; issue 10 §2).

The Sở Nội vụ issues numbered blank forms for a group and an evaluated unit (``issue_forms``; the
serial reads «2021-DAN-0001»: the year, the group, a running number of the survey) and prints them
(``print_context``: one questionnaire per serial, the serial on every page). Each filled form is typed
twice by two different people (``enter``): when the two entries agree the form counts — its answers
become an anonymous ``Response`` (``collect.record_response``, source «paper», with the day the form
was received) — and when they differ the form waits (MISMATCH) until a third person, or the
coordinator, settles the answers (``resolve``).

Anonymity (docs/security.md): the ``Response`` of a counted form has no link to its serial; the typed
entries (``PaperEntry``) keep the answers next to the serial for verification until the survey is
closed, then ``purge_entries`` deletes them. The audit log carries the serial and the step, never an
answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from parindex.accounts import permissions
from parindex.audit.services import record
from parindex.core import clock, locks
from parindex.core.errors import DomainError, NotAllowed
from parindex.rulebook.numbers import shorten
from parindex.units.models import PeriodUnit

from . import collect
from .design import Group, SurveyDesign
from .models import PaperEntry, PaperForm, Response, Survey

log = logging.getLogger(__name__)

MAX_FORMS_PER_STEP = 1000
RECEIVED = "_ngay_nhan"        # the key of the day received in an entry's JSON (question codes never start with _)
SERIAL_SHAPE = re.compile(r"^\d{4}-[A-Z0-9]{1,12}-\d{4,6}$")


def normalize_serial(text: str) -> str:
    """What a person typed → the stored form of a serial (case and spaces do not matter)."""
    return re.sub(r"\s+", "", str(text or "")).upper()


def _serial_prefix(survey: Survey, group: Group) -> str:
    code = re.sub(r"[^A-Z0-9]", "", group.code.upper())[:12] or "P"
    return f"{survey.period.year}-{code}-"


def _paper_group(design: SurveyDesign, code: str) -> Group:
    group = collect._group_of(design, code)
    if "paper" not in group.modes:
        raise DomainError(_("Nhóm «%(group)s» không trả lời bằng phiếu giấy") % {"group": group.title})
    return group


# -- issuing and printing ----------------------------------------------------------------------------

def issue_forms(survey: Survey, group_code: str, unit: PeriodUnit, count: int, *, actor, design: SurveyDesign,
                request=None) -> list[str]:
    """``count`` new numbered blank forms of ``group_code`` about ``unit``; returns their serials."""
    if not permissions.can_issue_paper_forms(actor):
        raise NotAllowed(_("Chỉ điều phối viên Sở Nội vụ được phát hành phiếu giấy"))
    group = _paper_group(collect._same_design(survey, design), group_code)
    collect._require_unit(survey, group, unit)
    if not isinstance(count, int) or not 1 <= count <= MAX_FORMS_PER_STEP:
        raise DomainError(_("Số phiếu cần phát hành phải từ 1 đến %(max)s") % {"max": MAX_FORMS_PER_STEP})
    with transaction.atomic():
        survey = locks.lock_one(Survey.objects.select_related("period"), pk=survey.pk)  # serial numbers queue here
        if survey.status == Survey.Status.CLOSED:
            raise DomainError(_("Cuộc điều tra xã hội học năm %(year)s đã chốt kết quả, không phát hành thêm "
                                "phiếu") % {"year": survey.period.year})
        existing = PaperForm.objects.filter(survey=survey, group=group.code, unit=unit).count()
        population = group.population_of(unit.code)
        if population and existing + count > population:
            raise DomainError(_("Nhóm «%(group)s» của %(unit)s có %(population)s người; đã phát hành %(existing)s "
                                "phiếu, chỉ phát hành thêm được %(left)s")
                              % {"group": group.title, "unit": unit.name, "population": population,
                                 "existing": existing, "left": max(0, population - existing)})
        prefix = _serial_prefix(survey, group)
        last = 0
        for serial in PaperForm.objects.filter(survey=survey, serial__startswith=prefix).values_list("serial",
                                                                                                    flat=True):
            last = max(last, int(serial.rsplit("-", 1)[1]))
        serials = [f"{prefix}{n:04d}" for n in range(last + 1, last + count + 1)]
        PaperForm.objects.bulk_create(PaperForm(survey=survey, serial=s, group=group.code, unit=unit)
                                      for s in serials)
        record("survey.paper_issued", survey, actor=actor, request=request,
               after={"group": group.title, "unit": unit.name, "forms": count, "first": serials[0],
                      "last": serials[-1]})
    return serials


@dataclass(frozen=True, slots=True)
class PrintedForm:
    serial: str
    unit: PeriodUnit
    group: Group


def printable(survey: Survey, serials: list[str], design: SurveyDesign) -> list[PrintedForm]:
    """The forms to print, in serial order (unknown serials are skipped)."""
    groups = {g.code: g for g in design.groups}
    forms = PaperForm.objects.filter(survey=survey, serial__in=serials).select_related("unit").order_by("serial")
    return [PrintedForm(f.serial, f.unit, groups[f.group]) for f in forms if f.group in groups]


# -- double entry ----------------------------------------------------------------------------------

def _lock_form(survey: Survey, serial: str) -> PaperForm:
    found = normalize_serial(serial)
    if not found:
        raise DomainError(_("Chưa nhập số phiếu"))
    try:
        return locks.lock_one(PaperForm.objects.select_related("unit", "survey__period"), survey=survey,
                              serial=found)
    except PaperForm.DoesNotExist:
        raise DomainError(_("Không có phiếu số «%(serial)s» trong cuộc điều tra năm %(year)s; kiểm tra lại số "
                            "in ở góc phiếu") % {"serial": shorten(found), "year": survey.period.year}) from None


def form_of(survey: Survey, serial: str) -> PaperForm | None:
    """The form with this serial, read only (the entry page's GET)."""
    found = normalize_serial(serial)
    return PaperForm.objects.select_related("unit").filter(survey=survey, serial=found).first() if found else None


def _checked(design: SurveyDesign, form: PaperForm, answers: Mapping[str, str], received_on: date | None,
             at: datetime) -> dict[str, str]:
    group = _paper_group(design, form.group)
    problems = collect.answer_problems(design, group, answers, complete=True)
    if not isinstance(received_on, date):
        problems.insert(0, _("Chưa nhập ngày nhận phiếu (ngày ghi trên phiếu)"))
    else:
        try:
            collect._require_received_in_window(form.survey, received_on, collect.local_day(at))
        except DomainError as exc:
            problems.insert(0, exc.message)
    if problems:
        raise DomainError(_("Phiếu số %(serial)s chưa lưu được, chưa có gì được lưu") % {"serial": form.serial},
                          errors=problems)
    return {**{str(k): str(v) for k, v in answers.items()}, RECEIVED: received_on.isoformat()}


def _count(form: PaperForm, typed: Mapping[str, str], design: SurveyDesign, at: datetime) -> None:
    answers = {k: v for k, v in typed.items() if k != RECEIVED}
    collect.record_response(form.survey, form.group, form.unit, answers, Response.Source.PAPER,
                            date.fromisoformat(typed[RECEIVED]), design=design, at=at)
    form.status = PaperForm.Status.COUNTED
    form.save(update_fields=["status"])


@dataclass(frozen=True, slots=True)
class Difference:
    code: str
    text: str
    first: str
    second: str


def differences(form: PaperForm, design: SurveyDesign) -> list[Difference]:
    """The questions (and the day received) on which the form's two entries differ."""
    entries = list(form.entries.order_by("entered_at", "pk"))
    if len(entries) < 2:
        return []
    a, b = entries[0].answers, entries[1].answers
    group = design.group(form.group)
    out = []
    if a.get(RECEIVED) != b.get(RECEIVED):
        out.append(Difference(RECEIVED, _("Ngày nhận phiếu"), _day(a.get(RECEIVED)), _day(b.get(RECEIVED))))
    for q in group.questions if group else ():
        if a.get(q.code) != b.get(q.code):
            out.append(Difference(q.code, q.text, _label(q, a.get(q.code)), _label(q, b.get(q.code))))
    return out


def _day(iso: str | None) -> str:
    return f"{date.fromisoformat(iso):%d/%m/%Y}" if iso else "—"


def _label(question, code: str | None) -> str:
    option = question.scale.option(code) if code else None
    return f"{code} — {option.label}" if option else (code or "—")


def enter(survey: Survey, serial: str, answers: Mapping[str, str], received_on: date | None, *, actor,
          design: SurveyDesign, request=None, at: datetime | None = None) -> PaperForm:
    """One typing of a paper form by ``actor``; the second typing by someone else decides the form.

    Returns the form: PENDING after the first entry, COUNTED when the second agrees with the first,
    MISMATCH when it does not (``differences`` lists where). A person types a form once.
    """
    if not permissions.can_enter_paper_forms(actor):
        raise NotAllowed(_("Chỉ người nhập phiếu điều tra và điều phối viên Sở Nội vụ được nhập phiếu giấy"))
    at = at or clock.now()
    collect._same_design(survey, design)
    with transaction.atomic():
        form = _lock_form(survey, serial)
        collect._require_open(form.survey)
        if form.status == PaperForm.Status.COUNTED:
            raise DomainError(_("Phiếu số %(serial)s đã nhập đủ hai lần và đã được tính; không nhập lại")
                              % {"serial": form.serial})
        if form.status == PaperForm.Status.MISMATCH:
            raise DomainError(_("Phiếu số %(serial)s đã nhập hai lần nhưng không khớp; cần đối chiếu với phiếu "
                                "gốc ở trang «Phiếu cần đối chiếu»") % {"serial": form.serial})
        entries = list(form.entries.all())
        if any(e.entered_by_id == actor.pk for e in entries):
            raise DomainError(_("Bạn đã nhập phiếu số %(serial)s rồi; lần nhập thứ hai phải do người khác thực "
                                "hiện. Chưa lưu gì.") % {"serial": form.serial})
        typed = _checked(design, form, answers, received_on, at)
        PaperEntry.objects.create(form=form, entered_by=actor, answers=typed)
        if entries:
            if entries[0].answers == typed:
                _count(form, typed, design, at)
            else:
                form.status = PaperForm.Status.MISMATCH
                form.save(update_fields=["status"])
        record("survey.paper_entered", form.survey, actor=actor, request=request,
               after={"serial": form.serial, "entry": len(entries) + 1, "form_status": form.status})
    return form


def resolve(survey: Survey, serial: str, answers: Mapping[str, str], received_on: date | None, *, actor,
            reason: str, design: SurveyDesign, request=None, at: datetime | None = None) -> PaperForm:
    """Settle a form whose two entries differ, from the paper itself: a third person (not one of the two
    who typed it) or the Sở Nội vụ coordinator; the settled answers count."""
    if not permissions.can_enter_paper_forms(actor):
        raise NotAllowed(_("Chỉ người nhập phiếu điều tra và điều phối viên Sở Nội vụ được đối chiếu phiếu giấy"))
    at = at or clock.now()
    collect._same_design(survey, design)
    if not (reason or "").strip():
        raise DomainError(_("Hãy ghi lý do (đã đối chiếu với phiếu gốc thế nào)"))
    with transaction.atomic():
        form = _lock_form(survey, serial)
        collect._require_open(form.survey)
        if form.status != PaperForm.Status.MISMATCH:
            raise DomainError(_("Phiếu số %(serial)s không ở trạng thái cần đối chiếu (%(status)s)")
                              % {"serial": form.serial, "status": form.get_status_display()})
        typists = set(form.entries.values_list("entered_by_id", flat=True))
        if actor.pk in typists and not permissions.can_issue_paper_forms(actor):
            raise NotAllowed(_("Bạn đã nhập phiếu số %(serial)s; việc đối chiếu phải do người thứ ba hoặc điều "
                               "phối viên Sở Nội vụ thực hiện") % {"serial": form.serial})
        typed = _checked(design, form, answers, received_on, at)
        _count(form, typed, design, at)
        record("survey.paper_resolved", form.survey, actor=actor, request=request,
               after={"serial": form.serial, "form_status": form.status}, reason=reason.strip())
    return form


def mismatches(survey: Survey):
    return PaperForm.objects.filter(survey=survey, status=PaperForm.Status.MISMATCH).select_related("unit") \
        .order_by("serial")


def next_serial_for(survey: Survey, actor) -> str | None:
    """A form still waiting for ``actor``'s typing (pending, not typed by him), the lowest serial."""
    return (PaperForm.objects.filter(survey=survey, status=PaperForm.Status.PENDING)
            .exclude(entries__entered_by=actor).order_by("serial").values_list("serial", flat=True).first())


def purge_entries(survey: Survey, *, actor=None, request=None) -> int:
    """Delete the typed entries of counted forms once the survey is closed (anonymity, docs/security.md)."""
    with transaction.atomic():
        survey = locks.lock_one(Survey.objects.select_related("period"), pk=survey.pk)
        if survey.status != Survey.Status.CLOSED:
            raise DomainError(_("Chỉ xoá bản nhập phiếu giấy sau khi cuộc điều tra đã chốt kết quả"))
        deleted, _rows = PaperEntry.objects.filter(form__survey=survey,
                                                   form__status=PaperForm.Status.COUNTED).delete()
        record("survey.paper_entries_purged", survey, actor=actor, request=request, after={"entries": deleted})
    return deleted

