"""The public results site of the province's published results (IV.2.2), for anyone, signed in or not.

Everything here is read from ``Publication`` rows of scope ``province`` (``province.published`` and its earlier
versions), never from the draft: before the province publishes, the unit pages and the downloads answer 404
and the year page shows no province tables.

- ``province_block``: the year page's tables (ranked groups, classes per group, the fields' heat map).
- ``unit``: a department's or district's page: class, rank, index, fields and criteria against its group,
  its history over every published year.
- ``download``: the results as .xlsx, .csv or .pdf; ``summary`` / ``summary_xlsx``: every published year.

Each page and file honours ``?phien-ban=N`` (an older version, marked as superseded).
"""

from __future__ import annotations

from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.board.paging import paginate
from parindex.documents.heading import Heading, Signer, province_body
from parindex.documents.responses import pdf_response, xlsx_response
from parindex.periods.models import Period
from parindex.periods.services import decision_of
from parindex.units.models import UnitKind

from . import exports_province, public_stats, services
from .models import Publication
from .province import GROUPS, SCOPE

VERSION_PARAM = "phien-ban"
VERSION_DIGITS = 6          # ?phien-ban=N: at most this many ASCII digits, anything else is 404
YEARS = (1900, 9999)        # a year outside is 404 before any query


def period_or_404(year: int) -> Period:
    if not YEARS[0] <= year <= YEARS[1]:
        raise Http404("Không có kỳ đánh giá này")
    period = Period.objects.filter(year=year).first()
    if period is None:
        raise Http404("Không có kỳ đánh giá này")
    return period


def pick_version(request, versions: list[Publication]) -> Publication:
    """The newest version, or the one ``?phien-ban=N`` names (404 for anything else: letters, a huge number,
    a version that does not exist, or no version at all)."""
    raw = request.GET.get(VERSION_PARAM)
    if not versions:
        raise Http404("Chưa công bố")
    if raw is None:
        return versions[0]
    if not (raw.isascii() and raw.isdigit() and len(raw) <= VERSION_DIGITS):
        raise Http404("Không có bản công bố này")
    chosen = next((p for p in versions if p.version == int(raw)), None)
    if chosen is None:
        raise Http404("Không có bản công bố này")
    return chosen


def province_versions(period: Period) -> list[Publication]:
    return list(Publication.objects.filter(period=period, scope=SCOPE).order_by("-version"))


def _classes(period: Period) -> list[tuple[str, str]]:
    """The classes of the decision the period is run under (IV.1.1 of 1679)."""
    return [(c.code, c.label) for c in decision_of(period).classes]


def _district_pages(period: Period) -> set[str]:
    """The districts that published their communes' results (their public page exists)."""
    prefix = services.district_scope("")
    scopes = Publication.objects.filter(period=period, scope__startswith=prefix).values_list("scope", flat=True)
    return {s[len(prefix):] for s in scopes}


# On the year page, a group's ranked table and heat map show this many units a page (every unit of a
# province; at national scale, 1,700 departments, page by page). Files and the PDF hold every unit.
GROUP_PAGE = 100


def _groups(period: Period, content: dict, *, links: bool, request=None) -> list[dict]:
    published = _district_pages(period) if links else set()
    out = []
    for kind in GROUPS:
        group = (content.get("groups") or {}).get(kind)
        if not group:
            continue
        page = None
        shown = group.get("units", [])
        if request is not None:
            page = paginate(request, shown, GROUP_PAGE, param=f"trang-{kind}")
            shown = list(page.object_list)
        units = []
        for u in shown:
            communes = u.get("communes") or {}
            url = (reverse("publication:public_district", args=[period.year, u["code"]])
                   if kind == UnitKind.DISTRICT and u["code"] in published else None)
            units.append({**u, "communes_url": url, "note": "; ".join(u.get("reasons") or []),
                          "communes_text": f"{communes['reaching']}/{communes['total']}"
                          if communes.get("total") else ""})
        out.append({"kind": kind, "label": group.get("label", ""), "criteria_set": group.get("criteria_set"),
                    "title": exports_province.GROUP_TITLES.get(kind, ""),
                    "units": units, "fields": group.get("fields", []), "ranked": public_stats.ranked_count(group),
                    "distribution": public_stats.distribution(group, _classes(period),
                                                              (_("Không xếp loại"), _("Không đánh giá năm nay"))),
                    "heat": public_stats.heat({**group, "units": shown}), "page": page})
    return out


def _context(period: Period, shown: Publication, versions: list[Publication], *, links: bool = True,
             request=None) -> dict:
    latest = versions[0]
    content = shown.content
    decision = content.get("decision") or {}
    return {
        "period": period, "shown": shown, "versions": versions, "latest": latest, "is_latest": shown.pk == latest.pk,
        "content": content, "groups": _groups(period, content, links=links, request=request), "decision": decision,
        "decision_date": exports_province.day_vi(decision.get("date")), "bar_width": public_stats.BAR_WIDTH,
        "query": "" if shown.pk == latest.pk else f"?{VERSION_PARAM}={shown.version}",
        "version_param": VERSION_PARAM, "bands": BAND_LEGEND, "groups_phrase": exports_province.groups_phrase(content),
    }


# The heat map's legend (public_stats.BANDS): band → the words shown.
BAND_LEGEND = [(0, "< 50%"), (1, "50–69%"), (2, "70–79%"), (3, "80–89%"), (4, "≥ 90%")]


