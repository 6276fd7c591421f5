"""The open, read-only API /api/v1/ (issue 11 §4; docs/api.md): published data only, JSON, GET only.

What it reads, and nothing else:

- the criteria sets (the library, ``CriteriaSetRecord``, and each period's own copies), parsed by the rulebook;
- the periods that are under way or over (a period in preparation is not public), their timeline and unit list;
- ``Publication`` rows of scope ``province`` and ``district:<code>`` (every version, never who published it);
- the newest ``Publication`` of scope ``survey``, only once the period's ``province`` scope is published.

Drafts (``ProvinceResults``), appraisals, self-assessments, evidence, survey answers and links, people: never.
Errors are JSON: 404 for what does not exist (or is not public yet), 422 for a bad parameter (named, with what
is allowed), 405 for any method but GET (and HEAD).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import wraps
from math import ceil
from typing import Literal

from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Path, Query, Swagger
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer

from parindex.criteria.models import CriteriaSetRecord
from parindex.periods.models import Period, PeriodCriteriaSet
from parindex.publication import services as publication
from parindex.publication.models import Publication
from parindex.rulebook.numbers import to_str
from parindex.units.models import PeriodUnit, UnitKind

from . import schemas as s

PROVINCE = "province"  # parindex.publication.province.SCOPE
SURVEY = "survey"      # parindex.survey.results.SCOPE

MAX_PAGE = 100_000
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
MAX_YEAR = 32767        # Period.year is a PositiveSmallIntegerField
MAX_VERSION = 2**31 - 1  # Publication.version is a PositiveIntegerField
CODE_MAX = 20           # PeriodUnit.code
SET_ID_MAX = 100        # CriteriaSetRecord.set_id

UnitKindParam = Literal["province", "department", "district", "commune"]
AssessedKind = Literal["department", "district", "commune"]

class Utf8JSON(JSONRenderer):
    """Vietnamese as it is (UTF-8), not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Chỉ số CCHC — API mở (chỉ đọc)",
    version="1",
    description=(
        "Dữ liệu đã công khai của Chỉ số cải cách hành chính: bộ tiêu chí, kỳ đánh giá, danh sách đơn vị, "
        "kết quả đã công bố (mọi lần công bố) và điểm điều tra xã hội học sau khi tỉnh công bố kết quả. "
        "Chỉ GET; điểm là chuỗi số thập phân. /api/v1/ giữ tương thích; thay đổi không tương thích sẽ ở /api/v2/."),
    urls_namespace="api-v1",
    docs=Swagger(settings={"defaultModelsExpandDepth": 0}),
    renderer=Utf8JSON(),
)

ERRORS = {404: s.ErrorOut, 422: s.ErrorOut}

# -- parameters, and what each allows (named in a 422) ------------------------------------------------------

YEAR = Path(..., ge=1, le=MAX_YEAR, description="Năm đánh giá", example=2021)
VERSION = Path(..., ge=1, le=MAX_VERSION, description="Lần công bố (từ 1)", example=1)
CODE = Path(..., min_length=1, max_length=CODE_MAX, description="Mã đơn vị (mã GSO, hoặc mã viết tắt của sở)",
            example="065")
PAGE = Query(1, ge=1, le=MAX_PAGE, description="Trang (từ 1)", example=2)
PAGE_SIZE = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Số phần tử một trang")


def _allowed() -> dict[str, str]:
    return {
        "year": _("số nguyên từ 1 đến %(max)d") % {"max": MAX_YEAR},
        "version": _("số nguyên từ 1 đến %(max)d") % {"max": MAX_VERSION},
        "page": _("số nguyên từ 1 đến %(max)d") % {"max": MAX_PAGE},
        "page_size": _("số nguyên từ 1 đến %(max)d") % {"max": MAX_PAGE_SIZE},
        "code": _("mã đơn vị, từ 1 đến %(max)d ký tự") % {"max": CODE_MAX},
        "parent": _("mã đơn vị, từ 1 đến %(max)d ký tự") % {"max": CODE_MAX},
        "set_id": _("mã bộ tiêu chí, từ 1 đến %(max)d ký tự") % {"max": SET_ID_MAX},
        "kind": "province, department, district, commune",
        "unit_kind": "department, district, commune",
    }


