"""What changed between two editions of a criteria set, by code. Imports nothing from Django.

Items are matched by their code: an item that keeps its code from one year to the next is the same
item, so its points stay comparable between the years; a new code is a new item, a code that is gone
was removed. For each item kept, every change of its title, max points (re-weighted), method (self /
survey), rubric, evidence hint, appraising agency and reference is listed, before → after, as text
ready to show (numbers the Vietnamese way).
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import CriteriaSet, Criterion, Item, Rubric
from .numbers import format_vi

NEW, REMOVED, CHANGED = "new", "removed", "changed"

# The compared attributes of an item, in the order a page lists them, with their Vietnamese names.
ITEM_ASPECTS = {
    "title": "Nội dung",
    "max_points": "Điểm tối đa",
    "method": "Cách đánh giá",
    "rubric": "Thang chấm",
    "evidence": "Tài liệu kiểm chứng",
    "agency": "Cơ quan thẩm định",
    "ref": "Căn cứ",
}
METHOD_NAMES = {"self": "Tự đánh giá, thẩm định", "survey": "Điều tra xã hội học"}
TOTAL_NAMES = {"total_max": "Tổng điểm tối đa", "self_max": "Điểm tự đánh giá tối đa",
               "survey_max": "Điểm điều tra XHH tối đa"}


@dataclass(frozen=True, slots=True)
class Change:
    aspect: str      # a key of ITEM_ASPECTS (or TOTAL_NAMES)
    label: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class ItemDiff:
    code: str
    status: str                      # NEW, REMOVED or CHANGED
    title: str                       # the new title (the old one for a removed item)
    changes: tuple[Change, ...] = ()
    kind: str = "item"               # "item" (scorable) or "criterion" (a criterion with sub-criteria)

    @property
    def reweighted(self) -> bool:
        return any(c.aspect == "max_points" for c in self.changes)


@dataclass(frozen=True, slots=True)
class SetDiff:
    old_id: str
    new_id: str
    entries: tuple[ItemDiff, ...]    # only what differs, in the new set's order, removed ones last
    totals: tuple[Change, ...]
    kept: int                        # scorable items present in both (changed or not)

    def of_status(self, status: str) -> list[ItemDiff]:
        return [e for e in self.entries if e.status == status]

    @property
    def new(self) -> list[ItemDiff]:
        return self.of_status(NEW)

    @property
    def removed(self) -> list[ItemDiff]:
        return self.of_status(REMOVED)

    @property
    def changed(self) -> list[ItemDiff]:
        return self.of_status(CHANGED)

    @property
    def reweighted(self) -> list[ItemDiff]:
        return [e for e in self.entries if e.kind == "item" and e.reweighted]

    @property
    def is_empty(self) -> bool:
        return not self.entries and not self.totals


def rubric_text(rubric: Rubric | None) -> str:
    """A rubric in one line: «1: condition; 0,5: …» or «từ 0 đến 2, bước 0,25 — condition»."""
    if rubric is None:
        return "—"
    if rubric.is_range:
        text = rubric.describe()
        return f"{text} — {rubric.condition}" if rubric.condition else text
    parts = "; ".join(f"{format_vi(c.points)}: {c.condition}" for c in rubric.choices)
    return f"{parts} — {rubric.condition}" if rubric.condition else parts


def _aspect_text(item: Item, aspect: str, agencies: dict[str, str]) -> str:
    value = getattr(item, aspect)
    if aspect == "max_points":
        return format_vi(value)
    if aspect == "method":
        return METHOD_NAMES.get(value, value)
    if aspect == "rubric":
        return rubric_text(value)
    if aspect == "agency":
        name = agencies.get(value)
        return f"{value} ({name})" if name else value
    return str(value)


def _item_changes(old: Item, new: Item, old_set: CriteriaSet, new_set: CriteriaSet) -> tuple[Change, ...]:
    changes = []
    for aspect, label in ITEM_ASPECTS.items():
        if getattr(old, aspect) != getattr(new, aspect):
            changes.append(Change(aspect, label, _aspect_text(old, aspect, old_set.agencies),
                                  _aspect_text(new, aspect, new_set.agencies)))
    return tuple(changes)


def _criteria_with_subs(cset: CriteriaSet) -> dict[str, Criterion]:
    return {c.code: c for f in cset.fields for c in f.criteria if not c.scored_directly}


def _criterion_changes(old: Criterion, new: Criterion) -> tuple[Change, ...]:
    changes = []
    if old.title != new.title:
        changes.append(Change("title", ITEM_ASPECTS["title"], old.title, new.title))
    if old.max_points != new.max_points:
        changes.append(Change("max_points", ITEM_ASPECTS["max_points"], format_vi(old.max_points),
                              format_vi(new.max_points)))
    return tuple(changes)


def diff_sets(old: CriteriaSet, new: CriteriaSet) -> SetDiff:
    """Every difference of ``new`` from ``old`` (the edition it was copied from), by code."""
    entries: list[ItemDiff] = []
    old_items, new_items = old.items_by_code, new.items_by_code
    old_crits, new_crits = _criteria_with_subs(old), _criteria_with_subs(new)
    for field in new.fields:
        for crit in field.criteria:
            if not crit.scored_directly:
                before = old_crits.get(crit.code)
                if before is None:
                    entries.append(ItemDiff(crit.code, NEW, crit.title, kind="criterion"))
                elif changes := _criterion_changes(before, crit):
                    entries.append(ItemDiff(crit.code, CHANGED, crit.title, changes, kind="criterion"))
            for item in crit.items:
                before_item = old_items.get(item.code)
                if before_item is None:
                    entries.append(ItemDiff(item.code, NEW, item.title))
                elif changes := _item_changes(before_item, item, old, new):
                    entries.append(ItemDiff(item.code, CHANGED, item.title, changes))
    for code, crit in old_crits.items():
        if code not in new_crits:
            entries.append(ItemDiff(code, REMOVED, crit.title, kind="criterion"))
    for code, item in old_items.items():
        if code not in new_items:
            entries.append(ItemDiff(code, REMOVED, item.title))
    totals = tuple(
        Change(key, label, format_vi(getattr(old, key)), format_vi(getattr(new, key)))
        for key, label in TOTAL_NAMES.items() if getattr(old, key) != getattr(new, key)
    )
    kept = sum(1 for code in new_items if code in old_items)
    return SetDiff(old.id, new.id, tuple(entries), totals, kept)

