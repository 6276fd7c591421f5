"""The self-assessment's background jobs (parindex/jobs): the Excel import and the report's PDF."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from parindex.accounts import permissions
from parindex.core.errors import NotAllowed
from parindex.documents.responses import PDF, render_pdf
from parindex.jobs import services as jobs

from .importing import check_may_import, import_scores
from .models import Assessment

IMPORT = "assessments.excel_import"
REPORT_PDF = "assessments.report_pdf"


def _sheet_url(unit) -> str:
    return reverse("assessments:sheet", args=[unit.period.year, unit.code])


def start_import(assessment: Assessment, filename: str, data: bytes, *, actor):
    """Queue the import of an uploaded score sheet (checked again, all of it, when it runs)."""
    check_may_import(assessment, actor)
    unit = assessment.period_unit
    return jobs.start(IMPORT, actor=actor, args={"assessment": assessment.pk}, upload=(filename, data),
                      title=_("Nhập điểm từ Excel: %(unit)s (%(year)s), tệp «%(name)s»")
                      % {"unit": unit.name, "year": unit.period.year, "name": filename},
                      back=(_sheet_url(unit), _("Về bảng tự đánh giá")))


@jobs.handler(IMPORT)
def run_import(job, *, assessment: int) -> str:
    sheet = Assessment.objects.select_related("period_unit__period").get(pk=assessment)
    jobs.progress(job, 0, 2, _("Đang đọc và kiểm tra tệp Excel…"))
    data = jobs.read_input(job)
    changed = import_scores(sheet, data, actor=job.started_by, checked=lambda n: jobs.progress(
        job, 1, 2, _("Tệp hợp lệ (%(n)s tiêu chí); đang lưu điểm…") % {"n": n}))
    if changed:
        return _("Đã nhập từ Excel: cập nhật %(n)s tiêu chí") % {"n": changed}
    return _("Đã đọc tệp Excel: không có tiêu chí nào thay đổi")


def report_filename(unit) -> str:
    return f"bao-cao-tu-danh-gia-{unit.code}-{unit.period.year}.pdf"


def start_report_pdf(unit, *, actor):
    """Queue the self-assessment report's PDF (the same document as the direct download)."""
    return jobs.start(REPORT_PDF, actor=actor, args={"unit": unit.pk},
                      title=_("Tạo tệp PDF báo cáo tự đánh giá: %(unit)s (%(year)s)")
                      % {"unit": unit.name, "year": unit.period.year},
                      back=(reverse("assessments:report", args=[unit.period.year, unit.code]),
                            _("Về báo cáo tự đánh giá")))


@jobs.handler(REPORT_PDF)
def run_report_pdf(job, *, unit: int) -> jobs.Output:
    from parindex.units.models import PeriodUnit

    from . import services
    from .exports import report_context

    period_unit = PeriodUnit.objects.select_related("period").get(pk=unit)
    # who may see the unit is asked again when the job runs: a role may have ended in between
    if not permissions.visible_units(job.started_by, period_unit.period).filter(pk=period_unit.pk).exists():
        raise NotAllowed(_("Bạn không còn xem được %(unit)s") % {"unit": period_unit.name})
    jobs.progress(job, 0, 1, _("Đang tạo tệp PDF…"))
    context = report_context(period_unit, services.assessment_of(period_unit))
    data = render_pdf("assessments/report_pdf.html", context)
    return jobs.Output(message=_("Đã tạo tệp PDF (%(size)s)") % {"size": _size(len(data))},
                       file=(report_filename(period_unit), PDF, data))


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"