def _raw(request, location: str, param: str) -> str | None:
    """The value as sent (ninja leaves it out of its errors), cut short for the message."""
    if location == "query":
        value = request.GET.get(param)
    else:
        value = (request.resolver_match.kwargs if request.resolver_match else {}).get(param)
    return None if value is None else str(value)[:40]


@api.exception_handler(ValidationError)
def _bad_parameter(request, exc: ValidationError):
    allowed, errors = _allowed(), []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        location = loc[0] if loc else ""
        param = next((part for part in reversed(loc) if part in allowed), loc[-1] if loc else "")
        value = _raw(request, location, param)
        message = (_("Giá trị «%(value)s» của tham số «%(param)s» không hợp lệ") % {"value": value, "param": param}
                   if value is not None else _("Thiếu tham số «%(param)s»") % {"param": param})
        errors.append({"param": param, "location": location, "allowed": allowed.get(param, ""), "message": message})
    names = ", ".join(dict.fromkeys(e["param"] for e in errors))
    detail = _("Tham số không hợp lệ: %(names)s") % {"names": names}
    if len(errors) == 1 and errors[0]["allowed"]:
        detail = _("Tham số «%(param)s» không hợp lệ: cho phép %(allowed)s") % errors[0]
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    return api.create_response(request, {"detail": str(exc) or _("Không tìm thấy"), "errors": []}, status=404)


@csrf_exempt  # a POST to an unknown address is a 404 as well, not a CSRF page
def not_found(request, rest: str = ""):
    """Any other address under /api/v1/: the same JSON 404 (a plain view, outside ninja's routes)."""
    return JsonResponse({"detail": _("Không có địa chỉ này trong API; xem /api/v1/docs"), "errors": []},
                        status=404, json_dumps_params={"ensure_ascii": False})


def _read_only(view):
    """GET only, for every view of the API (ninja's document and docs page too, which take any method):
    HEAD is a GET without its body, any other method a JSON 405."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "HEAD":
            request.method = "GET"
            response = view(request, *args, **kwargs)
            if not response.streaming:
                length = len(response.content)
                response.content = b""
                response["Content-Length"] = str(length)
            return response
        if request.method != "GET":
            return JsonResponse({"detail": _("API chỉ đọc: chỉ nhận GET (nhận được %(method)s)")
                                 % {"method": request.method[:10]}, "errors": []},
                                status=405, headers={"Allow": "GET"}, json_dumps_params={"ensure_ascii": False})
        return view(request, *args, **kwargs)
    return wrapped


def urls():
    """ninja's URL patterns for mounting under /api/v1/, every view read-only (``_read_only``)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = _read_only(pattern.callback)
    return patterns, app_name, namespace


# -- helpers ------------------------------------------------------------------------------------------------

def _page(rows, count: int, page: int, page_size: int) -> dict:
    """One page of ``rows`` (a queryset or a list); a page past the last one is 404 (page 1 always exists)."""
    pages = max(1, ceil(count / page_size))
    if page > pages:
        raise Http404(_("Không có trang %(page)d: danh sách có %(pages)d trang") % {"page": page, "pages": pages})
    start = (page - 1) * page_size
    return {"count": count, "page": page, "page_size": page_size, "pages": pages,
            "items": list(rows[start:start + page_size])}


def _text(value: str, limit: int) -> str:
    """A path or query text as a lookup may use it: longer than the column or with a NUL, nothing matches."""
    if len(value) > limit or "\x00" in value:
        return ""
    return value


def _period(year: int) -> Period:
    """A period under way or over; one in preparation is not public (404, as an unknown year)."""
    period = Period.objects.exclude(status=Period.Status.DRAFT).filter(year=year).first()
    if period is None:
        raise Http404(_("Không có kỳ đánh giá năm %(year)d") % {"year": year})
    return period


def _criteria_set(cset, provenance: str) -> dict:
    agencies = cset.agencies
    return {
        "id": cset.id, "unit_kind": cset.unit_kind, "year": cset.year, "title": cset.title,
        "provenance": provenance, "sha256": cset.sha256, "legal_basis": cset.legal_basis,
        "total_max": to_str(cset.total_max), "self_max": to_str(cset.self_max), "survey_max": to_str(cset.survey_max),
        "fields": [{
            "code": f.code, "title": f.title, "max_points": to_str(f.max_points),
            "criteria": [{
                "code": c.code, "title": c.title, "max_points": to_str(c.max_points),
                "scored_directly": c.scored_directly,
                "items": [{"code": i.code, "title": i.title, "max_points": to_str(i.max_points),
                           "survey": i.is_survey, "agency": i.agency, "agency_name": agencies.get(i.agency, "")}
                          for i in c.items],
            } for c in f.criteria],
        } for f in cset.fields],
    }


