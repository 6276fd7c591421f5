"""The self-assessment report (printable page and PDF) and the Excel export/import of the score sheet.

The report follows Công văn 383/BNV: (1) the summary of points with evidence, (2) explanations for
items without full evidence, (3) difficulties and recommendations, the participants. All three
outputs come from ``excel.sheet_data``: the frozen snapshot once submitted, the live draft otherwise.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.accounts import permissions
from parindex.core import clock
from parindex.core.errors import DomainError, refusals_shown
from parindex.documents.heading import for_self_assessment
from parindex.documents.responses import pdf_response, xlsx_response

from . import excel, files
from .forms import UploadForm
from .importing import import_scores
from .views import _load


def _report_context(request, unit, assessment) -> dict:
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
    return render(request, "assessments/report.html", _report_context(request, unit, assessment))


@login_required
def report_pdf(request, year: int, code: str):
    unit, assessment = _load(request, year, code)
    return pdf_response("assessments/report_pdf.html", _report_context(request, unit, assessment), request,
                        f"bao-cao-tu-danh-gia-{unit.code}-{unit.period.year}.pdf")


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
            with refusals_shown() as outcome:
                data = _uploaded_bytes(form.cleaned_data["file"])
                changed = import_scores(assessment, data, actor=request.user, request=request)
            if not outcome.ok:
                error, errors = outcome.message, outcome.errors
            else:
                if changed:
                    messages.success(request, _("Đã nhập từ Excel: cập nhật %(n)s tiêu chí") % {"n": changed})
                else:
                    messages.success(request, _("Đã đọc tệp Excel: không có tiêu chí nào thay đổi"))
                return redirect(reverse("assessments:sheet", args=[year, code]))
    return render(request, "assessments/excel_import.html", {
        "unit": unit, "period": unit.period, "assessment": assessment, "form": form, "editable": editable,
        "error": error, "errors": errors if errors != [error] else [], "max_mb": settings.EVIDENCE_MAX_MB,
    })
