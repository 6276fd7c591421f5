"""Collecting the survey's answers (III.1.2–1.3, V.1.1.c of 1679/QĐ-UBND): links, drafts, submissions.

An online respondent gets a secret link (``Invitation.token``) for one evaluated unit. He may save
his answers and come back with the same link (the draft lives on the invitation) and submits once;
the answers are then stored as an anonymous ``Response`` with its ``Answer`` rows — no invitation,
no token, no person, no day — and the completion is recorded on the invitation alone
(``completed_on``, a day), its draft deleted. Paper forms and imported files go through the same
checks (``record_response``) without an invitation and keep the day they were received.

Anonymity, as in LimeSurvey's anonymised surveys (which mark a completed token "Y" and give every
response the same dummy date): nothing joins a response to its invitation — no key, and no shared
day either. Were the day on both, a day on which one delegate of a group answered for a unit would
tie his answers to his link, his name and contact (``Invitation.label``, ``contact``). What is left
is the group and the unit, shared by every respondent of the pair (docs/algorithms.md §8).

Nothing here writes the audit log with a token or an answer: a submission is not audited at all
(the audit entry would carry the time and the request's address, enough to tie the answers to a
person). The creation of invitations is audited, with the group, the unit and the count only.

Every service has the house shape: ``transaction.atomic`` → lock the one row changed
(``parindex.core.locks``) → check → change. The design (``SurveyDesign``) is passed in: a service
taking a token gets ``design_of`` (the survey → its design; ``parindex.survey.services.design_of``).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from parindex.accounts import permissions
from parindex.audit.services import record
from parindex.core import clock, locks
from parindex.core.errors import Conflict, DomainError, NotAllowed
from parindex.periods.services import may_act
from parindex.periods.timeline import VN, Step, format_instant, format_start
from parindex.rulebook.numbers import shorten
from parindex.units.models import PeriodUnit

from .design import Group, SurveyDesign
from .models import Answer, Invitation, Response, Survey

log = logging.getLogger(__name__)

TOKEN_BYTES = 32                                  # 256 bits: 43 URL-safe characters
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MAX_INVITATIONS_PER_STEP = 1000                   # one request creates at most this many links
MAX_ANSWERS = 500                                 # more answers than any questionnaire has: refused unread

DesignOf = Callable[[Survey], SurveyDesign]


def new_token() -> str:
    """A fresh secret for a link: 32 random bytes, URL-safe (``secrets``, not ``random``)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def bad_link() -> NotAllowed:
    """Unknown, mistyped or tampered link: one message that says nothing about which."""
    return NotAllowed(_("Đường dẫn phiếu khảo sát không đúng hoặc không còn dùng được. Hãy mở lại đúng đường "
                        "dẫn đã nhận; nếu vẫn không được, liên hệ Sở Nội vụ."))


def local_day(at: datetime) -> date:
    return at.astimezone(VN).date()


def _same_design(survey: Survey, design: SurveyDesign) -> SurveyDesign:
    if design.id != survey.design_id:
        raise ValueError(f"design {design.id!r} is not the survey's ({survey.design_id!r})")
    return design


def _group_of(design: SurveyDesign, code: str) -> Group:
    group = design.group(code)
    if group is None:
        raise DomainError(_("Nhóm đối tượng «%(group)s» không có trong thiết kế điều tra") % {"group": shorten(code)})
    return group


# -- checks (one place each) ----------------------------------------------------------------------

