"""The yearly edition of a criteria set (V.1.1.h; docs/criteria-edition.md).

Sở Nội vụ starts next year's edition of a unit kind by copying the approved one (a draft), edits the
draft in the site, compares it with the edition it was copied from, then approves it (frozen for good).
Only approved sets are public and only they can be bound to a period.

Every change has one shape (house style §3): check the permission → atomic → lock the row
(``select_for_update(of=("self",))``) → check its state and the version the person loaded → change the
plain data → the strict loader reads the whole resulting text → save → audit. A change the loader
refuses raises ``DomainError`` with every problem and saves nothing; a stale version is a ``Conflict``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.accounts import permissions
from parindex.audit.services import record as audit
from parindex.core import locks
from parindex.core.errors import Conflict, DomainError, NotAllowed
from parindex.rulebook import CriteriaSetError, loads
from parindex.rulebook import edition as plain

from .models import CriteriaSetRecord, EditionStatus

MAX_SOURCE_CHARS = 1_000_000  # the shipped sets are 50-85 kB once written back; a draft may not grow wild


def _require(actor) -> None:
    if not permissions.can_edit_criteria(actor):
        raise NotAllowed(_("Chỉ điều phối viên Sở Nội vụ được soạn bộ tiêu chí"))


def problem_lines(exc: CriteriaSetError) -> list[str]:
    """The loader's problems as a person reads them: the item's code, then what is wrong (the line
    numbers are those of the written-back text, which the person never sees)."""
    return [f"{p.code}: {p.message}" if p.code and p.code != "-" else p.message for p in exc.problems]


def latest_approved() -> dict[str, CriteriaSetRecord]:
    """Per unit kind, the newest approved set: what next year's edition is copied from."""
    found: dict[str, CriteriaSetRecord] = {}
    for rec in CriteriaSetRecord.objects.approved().defer("source").order_by("-year", "set_id"):
        found.setdefault(rec.unit_kind, rec)
    return found


def start_edition(source: CriteriaSetRecord, *, actor, request=None) -> CriteriaSetRecord:
    """Copy an approved set into a draft for the next year (``backan-2021-commune`` →
    ``backan-2022-commune``, year + 1)."""
    _require(actor)
    if source.is_draft:
        raise DomainError(_("Bộ %(id)s còn là dự thảo: chỉ sao được từ một bộ đã phê duyệt") % {"id": source.set_id})
    year = source.year + 1
    data = plain.next_edition(plain.read(source.source), year)
    set_id = str(data["id"])
    if CriteriaSetRecord.objects.filter(set_id=set_id).exists():
        raise DomainError(_("Đã có bộ tiêu chí %(id)s: mở bộ đó để sửa hoặc xoá dự thảo trước") % {"id": set_id})
    text = plain.write(data)
    name = f"{set_id}.yaml"
    try:
        cset = loads(text, name)
    except CriteriaSetError as exc:  # the source loaded, so its copy does too; never a quiet half-copy
        raise DomainError(_("Bản sao không hợp lệ"), errors=problem_lines(exc)) from None
    try:
        with transaction.atomic():
            draft = CriteriaSetRecord.objects.create(
                set_id=cset.id, unit_kind=cset.unit_kind, year=cset.year, title=cset.title,
                legal_basis=cset.legal_basis, provenance=cset.provenance, source=text, sha256=cset.sha256,
                source_name=name, status=EditionStatus.DRAFT, based_on=source, version=1)
            audit("criteria.edition_started", draft, actor=actor, request=request,
                  before={"set": source.set_id, "sha256": source.sha256},
                  after={"set": draft.set_id, "year": draft.year, "sha256": draft.sha256})
    except IntegrityError:  # another coordinator started the same edition at the same moment
        raise Conflict(_("Bộ %(id)s vừa được người khác tạo; hãy tải lại trang") % {"id": set_id}) from None
    return draft


