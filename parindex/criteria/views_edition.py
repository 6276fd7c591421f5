"""The yearly edition's pages (V.1.1.h; docs/criteria-edition.md): the Sở Nội vụ coordinator only.

Every page refuses everyone else (anonymous: the login page; any other role: 403), whatever the URL.
A draft that does not exist, or an edition already approved, answers 404 on the editing pages. Views parse
the form, call services_edition, render; a refusal re-displays the form with every reason, nothing saved
(a Conflict with status 409).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parindex.accounts import permissions
from parindex.core.errors import Conflict, DomainError, NotAllowed
from parindex.rulebook import edition as plain
from parindex.rulebook.diff import diff_sets
from parindex.rulebook.numbers import format_vi

from . import services_edition as services
from .forms import AppendixForm, CriterionForm, ExpectedForm, ItemForm, RemoveForm, VersionForm
from .models import CriteriaSetRecord, EditionStatus
from .views import KIND_ORDER


def _require(user) -> None:
    if not permissions.can_edit_criteria(user):
        raise PermissionDenied


def _draft_or_404(set_id: str) -> CriteriaSetRecord:
    rec = CriteriaSetRecord.objects.filter(set_id=set_id, status=EditionStatus.DRAFT).select_related("based_on").first()
    if rec is None:
        raise Http404(_("Không có dự thảo bộ tiêu chí này (có thể đã được phê duyệt hoặc đã xoá)"))
    return rec


def _draft_node(request, set_id: str, code: str):
    """(record, plain data, the scorable item or None, the criterion or None) of a draft; 404 if neither."""
    _require(request.user)
    rec = _draft_or_404(set_id)
    data = plain.read(rec.source)
    item = plain.find_item(data, code)
    _field, crit = plain.find_criterion(data, code)
    if item is None and crit is None:
        raise Http404(_("Không có mục «%(code)s» trong bộ này") % {"code": code})
    return rec, data, item, crit


def _agencies(data: dict) -> dict[str, str]:
    return {str(k): str(v) for k, v in (data.get("agencies") or {}).items()}


def _save(form, call) -> tuple[object, int]:
    """Run a service; a refusal goes onto the form. Returns (result or None, HTTP status for the page)."""
    try:
        return call(), 200
    except NotAllowed:
        raise
    except DomainError as exc:
        for message in ([exc.message] if exc.errors != [exc.message] else []) + exc.errors:
            form.add_error(None, message)
        return None, 409 if isinstance(exc, Conflict) else 200


def _page(request, rec, template, status=200, **context):
    return render(request, f"criteria/edition/{template}", {"record": rec, **context}, status=status)


@login_required
@require_GET
def editions(request):
    """«Soạn bộ tiêu chí năm sau»: the newest approved set per kind, the drafts, the editions made here."""
    _require(request.user)
    latest = sorted(services.latest_approved().values(), key=lambda r: KIND_ORDER[r.unit_kind])
    existing = set(CriteriaSetRecord.objects.values_list("set_id", flat=True))
    starts = []
    for rec in latest:
        next_id = str(plain.next_edition({"id": rec.set_id, "year": rec.year}, rec.year + 1)["id"])
        starts.append({"record": rec, "next_year": rec.year + 1, "next_id": next_id, "exists": next_id in existing})
    drafts = CriteriaSetRecord.objects.filter(status=EditionStatus.DRAFT).select_related("based_on").defer("source")
    made = (CriteriaSetRecord.objects.approved().filter(based_on__isnull=False)
            .select_related("based_on", "approved_by").defer("source"))
    return render(request, "criteria/edition/list.html", {"starts": starts, "drafts": drafts, "made": made})


@login_required
@require_POST
def start(request, set_id: str):
    _require(request.user)
    source = CriteriaSetRecord.objects.approved().filter(set_id=set_id).first()
    if source is None:
        raise Http404
    try:
        draft = services.start_edition(source, actor=request.user, request=request)
    except NotAllowed:
        raise
    except DomainError as exc:
        for message in exc.errors:
            messages.error(request, message)
        return redirect("criteria:editions")
    messages.success(request, _("Đã tạo dự thảo %(id)s từ %(from)s. Bước tiếp theo: sửa các tiêu chí cần thay "
                                "đổi, xem so sánh, rồi phê duyệt.") % {"id": draft.set_id, "from": source.set_id})
    return redirect("criteria:edition", set_id=draft.set_id)


@login_required
@require_GET
def edition(request, set_id: str):
    """The draft: its tree with a «Sửa» beside every item, its ``expected`` block, the next steps."""
    _require(request.user)
    rec = _draft_or_404(set_id)
    cset = rec.parsed()
    data = plain.read(rec.source)
    diff = diff_sets(rec.based_on.parsed(), cset) if rec.based_on_id else None
    return _page(request, rec, "draft.html", cset=cset, expected=data.get("expected") or {}, diff=diff)


@login_required
def item_edit(request, set_id: str, code: str):
    rec, data, item, crit = _draft_node(request, set_id, code)
    post = request.POST if request.method == "POST" else None
    if item is None:
        form = CriterionForm(post, initial={"version": rec.version, "title": crit.get("title", "")})
    else:
        form = ItemForm(post, agencies=_agencies(data), item=item,
                        initial={**ItemForm.initial_of(item), "version": rec.version})
    status = 200
    if post is not None and form.is_valid():
        values = {"title": form.cleaned_data["title"].strip()} if item is None else form.values()
        done, status = _save(form, lambda: services.edit_item(
            set_id, code, values, version=form.cleaned_data["version"], actor=request.user, request=request,
            follow_expected=form.cleaned_data.get("follow_expected", False)))
        if done is not None:
            messages.success(request, _("Đã lưu %(code)s (phiên bản %(v)s)") % {"code": code, "v": done.version})
            return redirect(reverse("criteria:edition", args=[set_id]) + f"#item-{code}")
    return _page(request, rec, "item_form.html", status=status, form=form, code=code, criterion=item is None,
                 adding=False)


@login_required
def item_add(request, set_id: str, parent: str):
    """A new sub-criterion of a criterion, or a new criterion scored directly in a field (``parent``)."""
    _require(request.user)
    rec = _draft_or_404(set_id)
    data = plain.read(rec.source)
    field = plain.find_field(data, parent)
    _f, crit = plain.find_criterion(data, parent)
    if field is None and (crit is None or plain.is_scored_directly(crit)):
        raise Http404(_("Không thêm được tiêu chí vào «%(code)s»") % {"code": parent})
    post = request.POST if request.method == "POST" else None
    form = ItemForm(post, agencies=_agencies(data), initial={"version": rec.version, "method": "self",
                                                       "rubric_kind": "choices", "follow_expected": True})
    status = 200
    if post is not None and form.is_valid():
        done, status = _save(form, lambda: services.add_item(
            set_id, parent, form.values(), version=form.cleaned_data["version"], actor=request.user,
            request=request, follow_expected=form.cleaned_data["follow_expected"]))
        if done is not None:
            rec, code = done
            messages.success(request, _("Đã thêm %(code)s") % {"code": code})
            return redirect(reverse("criteria:edition", args=[set_id]) + f"#item-{code}")
    parent_title = (field or crit).get("title", "")
    return _page(request, rec, "item_form.html", status=status, form=form, code=parent, criterion=False,
                 adding=True, parent_title=parent_title, new_criterion=field is not None)


def _confirm(request, rec, *, title, lead, summary, warnings, action, button, form, status=200, danger=False):
    return render(request, "core/confirm.html", {
        "title": title, "lead": lead, "summary": summary, "warnings": warnings, "action": action,
        "button": button, "cancel": reverse("criteria:edition", args=[rec.set_id]), "form": form,
        "danger": danger}, status=status)


@login_required
def item_remove(request, set_id: str, code: str):
    rec, data, item, crit = _draft_node(request, set_id, code)
    target = item or crit
    form = RemoveForm(request.POST or None, initial={"version": rec.version, "follow_expected": True})
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = _save(form, lambda: services.remove_item(
            set_id, code, version=form.cleaned_data["version"], actor=request.user, request=request,
            follow_expected=form.cleaned_data["follow_expected"]))
        if done is not None:
            messages.success(request, _("Đã xoá %(code)s khỏi dự thảo") % {"code": code})
            return redirect("criteria:edition", set_id=set_id)
    subs = [] if item is not None else [s.get("code") for s in crit.get("sub_criteria") or []]
    summary = [(_("Mục"), f"{code} — {target.get('title', '')}"),
               (_("Điểm tối đa"), format_vi(plain._dec(target.get("max_points"))))]
    if subs:
        summary.append((_("Cùng các tiêu chí thành phần"), ", ".join(map(str, subs))))
    return _confirm(request, rec, title=_("Xoá %(code)s khỏi dự thảo %(id)s?") % {"code": code, "id": set_id},
                    lead=_("Mục này bị xoá khỏi dự thảo; điểm của lĩnh vực giảm tương ứng. Bước tiếp theo: xem "
                           "so sánh với bộ gốc."),
                    summary=summary, warnings=list(form.non_field_errors()), button=_("Xoá khỏi dự thảo"),
                    action=reverse("criteria:edition_remove", args=[set_id, code]), form=form, status=status)


@login_required
def expected_edit(request, set_id: str):
    _require(request.user)
    rec = _draft_or_404(set_id)
    data = plain.read(rec.source)
    letters = [str(f.get("code")) for f in data.get("fields") or []]
    form = ExpectedForm(request.POST or None, letters=letters, expected=data.get("expected"),
                        initial={"version": rec.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = _save(form, lambda: services.set_expected(
            set_id, form.expected(), version=form.cleaned_data["version"], actor=request.user, request=request))
        if done is not None:
            messages.success(request, _("Đã lưu các con số quy định (expected)"))
            return redirect("criteria:edition", set_id=set_id)
    return _page(request, rec, "expected.html", status=status, form=form, tree=plain.expected_from_tree(data))


@login_required
@require_GET
def diff(request, set_id: str):
    """Side by side with the edition it was copied from, by code (drafts and approved editions)."""
    _require(request.user)
    rec = CriteriaSetRecord.objects.filter(set_id=set_id, based_on__isnull=False).select_related("based_on").first()
    if rec is None:
        raise Http404(_("Bộ này không được sao từ bộ nào"))
    return _page(request, rec, "diff.html", diff=diff_sets(rec.based_on.parsed(), rec.parsed()), old=rec.based_on)


def _approval_warnings(rec) -> list[str]:
    """What the decision in force says of the draft (survey points per level, III.1.2): shown, not binding —
    a new edition may come with a new decision, and create_period checks it against the period's own."""
    from parindex.rulebook.decision import set_problems, shipped_decision

    return [str(p) for p in set_problems(shipped_decision(), {rec.unit_kind: rec.parsed()})]


