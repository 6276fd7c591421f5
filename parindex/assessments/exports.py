"""The self-assessment report (printable page and PDF) and the Excel export/import of the score sheet.

The report follows Công văn 383/BNV: (1) the summary of points with evidence, (2) explanations for
items without full evidence, (3) difficulties and recommendations, the participants. All three
outputs come from ``excel.sheet_data``: the frozen snapshot once submitted, the live draft otherwise.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parindex.accounts import permissions
from parindex.core import clock
from parindex.core.errors import DomainError, refusals_shown
from parindex.documents.heading import for_self_assessment
from parindex.documents.responses import pdf_response, xlsx_response

from . import excel, files
from .forms import UploadForm
from .jobs import report_filename, start_import, start_report_pdf
from .views import _load


def report_context(unit, assessment) -> dict:
    data = excel.sheet_data(assessment)
    # dated on submission (a draft: today) and signed by the head who submitted (a draft: by hand)
    issued = timezone.localtime(data.submitted_at or clock.now()).date()
    head = assessment.submitted_by if data.frozen else None
    heading = for_self_assessment(unit, issued, (head.get_full_name() or head.get_username()) if head else "")
    return {"unit": unit, "period": unit.period, "assessment": assessment, "data": data, "heading": heading,
            "no_support": excel.NO_SUPPORT}


@login_required
def report(request, year: int, code: str):
    unit, assessment = _load(request, year, code)
    return render(request, "assessments/report.html", report_context(unit, assessment))


@login_required
def report_pdf(request, year: int, code: str):
    unit, assessment = _load(request, year, code)
    return pdf_response("assessments/report_pdf.html", report_context(unit, assessment), request,
                        report_filename(unit))


@require_POST
@login_required
def report_pdf_job(request, year: int, code: str):
    """«Tạo tệp PDF»: the same PDF made by the background worker; the person waits on the job's page."""
    unit, _assessment = _load(request, year, code, creates=False)
    return redirect(start_report_pdf(unit, actor=request.user))


@login_required
def excel_export(request, year: int, code: str):
    unit, assessment = _load(request, year, code)
    return xlsx_response(excel.export(assessment), f"tu-danh-gia-{unit.code}-{unit.period.year}.xlsx")


def _uploaded_bytes(uploaded) -> bytes:
    """The uploaded file's content, or a clear message for an empty, oversized or unnamed file."""
    name = files.check_name(getattr(uploaded, "name", "") or "")
    if uploaded.size == 0:
        raise DomainError(_("Tệp «%(name)s» rỗng (0 byte); hãy chọn tệp Excel (.xlsx) đã điền điểm") % {"name": name})
    if uploaded.size > files.max_bytes():
        raise DomainError(_("Tệp «%(name)s» nặng %(size).1f MB, vượt giới hạn %(max)s MB")
                          % {"name": name, "size": uploaded.size / 1024 / 1024, "max": settings.EVIDENCE_MAX_MB})
    data = b"".join(uploaded.chunks())
    if len(data) != uploaded.size:
        raise DomainError(_("Tệp «%(name)s» tải lên không trọn vẹn, hãy thử lại") % {"name": name})
    return data


@login_required
def excel_import(request, year: int, code: str):
    unit, assessment = _load(request, year, code)
    editable = assessment.editable and permissions.can_self_assess(request.user, unit)
    form = UploadForm(prefix="f")
    error, errors = "", []
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = UploadForm(request.POST, request.FILES, prefix="f")
        if form.is_valid():
            # the quick checks here (size, name, state, deadline); reading the workbook is the job's
            with refusals_shown() as outcome:
                data = _uploaded_bytes(form.cleaned_data["file"])
                name = files.check_name(form.cleaned_data["file"].name)
                job = start_import(assessment, name, data, actor=request.user)
            if not outcome.ok:
                error, errors = outcome.message, outcome.errors
            else:
                return redirect(job)
    return render(request, "assessments/excel_import.html", {
        "unit": unit, "period": unit.period, "assessment": assessment, "form": form, "editable": editable,
        "error": error, "errors": errors if errors != [error] else [], "max_mb": settings.EVIDENCE_MAX_MB,
    })
