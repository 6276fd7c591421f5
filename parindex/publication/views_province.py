"""The province's results for the Sở Nội vụ coordinator and the approver (III.1.4, IV.1, V.5).

- ``province_results``: the draft (or the submitted content), what blocks it, the units not assessed, the
  publications, and the next step for the person reading it.
- ``province_step``: every step is a POST; the steps that cannot be undone (submit, publish, correct) first
  show the confirmation page. Refusals (``DomainError``) are flashed by the middleware, nothing saved.

Nobody else reaches these pages before publication (403); the public reads ``/cong-bo/<year>/``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parindex.accounts import permissions
from parindex.board.paging import paginate
from parindex.core.errors import DomainError, NotAllowed
from parindex.periods.models import Period
from parindex.periods.services import decision_of
from parindex.periods.timeline import format_instant, format_start

from . import province
from .models import NotAssessed, ProvinceResults, Publication


def _period(request, year: int) -> Period:
    if not permissions.can_view_province_results(request.user):
        raise PermissionDenied
    return get_object_or_404(Period, year=year)


def _limits(what):
    """The field's refusals in words (translated when shown, not when the module is imported)."""
    return {"required": format_lazy(gettext_lazy("Hãy ghi {what}"), what=what),
            "max_length": format_lazy(gettext_lazy("{what} dài %(show_value)d ký tự, tối đa %(limit_value)d ký tự"),
                                      what=what)}


class ApproveForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Số quyết định"), max_length=province.DECISION_NUMBER_MAX,
                             widget=forms.TextInput(attrs={"placeholder": "123/QĐ-UBND"}),
                             error_messages=_limits(gettext_lazy("Số quyết định")))
    decision_date = forms.CharField(label=gettext_lazy("Ngày quyết định (ngày/tháng/năm)"), max_length=10,
                                    widget=forms.TextInput(attrs={"placeholder": "15/02/2022", "inputmode": "numeric"}),
                                    error_messages=_limits(gettext_lazy("Ngày quyết định")))


def _next_step(user, current: ProvinceResults | None, content: dict) -> str:
    status = current.status if current else ProvinceResults.Status.DRAFT
    compiler = permissions.can_compile_province_results(user)
    if status == ProvinceResults.Status.DRAFT:
        if not compiler:
            return _("Sở Nội vụ đang tổng hợp dự thảo; chưa có gì để phê duyệt.")
        if content["blocking"]:
            return _("Bước tiếp theo: hoàn thiện kết quả của các đơn vị còn thiếu (hoặc ghi nhận không đánh giá, có "
                     "lý do), rồi trình UBND tỉnh.")
        return _("Bước tiếp theo: kiểm tra dự thảo và trình UBND tỉnh phê duyệt.")
    if status == ProvinceResults.Status.SUBMITTED:
        return (_("Bước tiếp theo: phê duyệt (ghi số, ngày quyết định) hoặc trả lại kèm ý kiến.")
                if permissions.can_approve_province_results(user)
                else _("Đã trình UBND tỉnh: chờ lãnh đạo UBND tỉnh phê duyệt."))
    if status == ProvinceResults.Status.APPROVED:
        return (_("Bước tiếp theo: công bố kết quả đã được phê duyệt.") if compiler
                else _("Đã phê duyệt: chờ Sở Nội vụ công bố."))
    return _("Đã công bố. Nếu cần đính chính, mở lại dự thảo kèm lý do; bản đã công bố vẫn xem được.")