def _locked_draft(set_id: str, version: int | None) -> CriteriaSetRecord:
    rec = locks.lock_first(CriteriaSetRecord.objects.filter(set_id=set_id))
    if rec is None:
        raise DomainError(_("Không có bộ tiêu chí %(id)s (có thể vừa bị xoá)") % {"id": set_id})
    if not rec.is_draft:
        raise DomainError(_("Bộ %(id)s đã được phê duyệt: không sửa được nữa. Muốn thay đổi, hãy soạn "
                            "phiên bản của năm sau.") % {"id": set_id})
    if version is not None and version != rec.version:
        raise Conflict(_("Dự thảo %(id)s vừa được người khác sửa (phiên bản %(now)s, bạn sửa từ phiên bản "
                         "%(yours)s): chưa lưu gì. Hãy tải lại trang để xem bản mới rồi sửa lại.")
                       % {"id": set_id, "now": rec.version, "yours": version})
    return rec


# A change of the plain data: returns (action, what it touched, before, after) for the audit.
Change = Callable[[dict], tuple[str, str, object, object]]


def _apply(set_id: str, version: int | None, change: Change, *, actor, request=None,
           follow_expected: bool = False) -> CriteriaSetRecord:
    """The one way a draft changes (the module's docstring)."""
    _require(actor)
    with transaction.atomic():
        rec = _locked_draft(set_id, version)
        data = plain.read(rec.source)
        try:
            action, code, before, after = change(data)
        except plain.LastOne as exc:
            raise DomainError(_("Không xoá được %(code)s: mỗi tiêu chí phải còn ít nhất một tiêu chí thành phần và "
                                "mỗi lĩnh vực ít nhất một tiêu chí. Hãy xoá cả tiêu chí chứa nó.")
                              % {"code": exc}) from None
        except plain.EditError as exc:
            raise DomainError(_("Không có mục «%(code)s» trong bộ %(id)s") % {"code": exc, "id": set_id}) from None
        plain.follow_sums(data)
        if follow_expected:
            data["expected"] = plain.expected_from_tree(data)
        text = plain.write(data)
        if len(text) > MAX_SOURCE_CHARS:
            raise DomainError(_("Bộ tiêu chí sau khi sửa quá dài (%(n)s ký tự, tối đa %(max)s)")
                              % {"n": len(text), "max": MAX_SOURCE_CHARS})
        try:
            cset = loads(text, rec.source_name)
        except CriteriaSetError as exc:
            raise DomainError(_("Chưa lưu: bộ tiêu chí sau khi sửa có %(n)s lỗi") % {"n": len(exc.problems)},
                              errors=problem_lines(exc)) from None
        if cset.sha256 == rec.sha256:
            return rec
        rec.source, rec.sha256, rec.title = text, cset.sha256, cset.title
        rec.version += 1
        rec.save(update_fields=["source", "sha256", "title", "version", "loaded_at"])
        audit(action, rec, actor=actor, request=request, before={"code": code, "value": before},
              after={"code": code, "value": after, "version": rec.version, "sha256": rec.sha256})
    return rec


def edit_item(set_id: str, code: str, values: dict, *, version: int | None, actor, request=None,
              follow_expected: bool = False) -> CriteriaSetRecord:
    """Change an item's title, max points, method, rubric, evidence hint, agency, reference; for a
    criterion with sub-criteria, its title (its points are its sub-criteria's sum)."""
    def change(data):
        item = plain.find_item(data, code)
        if item is None:
            _field, crit = plain.find_criterion(data, code)
            if crit is None:
                raise plain.EditError(code)
            before = plain.item_plain(crit)
            crit["title"] = values.get("title", crit.get("title"))
            return "criteria.item_edited", code, before, plain.item_plain(crit)
        before = plain.item_plain(item)
        plain.set_item(data, code, values)
        return "criteria.item_edited", code, before, plain.item_plain(item)
    return _apply(set_id, version, change, actor=actor, request=request, follow_expected=follow_expected)


def add_item(set_id: str, parent: str, values: dict, *, version: int | None, actor, request=None,
             follow_expected: bool = False) -> tuple[CriteriaSetRecord, str]:
    """A new sub-criterion of criterion ``parent``, or a new criterion scored directly in field ``parent``."""
    added = {}

    def change(data):
        code = plain.add_item(data, parent, values)
        added["code"] = code
        return "criteria.item_added", code, None, plain.item_plain(plain.find_item(data, code))
    rec = _apply(set_id, version, change, actor=actor, request=request, follow_expected=follow_expected)
    return rec, added["code"]


