"""The scoring engine: pure Python, no Django (``tests/rulebook/test_purity.py`` proves it).

The legal parameters come from a decision file (``decision.Decision``; 1679 of Bắc Kạn by default,
``decisions/backan-1679.yaml``): the classes, the index's scale and rounding, the district rule, the
ranking method. What they mean for 1679, each cited where it is applied:
- III.1.4 / III.1.5: the index is the appraised self-score plus the survey score, against the
  set's maximum (100).
- III.3.2.b is applied upstream (appraisal gives 0); here an item without a score counts 0 and
  is reported as a warning, never silently.
- IV.1.1: classes Xuất sắc ≥ 90, Tốt 80–<90, Khá 50–<80, Trung bình < 50, on the published index.
- IV.1.2: a district keeps its class only if ≥ 2/3 of its communes reach that class or above;
  otherwise it drops exactly one class.
- IV.1.3 / IV.2.1: ranking groups: departments and districts by the province, communes by their
  district.
- IV.1.4: a district whose communes' results are incomplete is neither classified nor ranked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .bounded import bounded_cache
from .decision import Decision, DistrictRule, GradeClass, shipped_decision
from .model import CriteriaSet
from .numbers import (
    MAX_SCORE_CHARS,
    NotANumber,
    decimal_places,
    parse_decimal,
    shorten,
)

SURVEY_MAX_DECIMALS = 4

# Decision 1679/QĐ-UBND, read from its file: the default of every function here. Another province passes its own.
DECISION_1679: Decision = shipped_decision("backan-1679")
CLASSES_1679: tuple[GradeClass, ...] = DECISION_1679.classes   # IV.1.1, highest first
CLASS_LABELS = DECISION_1679.class_labels()


class ScoreError(ValueError):
    """Invalid scores: ``messages`` names the unit, the item, the value and what is allowed."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass(slots=True)
class UnitScore:
    """Totals of one unit's scores under one criteria set (no class, no rank)."""

    self_points: Decimal
    survey_points: Decimal
    total: Decimal
    index: Decimal
    fields: dict[str, Decimal]
    criteria: dict[str, Decimal]
    warnings: list[str]


# ~1,500 distinct texts of at most MAX_SCORE_CHARS; bounded by bytes (docs/security.md, "Memory").
SCORE_CACHE_BYTES = 256 * 1024


@bounded_cache(SCORE_CACHE_BYTES)
def _parse_cached(raw: str) -> Decimal:
    """Scores repeat ("0.5", "1"): parse each distinct text once. Decimals are immutable.

    Only text of at most ``MAX_SCORE_CHARS`` reaches here (``validate_scores`` refuses longer
    text first), and refused text raises, so it is never stored.
    """
    return parse_decimal(raw)


def validate_scores(cset: CriteriaSet, scores: Mapping[str, object], unit: str) -> dict[str, Decimal]:
    """Parse and check every score; raise ``ScoreError`` listing every invalid one.

    Values are never clamped: out of range or not in the rubric is an error.
    """
    errors: list[str] = []
    parsed: dict[str, Decimal] = {}
    for code, raw in scores.items():
        item = cset.items_by_code.get(code)
        if item is None:
            errors.append(f"{unit}: không có tiêu chí mã «{shorten(str(code))}» trong bộ tiêu chí {cset.id}")
            continue
        if isinstance(raw, str) and len(raw) > MAX_SCORE_CHARS:  # before any parsing or caching
            errors.append(f"{unit}: tiêu chí {code}: giá trị «{shorten(raw)}» dài {len(raw)} ký tự, tối đa "
                          f"{MAX_SCORE_CHARS} ký tự — cho phép: {item.allowed_description()}")
            continue
        try:
            value = _parse_cached(raw) if isinstance(raw, str) else parse_decimal(raw)
        except NotANumber:
            errors.append(f"{unit}: tiêu chí {code}: giá trị «{raw}» không phải là số "
                          f"(chỉ nhận chữ số 0–9 với dấu phẩy hoặc chấm, không dấu + hay −) — "
                          f"cho phép: {item.allowed_description()}")
            continue
        ok = Decimal(0) <= value <= item.max_points
        if ok and item.rubric is not None:
            ok = item.rubric.accepts(value)
        elif ok:
            ok = decimal_places(value) <= SURVEY_MAX_DECIMALS
        if not ok:
            errors.append(f"{unit}: tiêu chí {code}: giá trị «{raw}» không hợp lệ — "
                          f"cho phép: {item.allowed_description()}")
            continue
        parsed[code] = value
    if errors:
        raise ScoreError(errors)
    return parsed