def _version(p: Publication, newest: int) -> dict:
    return {"version": p.version, "published_at": p.published_at, "reason": p.reason,
            "superseded": p.version < newest}


def _publication(p: Publication, newest: int) -> dict:
    return {**_version(p, newest), "scope": p.scope, "content": p.content}


def _versions(period: Period, scope: str, missing: str) -> list[Publication]:
    found = list(Publication.objects.filter(period=period, scope=scope).order_by("-version"))
    if not found:
        raise Http404(missing)
    return found


def _one_version(versions: list[Publication], version: int) -> dict:
    chosen = next((p for p in versions if p.version == version), None)
    if chosen is None:
        raise Http404(_("Không có bản công bố lần %(v)d (có %(n)d lần)") % {"v": version, "n": versions[0].version})
    return _publication(chosen, versions[0].version)


def _district(period: Period, code: str) -> PeriodUnit:
    district = PeriodUnit.objects.filter(period=period, kind=UnitKind.DISTRICT, code=_text(code, CODE_MAX)).first()
    if district is None:
        raise Http404(_("Không có huyện mã «%(code)s» trong kỳ %(year)d")
                      % {"code": code[:CODE_MAX], "year": period.year})
    return district


# -- the index ----------------------------------------------------------------------------------------------

@api.get("/", url_name="index", summary="Mục lục của API", tags=["API"])
def index(request):
    return {"title": api.title, "version": api.version, "openapi": "/api/v1/openapi.json", "docs": "/api/v1/docs",
            "criteria_sets": "/api/v1/criteria-sets", "periods": "/api/v1/periods"}


# -- criteria sets ------------------------------------------------------------------------------------------

@api.get("/criteria-sets", response=list[s.CriteriaSetSummary], url_name="criteria_sets",
         summary="Các bộ tiêu chí", tags=["Bộ tiêu chí"])
def criteria_sets(request):
    return [{"id": r.set_id, "unit_kind": r.unit_kind, "year": r.year, "title": r.title,
             "provenance": r.provenance, "sha256": r.sha256}
            for r in CriteriaSetRecord.objects.approved().defer("source").order_by("-year", "unit_kind", "set_id")]


@api.get("/criteria-sets/{set_id}", response={200: s.CriteriaSetOut, **ERRORS}, url_name="criteria_set",
         summary="Một bộ tiêu chí: lĩnh vực, tiêu chí, tiêu chí thành phần", tags=["Bộ tiêu chí"])
def criteria_set(request, set_id: str = Path(..., min_length=1, max_length=SET_ID_MAX, example="backan-2021-commune")):
    record = CriteriaSetRecord.objects.approved().filter(set_id=_text(set_id, SET_ID_MAX)).first()  # never a draft
    if record is None:
        raise Http404(_("Không có bộ tiêu chí «%(id)s»") % {"id": set_id[:SET_ID_MAX]})
    return _criteria_set(record.parsed(), record.provenance)


# -- periods and units --------------------------------------------------------------------------------------

# a period's criteria sets without their YAML text (60-100 kB each): the list shows their id and hash only
SETS = Prefetch("criteria_sets", queryset=PeriodCriteriaSet.objects.only("period_id", "unit_kind", "set_id", "sha256"))


def _period_out(period: Period, province_published: bool) -> dict:
    return {
        "year": period.year, "status": period.status, "status_label": period.get_status_display(),
        "timeline": {name: getattr(period, name) for name in s.TimelineOut.model_fields},
        "criteria_sets": [{"unit_kind": c.unit_kind, "id": c.set_id, "sha256": c.sha256}
                          for c in sorted(period.criteria_sets.all(), key=lambda c: c.unit_kind)],  # no YAML text
        "province_published": province_published,
    }


@api.get("/periods", response=list[s.PeriodOut], url_name="periods", summary="Các kỳ đánh giá",
         tags=["Kỳ đánh giá"])
def periods(request):
    found = Period.objects.exclude(status=Period.Status.DRAFT).order_by("-year").prefetch_related(SETS)
    published = set(Publication.objects.filter(scope=PROVINCE).values_list("period_id", flat=True))
    return [_period_out(p, p.pk in published) for p in found]


