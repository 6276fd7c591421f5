"""A district's commune results and their publication (IV.2.1, V.2), and the public pages.

- ``district_results``: the engine's ranking of the district's communes, whether they are all in,
  every published version, and the publish / correct form (the district's own coordinator only).
- ``public_district`` / ``public_xlsx`` / ``public_pdf``: the latest publication (or ``?phien-ban=N``)
  rendered from its frozen content, for anyone, signed in or not.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from parindex.accounts import permissions
from parindex.assessments.excel import BOLD, BORDER, FIELD_FILL, _put
from parindex.assessments.exports import XLSX, _refuse_fetch
from parindex.core.errors import DomainError, NotAllowed
from parindex.periods.models import Period
from parindex.periods.timeline import format_instant
from parindex.rulebook.engine import CLASSES_1679
from parindex.units.models import PeriodUnit, UnitKind

from . import publication
from .models import Publication

VERSION_PARAM = "phien-ban"


def scope_of_district(code: str) -> str:
    return f"district:{code}"


# -- the district's page ----------------------------------------------------------------------------------

def _district_for_staff(request, year: int, code: str) -> PeriodUnit:
    """The district, for its coordinator, Sở Nội vụ and the administrator; another district's coordinator
    gets 404 (its existence is not revealed to them), every other role 403."""
    period = get_object_or_404(Period, year=year)
    s = permissions.scope_of(request.user)
    if not (s.admin or s.province or s.districts):
        raise PermissionDenied
    district = PeriodUnit.objects.filter(period=period, kind=UnitKind.DISTRICT, code=code).first()
    if district is None or not (s.admin or s.province or district.unit_id in s.districts):
        raise Http404("Không tìm thấy huyện")
    return district


def _may_publish(user, district: PeriodUnit) -> bool:
    return district.unit_id in permissions.scope_of(user).districts


@login_required
def district_results(request, year: int, code: str):
    district = _district_for_staff(request, year, code)
    results = publication.commune_results(district)
    history = list(Publication.objects.filter(period=district.period, scope=scope_of_district(district.code))
                   .select_related("published_by").order_by("-version"))
    return render(request, "appraisal/district_results.html", {
        "period": district.period, "district": district, "results": results, "history": history,
        "latest": history[0] if history else None, "may_publish": _may_publish(request.user, district),
        "due": format_instant(district.period.district_publish_due),
    })


@login_required
@require_POST
def publish(request, year: int, code: str):
    district = _district_for_staff(request, year, code)
    if not _may_publish(request.user, district):
        raise PermissionDenied
    try:
        done = publication.publish_communes(district, actor=request.user, reason=request.POST.get("reason", ""),
                                            request=request)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        for message in exc.errors:
            messages.error(request, message)
    else:
        what = "Đã công bố" if done.version == 1 else "Đã đính chính"
        messages.success(request, f"{what} kết quả Chỉ số CCHC cấp xã của {district.name} (lần {done.version})")
    return redirect("publication:district", year=year, code=code)


# -- the public pages -------------------------------------------------------------------------------------

def _public(request, year: int, code: str) -> tuple[PeriodUnit, Publication, list[Publication]]:
    period = get_object_or_404(Period, year=year)
    district = get_object_or_404(PeriodUnit, period=period, kind=UnitKind.DISTRICT, code=code)
    versions = list(Publication.objects.filter(period=period, scope=scope_of_district(code)).order_by("-version"))
    if not versions:
        raise Http404("Chưa công bố")
    raw = request.GET.get(VERSION_PARAM)
    if raw is None:
        return district, versions[0], versions
    chosen = next((p for p in versions if raw.isdigit() and p.version == int(raw)), None)
    if chosen is None:
        raise Http404("Không có bản công bố này")
    return district, chosen, versions


def _public_context(district, shown: Publication, versions: list[Publication]) -> dict:
    content = shown.content
    units = content.get("units", [])
    return {
        "period": district.period, "district": district, "shown": shown, "versions": versions,
        "latest": versions[0], "is_latest": shown.pk == versions[0].pk, "content": content, "units": units,
        "ranked": sum(1 for u in units if u.get("rank") is not None), "classes": CLASSES_1679,
        "query": f"?{VERSION_PARAM}={shown.version}" if shown.pk != versions[0].pk else "",
    }


def public_district(request, year: int, code: str):
    district, shown, versions = _public(request, year, code)
    return render(request, "appraisal/public_district.html", _public_context(district, shown, versions))


def _filename(district, shown: Publication, ext: str) -> str:
    return f"chi-so-cchc-cap-xa-{district.code}-{district.period.year}-lan-{shown.version}.{ext}"


def public_pdf(request, year: int, code: str):
    from weasyprint import HTML  # heavy import, only when a PDF is asked for

    district, shown, versions = _public(request, year, code)
    html = render_to_string("appraisal/public_district_pdf.html", _public_context(district, shown, versions), request)
    pdf = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(district, shown, "pdf")}"'
    return response


RESULT_COLUMNS = (("Xếp hạng", 10), ("Mã", 9), ("Đơn vị", 34), ("Tổng điểm", 12), ("Chỉ số", 10),
                  ("Xếp loại", 14), ("Ghi chú", 50))


def export_xlsx(district, shown: Publication) -> bytes:
    """The published content: numbers as exact Decimals (the index with its 2 decimals)."""
    content = shown.content
    wb = Workbook()
    ws = wb.active
    ws.title = "Kết quả cấp xã"
    wb.properties.creator = "parindex"
    wb.properties.title = f"Chỉ số CCHC cấp xã {content['district']['name']} {content['year']}"
    _put(ws, "A1", f"KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {content['year']} CỦA UBND CẤP XÃ — "
                   f"{content['district']['name'].upper()}", font=Font(bold=True, size=13))
    ws.merge_cells("A1:G1")
    published = timezone.localtime(shown.published_at)
    facts = [("Công bố lần", shown.version), ("Ngày công bố", f"{published:%H:%M %d/%m/%Y}"),
             ("Lý do đính chính", shown.reason or ""),
             ("Bộ tiêu chí", f"{content['criteria_set']} · SHA-256 {content['criteria_sha256'][:12]}")]
    for r, (label, value) in enumerate(facts, start=2):
        _put(ws, f"A{r}", label, font=BOLD)
        _put(ws, f"C{r}", value, alignment=Alignment(horizontal="left"))
        ws.merge_cells(f"A{r}:B{r}")
    head = 2 + len(facts) + 1
    for col, (title, width) in zip("ABCDEFG", RESULT_COLUMNS, strict=True):
        _put(ws, f"{col}{head}", title, font=BOLD, border=BORDER, fill=FIELD_FILL,
             alignment=Alignment(wrap_text=True, horizontal="center", vertical="center"))
        ws.column_dimensions[col].width = width
    for r, unit in enumerate(content.get("units", []), start=head + 1):
        index = Decimal(unit["index"]) if unit.get("index") is not None else None
        values = [unit.get("rank"), unit["code"], unit["name"],
                  Decimal(unit["total"]) if unit.get("total") is not None else None, index,
                  unit.get("class_label", ""), "; ".join(unit.get("reasons") or [])]
        for col, value in zip("ABCDEFG", values, strict=True):
            cell = _put(ws, f"{col}{r}", value, border=BORDER, alignment=Alignment(wrap_text=True, vertical="top"))
            if col == "E" and index is not None:
                cell.number_format = "0.00"
    ws.freeze_panes = f"A{head + 1}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def public_xlsx(request, year: int, code: str):
    district, shown, _versions = _public(request, year, code)
    response = HttpResponse(export_xlsx(district, shown), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(district, shown, "xlsx")}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