def answer_problems(design: SurveyDesign, group: Group, answers: Mapping[str, str], *,
                    complete: bool) -> list[str]:
    """Every problem of a set of answers to ``group``'s questionnaire, as Vietnamese sentences.

    Each answer is a question code → an option code of the question's scale ("không biết / không trả
    lời" is an option like the others). A question of another group's questionnaire, an unknown
    question or an option outside the scale is refused; ``complete``: every question must be answered.
    """
    if not isinstance(answers, Mapping) or len(answers) > MAX_ANSWERS:
        return [_("Câu trả lời gửi lên không đúng dạng phiếu")]
    problems = []
    others = {q.code: g for g in design.groups if g.code != group.code for q in g.questions}
    for code, option in answers.items():
        question = group.question(str(code))
        if question is None:
            if code in others:
                problems.append(_("Câu «%(code)s» thuộc phiếu của nhóm «%(other)s», không thuộc phiếu này "
                                  "(«%(group)s»)") % {"code": code, "other": others[code].title, "group": group.title})
            else:
                problems.append(_("Câu «%(code)s» không có trong phiếu «%(group)s»")
                                % {"code": shorten(str(code)), "group": group.title})
            continue
        if not isinstance(option, str) or question.scale.option(option) is None:
            allowed = "; ".join(f"{o.code} ({o.label})" for o in question.scale.options)
            problems.append(_("Câu %(code)s: lựa chọn «%(option)s» không có trong thang «%(scale)s» — chọn một "
                              "trong: %(allowed)s") % {"code": question.code, "option": shorten(str(option)),
                                                       "scale": question.scale.title, "allowed": allowed})
    if complete:
        missing = [q.code for q in group.questions if q.code not in answers]
        if missing:
            problems.append(_("Chưa trả lời %(count)s câu: %(codes)s. Mọi câu đều phải trả lời; nếu không biết, "
                              "chọn «Không biết / không trả lời»")
                            % {"count": len(missing), "codes": ", ".join(missing)})
    return problems


def _require_answers(design: SurveyDesign, group: Group, answers: Mapping[str, str], *, complete: bool) -> None:
    problems = answer_problems(design, group, answers, complete=complete)
    if problems:
        message = _("Phiếu chưa gửi được, chưa có gì được lưu") if complete else _("Chưa lưu được câu trả lời")
        raise DomainError(message, errors=problems)


def _require_open(survey: Survey) -> None:
    if survey.status == Survey.Status.DESIGN:
        raise DomainError(_("Cuộc điều tra xã hội học năm %(year)s chưa bắt đầu thu phiếu")
                          % {"year": survey.period.year})
    if survey.status == Survey.Status.CLOSED:
        raise DomainError(_("Cuộc điều tra xã hội học năm %(year)s đã chốt kết quả, không nhận thêm phiếu")
                          % {"year": survey.period.year})


def _require_window(survey: Survey, unit: PeriodUnit, at: datetime) -> None:
    """Online: now within the survey's window (Step.SURVEY, V.1.1.c) and the survey open."""
    _require_open(survey)
    verdict = may_act(unit, Step.SURVEY, at)
    if not verdict.allowed:
        raise DomainError(verdict.message)


def _require_received_in_window(survey: Survey, received_on: date, today: date) -> None:
    """Paper and files: the day the form was received within the window's days, not after today."""
    _require_open(survey)
    period = survey.period
    first = local_day(period.survey_start)
    last = local_day(period.survey_end - timedelta(microseconds=1))  # the end is exclusive
    if received_on > today:
        raise DomainError(_("Ngày nhận phiếu %(day)s chưa tới (hôm nay %(today)s)")
                          % {"day": f"{received_on:%d/%m/%Y}", "today": f"{today:%d/%m/%Y}"})
    if not first <= received_on <= last:
        raise DomainError(_("Ngày nhận phiếu %(day)s ngoài thời gian thu phiếu: từ %(start)s đến %(end)s")
                          % {"day": f"{received_on:%d/%m/%Y}", "start": format_start(period.survey_start),
                             "end": format_instant(period.survey_end)})


def _require_unit(survey: Survey, group: Group, unit: PeriodUnit) -> None:
    if unit.period_id != survey.period_id or unit.kind != group.evaluates:
        raise DomainError(_("Nhóm «%(group)s» không đánh giá %(unit)s") % {"group": group.title, "unit": unit.name})


# -- invitations ----------------------------------------------------------------------------------

