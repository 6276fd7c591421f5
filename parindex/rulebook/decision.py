"""A province's decision as data: the legal parameters of its PAR index, read by the strict loader.

A criteria set says what is scored; the decision says what the score means and when things happen:
the classes and their bands, the rounding of the index, which figure is classified and ranked, the
district rule, what happens to a district with incomplete commune results, the ranking method, the
section V timeline and its reading of "trước ngày", the survey's points per unit kind, who appraises
whom, the required self-assessment participants, and the options beyond the decision's text.

Decision 1679/QĐ-UBND of Bắc Kạn is shipped as ``decisions/backan-1679.yaml``; a province writes its own
file in the same format (docs/decision-format.md). The format is read the way criteria sets are read
(``loader.parse_with``): every problem is collected with its file, line and node, nothing is read
through ``float``. Pure Python: no Django.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path

from yaml.nodes import Node, ScalarNode

from .loader import Problem, _Invalid, _opt, _Walker, parse_with, read_file

DECISIONS_DIR = Path(__file__).resolve().parent / "decisions"
UNIT_KINDS = ("department", "district", "commune")
APPRAISERS = ("province", "district")
ROUNDINGS = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN}
RANKINGS = ("competition", "dense")
CLASSIFIED_ON = ("index",)
INCOMPLETE = ("unclassified",)
READINGS = ("strict", "inclusive")
DATE_RULES = ("before", "from", "until")
OPTIONS = ("explanation_round", "appraisal_may_exceed_self")
# The period's timeline (parindex/periods/timeline.py FIELDS, in this order; a test keeps both in step).
TIMELINE_FIELDS = (
    "commune_self_due", "district_publish_due", "self_due", "appraisal_start", "appraisal_end",
    "survey_start", "survey_end", "publication_start", "publication_end",
)
_DAY_MONTH = re.compile(r"^(\d{1,2})/(\d{1,2})$")
_FULL_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_SHARE = re.compile(r"^(\d+)/(\d+)$")

TOP_KEYS = {
    "schema": True, "id": True, "province": True, "title": True, "issued": True, "legal_basis": True,
    "levels": True, "appraised_by": True, "index": True, "classes": True, "district_rule": False,
    "incomplete_communes": False, "ranking": True, "survey_points": True, "participants": True,
    "timeline": True, "options": True,
}
INDEX_KEYS = {"scale": True, "places": True, "rounding": True, "classified_on": True, "ref": True}
CLASS_KEYS = {"code": True, "label": True, "min": True, "ref": True}
RULE_KEYS = {"share": True, "drop": True, "ref": True}
TIMELINE_KEYS = {"reading": True, "dates": True}
DATE_KEYS = {"field": True, "rule": True, "date": True, "year": False, "ref": True}
OPTION_KEYS = {"value": True, "note": True}


@dataclass(frozen=True, slots=True)
class GradeClass:
    code: str
    label: str
    min_index: Decimal


@dataclass(frozen=True, slots=True)
class DistrictRule:
    """IV.1.2 of 1679: a district keeps its class only if ``share`` of its communes reach it or above;
    otherwise it drops ``drop`` classes (never below the lowest)."""

    share: Fraction
    drop: int
    ref: str

    @property
    def share_text(self) -> str:
        return f"{self.share.numerator}/{self.share.denominator}"


@dataclass(frozen=True, slots=True)
class TimelineDate:
    """One date of the timeline for assessment year Y: ``before`` a day is an exclusive deadline (the
    strict reading ends the day before, the inclusive one at the end of that day); ``from`` a day opens a
    window at its start; ``until`` a day closes a window at its start (whatever the reading)."""

    field: str
    rule: str
    day: int
    month: int
    next_year: bool
    ref: str

    def on(self, year: int, reading: str) -> date:
        """The first day at whose start the instant falls (local time)."""
        day = date(year + 1 if self.next_year else year, self.month, self.day)
        return day + timedelta(days=1) if self.rule == "before" and reading == "inclusive" else day


@dataclass(frozen=True, slots=True)
class Decision:
    id: str
    province: str
    title: str
    issued: date
    legal_basis: str
    levels: tuple[str, ...]
    appraised_by: dict[str, str]
    index_scale: Decimal
    index_places: int
    rounding: str
    classified_on: str
    index_ref: str
    classes: tuple[GradeClass, ...]
    district_rule: DistrictRule | None
    incomplete_communes: str | None
    ranking: str
    survey_points: dict[str, Decimal]
    participants: dict[str, tuple[str, ...]]
    reading: str
    timeline: tuple[TimelineDate, ...]
    options: dict[str, bool]
    sha256: str

    def round_index(self, value: Decimal) -> Decimal:
        """The index as published: ``index.places`` decimals, rounded by ``index.rounding``."""
        return value.quantize(Decimal(1).scaleb(-self.index_places), rounding=ROUNDINGS[self.rounding])

    def class_labels(self) -> dict[str, str]:
        return {c.code: c.label for c in self.classes}

    def default_dates(self, year: int, reading: str | None = None) -> dict[str, date]:
        """The day (local midnight) of each timeline field for assessment year ``year``."""
        return {d.field: d.on(year, reading or self.reading) for d in self.timeline}

    def option(self, name: str) -> bool:
        return self.options[name]

    @property
    def has_districts(self) -> bool:
        """Three levels (1679); False for a two-level decision (no districts, since 1 July 2025)."""
        return "district" in self.levels

    def kinds_appraised_by(self, level: str) -> tuple[str, ...]:
        """The unit kinds that ``level`` («province» or «district») appraises (III.3.1), in display order: the
        province's team's kinds are also the groups the province's results rank (IV.1.3)."""
        return tuple(k for k in UNIT_KINDS if k in self.levels and self.appraised_by.get(k) == level)