@login_required
def province_results(request, year: int):
    period = _period(request, year)
    current = province.state_of(period)
    live = current is None or current.status == ProvinceResults.Status.DRAFT
    content = province.draft(period) if live else current.content
    history = list(Publication.objects.filter(period=period, scope=province.SCOPE).select_related("published_by")
                   .order_by("-version"))
    not_assessed = list(NotAssessed.objects.filter(period_unit__period=period).select_related("period_unit",
                                                                                               "recorded_by"))
    return render(request, "publication/province_results.html", {
        "period": period, "current": current, "status": current.status if current else ProvinceResults.Status.DRAFT,
        "status_label": current.get_status_display() if current else ProvinceResults.Status.DRAFT.label,
        "live": live, "content": content, "history": history, **_shown_group(request, content),
        "blocking": content["blocking"][:BLOCKING_NAMED],
        "blocking_more": max(len(content["blocking"]) - BLOCKING_NAMED, 0),
        "not_assessed": not_assessed, "next_step": _next_step(request.user, current, content),
        "compiler": permissions.can_compile_province_results(request.user),
        "approver": permissions.can_approve_province_results(request.user),
        "approve_form": ApproveForm(), "Status": ProvinceResults.Status,
        "window": f"{format_start(period.publication_start)} – {format_instant(period.publication_end)}",
        "decision": decision_of(period), "groups_text": province.groups_text(period),
    })


BLOCKING_NAMED = 100   # the units that block are named up to this many, the others counted
GROUP_PARAM = "nhom"


def _shown_group(request, content: dict) -> dict:
    """One group at a time (``?nhom=district``), its rows paginated, each row's field points in column order."""
    groups = content["groups"]
    kind = request.GET.get(GROUP_PARAM)
    if kind not in groups:
        kind = next(iter(groups))
    group = groups[kind]
    codes = [f["code"] for f in group["fields"]]
    page = paginate(request, group["units"])
    rows = [{**u, "cells": [u["fields"].get(c) for c in codes]} for u in page.object_list]
    tabs = [{"kind": k, "label": g["label"], "count": len(g["units"]), "current": k == kind} for k, g in groups.items()]
    return {"kind": kind, "group": group, "rows": rows, "page": page, "tabs": tabs, "group_param": GROUP_PARAM}


def _confirm(request, year: int, step: str, *, title: str, lead: str, summary, warnings=(), button: str,
             form=None, blocked=False):
    return render(request, "core/confirm.html", {
        "title": title, "lead": lead, "summary": summary, "warnings": list(warnings), "blocked": blocked,
        "action": reverse("publication:province_step", args=[year, step]), "button": button,
        "cancel": reverse("publication:province", args=[year]), "form": form,
    })


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do đính chính (bắt buộc)"), max_length=province.REASON_MAX,
                             widget=forms.Textarea(attrs={"rows": 3}))


STEPS = ("khong-danh-gia", "bo-khong-danh-gia", "trinh", "tra-lai", "phe-duyet", "cong-bo", "dinh-chinh")


@login_required
def province_step(request, year: int, step: str):
    """GET: the confirmation page of submit, publish, correct; POST: the step. A refusal goes back to the
    results page with its message (DomainErrorMiddleware), whatever page the request came from."""
    try:
        return _step(request, year, step)
    except DomainError as exc:
        if not isinstance(exc, NotAllowed) and not exc.back:
            exc.back = reverse("publication:province", args=[year])
        raise