def create_invitations(survey: Survey, group_code: str, unit: PeriodUnit, count: int, *, actor,
                       design: SurveyDesign, request=None) -> list[Invitation]:
    """``count`` new links for ``group_code``'s respondents evaluating ``unit`` (audited without tokens)."""
    if not permissions.can_manage_periods(actor):
        raise NotAllowed(_("Chỉ điều phối viên Sở Nội vụ được tạo đường dẫn phiếu khảo sát"))
    group = _group_of(_same_design(survey, design), group_code)
    _require_unit(survey, group, unit)
    if "online" not in group.modes:
        raise DomainError(_("Nhóm «%(group)s» trả lời bằng phiếu giấy, không dùng đường dẫn trực tuyến")
                          % {"group": group.title})
    if not isinstance(count, int) or not 1 <= count <= MAX_INVITATIONS_PER_STEP:
        raise DomainError(_("Số đường dẫn cần tạo phải từ 1 đến %(max)s") % {"max": MAX_INVITATIONS_PER_STEP})
    with transaction.atomic():
        # the survey's row serialises two creations for the same group and unit (the population bound)
        survey = locks.lock_one(Survey.objects.select_related("period"), pk=survey.pk)
        if survey.status == Survey.Status.CLOSED:
            raise DomainError(_("Cuộc điều tra xã hội học năm %(year)s đã chốt kết quả, không tạo thêm đường dẫn")
                              % {"year": survey.period.year})
        existing = Invitation.objects.filter(survey=survey, group=group.code, unit=unit).count()
        population = group.population_of(unit.code)
        if population and existing + count > population:
            raise DomainError(_("Nhóm «%(group)s» của %(unit)s có %(population)s người; đã có %(existing)s đường "
                                "dẫn, chỉ tạo thêm được %(left)s")
                              % {"group": group.title, "unit": unit.name, "population": population,
                                 "existing": existing, "left": max(0, population - existing)})
        created = Invitation.objects.bulk_create(
            Invitation(survey=survey, group=group.code, unit=unit, token=new_token()) for _i in range(count))
        record("survey.invitations_created", survey, actor=actor, request=request,
               after={"group": group.title, "unit": unit.name, "links": count, "links_total": existing + count})
        transaction.on_commit(lambda: log.info("survey %s: %s links for %s/%s", survey.pk, count, group.code,
                                               unit.code))
    return created


def _invitations():
    """Invitations with their survey, unit and period, without the design's YAML text (``design_of`` reads
    it only when this process has not parsed that design yet)."""
    return Invitation.objects.select_related("survey__period", "unit__period").defer("survey__design_text")


def invitation_for(token: str) -> Invitation:
    """The invitation of a link, read only (the questionnaire's GET page); ``bad_link`` if none."""
    if not isinstance(token, str) or not TOKEN_SHAPE.match(token):
        raise bad_link()
    invitation = _invitations().filter(token=token).first()
    if invitation is None:
        raise bad_link()
    return invitation


def _lock_invitation(token: str) -> Invitation:
    if not isinstance(token, str) or not TOKEN_SHAPE.match(token):
        raise bad_link()
    try:
        return locks.lock_one(_invitations(), token=token)
    except Invitation.DoesNotExist:
        raise bad_link() from None


def already_sent(invitation: Invitation) -> DomainError:
    return DomainError(_("Phiếu này đã được gửi ngày %(day)s; mỗi đường dẫn chỉ gửi được một lần. Cảm ơn "
                         "ông/bà đã tham gia.") % {"day": f"{invitation.completed_on:%d/%m/%Y}"})


def _merged(draft: Mapping[str, str], answers: Mapping[str, str]) -> dict[str, str]:
    """The draft with the new answers over it; an empty answer ("" or None) takes the question out."""
    if not isinstance(answers, Mapping):
        raise DomainError(_("Câu trả lời gửi lên không đúng dạng phiếu"))
    merged = dict(draft)
    for code, option in answers.items():
        if option in ("", None):
            merged.pop(code, None)
        else:
            merged[code] = option
    return merged


# -- the respondent's steps -----------------------------------------------------------------------

def save_draft(token: str, answers: Mapping[str, str], expected_version: int, *, design_of: DesignOf,
               at: datetime | None = None) -> int:
    """Keep the answers given so far (one screen at a time) on the invitation; returns the new version.

    ``expected_version`` is the ``draft_version`` the page was loaded with: a save from another tab or
    device in between is a ``Conflict`` and nothing is written.
    """
    at = at or clock.now()
    with transaction.atomic():
        invitation = _lock_invitation(token)
        if invitation.completed_on is not None:
            raise already_sent(invitation)
        design = _same_design(invitation.survey, design_of(invitation.survey))
        group = _group_of(design, invitation.group)
        _require_window(invitation.survey, invitation.unit, at)
        if expected_version != invitation.draft_version:
            raise Conflict(_("Phiếu vừa được lưu ở một cửa sổ hoặc thiết bị khác. Hãy tải lại trang để thấy các "
                             "câu trả lời mới nhất rồi lưu lại."))
        merged = _merged(invitation.draft, answers)
        _require_answers(design, group, merged, complete=False)
        invitation.draft = merged
        invitation.draft_version += 1
        invitation.save(update_fields=["draft", "draft_version"])
    return invitation.draft_version