def _final_step(request, set_id: str, service):
    """Approve or delete: the confirmation's form carries the version shown; on POST, the service.
    Returns (record, form, done or None, status)."""
    _require(request.user)
    rec = _draft_or_404(set_id)
    form = VersionForm(request.POST or None, initial={"version": rec.version})
    done, status = None, 200
    if request.method == "POST" and form.is_valid():
        done, status = _save(form, lambda: service(set_id, version=form.cleaned_data["version"], actor=request.user,
                                                   request=request) or True)
    return rec, form, done, status


@login_required
def approve(request, set_id: str):
    rec, form, done, status = _final_step(request, set_id, services.approve_edition)
    if done is not None:
        messages.success(request, _("Đã phê duyệt %(id)s. Bộ này đã công khai và dùng được khi tạo kỳ đánh giá "
                                    "năm %(year)s.") % {"id": set_id, "year": rec.year})
        return redirect("criteria:detail", set_id=set_id)
    cset = rec.parsed()
    changes = diff_sets(rec.based_on.parsed(), cset) if rec.based_on_id else None
    summary = [(_("Bộ tiêu chí"), f"{cset.title} — {set_id}"), (_("Năm áp dụng"), str(cset.year)),
               (_("Tổng điểm tối đa"), format_vi(cset.total_max)),
               (_("Tự đánh giá / ĐTXHH"), f"{format_vi(cset.self_max)} / {format_vi(cset.survey_max)}"),
               (_("Số tiêu chí chấm điểm"), str(len(cset.items)))]
    if changes is not None:
        summary.append((_("So với %(id)s") % {"id": rec.based_on.set_id},
                        _("%(new)s mới, %(removed)s bỏ, %(changed)s sửa (%(weighted)s đổi điểm)") % {
                            "new": len(changes.new), "removed": len(changes.removed),
                            "changed": len(changes.changed), "weighted": len(changes.reweighted)}))
    warnings = [*form.non_field_errors(), *_approval_warnings(rec)]
    return _confirm(request, rec, title=_("Phê duyệt bộ tiêu chí %(id)s?") % {"id": set_id},
                    lead=_("Không hoàn tác được: bộ đã phê duyệt được cố định, không sửa được nữa, hiện trên trang "
                           "công khai và dùng được khi tạo kỳ đánh giá. Muốn thay đổi sau này, hãy soạn bộ của năm "
                           "sau."),
                    summary=summary, warnings=warnings, button=_("Phê duyệt"), form=form, status=status,
                    action=reverse("criteria:edition_approve", args=[set_id]))


