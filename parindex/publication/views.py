"""A district's commune results and their publication (IV.2.1, V.2), and the public pages.

- ``district_results``: the engine's ranking of the district's communes, whether they are all in,
  every published version, and the way to publish / correct (the district's own coordinator only).
- ``publish``: the confirmation page (what will be published, why not yet), then the publication.
- ``public_index`` / ``public_year``: every year with publications, every publication of a year.
- ``public_district`` / ``public_xlsx`` / ``public_pdf``: the latest publication (or ``?phien-ban=N``)
  rendered from its frozen content, for anyone, signed in or not.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Concat
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parindex.accounts import permissions
from parindex.board.paging import paginate
from parindex.core.errors import DomainError, NotAllowed
from parindex.documents.heading import for_district_publication
from parindex.documents.responses import pdf_response, xlsx_response
from parindex.periods.models import Period
from parindex.periods.services import decision_of
from parindex.periods.timeline import format_instant
from parindex.rulebook.numbers import format_vi
from parindex.units.models import PeriodUnit, UnitKind

from . import exports, services, views_public
from .models import Publication

VERSION_PARAM = views_public.VERSION_PARAM


# -- the district's page ----------------------------------------------------------------------------------

def _district_for_staff(request, year: int, code: str) -> PeriodUnit:
    """The district, for its coordinator, Sở Nội vụ and the administrator; another district's coordinator
    gets 404 (its existence is not revealed to them), every other role 403."""
    period = get_object_or_404(Period, year=year)
    s = permissions.scope_of(request.user)
    if not (s.admin or s.province or s.districts):
        raise PermissionDenied
    district = PeriodUnit.objects.filter(period=period, kind=UnitKind.DISTRICT, code=code).first()
    if district is None or not permissions.can_view_district_results(request.user, district):
        raise Http404("Không tìm thấy huyện")
    return district


@login_required
def district_results(request, year: int, code: str):
    district = _district_for_staff(request, year, code)
    results = services.commune_results(district)
    history = list(Publication.objects.filter(period=district.period, scope=services.district_scope(district.code))
                   .select_related("published_by").order_by("-version"))
    return render(request, "publication/district_results.html", {
        "period": district.period, "district": district, "results": results, "history": history,
        "latest": history[0] if history else None,
        "may_publish": permissions.can_publish_communes(request.user, district),
        "due": format_instant(district.period.district_publish_due),
    })


class PublishForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do đính chính (bắt buộc)"), required=False, max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": gettext_lazy("Lý do đính chính dài %(show_value)d ký tự, tối đa "
                                                   "%(limit_value)d ký tự")})


def _index(row: dict) -> str:
    return format_vi(Decimal(row["index"]), 2) if row.get("index") is not None else "—"


def _summary(district: PeriodUnit, preview: services.Preview) -> list[tuple[str, str]]:
    units = preview.content["units"]
    ranked = [u for u in units if u.get("rank") is not None]
    summary = [(_("Huyện"), district.name),
               (_("Số xã"), _("%(n)d xã, %(r)d xã có kết quả xếp hạng") % {"n": len(units), "r": len(ranked)})]
    if preview.class_counts:
        summary.append((_("Xếp loại"), " · ".join(f"{label}: {n}" for label, n in preview.class_counts)))
    if ranked:
        first, last = ranked[0], ranked[-1]
        summary.append((_("Đứng đầu"), _("%(name)s — hạng %(rank)d, chỉ số %(index)s")
                        % {"name": first["name"], "rank": first["rank"], "index": _index(first)}))
        summary.append((_("Cuối bảng"), _("%(name)s — hạng %(rank)d, chỉ số %(index)s")
                        % {"name": last["name"], "rank": last["rank"], "index": _index(last)}))
    if preview.is_correction:
        summary.append((_("Lần công bố"), _("Lần %(v)d — đính chính bản lần %(p)d")
                        % {"v": preview.version, "p": preview.previous.version}))
    else:
        summary.append((_("Lần công bố"), _("Lần %(v)d") % {"v": preview.version}))
    return summary


@login_required
def publish(request, year: int, code: str):
    """GET, or POST without ``confirmed``: the confirmation page. POST with ``confirmed``: publish."""
    district = _district_for_staff(request, year, code)
    if not permissions.can_publish_communes(request.user, district):
        raise NotAllowed(_("Chỉ điều phối viên của %(name)s công bố kết quả cấp xã của huyện")
                         % {"name": district.name})
    preview = services.preview_communes(district)
    form = PublishForm(request.POST if request.method == "POST" else None)
    refused: list[str] = []
    if request.method == "POST" and request.POST.get("confirmed") and form.is_valid():
        try:
            done = services.publish_communes(district, actor=request.user, reason=form.cleaned_data["reason"],
                                             request=request)
        except DomainError as exc:
            if isinstance(exc, NotAllowed):
                raise
            refused = [m for m in exc.errors if m not in preview.problems]
        else:
            if done.version == 1:
                text = _("Đã công bố kết quả Chỉ số CCHC cấp xã của %(name)s (lần %(v)d)")
            else:
                text = _("Đã đính chính kết quả Chỉ số CCHC cấp xã của %(name)s (lần %(v)d)")
            messages.success(request, text % {"name": district.name, "v": done.version})
            return redirect("publication:district", year=year, code=code)
    correction = preview.is_correction
    return render(request, "core/confirm.html", {
        "title": _("Đính chính kết quả Chỉ số CCHC cấp xã — %(name)s") % {"name": district.name} if correction
        else _("Công bố kết quả Chỉ số CCHC cấp xã — %(name)s") % {"name": district.name},
        "lead": _("Một bản công bố mới được tạo từ kết quả hiện tại; các bản trước vẫn xem được. Bản công bố "
                  "không sửa được: mỗi lần đính chính là một bản mới, có lý do.") if correction
        else _("Kết quả của các xã được đóng băng và công khai cho mọi người; sau đó chỉ đính chính được "
               "bằng một bản mới có lý do."),
        "summary": _summary(district, preview), "warnings": preview.problems + refused,
        "blocked": bool(preview.problems),
        "action": reverse("publication:publish", args=[year, code]),
        "button": _("Công bố bản đính chính") if correction else _("Công bố kết quả"),
        "cancel": reverse("publication:district", args=[year, code]),
        "form": form if correction else None,
    })


# -- the public pages -------------------------------------------------------------------------------------

def public_index(request):
    return render(request, "publication/index.html", {"years": services.years_published()})


def public_year(request, year: int):
    period = views_public.period_or_404(year)
    province_part = views_public.province_block(request, period)  # 404 for a bad ?phien-ban
    scope = Concat(Value(services.district_scope("")), OuterRef("code"), output_field=CharField())
    districts = PeriodUnit.objects.filter(period=period, kind=UnitKind.DISTRICT).annotate(
        published=Exists(Publication.objects.filter(period=period, scope=scope))).order_by("code")
    page = paginate(request, districts.filter(published=True).values_list("code", flat=True))
    published = services.publications_of(period, list(page.object_list))  # this page's districts only
    waiting = districts.filter(published=False)
    return render(request, "publication/year.html", {
        **province_part, "period": period, "published": published, "page": page, "waiting": waiting[:WAITING_NAMED],
        "waiting_more": max(waiting.count() - WAITING_NAMED, 0), "version_param": VERSION_PARAM})


# The districts not published yet are named up to this many; the others are counted.
WAITING_NAMED = 100


def _public(request, year: int, code: str) -> tuple[PeriodUnit, Publication, list[Publication]]:
    period = views_public.period_or_404(year)
    district = get_object_or_404(PeriodUnit, period=period, kind=UnitKind.DISTRICT, code=code)
    versions = list(Publication.objects.filter(period=period, scope=services.district_scope(code))
                    .order_by("-version"))
    return district, views_public.pick_version(request, versions), versions


def _public_context(district, shown: Publication, versions: list[Publication]) -> dict:
    content = shown.content
    units = content.get("units", [])
    return {
        "period": district.period, "district": district, "shown": shown, "versions": versions,
        "latest": versions[0], "is_latest": shown.pk == versions[0].pk, "content": content, "units": units,
        "ranked": sum(1 for u in units if u.get("rank") is not None), "classes": decision_of(district.period).classes,
        "query": f"?{VERSION_PARAM}={shown.version}" if shown.pk != versions[0].pk else "",
        "heading": for_district_publication(content["district"]["name"],
                                            timezone.localtime(shown.published_at).date()),
    }


def public_district(request, year: int, code: str):
    district, shown, versions = _public(request, year, code)
    return render(request, "publication/public_district.html", _public_context(district, shown, versions))


def _filename(district, shown: Publication, ext: str) -> str:
    return f"chi-so-cchc-cap-xa-{district.code}-{district.period.year}-lan-{shown.version}.{ext}"


def public_pdf(request, year: int, code: str):
    district, shown, versions = _public(request, year, code)
    return pdf_response("publication/public_district_pdf.html", _public_context(district, shown, versions),
                        request, _filename(district, shown, "pdf"))


def public_xlsx(request, year: int, code: str):
    district, shown, _versions = _public(request, year, code)
    return xlsx_response(exports.district_xlsx(shown), _filename(district, shown, "xlsx"))