def remove_item(set_id: str, code: str, *, version: int | None, actor, request=None,
                follow_expected: bool = False) -> CriteriaSetRecord:
    def change(data):
        removed = plain.remove_item(data, code)
        return "criteria.item_removed", code, removed, None
    return _apply(set_id, version, change, actor=actor, request=request, follow_expected=follow_expected)


def set_expected(set_id: str, expected: dict | None, *, version: int | None, actor, request=None) -> CriteriaSetRecord:
    """Replace the ``expected`` block (the counts and totals the decision states); ``None``: take them from
    the tree as it is now."""
    def change(data):
        before = data.get("expected")
        data["expected"] = plain.expected_from_tree(data) if expected is None else expected
        return "criteria.expected_edited", "expected", before, data["expected"]
    return _apply(set_id, version, change, actor=actor, request=request)


APPENDIX_MAX_BYTES = 5_000_000  # an appendix workbook is about 60 kB; anything near this is not one


def import_appendix(set_id: str, data: bytes, name: str, *, version: int | None, actor,
                    request=None) -> CriteriaSetRecord:
    """Replace a draft's whole content with the province's official appendix tables (.xlsx in the appendix
    layout, docs/criteria-format.md), all or nothing: every problem of the workbook is listed with its sheet
    and row, and the workbook must be this draft's set (same id, unit kind and year). The comparison with the
    edition it was copied from then shows what the official tables changed."""
    from parindex.rulebook.appendix import AppendixError, read_xlsx

    _require(actor)
    if len(data) > APPENDIX_MAX_BYTES:
        raise DomainError(_("Tệp «%(name)s» nặng %(n)s byte, tối đa %(max)s byte")
                          % {"name": name, "n": len(data), "max": APPENDIX_MAX_BYTES})
    try:
        text, cset = read_xlsx(data, name)
    except AppendixError as exc:
        raise DomainError(_("Chưa nạp: bảng phụ lục «%(name)s» có lỗi") % {"name": name},
                          errors=list(exc.problems)) from None
    with transaction.atomic():
        rec = _locked_draft(set_id, version)
        if (cset.id, cset.unit_kind, cset.year) != (rec.set_id, rec.unit_kind, rec.year):
            raise DomainError(_("Bảng phụ lục «%(name)s» là bộ %(got)s (%(kind)s, năm %(year)s), không phải dự thảo "
                                "%(id)s (%(own_kind)s, năm %(own_year)s): chưa nạp gì")
                              % {"name": name, "got": cset.id, "kind": cset.unit_kind, "year": cset.year,
                                 "id": rec.set_id, "own_kind": rec.unit_kind, "own_year": rec.year})
        if cset.sha256 == rec.sha256:
            return rec
        before = rec.sha256
        rec.source, rec.sha256, rec.title = text, cset.sha256, cset.title
        rec.version += 1
        rec.save(update_fields=["source", "sha256", "title", "version", "loaded_at"])
        audit("criteria.appendix_imported", rec, actor=actor, request=request, reason=name,
              before={"sha256": before}, after={"version": rec.version, "sha256": rec.sha256})
    return rec


def approve_edition(set_id: str, *, version: int | None, actor, request=None) -> CriteriaSetRecord:
    """Approve the draft the person saw (``version``): from now on it is frozen, public and can be bound
    to a period. Cannot be undone."""
    _require(actor)
    with transaction.atomic():
        rec = _locked_draft(set_id, version)
        loads(rec.source, rec.source_name)  # a stored draft always loads; a surprise here is a loud 500
        rec.status = EditionStatus.APPROVED
        rec.approved_by, rec.approved_at = actor, timezone.now()
        rec.save(update_fields=["status", "approved_by", "approved_at"])
        audit("criteria.edition_approved", rec, actor=actor, request=request,
              before={"status": EditionStatus.DRAFT}, after={"status": EditionStatus.APPROVED,
                                                             "version": rec.version, "sha256": rec.sha256})
    return rec


def delete_draft(set_id: str, *, version: int | None, actor, request=None) -> None:
    """Delete a draft (never an approved set). The audit keeps its last text's hash."""
    _require(actor)
    with transaction.atomic():
        rec = _locked_draft(set_id, version)
        audit("criteria.draft_deleted", rec, actor=actor, request=request,
              before={"set": rec.set_id, "version": rec.version, "sha256": rec.sha256,
                      "based_on": rec.based_on.set_id if rec.based_on_id else None})
        rec.delete()
