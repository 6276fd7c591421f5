"""Score sheet, evidence library, participants, workflow buttons, report, Excel (III.2)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from parindex.accounts import permissions
from parindex.board.status import explanation_rounds
from parindex.core import clock
from parindex.core.errors import DomainError, NotAllowed, refusals_go_back, refusals_shown
from parindex.periods import services as period_services
from parindex.periods.models import Period
from parindex.periods.timeline import format_instant
from parindex.rulebook.numbers import format_vi
from parindex.units.states import WorkState

from . import files, services
from .forms import DocumentForm, ParticipantsForm, ReopenForm, UploadForm
from .models import Evidence, ItemEvidence, Status


def _load(request, year: int, code: str, *, creates: bool = True):
    """The unit and its assessment. A GET writes nothing (an unsaved, empty assessment before the first
    change); the unit's officer's first POST creates it (unless ``creates`` is off: a POST that only reads)."""
    period = get_object_or_404(Period, year=year)
    unit = permissions.get_unit_or_404(request.user, period, code)
    if unit.kind not in ("department", "district", "commune"):
        raise Http404
    assessment = services.assessment_of(unit)
    if assessment.pk is None and creates and request.method == "POST":
        if not permissions.can_self_assess(request.user, unit):
            raise NotAllowed(_("%(unit)s chưa bắt đầu tự đánh giá: chỉ cán bộ được giao tự đánh giá bắt đầu")
                              % {"unit": unit.name})
        assessment = services.get_or_create(unit)
    return unit, assessment


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _back_url(unit, anchor: str = "") -> str:
    return reverse("assessments:sheet", args=[unit.period.year, unit.code]) + (f"#{anchor}" if anchor else "")


def _back(unit, anchor: str = ""):
    return redirect(_back_url(unit, anchor))


BEFORE_APPRAISAL = frozenset({WorkState.NOT_STARTED, WorkState.SELF_ASSESSING, WorkState.SUBMITTED})


def _library_options(library) -> str:
    """The library's <option>s, rendered once for the page: every item's "attach from library" form
    shows the same list (46 items x the library's size was most of the sheet's rendering time)."""
    return format_html_join("", '<option value="{}">{}</option>',
                            ((e.pk, Truncator(str(e)).chars(80)) for e in library))


def _context(request, unit, assessment):
    views = services.item_views(assessment)
    library = list(assessment.evidence.all()) if assessment.pk else []
    t = services.totals(assessment, views)
    cset = services.criteria_of(assessment)
    user = request.user
    editable = assessment.editable and permissions.can_self_assess(user, unit)
    verdict = period_services.may_act(unit, services.own_step(unit))
    return {
        "unit": unit, "period": unit.period, "assessment": assessment, "cset": cset, "views": views,
        "totals": t, "editable": editable and verdict.allowed, "verdict": verdict,
        "is_officer": permissions.can_self_assess(user, unit),
        "is_head": permissions.can_approve_submission(user, unit),
        "can_reopen": permissions.can_reopen_assessment(user, unit),
        "library": library, "library_options": _library_options(library),
        # ".../muc/": each item's save and attach forms are this + its code (two reverse() per item were
        # ~13 % of the render); the code is quoted by the template (urlencode) as reverse() would
        "items_base": reverse("assessments:save_item", args=[unit.period.year, unit.code, "_"])[:-2],
        "participants": list(assessment.participants.all()) if assessment.pk else [],
        # what the head would be refused for at submission (III.2.2), named before the button is pressed
        "participant_problems": (services.participant_problems(assessment)
                                 if assessment.status == Status.AWAITING_APPROVAL else []),
        "filter": request.GET.get("loc", ""),
        # an explanation round exists only once the appraisal has started (units/states.py): no query before
        "explanation_until": (None if unit.state in BEFORE_APPRAISAL
                              else explanation_rounds([unit.pk], clock.now()).get(unit.pk)),
    }


@login_required
def sheet(request, year: int, code: str):
    unit, assessment = _load(request, year, code)
    context = _context(request, unit, assessment)
    # the items in one Jinja2 template (parindex/core/jinja2.py: most of the page's cost was Django's
    # engine repeating the item fragment), inserted into the Django page
    context["csrf_field"] = csrf_input(request)  # once: each use of a lazy csrf_input masks the token anew
    fields = get_template("assessments/sheet_fields.html", using="jinja2").render(context, request)
    context["fields_html"] = mark_safe(fields)  # noqa: S308 - Jinja2 escaped every value (autoescape on)
    return render(request, "assessments/sheet.html", context)


@login_required
@require_POST
def save_item(request, year: int, code: str, item: str):
    unit, assessment = _load(request, year, code)
    raw_version = request.POST.get("version", "")
    version = int(raw_version) if raw_version.isdigit() else None
    try:
        score = services.save_item(assessment, item, request.POST.get("points", ""),
                                   request.POST.get("explanation", ""), actor=request.user, version=version,
                                   request=request)
    except services.Conflict as exc:
        current = exc.current
        if _wants_json(request):
            return JsonResponse({"ok": False, "conflict": True, "error": exc.message,
                                 "points": format_vi(current.points) if current.points is not None else "",
                                 "explanation": current.explanation, "version": current.version}, status=409)
        messages.error(request, exc.message)
        return _back(unit, f"item-{item}")
    except DomainError as exc:  # the middleware answers: 403 / 409 / 400, JSON for the page's script
        exc.back = exc.back or _back_url(unit, f"item-{item}")
        raise
    if _wants_json(request):
        t = services.totals(assessment)
        return JsonResponse({
            "ok": True, "version": score.version,
            "points": format_vi(score.points) if score.points is not None else "",
            "fields": {k: format_vi(v) for k, v in t.fields.items()}, "total": format_vi(t.total),
            "scored": t.scored, "items": t.items, "unsupported": t.unsupported,
            "saved_at": timezone.localtime(score.updated_at).strftime("%H:%M:%S"),
        })
    messages.success(request, _("Đã lưu tiêu chí %(item)s") % {"item": item})
    return _back(unit, f"item-{item}")


def _run(request, unit, action, success: str, anchor: str = ""):
    with refusals_go_back(_back_url(unit, anchor)):
        action()
    messages.success(request, success)
    return _back(unit, anchor)


@login_required
@require_POST
def link(request, year: int, code: str, item: str):
    unit, assessment = _load(request, year, code)
    if not permissions.can_self_assess(request.user, unit):
        raise PermissionDenied
    raw = request.POST.get("evidence", "")
    evidence = assessment.evidence.filter(pk=int(raw)).first() if raw.isdigit() else None
    if evidence is None:
        messages.error(request, _("Tiêu chí %(item)s: chưa chọn tài liệu trong thư viện của đơn vị") % {"item": item})
        return _back(unit, f"item-{item}")
    return _run(request, unit, lambda: services.link_evidence(
        assessment, item, evidence, request.POST.get("location", ""), actor=request.user, request=request),
        _("Đã gắn tài liệu cho tiêu chí %(item)s") % {"item": item}, f"item-{item}")


@login_required
@require_POST
def unlink(request, year: int, code: str, link_id: int):
    unit, assessment = _load(request, year, code)
    if not permissions.can_self_assess(request.user, unit):
        raise PermissionDenied
    item_link = get_object_or_404(ItemEvidence, pk=link_id, score__assessment=assessment)
    item = item_link.score.item_code
    return _run(request, unit, lambda: services.unlink_evidence(item_link, actor=request.user, request=request),
                _("Đã bỏ tài liệu khỏi tiêu chí %(item)s") % {"item": item}, f"item-{item}")


@login_required
def library(request, year: int, code: str):
    unit, assessment = _load(request, year, code)
    upload_form = UploadForm(prefix="f")
    document_form = DocumentForm(prefix="d")
    if request.method == "POST":
        if not permissions.can_self_assess(request.user, unit):
            raise PermissionDenied
        with refusals_shown(lambda message: messages.error(request, message)):
            if "f-file" in request.FILES or request.POST.get("kind") == "file":
                upload_form = UploadForm(request.POST, request.FILES, prefix="f")
                if upload_form.is_valid():
                    evidence = services.upload_evidence(assessment, upload_form.cleaned_data["file"],
                                                        actor=request.user, request=request)
                    messages.success(request, _("Đã thêm tệp «%(name)s» vào thư viện")
                                     % {"name": evidence.original_name})
                    return redirect("assessments:library", year=year, code=code)
            else:
                document_form = DocumentForm(request.POST, prefix="d")
                if document_form.is_valid():
                    services.add_document(assessment, actor=request.user, request=request,
                                          **document_form.cleaned_data)
                    messages.success(request, _("Đã thêm văn bản vào thư viện"))
                    return redirect("assessments:library", year=year, code=code)
    return render(request, "assessments/library.html", {
        "unit": unit, "period": unit.period, "assessment": assessment,
        "library": assessment.evidence.all() if assessment.pk else [],
        "upload_form": upload_form, "document_form": document_form,
        "editable": assessment.editable and permissions.can_self_assess(request.user, unit),
        "max_mb": files.max_bytes() // (1024 * 1024), "allowed": files.ALLOWED_TEXT,
    })


@login_required
def download(request, year: int, code: str, evidence_id: int):
    unit, assessment = _load(request, year, code)
    if assessment.pk is None:
        raise Http404
    evidence = get_object_or_404(Evidence, pk=evidence_id, assessment=assessment, kind=Evidence.Kind.FILE)
    kind = next((k for k, (_label, exts) in files.ALLOWED.items()
                 if evidence.file.name.endswith(tuple(exts))), "")
    inline = kind in files.INLINE and request.GET.get("xem") == "1"
    response = FileResponse(evidence.file.open("rb"), as_attachment=not inline, filename=evidence.original_name,
                            content_type=evidence.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@login_required
def participants(request, year: int, code: str):
    unit, assessment = _load(request, year, code)
    editable = assessment.editable and permissions.can_self_assess(request.user, unit)
    roles = services.required_roles(unit)
    people = list(assessment.participants.all()) if assessment.pk else []
    initial = {"difficulties": assessment.difficulties, "meeting_date": assessment.meeting_date,
               **ParticipantsForm.initial_for(people, roles)}
    form = ParticipantsForm(request.POST or None, initial=initial, roles=roles)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            with refusals_shown(lambda message: form.add_error(None, message)) as outcome:
                services.set_participants(assessment, form.cleaned_data["people"], actor=request.user,
                                          meeting_date=form.cleaned_data["meeting_date"],
                                          difficulties=form.cleaned_data["difficulties"], request=request)
            if outcome.ok:
                messages.success(request, _("Đã lưu thành phần tham gia và phần khó khăn, kiến nghị"))
                return _back(unit)
    return render(request, "assessments/participants.html", {
        "unit": unit, "period": unit.period, "assessment": assessment, "form": form, "editable": editable,
        "participants": people, "roles": roles, "problems": services.participant_problems(assessment)})


def _confirm(request, unit, assessment, step: str):
    """GET: the summary and what still blocks the step (the service's answer); POST with
    ``confirmed``: do it; a POST without it (an old form) shows the summary first."""
    if step == "send":
        allowed = permissions.can_self_assess(request.user, unit)
        title, button = _("Trình thủ trưởng duyệt"), _("Trình thủ trưởng duyệt")
        lead = _("Sau khi trình, cán bộ không sửa được điểm và tài liệu kiểm chứng; thủ trưởng duyệt và nộp, "
                 "hoặc trả lại kèm ý kiến.")
        run, done = services.send_for_approval, _("Đã trình thủ trưởng duyệt")
    else:
        allowed = permissions.can_approve_submission(request.user, unit)
        title, button = _("Duyệt và nộp bản tự đánh giá"), _("Duyệt và nộp")
        lead = _("Bản tự đánh giá được nộp lên cấp trên và cố định cho thẩm định; sau hạn nộp chỉ điều phối "
                 "viên cấp quản lý mở lại được.")
        run, done = services.approve_and_submit, _("Đã duyệt và nộp bản tự đánh giá")
    if not allowed:
        raise PermissionDenied
    url = reverse(f"assessments:{'send_for_approval' if step == 'send' else 'submit'}",
                  args=[unit.period.year, unit.code])
    if request.method == "POST":
        if request.POST.get("confirmed") != "1":
            return redirect(url)
        with refusals_shown() as outcome:
            run(assessment, actor=request.user, request=request)
        if not outcome.ok:
            return redirect(url)  # the summary page lists every reason, from the same service
        messages.success(request, done)
        return _back(unit)
    ready = services.readiness(assessment, step, actor=request.user)
    t = services.totals(assessment)
    started = assessment.pk is not None  # an unsaved, empty assessment before the officer's first change
    library = assessment.evidence.count() if started else 0
    linked = (ItemEvidence.objects.filter(score__assessment=assessment).values("score").distinct().count()
              if started else 0)
    deadline, extended = period_services.deadline_for(unit, services.own_step(unit))
    summary = [
        (_("Đơn vị"), unit.name),
        (_("Tổng điểm tự đánh giá"), f"{format_vi(t.total)} / {format_vi(t.maximum)}"),
        (_("Tiêu chí đã chấm"), f"{t.scored}/{t.items}"),
        (_("Tài liệu kiểm chứng"), ngettext("%(n)d tài liệu trong thư viện, gắn cho %(m)d tiêu chí",
                                            "%(n)d tài liệu trong thư viện, gắn cho %(m)d tiêu chí", library)
         % {"n": library, "m": linked}),
        (_("Hạn nộp"), format_instant(deadline) + (" " + _("(đã gia hạn)") if extended else "")),
    ]
    return render(request, "core/confirm.html", {
        "title": title, "lead": lead, "summary": summary, "warnings": ready.messages(),
        "blocked": ready.blocked, "action": url, "button": button,
        "cancel": reverse("assessments:sheet", args=[unit.period.year, unit.code]),
    })


@login_required
@require_http_methods(["GET", "POST"])
def send_for_approval(request, year: int, code: str):
    unit, assessment = _load(request, year, code)
    return _confirm(request, unit, assessment, "send")


@login_required
@require_POST
def send_back(request, year: int, code: str):
    unit, assessment = _load(request, year, code)
    return _run(request, unit, lambda: services.send_back(assessment, request.POST.get("comment", ""),
                                                          actor=request.user, request=request),
                _("Đã trả lại cho cán bộ"))


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, year: int, code: str):
    unit, assessment = _load(request, year, code)
    return _confirm(request, unit, assessment, "submit")


@login_required
@require_POST
def withdraw(request, year: int, code: str):
    unit, assessment = _load(request, year, code)
    return _run(request, unit, lambda: services.withdraw(assessment, actor=request.user,
                                                         reason=request.POST.get("reason", ""), request=request),
                _("Đã rút bản tự đánh giá để sửa"))


@login_required
def reopen(request, year: int, code: str):
    unit, assessment = _load(request, year, code)
    if not permissions.can_reopen_assessment(request.user, unit):
        raise PermissionDenied
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen(assessment, form.cleaned_data["reason"], form.cleaned_data["new_due"],
                            actor=request.user, request=request)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã mở lại bản tự đánh giá của %(unit)s") % {"unit": unit.name})
            return _back(unit)
    return render(request, "assessments/reopen.html", {"unit": unit, "period": unit.period, "form": form})