def score_unit(cset: CriteriaSet, scores: Mapping[str, object], unit: str = "đơn vị",
               decision: Decision = DECISION_1679) -> UnitScore:
    """Validate and total one unit's scores (appraised self points and survey points); the index is the
    total against the set's maximum on the decision's scale, rounded as the decision says (III.1.4–1.5)."""
    values = validate_scores(cset, scores, unit)
    warnings: list[str] = []
    fields: dict[str, Decimal] = {}
    criteria: dict[str, Decimal] = {}
    self_points = Decimal(0)
    survey_points = Decimal(0)
    for fld in cset.fields:
        field_total = Decimal(0)
        for crit in fld.criteria:
            crit_total = Decimal(0)
            for item in crit.items:
                value = values.get(item.code)
                if value is None:
                    warnings.append(f"{unit}: tiêu chí {item.code} chưa có điểm, tính 0")
                    value = Decimal(0)
                crit_total += value
                if item.is_survey:
                    survey_points += value
                else:
                    self_points += value
            criteria[crit.code] = crit_total
            field_total += crit_total
        fields[fld.code] = field_total
    total = self_points + survey_points
    index = decision.round_index(total / cset.total_max * decision.index_scale)
    return UnitScore(self_points, survey_points, total, index, fields, criteria, warnings)


def classify(index: Decimal, classes: tuple[GradeClass, ...] = CLASSES_1679) -> str:
    """IV.1.1: the class of an index (compared exactly, on the published 2-decimal index)."""
    for grade in classes:
        if index >= grade.min_index:
            return grade.code
    return classes[-1].code


def class_rank(code: str, classes: tuple[GradeClass, ...] = CLASSES_1679) -> int:
    """0 for the best class; larger is lower."""
    return [c.code for c in classes].index(code)


def communes_reaching(class_by_score: str, commune_classes: list[str],
                      classes: tuple[GradeClass, ...] = CLASSES_1679) -> int:
    """IV.1.2: how many of the communes reach the district's class or above."""
    level = class_rank(class_by_score, classes)
    return sum(1 for c in commune_classes if class_rank(c, classes) <= level)


def district_class(
    class_by_score: str,
    commune_classes: list[str],
    classes: tuple[GradeClass, ...] = CLASSES_1679,
    rule: DistrictRule | None = DECISION_1679.district_rule,
) -> tuple[str, str | None]:
    """IV.1.2: keep the class if at least the rule's share (2/3) of the communes reach it or above, else
    drop the rule's number of classes (one), never below the lowest. No rule: the class is kept.

    Returns the class and the reason for a drop (``None`` when kept).
    """
    if rule is None:
        return class_by_score, None
    level = class_rank(class_by_score, classes)
    reaching = communes_reaching(class_by_score, commune_classes, classes)
    total = len(commune_classes)
    if reaching * rule.share.denominator >= rule.share.numerator * total:  # exact: no float, no rounding
        return class_by_score, None
    # Every commune reaches the lowest class, so a district is never dropped from it.
    label = classes[level].label
    lower = classes[min(level + rule.drop, len(classes) - 1)]
    steps = "một bậc" if rule.drop == 1 else f"{rule.drop} bậc"
    return lower.code, (
        f"Hạ {steps}: chỉ {reaching}/{total} xã đạt {label} trở lên (cần ≥ {rule.share_text})"
    )


def competition_ranks(indices: Iterable[tuple[str, Decimal]]) -> dict[str, int]:
    """Rank from high to low; equal indices share a rank and the next rank skips (1, 2, 2, 4)."""
    return ranks_by(indices, "competition")


