"""The change history as people read it: what happened in words, states by their labels, dates as
people write them ("14:05 ngày 03/12/2021"), before → after as "label: old → new" lines.

The log keeps machine codes (``unit.state_changed``, ``{"state": "submitted"}``); nothing here is
stored, it is only how an entry is shown. Every action code recorded anywhere in parindex has a
phrase (tests/web/test_audit.py greps the source for ``record("…"`` to keep it so); an unknown code
reads as a generic phrase, never as the code itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEntry

ACTIONS = {
    "unit.state_changed": gettext_lazy("Chuyển trạng thái"),
    "units.loaded": gettext_lazy("Nạp danh sách đơn vị"),
    "period.created": gettext_lazy("Tạo kỳ đánh giá"),
    # -- the yearly edition of a criteria set (parindex/criteria/services_edition.py)
    "criteria.edition_started": gettext_lazy("Soạn bộ tiêu chí năm sau (sao từ bộ đã phê duyệt)"),
    "criteria.item_edited": gettext_lazy("Sửa tiêu chí trong dự thảo bộ tiêu chí"),
    "criteria.item_added": gettext_lazy("Thêm tiêu chí vào dự thảo bộ tiêu chí"),
    "criteria.item_removed": gettext_lazy("Xoá tiêu chí khỏi dự thảo bộ tiêu chí"),
    "criteria.expected_edited": gettext_lazy("Sửa các con số quy định của dự thảo bộ tiêu chí"),
    "criteria.edition_approved": gettext_lazy("Phê duyệt bộ tiêu chí"),
    "criteria.appendix_imported": gettext_lazy("Nạp bảng phụ lục (.xlsx) vào dự thảo bộ tiêu chí"),
    "criteria.draft_deleted": gettext_lazy("Xoá dự thảo bộ tiêu chí"),
    "period.opened": gettext_lazy("Mở kỳ đánh giá"),
    "period.timeline_changed": gettext_lazy("Sửa mốc thời gian"),
    "extension.granted": gettext_lazy("Gia hạn"),
    "role.granted": gettext_lazy("Giao vai trò"),
    "role.revoked": gettext_lazy("Thu hồi vai trò"),
    "account.created": gettext_lazy("Tạo tài khoản"),
    "assessment.score_changed": gettext_lazy("Chấm điểm tiêu chí"),
    "assessment.item_saved": gettext_lazy("Chấm điểm tiêu chí"),
    "assessment.evidence_added": gettext_lazy("Thêm tài liệu kiểm chứng vào thư viện"),
    "assessment.evidence_linked": gettext_lazy("Gắn tài liệu kiểm chứng cho tiêu chí"),
    "assessment.evidence_unlinked": gettext_lazy("Bỏ tài liệu kiểm chứng khỏi tiêu chí"),
    "assessment.report_changed": gettext_lazy("Sửa thành phần tham gia, khó khăn, kiến nghị"),
    "assessment.imported": gettext_lazy("Nhập điểm từ Excel"),
    "assessment.sent_for_approval": gettext_lazy("Trình thủ trưởng duyệt"),
    "assessment.sent_back": gettext_lazy("Thủ trưởng trả lại cán bộ"),
    "assessment.submitted": gettext_lazy("Thủ trưởng duyệt và nộp"),
    "assessment.withdrawn": gettext_lazy("Thủ trưởng rút lại để sửa"),
    "assessment.reopened": gettext_lazy("Mở lại bản tự đánh giá"),
    "appraisal.item_appraised": gettext_lazy("Thẩm định tiêu chí"),
    "appraisal.round1_confirmed": gettext_lazy("Giữ điểm vòng 1 cho các tiêu chí không giải trình"),
    "appraisal.self_scores_accepted": gettext_lazy("Chấp nhận điểm tự chấm"),
    "appraisal.started": gettext_lazy("Bắt đầu thẩm định"),
    "appraisal.explanation_opened": gettext_lazy("Mở vòng giải trình"),
    "appraisal.final_round_opened": gettext_lazy("Chuyển sang thẩm định cuối"),
    "appraisal.explained": gettext_lazy("Đơn vị giải trình"),
    "appraisal.evidence_added": gettext_lazy("Đơn vị bổ sung tài liệu kiểm chứng"),
    "appraisal.finalized": gettext_lazy("Chốt kết quả thẩm định"),
    "appraisal.reopened": gettext_lazy("Mở lại kết quả thẩm định"),
    "appraisal.window_moved": gettext_lazy("Dời thời gian thẩm định"),
    "appraisal.assignment_changed": gettext_lazy("Đổi phân công thẩm định"),
    "appraisal.lead_set": gettext_lazy("Chỉ định tổ trưởng tổ thẩm định"),
    "publication.published": gettext_lazy("Công bố kết quả"),
    "survey.design_loaded": gettext_lazy("Nạp thiết kế điều tra xã hội học"),
    "survey.design_replaced": gettext_lazy("Sửa thiết kế điều tra xã hội học"),
    "survey.opened": gettext_lazy("Mở đợt thu phiếu điều tra xã hội học"),
    # -- survey collection (parindex/survey/collect.py); a submission itself is never audited (anonymity)
    "survey.invitations_created": gettext_lazy("Tạo đường dẫn phiếu khảo sát trực tuyến"),
    # -- survey: paper (parindex/survey/paper.py, imports.py); never an answer in the entry
    "survey.paper_issued": gettext_lazy("Phát hành phiếu giấy điều tra xã hội học"),
    "survey.paper_entered": gettext_lazy("Nhập phiếu giấy điều tra xã hội học"),
    "survey.paper_resolved": gettext_lazy("Đối chiếu phiếu giấy nhập không khớp"),
    "survey.paper_entries_purged": gettext_lazy("Xoá bản nhập phiếu giấy sau khi chốt kết quả"),
    "survey.responses_imported": gettext_lazy("Nhập phiếu điều tra từ tệp"),
    # -- survey: close (parindex/survey/results.py)
    "survey.item_resolved": gettext_lazy("Quyết định điểm tiêu chí điều tra không đủ câu trả lời"),
    "survey.closed": gettext_lazy("Chốt kết quả điều tra xã hội học"),
    "survey.corrected": gettext_lazy("Đính chính kết quả điều tra xã hội học"),
    # -- the province's results (parindex/publication/province.py)
    "province.not_assessed": gettext_lazy("Ghi nhận đơn vị không đánh giá năm nay"),
    "province.not_assessed_undone": gettext_lazy("Bỏ ghi nhận đơn vị không đánh giá"),
    "province.submitted": gettext_lazy("Trình UBND tỉnh kết quả Chỉ số"),
    "province.sent_back": gettext_lazy("UBND tỉnh trả lại kết quả Chỉ số"),
    "province.approved": gettext_lazy("UBND tỉnh phê duyệt kết quả Chỉ số"),
    "province.reopened": gettext_lazy("Mở lại kết quả Chỉ số đã công bố để đính chính"),
}
UNKNOWN_ACTION = gettext_lazy("Thay đổi khác")

KEYS = {
    "state": gettext_lazy("Trạng thái"), "status": gettext_lazy("Trạng thái"),
    "item": gettext_lazy("Tiêu chí"), "round": gettext_lazy("Vòng"), "points": gettext_lazy("Điểm"),
    "explanation": gettext_lazy("Giải trình"), "comment": gettext_lazy("Nhận xét"),
    "stage": gettext_lazy("Giai đoạn"), "until": gettext_lazy("Hạn giải trình"),
    "evidence": gettext_lazy("Tài liệu"), "document": gettext_lazy("Văn bản"), "file": gettext_lazy("Tệp"),
    "size": gettext_lazy("Dung lượng"), "location": gettext_lazy("Vị trí trong tài liệu"),
    "participants": gettext_lazy("Thành phần tham gia"), "difficulties": gettext_lazy("Khó khăn, kiến nghị"),
    "meeting_date": gettext_lazy("Ngày họp tự đánh giá"), "self_points": gettext_lazy("Tổng điểm tự đánh giá"),
    "self_points_appraised": gettext_lazy("Tổng điểm thẩm định"), "items": gettext_lazy("Số tiêu chí"),
    "user": gettext_lazy("Tài khoản"), "role": gettext_lazy("Vai trò"), "unit": gettext_lazy("Đơn vị"),
    "agency": gettext_lazy("Cơ quan thẩm định"), "team_district": gettext_lazy("Tổ thẩm định của huyện"),
    "fields": gettext_lazy("Lĩnh vực"), "active": gettext_lazy("Còn hiệu lực"),
    "year": gettext_lazy("Năm"), "reading": gettext_lazy("Cách hiểu «trước ngày»"),
    "criteria": gettext_lazy("Bộ tiêu chí"), "step": gettext_lazy("Bước"), "new_due": gettext_lazy("Hạn mới"),
    "created": gettext_lazy("Thêm mới"), "updated": gettext_lazy("Cập nhật"),
    "unchanged": gettext_lazy("Không đổi"), "unit_kind": gettext_lazy("Loại đơn vị"),
    "code": gettext_lazy("Lĩnh vực hoặc tiêu chí"),
    "appraisals_started": gettext_lazy("Số đơn vị đã bắt đầu thẩm định"),
    "lead": gettext_lazy("Tổ trưởng"), "scope": gettext_lazy("Phạm vi"), "version": gettext_lazy("Lần công bố"),
    "full_name": gettext_lazy("Họ và tên"), "email": gettext_lazy("Thư điện tử"),
    "design_id": gettext_lazy("Mã thiết kế điều tra"), "design_version": gettext_lazy("Phiên bản thiết kế"),
    "provenance": gettext_lazy("Nguồn"), "source": gettext_lazy("Tệp nguồn"),
    # the province's results
    "not_assessed": gettext_lazy("Không đánh giá năm nay"), "reason": gettext_lazy("Lý do"),
    "decision_number": gettext_lazy("Số quyết định"), "decision_date": gettext_lazy("Ngày quyết định"),
    # survey collection
    "group": gettext_lazy("Nhóm đối tượng"), "links": gettext_lazy("Số đường dẫn tạo thêm"),
    "links_total": gettext_lazy("Tổng số đường dẫn của nhóm cho đơn vị"),
    # -- survey: paper
    "serial": gettext_lazy("Số phiếu"), "entry": gettext_lazy("Lần nhập"), "form_status": gettext_lazy("Phiếu"),
    "forms": gettext_lazy("Số phiếu phát hành"), "first": gettext_lazy("Từ số"), "last": gettext_lazy("Đến số"),
    "entries": gettext_lazy("Số bản nhập đã xoá"), "responses": gettext_lazy("Số phiếu nhập từ tệp"),
}
HIDDEN = {"sha256"}          # kept in the log, not shown to people
CONTEXT = {"item", "round"}  # shown even when unchanged: which item, which round
POINTS = {"points", "self_points", "self_points_appraised"}
ITEM_CODE = re.compile(r"^[a-h](\.\d+)*$")
ISO_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, UNKNOWN_ACTION))


def when(value: datetime) -> str:
    """14:05 ngày 03/12/2021, in Vietnam time."""
    return _("%(time)s ngày %(date)s") % {"time": f"{timezone.localtime(value):%H:%M}",
                                          "date": f"{timezone.localtime(value):%d/%m/%Y}"}


def _choices():
    """Labels of every coded value, by key (imported late: the audit app sits below the others)."""
    from parindex.accounts.models import Role
    from parindex.appraisal.models import Stage
    from parindex.assessments.models import Status
    from parindex.periods.models import Period
    from parindex.periods.timeline import FIELDS, Reading, Step
    from parindex.survey.models import PaperForm, Survey
    from parindex.units.models import UnitKind
    from parindex.units.states import WorkState

    return {
        "state": dict(WorkState.choices), "stage": dict(Stage.choices), "role": dict(Role.choices),
        "reading": dict(Reading.choices), "step": dict(Step.choices), "unit_kind": dict(UnitKind.choices),
        "round": {"round1": _("Thẩm định vòng 1"), "final": _("Thẩm định cuối")},
        "status:assessments.assessment": dict(Status.choices), "status:periods.period": dict(Period.Status.choices),
        "criteria": dict(UnitKind.choices), "timeline": FIELDS,
        "status:survey.survey": dict(Survey.Status.choices),
        "form_status": dict(PaperForm.Status.choices),  # -- survey: paper
        "provenance": {"reconstructed": _("Dựng lại"), "official": _("Chính thức")},
    }


def _label(key: str, choices) -> str:
    if key in KEYS:
        return str(KEYS[key])
    if key in choices["timeline"]:
        return str(choices["timeline"][key])
    if ITEM_CODE.match(key):
        return _("Tiêu chí %(code)s") % {"code": key}
    return _("Thông tin khác")


def _value(key: str, value, object_type: str, choices) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, list):
        return "; ".join(_value(key, v, object_type, choices) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_label(k, choices) if k not in choices.get(key, {}) else choices[key][k]}: "
                         f"{_value(k, v, object_type, choices)}" for k, v in value.items() if k not in HIDDEN)
    coded = choices.get(f"{key}:{object_type}") or choices.get(key)
    if isinstance(value, str) and coded and key != "criteria" and value in coded:
        return str(coded[value])
    if key in POINTS or ITEM_CODE.match(key):
        try:
            from parindex.rulebook.numbers import format_vi
            return format_vi(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            return str(value)
    if isinstance(value, str) and ISO_DATETIME.match(value):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if key in choices["timeline"] or key == "new_due":
            from parindex.periods.timeline import format_instant, format_start
            return format_instant(moment) if key.endswith(("_due", "_end")) else format_start(moment)
        return when(moment)
    if isinstance(value, str) and ISO_DATE.match(value):
        return f"{date.fromisoformat(value):%d/%m/%Y}"
    return str(value)


@dataclass
class Shown:
    """One history entry, ready for the page."""

    at: str
    who: str
    what: str
    lines: list[str]
    reason: str


def lines_of(entry: AuditEntry, choices=None) -> list[str]:
    choices = choices or _choices()
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    out = []
    for key in dict.fromkeys([*before, *after]):
        if key in HIDDEN:
            continue
        label = _label(key, choices)
        old, new = before.get(key), after.get(key)
        shown_new = _value(key, new, entry.object_type, choices)
        if key not in before or not before:
            if new not in (None, "", []):
                out.append(f"{label}: {shown_new}")
        elif old == new:
            if key in CONTEXT:
                out.append(f"{label}: {shown_new}")
        else:
            out.append(f"{label}: {_value(key, old, entry.object_type, choices)} → {shown_new}")
    return out


def show(entries) -> list[Shown]:
    choices = _choices()
    out = []
    for e in entries:
        name = e.actor.get_full_name() if e.actor_id and e.actor else ""
        who = f"{name} ({e.actor_label})" if name and e.actor_label else (e.actor_label or _("Hệ thống"))
        out.append(Shown(when(e.at), who, action_label(e.action), lines_of(e, choices), e.reason))
    return out