@api.get("/periods/{year}", response={200: s.PeriodOut, **ERRORS}, url_name="period", summary="Một kỳ đánh giá",
         tags=["Kỳ đánh giá"])
def period(request, year: int = YEAR):
    found = Period.objects.prefetch_related(SETS).get(pk=_period(year).pk)
    return _period_out(found, Publication.objects.filter(period=found, scope=PROVINCE).exists())


@api.get("/periods/{year}/criteria-sets/{unit_kind}", response={200: s.CriteriaSetOut, **ERRORS},
         url_name="period_criteria_set", summary="Bộ tiêu chí của kỳ cho một loại đơn vị", tags=["Kỳ đánh giá"])
def period_criteria_set(request, unit_kind: AssessedKind, year: int = YEAR):
    found = _period(year).criteria_sets.filter(unit_kind=unit_kind).first()
    if found is None:
        raise Http404(_("Kỳ %(year)d không có bộ tiêu chí cho %(kind)s") % {"year": year, "kind": unit_kind})
    return _criteria_set(found.parsed(), found.provenance)


@api.get("/periods/{year}/units", response={200: s.UnitPage, **ERRORS}, url_name="units",
         summary="Các đơn vị của kỳ (lọc theo loại và đơn vị cấp trên)", tags=["Kỳ đánh giá"])
def units(request, year: int = YEAR, kind: UnitKindParam | None = None,
          parent: str | None = Query(None, min_length=1, max_length=CODE_MAX, description="Mã đơn vị cấp trên",
                                      example="065"),
          page: int = PAGE, page_size: int = PAGE_SIZE):
    found = _period(year)
    rows = PeriodUnit.objects.filter(period=found)
    if kind:
        rows = rows.filter(kind=kind)
    if parent is not None:
        if not PeriodUnit.objects.filter(period=found, code=_text(parent, CODE_MAX)).exists():
            raise Http404(_("Không có đơn vị mã «%(code)s» trong kỳ %(year)d") % {"code": parent[:CODE_MAX],
                                                                                "year": year})
        rows = rows.filter(parent__code=parent)
    rows = rows.order_by("kind", "code").values("code", "name", "short_name", "type_label", "kind", "parent__code")
    out = _page(rows, rows.count(), page, page_size)
    out["items"] = [{**{k: v for k, v in row.items() if k != "parent__code"}, "parent": row["parent__code"]}
                    for row in out["items"]]
    return out


# -- the province's results ---------------------------------------------------------------------------------

def _province_versions(year: int) -> list[Publication]:
    return _versions(_period(year), PROVINCE, _("Kết quả của tỉnh năm %(year)d chưa công bố") % {"year": year})


@api.get("/periods/{year}/results/province", response={200: s.ProvinceResultsOut, **ERRORS},
         url_name="province_results", summary="Kết quả của tỉnh: mọi lần công bố", tags=["Kết quả đã công bố"])
def province_results(request, year: int = YEAR):
    versions = _province_versions(year)
    return {"year": year, "versions": [_publication(p, versions[0].version) for p in versions]}


@api.get("/periods/{year}/results/province/latest", response={200: s.PublicationOut, **ERRORS},
         url_name="province_latest", summary="Kết quả của tỉnh: lần công bố mới nhất", tags=["Kết quả đã công bố"])
def province_latest(request, year: int = YEAR):
    versions = _province_versions(year)
    return _publication(versions[0], versions[0].version)


@api.get("/periods/{year}/results/province/versions/{version}", response={200: s.PublicationOut, **ERRORS},
         url_name="province_version", summary="Kết quả của tỉnh: một lần công bố", tags=["Kết quả đã công bố"])
def province_version(request, year: int = YEAR, version: int = VERSION):
    return _one_version(_province_versions(year), version)


# -- the districts' commune results -------------------------------------------------------------------------

@api.get("/periods/{year}/results/districts", response={200: s.DistrictPublicationsPage, **ERRORS},
         url_name="district_results", summary="Kết quả cấp xã: các huyện đã công bố và các lần công bố",
         tags=["Kết quả đã công bố"])