def ranks_by(indices: Iterable[tuple[str, Decimal]], method: str) -> dict[str, int]:
    """Rank from high to low by the decision's method: equal indices share a rank; after a tie the next
    rank skips (``competition``: 1, 2, 2, 4) or does not (``dense``: 1, 2, 2, 3)."""
    ordered = sorted(indices, key=lambda pair: pair[1], reverse=True)
    ranks: dict[str, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (key, index) in enumerate(ordered, start=1):
        if index != previous:
            rank = position if method == "competition" else rank + 1
            previous = index
        ranks[key] = rank
    return ranks


# -- the whole province ------------------------------------------------------------------------

@dataclass(slots=True)
class UnitInput:
    id: str
    name: str
    kind: str
    parent: str | None
    scores: Mapping[str, object] | None
    # a district's full list of commune ids (IV.1.4); None: judged on the communes among the units
    communes: tuple[str, ...] | None = None


@dataclass(slots=True)
class UnitResult:
    id: str
    name: str
    kind: str
    parent: str | None
    score: UnitScore | None
    class_by_score: str | None = None
    klass: str | None = None
    rank: int | None = None
    rank_group: str | None = None
    reasons: list[str] = field(default_factory=list)
    communes_reaching: int | None = None  # IV.1.2: a classified district's communes at its class or above
    communes_total: int | None = None

    @property
    def warnings(self) -> list[str]:
        return self.score.warnings if self.score else []


class InputError(ValueError):
    """Structurally invalid input to ``evaluate`` (not a score problem)."""


@dataclass(frozen=True, slots=True)
class PublishedCommune:
    """A commune as its district published it (IV.2.1): its class, or ``None`` without a final result."""

    id: str
    name: str
    klass: str | None


def evaluate(
    sets: Mapping[str, CriteriaSet],
    units: list[UnitInput],
    classes: tuple[GradeClass, ...] | None = None,
    published_communes: Mapping[str, list[PublishedCommune]] | None = None,
    decision: Decision = DECISION_1679,
) -> list[UnitResult]:
    """Score, classify and rank every unit under ``decision``. Raises ``ScoreError`` listing all invalid
    scores. ``classes`` (tests of other bands) overrides the decision's.

    ``published_communes`` (the province's results, IV.1.2–1.4): for each district, every commune of
    the period's unit list with the class its district published (``None``: no final published result).
    A district given here is judged on that list, not on communes among ``units``; a district absent from
    a given mapping has no commune result at all.
    """
    classes = classes or decision.classes
    seen: set[str] = set()
    for unit in units:
        if unit.id in seen:
            raise InputError(f"đơn vị «{unit.id}» xuất hiện hai lần")
        seen.add(unit.id)
        if unit.kind not in ("department", "district", "commune"):
            raise InputError(f"{unit.id}: loại đơn vị «{unit.kind}» không hợp lệ")
        if unit.kind not in decision.levels:
            raise InputError(f"{unit.id}: quyết định {decision.id} không có cấp «{unit.kind}»")
        if unit.kind not in sets:
            raise InputError(f"{unit.id}: chưa chọn bộ tiêu chí cho loại đơn vị «{unit.kind}»")
        if sets[unit.kind].unit_kind != unit.kind:
            raise InputError(
                f"bộ tiêu chí {sets[unit.kind].id} dành cho «{sets[unit.kind].unit_kind}», "
                f"không dùng được cho «{unit.kind}»"
            )
        if unit.kind == "commune" and not unit.parent and decision.appraised_by.get("commune") == "district":
            raise InputError(f"{unit.id}: xã phải thuộc một huyện (parent)")
    _check_commune_lists(units)

    results: list[UnitResult] = []
    errors: list[str] = []
    for unit in units:
        score = None
        if unit.scores is not None:
            try:
                score = score_unit(sets[unit.kind], unit.scores, unit.name or unit.id, decision)
            except ScoreError as exc:
                errors.extend(exc.messages)
        results.append(UnitResult(unit.id, unit.name, unit.kind, unit.parent, score))
    if errors:
        raise ScoreError(errors)

    for result in results:
        if result.score is not None:
            result.class_by_score = classify(result.score.index, classes)
            result.klass = result.class_by_score
        else:
            result.reasons.append("Chưa có kết quả đánh giá")

    communes_of: dict[str, list[PublishedCommune]] = {}
    for result in results:
        if result.kind == "commune":
            communes_of.setdefault(result.parent, []).append(
                PublishedCommune(result.id, result.name, result.class_by_score))
    if published_communes is not None:
        communes_of = {d: list(published_communes.get(d, [])) for d in
                       {r.id for r in results if r.kind == "district"}}
    else:  # IV.1.4: a district that declares its communes is judged on that whole list
        by_id = {r.id: r for r in results}
        for unit in units:
            if unit.kind == "district" and unit.communes is not None:
                communes_of[unit.id] = [
                    PublishedCommune(c, by_id[c].name if c in by_id else c,
                                     by_id[c].class_by_score if c in by_id else None) for c in unit.communes]

    for district in (r for r in results if r.kind == "district" and r.score is not None):
        communes = communes_of.get(district.id, [])
        missing = [c for c in communes if c.klass is None]
        if not communes:  # IV.1.4: nothing shows the communes' results are complete
            district.klass = None
            district.reasons.append(
                "Không xếp loại, không xếp hạng (mục IV.1.4): không có kết quả cấp xã nào"
            )
            continue
        if missing:  # IV.1.4
            names = ", ".join(c.name or c.id for c in missing)
            district.klass = None
            district.reasons.append(
                f"Không xếp loại, không xếp hạng (mục IV.1.4): chưa đủ kết quả của cấp xã — "
                f"còn thiếu {len(missing)}/{len(communes)}: {names}"
            )
            continue
        commune_classes = [c.klass for c in communes]
        klass, reason = district_class(district.class_by_score, commune_classes, classes, decision.district_rule)
        district.communes_reaching = communes_reaching(district.class_by_score, commune_classes, classes)
        district.communes_total = len(commune_classes)
        district.klass = klass
        if reason:
            district.reasons.append(reason)

    groups: dict[str, list[UnitResult]] = {}
    for result in results:
        if result.score is None or (result.kind == "district" and result.klass is None):
            continue
        # IV.1.3: communes are ranked by the level that appraises them (their district under 1679)
        by_district = result.kind == "commune" and decision.appraised_by.get("commune") == "district"
        group = f"commune:{result.parent}" if by_district else result.kind
        groups.setdefault(group, []).append(result)
    for group, members in groups.items():
        ranks = ranks_by(((m.id, m.score.index) for m in members), decision.ranking)
        for member in members:
            member.rank = ranks[member.id]
            member.rank_group = group
    return results


def _check_commune_lists(units: list[UnitInput]) -> None:
    """IV.1.4's input: when districts declare their communes, every commune belongs to exactly one declared list,
    the one of the district it names as parent; a commune naming a district absent from the input is an error
    once any district is in it. Raises ``InputError`` listing every problem."""
    districts = {u.id: u for u in units if u.kind == "district"}
    if not districts:
        return  # a district's own communes alone (the district's team at work): nothing to check against
    problems: list[str] = []
    owner: dict[str, str] = {}
    for district in districts.values():
        for commune in district.communes or ():
            if commune in owner and owner[commune] == district.id:
                problems.append(f"xã «{commune}» có hai lần trong danh sách xã của {district.id}")
            elif commune in owner:
                problems.append(f"xã «{commune}» có trong danh sách xã của cả {owner[commune]} và {district.id}")
            owner.setdefault(commune, district.id)
    for unit in units:
        if unit.kind != "commune" or not unit.parent:
            continue
        if unit.parent not in districts:
            problems.append(f"{unit.id}: huyện «{unit.parent}» (parent) không có trong dữ liệu vào")
        elif districts[unit.parent].communes is not None and owner.get(unit.id) != unit.parent:
            problems.append(f"{unit.id}: thuộc huyện «{unit.parent}» nhưng không có trong danh sách xã "
                            f"(communes) của huyện đó")
    if problems:
        raise InputError("\n".join(problems))


def missing_scores(cset: CriteriaSet, scores: Mapping[str, object], unit: str) -> list[str]:
    """Every item without a score, each named: a self-assessed item, or an item the survey supplies (III.1.2).
    ``score_unit`` counts them 0 with a warning; a caller that must refuse an incomplete input uses this list."""
    out = []
    for item in cset.items:
        if item.code not in scores:
            what = "điểm điều tra xã hội học (mục III.1.2)" if item.is_survey else "điểm tự đánh giá"
            out.append(f"{unit}: tiêu chí {item.code} chưa có {what}")
    return out


def describe_class(code: str | None, decision: Decision = DECISION_1679) -> str:
    return decision.class_labels().get(code, "Không xếp loại") if code else "Không xếp loại"