def submit(token: str, answers: Mapping[str, str], *, design_of: DesignOf, at: datetime | None = None) -> date:
    """The final submission: the draft with ``answers`` over it, every question answered; returns the day.

    The answers become an anonymous ``Response`` without a day; the invitation keeps the day it was
    completed (the one place it is kept: see the module's note on anonymity).
    A second submission (another tab, the link reused) is refused with the day of the first.
    """
    at = at or clock.now()
    with transaction.atomic():
        invitation = _lock_invitation(token)
        if invitation.completed_on is not None:
            raise already_sent(invitation)
        survey = invitation.survey
        design = _same_design(survey, design_of(survey))
        group = _group_of(design, invitation.group)
        _require_window(survey, invitation.unit, at)
        merged = _merged(invitation.draft, answers)
        _require_answers(design, group, merged, complete=True)
        day = local_day(at)
        # no day on the response: it is on the invitation, and the two must not be joinable on it
        _store(survey, group, invitation.unit, merged, Response.Source.ONLINE, None)
        invitation.completed_on = day
        invitation.draft = {}
        invitation.draft_version += 1
        invitation.save(update_fields=["completed_on", "draft", "draft_version"])
    return day


def record_response(survey: Survey, group_code: str, unit: PeriodUnit, answers: Mapping[str, str], source: str,
                    received_on: date, *, design: SurveyDesign, at: datetime | None = None) -> Response:
    """A paper form (agreed by its two entries) or a row of an imported file: the same checks, no link.

    Callers (the paper and import services) check who may record and audit their own step; the day
    the form was received must fall within the survey's window and not after today.
    """
    if source not in (Response.Source.PAPER, Response.Source.IMPORT):
        raise ValueError(f"record_response records paper forms and imports, not {str(source)!r}")
    at = at or clock.now()
    if not isinstance(received_on, date):
        raise DomainError(_("Chưa nhập ngày nhận phiếu"))
    group = _group_of(_same_design(survey, design), group_code)
    _require_unit(survey, group, unit)
    if source == Response.Source.PAPER and "paper" not in group.modes:
        raise DomainError(_("Nhóm «%(group)s» không trả lời bằng phiếu giấy") % {"group": group.title})
    with transaction.atomic():  # nothing to lock: a new response changes no row (the caller locks its form)
        survey = Survey.objects.select_related("period").get(pk=survey.pk)
        _require_received_in_window(survey, received_on, local_day(at))
        _require_answers(design, group, answers, complete=True)
        return _store(survey, group, unit, answers, source, received_on)


def _store(survey: Survey, group: Group, unit: PeriodUnit, answers: Mapping[str, str], source: str,
           received_on: date | None) -> Response:
    """The anonymous answers: a Response (random id) and one Answer per question, valued by the scale."""
    response = Response.objects.create(survey=survey, group=group.code, unit=unit, source=source,
                                       received_on=received_on)
    rows = []
    for question in group.questions:
        option = question.scale.option(answers[question.code])
        rows.append(Answer(response=response, question=question.code, item=question.item, option=option.code,
                           value=option.value))
    Answer.objects.bulk_create(rows)
    return response


# -- what scoring reads ---------------------------------------------------------------------------

def answer_rows(survey: Survey, kind: str):
    """Every stored answer of the survey about units of ``kind``, as scoring's (unit, group, item, value)."""
    return (Answer.objects.filter(response__survey=survey, response__unit__kind=kind)
            .values_list("response__unit__code", "response__group", "item", "value").iterator())


def resolutions_of(survey: Survey) -> dict[tuple[str, str], object]:
    """The coordinator's recorded decisions, as scoring's (unit, item) → points."""
    return {(unit, item): points for unit, item, points
            in survey.resolutions.values_list("unit__code", "item", "points")}