@login_required
def delete(request, set_id: str):
    rec, form, done, status = _final_step(request, set_id, services.delete_draft)
    if done is not None:
        messages.success(request, _("Đã xoá dự thảo %(id)s") % {"id": set_id})
        return redirect("criteria:editions")
    return _confirm(request, rec, title=_("Xoá dự thảo %(id)s?") % {"id": set_id},
                    lead=_("Mọi chỉnh sửa của dự thảo này bị xoá (nhật ký vẫn giữ). Bộ gốc không đổi."),
                    summary=[(_("Sao từ"), rec.based_on.set_id if rec.based_on_id else "—"),
                             (_("Phiên bản sửa"), str(rec.version))],
                    warnings=list(form.non_field_errors()), button=_("Xoá dự thảo"), form=form, status=status,
                    action=reverse("criteria:edition_delete", args=[set_id]), danger=True)


# -- the appendix tables (.xlsx; docs/criteria-format.md «Bảng phụ lục .xlsx») --------------------------------

def appendix_download(request, rec: CriteriaSetRecord, back: str):
    """The set as the appendix workbook; when it cannot be written (``AppendixError``), back to the ``back``
    page with every reason."""
    from parindex.documents.responses import xlsx_response
    from parindex.rulebook.appendix import AppendixError, export_xlsx

    try:
        data = export_xlsx(rec.parsed())
    except AppendixError as exc:
        for message in exc.problems:
            messages.error(request, message)
        return redirect(back, set_id=rec.set_id)
    return xlsx_response(data, f"{rec.set_id}-phu-luc.xlsx")


@login_required
@require_GET
def appendix_export(request, set_id: str):
    """The draft as the appendix workbook, to check or to fill in with the official tables."""
    _require(request.user)
    return appendix_download(request, _draft_or_404(set_id), "criteria:edition")


@login_required
def appendix_import(request, set_id: str):
    """Replace the draft's content with the province's official appendix tables; every problem with its sheet
    and row, nothing saved on any."""
    _require(request.user)
    rec = _draft_or_404(set_id)
    if request.method == "POST":
        form = AppendixForm(request.POST, request.FILES)
    else:
        form = AppendixForm(initial={"version": rec.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        name = upload.name[:80]
        data = upload.read(services.APPENDIX_MAX_BYTES + 1)
        done, status = _save(form, lambda: services.import_appendix(
            set_id, data, name, version=form.cleaned_data["version"], actor=request.user, request=request))
        if done is not None:
            messages.success(request, _("Đã nạp bảng phụ lục «%(name)s» vào dự thảo %(id)s. Bước tiếp theo: xem so "
                                        "sánh với bộ gốc, rồi phê duyệt.") % {"name": name, "id": set_id})
            return redirect("criteria:edition", set_id=set_id)
    return _page(request, rec, "appendix.html", status=status, form=form)