def _step(request, year: int, step: str):
    period = _period(request, year)
    if step not in STEPS:
        raise Http404("Không có bước này")
    post = request.POST if request.method == "POST" else None
    back = reverse("publication:province", args=[year])
    if step == "trinh":
        if not permissions.can_compile_province_results(request.user):
            raise PermissionDenied
        if post and post.get("confirmed"):
            province.submit(period, actor=request.user, request=request)
            messages.success(request, _("Đã trình UBND tỉnh kết quả Chỉ số CCHC năm %(y)s") % {"y": year})
            return redirect(back)
        content = province.draft(period)
        return _confirm(request, year, step, title=_("Trình UBND tỉnh kết quả Chỉ số CCHC năm %(y)s") % {"y": year},
                        lead=_("Kết quả hiện tại được đóng băng để lãnh đạo UBND tỉnh phê duyệt; muốn sửa phải chờ "
                               "trả lại."), summary=_summary(content),
                        warnings=[f"{b['name']}: {'; '.join(b['lacks'])}" for b in content["blocking"]],
                        blocked=bool(content["blocking"]), button=_("Trình UBND tỉnh"))
    if step == "cong-bo":
        if not permissions.can_compile_province_results(request.user):
            raise PermissionDenied
        if post and post.get("confirmed"):
            done = province.publish_province(period, actor=request.user, request=request)
            messages.success(request, _("Đã công bố kết quả Chỉ số CCHC năm %(y)s (lần %(v)d)")
                             % {"y": year, "v": done.version})
            return redirect(back)
        current = province.state_of(period)
        if current is None or current.status != ProvinceResults.Status.APPROVED:
            messages.error(request, _("Chỉ công bố được kết quả đã được UBND tỉnh phê duyệt"))
            return redirect(back)
        return _confirm(request, year, step, title=_("Công bố kết quả Chỉ số CCHC năm %(y)s") % {"y": year},
                        lead=_("Kết quả được công khai cho mọi người; sau đó chỉ đính chính được bằng một bản mới có "
                               "lý do."),
                        summary=_summary(current.content) + [
                            (_("Quyết định"), _("Số %(n)s ngày %(d)s") % {
                                "n": current.decision_number, "d": current.decision_date.strftime("%d/%m/%Y")})],
                        button=_("Công bố kết quả"))
    if step == "dinh-chinh":
        if not permissions.can_compile_province_results(request.user):
            raise PermissionDenied
        form = ReasonForm(post)
        if post and post.get("confirmed") and form.is_valid():
            province.reopen(period, form.cleaned_data["reason"], actor=request.user, request=request)
            messages.success(request, _("Đã mở lại dự thảo để đính chính; bản đã công bố vẫn xem được"))
            return redirect(back)
        return _confirm(request, year, step, title=_("Đính chính kết quả Chỉ số CCHC năm %(y)s") % {"y": year},
                        lead=_("Dự thảo được mở lại để sửa; sau khi trình, phê duyệt và công bố lại, một bản công bố "
                               "mới thay thế bản hiện tại (bản cũ vẫn xem được, ghi «đã được thay thế»)."),
                        summary=[], form=form, button=_("Mở lại để đính chính"))
    if request.method != "POST":
        return redirect(back)
    return _simple_step(request, period, step, back)


def _simple_step(request, period: Period, step: str, back: str):
    user, year = request.user, period.year
    allowed = (permissions.can_approve_province_results(user) if step in ("tra-lai", "phe-duyet")
               else permissions.can_compile_province_results(user))
    if not allowed:
        raise PermissionDenied
    if step == "khong-danh-gia":
        done = province.record_not_assessed(period, request.POST.get("code", ""), request.POST.get("reason", ""),
                                            actor=user, request=request)
        messages.success(request, _("Đã ghi nhận %(name)s không đánh giá năm nay") % {"name": done.period_unit.name})
    elif step == "bo-khong-danh-gia":
        province.undo_not_assessed(period, request.POST.get("code", ""), request.POST.get("reason", ""), actor=user,
                                   request=request)
        messages.success(request, _("Đã bỏ ghi nhận không đánh giá"))
    elif step == "tra-lai":
        province.send_back(period, request.POST.get("comment", ""), actor=user, request=request)
        messages.success(request, _("Đã trả lại dự thảo cho Sở Nội vụ"))
    elif step == "phe-duyet":
        form = ApproveForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for e in errors:
                    messages.error(request, e)
            return redirect(back)
        province.approve(period, form.cleaned_data["number"], form.cleaned_data["decision_date"], actor=user,
                         request=request)
        messages.success(request, _("Đã phê duyệt kết quả Chỉ số CCHC năm %(y)s") % {"y": year})
    return redirect(back)


def _summary(content: dict) -> list[tuple[str, str]]:
    out = []
    for group in content["groups"].values():
        ranked = [u for u in group["units"] if u.get("rank") is not None]
        counts: dict[str, int] = {}
        for u in ranked:
            counts[u["class_label"]] = counts.get(u["class_label"], 0) + 1
        text = _("%(n)d đơn vị, %(r)d được xếp hạng") % {"n": len(group["units"]), "r": len(ranked)}
        if counts:
            text += " — " + " · ".join(f"{label}: {n}" for label, n in counts.items())
        out.append((group["label"], text))
    return out