class DecisionError(Exception):
    """The file is not a valid decision; ``problems`` lists every reason (file, line, node, message)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def load_decision(path: str | Path) -> Decision:
    return loads_decision(read_file(path, DecisionError), str(path))


def loads_decision(data: bytes | str, path: str = "<văn bản>") -> Decision:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    sha = hashlib.sha256(raw).hexdigest()
    return parse_with(raw, path, lambda w, root, text: _read(w, root, sha), DecisionError)


def shipped_decision_paths() -> list[Path]:
    return sorted(DECISIONS_DIR.glob("*.yaml"))


def shipped_decision(decision_id: str = "backan-1679") -> Decision:
    """A decision shipped with parindex, by id (read once per process: the same object every time)."""
    return _shipped(decision_id)


def shipped_source(decision_id: str = "backan-1679") -> str:
    """The exact text of a shipped decision file (what a period binds), by id."""
    return _shipped_path(decision_id).read_text(encoding="utf-8")


@cache
def _shipped(decision_id: str) -> Decision:
    return load_decision(_shipped_path(decision_id))


def _shipped_path(decision_id: str) -> Path:
    for path in shipped_decision_paths():
        if load_decision(path).id == decision_id:
            return path
    raise LookupError(f"không có quyết định «{decision_id}» trong {DECISIONS_DIR}")


def set_problems(decision: Decision, sets) -> list[str]:
    """What makes criteria sets (unit kind → CriteriaSet) unusable under the decision: a kind it does not
    have, or survey points other than its own (1679 III.1.2: 26 for departments, 34 for districts)."""
    out = []
    for kind, cset in sets.items():
        if kind not in decision.levels:
            out.append(f"bộ tiêu chí {cset.id}: quyết định {decision.id} không có cấp «{kind}»")
        elif cset.survey_max != decision.survey_points[kind]:
            out.append(f"bộ tiêu chí {cset.id}: {cset.survey_max} điểm điều tra XHH, quyết định {decision.id} "
                       f"quy định {decision.survey_points[kind]} cho cấp «{kind}»")
    return out


# -- reading ------------------------------------------------------------------------------------------

def _read(w: _Walker, root: Node, sha: str) -> Decision | None:
    top = w.mapping(root, None, TOP_KEYS, "quyết định")
    decision_id = _opt(w, top, "id", w.text, "id")
    if decision_id:
        w.set_code = decision_id
    w.schema_1(top)
    province = _opt(w, top, "province", w.text, "province")
    title = _opt(w, top, "title", w.text, "title")
    issued = w.guarded(_full_date, w, top["issued"], "issued") if "issued" in top else None
    legal_basis = _opt(w, top, "legal_basis", w.text, "legal_basis")
    levels = w.guarded(_levels, w, top["levels"]) if "levels" in top else None
    known = levels or ()
    appraised_by = w.guarded(_appraised_by, w, top["appraised_by"], known) if "appraised_by" in top else None
    index = w.guarded(_index, w, top["index"]) if "index" in top else None
    classes = w.guarded(_classes, w, top["classes"]) if "classes" in top else None
    rule = w.guarded(_district_rule, w, top["district_rule"]) if "district_rule" in top else None
    incomplete = _opt(w, top, "incomplete_communes", w.choice_of, "incomplete_communes", INCOMPLETE)
    if levels and "district" in levels and "commune" in levels:
        for key in ("district_rule", "incomplete_communes"):
            if key not in top:
                w.report(root, None, f"thiếu khoá «{key}»: quyết định có cả cấp huyện và cấp xã")
    elif levels:
        for key in ("district_rule", "incomplete_communes"):
            if key in top:
                w.report(top[key], None, f"khoá «{key}» chỉ dùng khi quyết định có cả cấp huyện và cấp xã")
    ranking = _opt(w, top, "ranking", w.choice_of, "ranking", RANKINGS)
    survey = w.guarded(_per_kind, w, top["survey_points"], known, "survey_points",
                       lambda n, k: w.points(n, k, f"survey_points.{k}")) if "survey_points" in top else None
    participants = w.guarded(_per_kind, w, top["participants"], known, "participants",
                             lambda n, k: _texts(w, n, k)) if "participants" in top else None
    timeline = w.guarded(_timeline, w, top["timeline"]) if "timeline" in top else None
    options = w.guarded(_options, w, top["options"]) if "options" in top else None
    parts = (decision_id, province, title, issued, legal_basis, levels, appraised_by, index, classes, ranking,
             survey, participants, timeline, options)
    if any(p is None for p in parts) or w.problems:
        return None
    return Decision(
        id=decision_id, province=province, title=title, issued=issued, legal_basis=legal_basis, levels=levels,
        appraised_by=appraised_by, index_scale=index[0], index_places=index[1], rounding=index[2],
        classified_on=index[3], index_ref=index[4], classes=classes, district_rule=rule,
        incomplete_communes=incomplete, ranking=ranking, survey_points=survey, participants=participants,
        reading=timeline[0], timeline=timeline[1], options=options, sha256=sha)


def _full_date(w: _Walker, node: Node, what: str) -> date:
    value = w.text(node, None, what) if not (isinstance(node, ScalarNode) and "timestamp" in node.tag) \
        else node.value
    match = _FULL_DATE.match(value)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(value)
    except ValueError:
        raise w.fail(node, None, f"{what} «{value}» không phải là ngày (dd/mm/yyyy)") from None


def _levels(w: _Walker, node: Node) -> tuple[str, ...]:
    out = []
    for item in w.sequence(node, None, "levels"):
        kind = w.guarded(w.choice_of, item, None, "levels", UNIT_KINDS)
        if kind in out:
            w.report(item, None, f"levels: «{kind}» bị lặp lại")
        elif kind:
            out.append(kind)
    if "district" in out and "commune" not in out:
        w.report(node, None, "levels: có cấp huyện thì phải có cấp xã")
    return tuple(k for k in UNIT_KINDS if k in out)


def _kind_keys(w: _Walker, node: Node, known: tuple[str, ...], what: str) -> dict[str, Node]:
    """A mapping with one entry per level of the decision, no more and no fewer."""
    found = w.mapping(node, None, {k: False for k in UNIT_KINDS}, what)
    for kind in known:
        if kind not in found:
            w.report(node, None, f"{what}: thiếu «{kind}» (quyết định có cấp này)")
    for kind, value in found.items():
        if known and kind not in known:
            w.report(value, None, f"{what}: «{kind}» không có trong levels")
    return {k: v for k, v in found.items() if k in known}


def _appraised_by(w: _Walker, node: Node, known: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for kind, value in _kind_keys(w, node, known, "appraised_by").items():
        who = w.guarded(w.choice_of, value, None, f"appraised_by.{kind}", APPRAISERS)
        if who == "district" and kind != "commune":
            w.report(value, None, f"appraised_by.{kind}: chỉ cấp xã được cấp huyện thẩm định")
        elif who == "district" and "district" not in known:
            w.report(value, None, "appraised_by.commune: quyết định không có cấp huyện")
        elif who:
            out[kind] = who
    return out


def _index(w: _Walker, node: Node) -> tuple:
    m = w.mapping(node, None, INDEX_KEYS, "index")
    scale = w.guarded(w.points, m["scale"], None, "index.scale") if "scale" in m else None
    if scale is not None and scale <= 0:
        w.report(m["scale"], None, "index.scale phải lớn hơn 0")
    places = w.guarded(w.integer, m["places"], None, "index.places") if "places" in m else None
    if places is not None and places > 4:
        w.report(m["places"], None, f"index.places {places}: tối đa 4 chữ số thập phân")
    rounding = _opt(w, m, "rounding", w.choice_of, "index.rounding", tuple(ROUNDINGS))
    classified_on = _opt(w, m, "classified_on", w.choice_of, "index.classified_on", CLASSIFIED_ON)
    ref = _opt(w, m, "ref", w.text, "index.ref")
    return scale, places, rounding, classified_on, ref


def _classes(w: _Walker, node: Node) -> tuple[GradeClass, ...] | None:
    out: list[GradeClass] = []
    for item in w.sequence(node, None, "classes"):
        m = w.guarded(w.mapping, item, None, CLASS_KEYS, "một loại (classes)")
        if not m:
            continue
        code = _opt(w, m, "code", w.text, "classes.code")
        label = _opt(w, m, "label", w.text, "classes.label")
        low = w.guarded(w.points, m["min"], code, "classes.min") if "min" in m else None
        _opt(w, m, "ref", w.text, "classes.ref")
        if code and not re.fullmatch(r"[a-z][a-z0-9_]*", code):
            w.report(m["code"], code, f"mã loại «{code}» chỉ gồm chữ thường không dấu, số và «_»")
        if code in {c.code for c in out}:
            w.report(m["code"], code, f"mã loại «{code}» bị lặp lại")
        elif out and low is not None and low >= out[-1].min_index:
            w.report(m["min"], code, f"classes: mức tối thiểu {low} phải thấp hơn mức của loại trước "
                                     f"({out[-1].label}: {out[-1].min_index}); xếp từ cao đến thấp")
        elif code and label and low is not None:
            out.append(GradeClass(code, label, low))
    if out and out[-1].min_index != 0:
        w.report(node, None, f"classes: loại thấp nhất ({out[-1].label}) phải có min 0, để mọi Chỉ số đều có loại")
    return tuple(out) if len(out) >= 2 else None


def _district_rule(w: _Walker, node: Node) -> DistrictRule | None:
    m = w.mapping(node, None, RULE_KEYS, "district_rule")
    share = None
    if "share" in m:
        text = w.guarded(w.text, m["share"], None, "district_rule.share")
        match = _SHARE.match(text or "")
        if text and (not match or int(match[2]) == 0 or not 0 < Fraction(int(match[1]), int(match[2])) <= 1):
            w.report(m["share"], None, f"district_rule.share «{text}» phải là phân số p/q trong (0, 1], ví dụ 2/3")
        elif match:
            share = Fraction(int(match[1]), int(match[2]))
    drop = w.guarded(w.integer, m["drop"], None, "district_rule.drop") if "drop" in m else None
    if drop is not None and drop < 1:
        w.report(m["drop"], None, "district_rule.drop phải từ 1 trở lên")
        drop = None
    ref = _opt(w, m, "ref", w.text, "district_rule.ref")
    return DistrictRule(share, drop, ref) if share and drop and ref else None


def _per_kind(w: _Walker, node: Node, known, what: str, read) -> dict:
    out = {}
    for kind, value in _kind_keys(w, node, known, what).items():
        got = w.guarded(read, value, kind)
        if got is not None:
            out[kind] = got
    return out


def _texts(w: _Walker, node: Node, kind: str) -> tuple[str, ...]:
    return tuple(w.text(n, kind, "participants") for n in w.sequence(node, kind, f"participants.{kind}"))


def _timeline(w: _Walker, node: Node) -> tuple[str, tuple[TimelineDate, ...]] | None:
    m = w.mapping(node, None, TIMELINE_KEYS, "timeline")
    reading = _opt(w, m, "reading", w.choice_of, "timeline.reading", READINGS)
    dates: list[TimelineDate] = []
    seen: dict[str, int] = {}
    for item in w.sequence(m["dates"], None, "timeline.dates") if "dates" in m else []:
        d = w.guarded(_timeline_date, w, item)
        if d is None:
            continue
        if d.field in seen:
            w.report(item, d.field, f"timeline: mốc «{d.field}» bị lặp lại (đã có ở dòng {seen[d.field]})")
            continue
        seen[d.field] = item.start_mark.line + 1
        dates.append(d)
    missing = [f for f in TIMELINE_FIELDS if f not in seen]
    if "dates" in m and missing:
        w.report(m["dates"], None, f"timeline: thiếu mốc {', '.join(missing)}")
    if reading and not missing and len(dates) == len(TIMELINE_FIELDS):
        for problem in _order_problems({d.field: d.on(2000, reading) for d in dates}):
            w.report(m["dates"], None, problem)
    order = {f: n for n, f in enumerate(TIMELINE_FIELDS)}
    return (reading, tuple(sorted(dates, key=lambda d: order[d.field]))) if reading else None


# The order a timeline must keep, in a decision file and in a period (parindex/periods/timeline.py ORDER_RULES):
# (earlier, later, strictly before?).
ORDER: tuple[tuple[str, str, bool], ...] = (
    ("commune_self_due", "district_publish_due", False),
    # The provincial appraisal may be opened early (the coordinator moves appraisal_start, audited) for the
    # units that have submitted; it cannot end before the self-assessments are due.
    ("self_due", "appraisal_end", True),
    ("appraisal_start", "appraisal_end", True),
    ("appraisal_end", "publication_start", False),
    ("publication_start", "publication_end", True),
    ("survey_start", "survey_end", True),
    ("survey_end", "publication_start", False),
)


def _order_problems(days: dict[str, date]) -> list[str]:
    out = []
    for earlier, later, strict in ORDER:
        if days[earlier] > days[later] or (strict and days[earlier] == days[later]):
            out.append(f"timeline: mốc «{earlier}» phải {'trước' if strict else 'không sau'} mốc «{later}»")
    return out


def _timeline_date(w: _Walker, node: Node) -> TimelineDate:
    m = w.mapping(node, None, DATE_KEYS, "một mốc (timeline.dates)")
    field_ = w.choice_of(m["field"], None, "timeline.field", TIMELINE_FIELDS) if "field" in m else None
    rule = w.guarded(w.choice_of, m["rule"], field_, "timeline.rule", DATE_RULES) if "rule" in m else None
    text = w.guarded(w.text, m["date"], field_, "timeline.date") if "date" in m else None
    year = w.guarded(w.choice_of, m["year"], field_, "timeline.year", ("same", "next")) if "year" in m else "same"
    ref = _opt(w, m, "ref", w.text, "timeline.ref")
    match = _DAY_MONTH.match(text or "")
    if text and match:
        try:
            date(2000, int(match[2]), int(match[1]))  # a leap year: 29/02 is a day
        except ValueError:
            match = None
    if text and not match:
        raise w.fail(m["date"], field_, f"timeline.date «{text}» phải là ngày/tháng có thật, ví dụ 30/11")
    if None in (field_, rule, text, year, ref):
        raise _Invalid()
    return TimelineDate(field_, rule, int(match[1]), int(match[2]), year == "next", ref)


def _options(w: _Walker, node: Node) -> dict[str, bool]:
    found = w.mapping(node, None, {k: True for k in OPTIONS}, "options")
    out = {}
    for name, value in found.items():
        m = w.guarded(w.mapping, value, name, OPTION_KEYS, f"options.{name}")
        if not m or "value" not in m:
            continue
        flag = m["value"]
        if not isinstance(flag, ScalarNode) or flag.tag != "tag:yaml.org,2002:bool":
            w.report(flag, name, f"options.{name}.value phải là true hoặc false")
            continue
        _opt(w, m, "note", w.text, f"options.{name}.note")
        out[name] = flag.value.lower() in ("true", "yes", "on")
    return out