def province_block(request, period: Period) -> dict:
    """The year page's province part: empty before publication; 404 for a bad ``?phien-ban``."""
    versions = province_versions(period)
    if not versions and request.GET.get(VERSION_PARAM) is None:
        return {"province": False}
    shown = pick_version(request, versions)
    return {"province": True, **_context(period, shown, versions, request=request)}


def _published(request, year: int) -> tuple[Period, Publication, list[Publication]]:
    period = period_or_404(year)
    versions = province_versions(period)
    return period, pick_version(request, versions), versions


def newest_contents() -> list[tuple[int, int, dict]]:
    """(year, version, content) of every year's newest province publication."""
    newest = (Publication.objects.filter(scope=SCOPE).values("period_id").annotate(v=Max("version"))
              .values_list("period_id", "v"))
    wanted = {pid: v for pid, v in newest}
    rows = Publication.objects.filter(scope=SCOPE, period_id__in=wanted).select_related("period")
    return sorted(((p.period.year, p.version, p.content) for p in rows if wanted[p.period_id] == p.version),
                  key=lambda e: e[0])


def _district_contents(codes: list[str]) -> list[tuple[int, int, dict]]:
    """The newest version of every district publication that names one of these communes (year, version,
    content), in one query of the scopes' newest versions and one of their contents."""
    if not codes:
        return []
    newest = (Publication.objects.filter(scope__startswith="district:").values("period_id", "scope")
              .annotate(v=Max("version")).values_list("period_id", "scope", "v"))
    wanted = {(pid, scope): v for pid, scope, v in newest}
    rows = Publication.objects.filter(scope__startswith="district:",
                                      period_id__in={pid for pid, _s in wanted}).select_related("period")
    return [(p.period.year, p.version, p.content) for p in rows
            if wanted.get((p.period_id, p.scope)) == p.version
            and any(u.get("code") in codes for u in p.content.get("units", []))]


def unit(request, year: int, code: str):
    period, shown, versions = _published(request, year)
    found = public_stats.find_unit(shown.content, code)
    if found is None:
        raise Http404("Không có đơn vị này trong kết quả đã công bố")
    kind, group, row = found
    contents = newest_contents()
    history = public_stats.history(contents, kind, code)
    # the units it succeeds (a merger): each one's own published years, under its own name; a commune's are in the
    # province's results (a two-level period) or in its district's publication (a three-level one)
    district_entries = _district_contents(row.get("predecessors", [])) if kind == UnitKind.COMMUNE else []
    before = [(lines[-1].name, code_, list(reversed(lines))) for code_ in row.get("predecessors", [])
              if (lines := sorted(public_stats.history(contents, kind, code_)
                                  + public_stats.district_history(district_entries, code_), key=lambda h: h.year))]
    return render(request, "publication/public_unit.html", {
        **_context(period, shown, versions, links=False), "kind": kind, "group": group, "unit": row,
        "of": public_stats.ranked_count(group),
        "fields": public_stats.compare(group, row, "fields"), "criteria": public_stats.compare(group, row, "criteria"),
        "criteria_fields": {f["code"]: f.get("title", "") for f in group.get("fields", [])},
        "history": list(reversed(history)), "predecessors": before,
        "communes_url": reverse("publication:public_district", args=[year, code])
        if kind == UnitKind.DISTRICT and code in _district_pages(period) else None,
    })


def _filename(period: Period, shown: Publication, ext: str) -> str:
    return f"chi-so-cchc-{period.year}-lan-{shown.version}.{ext}"


def download(request, year: int, fmt: str):
    period, shown, versions = _published(request, year)
    if fmt == "xlsx":
        return xlsx_response(exports_province.province_xlsx(shown.content), _filename(period, shown, "xlsx"))
    if fmt == "csv":
        response = HttpResponse(exports_province.province_csv(shown.content), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{_filename(period, shown, "csv")}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
    context = _context(period, shown, versions, links=False)
    context["heading"] = Heading(issuer="SỞ NỘI VỤ", parent=province_body(), number="BC-SNV",
                                 issued=timezone.localtime(shown.published_at).date(),
                                 signers=(Signer(("GIÁM ĐỐC",)),))
    return pdf_response("publication/province_pdf.html", context, request, _filename(period, shown, "pdf"))


def download_xlsx(request, year: int):
    return download(request, year, "xlsx")


def download_csv(request, year: int):
    return download(request, year, "csv")


def download_pdf(request, year: int):
    return download(request, year, "pdf")


def summary(request):
    entries = newest_contents()
    years, groups = public_stats.summary(entries, tuple(GROUPS))
    labels = {kind: str(UnitKind(kind).label) for kind in GROUPS}
    table = [(kind, labels[kind], [{"code": r.code, "name": r.name, "last": max(r.years),   # its newest year's page
                                    "cells": [(y, r.years.get(y, {})) for y in years]}
                                   for r in rows]) for kind, rows in groups.items() if rows]
    return render(request, "publication/summary.html", {"years": years, "groups": table})


def summary_xlsx(request):
    entries = newest_contents()
    years, groups = public_stats.summary(entries, tuple(GROUPS))
    return xlsx_response(exports_province.summary_xlsx(years, groups), "chi-so-cchc-tong-hop.xlsx")