def district_results(request, year: int = YEAR, page: int = PAGE, page_size: int = PAGE_SIZE):
    found = _period(year)
    prefix = publication.district_scope("")
    scopes = (Publication.objects.filter(period=found, scope__startswith=prefix).order_by("scope")
              .values_list("scope", flat=True).distinct())
    districts = {d.code: d for d in PeriodUnit.objects.filter(period=found, kind=UnitKind.DISTRICT)}
    published = [scope for scope in scopes if scope.removeprefix(prefix) in districts]
    out = _page(published, len(published), page, page_size)
    by_scope: dict[str, list[Publication]] = {}
    for p in Publication.objects.filter(period=found, scope__in=out["items"]).defer("content").order_by("-version"):
        by_scope.setdefault(p.scope, []).append(p)
    out["items"] = [{"district": {"code": d.code, "name": d.name}, "scope": scope,
                     "versions": [_version(p, by_scope[scope][0].version) for p in by_scope[scope]]}
                    for scope in out["items"] for d in [districts[scope.removeprefix(prefix)]]]
    return out


def _district_versions(year: int, code: str) -> tuple[PeriodUnit, list[Publication]]:
    district = _district(_period(year), code)
    return district, _versions(district.period, publication.district_scope(district.code),
                               _("%(name)s chưa công bố kết quả cấp xã năm %(year)d")
                               % {"name": district.name, "year": year})


@api.get("/periods/{year}/results/districts/{code}", response={200: s.DistrictResultsOut, **ERRORS},
         url_name="district", summary="Kết quả cấp xã của một huyện: mọi lần công bố", tags=["Kết quả đã công bố"])
def district(request, year: int = YEAR, code: str = CODE):
    found, versions = _district_versions(year, code)
    return {"year": year, "district": {"code": found.code, "name": found.name},
            "versions": [_publication(p, versions[0].version) for p in versions]}


@api.get("/periods/{year}/results/districts/{code}/latest", response={200: s.PublicationOut, **ERRORS},
         url_name="district_latest", summary="Kết quả cấp xã của một huyện: lần công bố mới nhất",
         tags=["Kết quả đã công bố"])
def district_latest(request, year: int = YEAR, code: str = CODE):
    _found, versions = _district_versions(year, code)
    return _publication(versions[0], versions[0].version)


@api.get("/periods/{year}/results/districts/{code}/versions/{version}", response={200: s.PublicationOut, **ERRORS},
         url_name="district_version", summary="Kết quả cấp xã của một huyện: một lần công bố",
         tags=["Kết quả đã công bố"])
def district_version(request, year: int = YEAR, code: str = CODE, version: int = VERSION):
    _found, versions = _district_versions(year, code)
    return _one_version(versions, version)


# -- the survey's points ------------------------------------------------------------------------------------

def _total(points: dict) -> str:
    try:
        return to_str(sum((Decimal(str(v)) for v in points.values()), Decimal(0)))
    except (InvalidOperation, ValueError):
        return ""


@api.get("/periods/{year}/survey", response={200: s.SurveyPage, **ERRORS}, url_name="survey",
         summary="Điểm điều tra xã hội học của từng đơn vị, từng tiêu chí (sau khi tỉnh công bố kết quả)",
         tags=["Kết quả đã công bố"])
def survey(request, year: int = YEAR, kind: AssessedKind | None = None, page: int = PAGE,
           page_size: int = PAGE_SIZE):
    found = _period(year)
    if not Publication.objects.filter(period=found, scope=PROVINCE).exists():
        # the snapshot is internal until the province publishes its results
        raise Http404(_("Điểm điều tra xã hội học năm %(year)d chỉ công khai khi tỉnh đã công bố kết quả")
                      % {"year": year})
    snapshot = publication.latest(found, SURVEY)
    if snapshot is None:
        raise Http404(_("Năm %(year)d không có kết quả điều tra xã hội học") % {"year": year})
    rows = []
    for unit_kind, group in (snapshot.content.get("kinds") or {}).items():
        if kind and unit_kind != kind:
            continue
        for row in group.get("units", []):
            points = {str(k): str(v) for k, v in (row.get("items") or {}).items()}
            rows.append({"code": str(row.get("code", "")), "name": str(row.get("name", "")), "kind": unit_kind,
                         "points": points, "total": str(row["total"]) if "total" in row else _total(points)})
    out = _page(rows, len(rows), page, page_size)
    return {**out, "year": year, "version": snapshot.version, "published_at": snapshot.published_at,
            "reason": snapshot.reason}
