"""Strict loader: survey design YAML → ``SurveyDesign`` (docs/survey-format.md).

Built as the criteria-set loader (``parindex.rulebook.loader``) and on its walker: the YAML is
walked at the node level, every problem is collected (not only the first) as a ``Problem`` naming
the file, the line and the node (the design, a scale, a group or a question code), and numbers
are read from their source text, never through ``float``. ``loads`` raises ``SurveyDesignError``
carrying all of them.

The design is checked against the criteria sets of the kinds it evaluates: each question's item
must be a survey sub-criterion (``method: survey``) of that kind's set. Sets are given by the
caller (the period's own, ``sets``), else looked up among the shipped ones by the id the design
names. Gaps (a survey item no group asks about) are not a loading error: the pages show them and
the survey cannot be opened with any (``services.open_survey``).

Pure Python: imports nothing from Django (tests/survey/test_loader.py proves it).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode

from parindex.rulebook.loader import (
    CriteriaSetError,
    Problem,
    _Invalid,
    _line,
    _show,
    _Walker,
    parse_with,
    read_file,
)
from parindex.rulebook.model import CriteriaSet

from .design import EVALUATED_KINDS, MODES, SCOPES, Group, Option, Question, Scale, SurveyDesign

PROVENANCES = ("reconstructed", "official")
# the design's id names the downloaded file and a group's code is part of its page's URL
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
DONT_KNOW = "không biết / không trả lời"
VALUE_DECIMALS = 4     # Answer.value is stored with 4 decimals
WEIGHT_DECIMALS = 4
MAX_MARGIN = Decimal("0.5")

TOP_KEYS = {
    "schema": True, "id": True, "year": True, "title": True, "provenance": True, "provenance_note": False,
    "margin": True, "min_valid": True, "criteria": True, "scales": True, "groups": True,
}
SCALE_KEYS = {"code": True, "title": True, "options": True}
OPTION_KEYS = {"code": True, "label": True, "value": True}
GROUP_KEYS = {
    "code": True, "title": True, "evaluates": True, "scope": True, "modes": True, "weight": False,
    "population": True, "population_by_unit": False, "population_note": False, "sample": True,
    "min_valid": False, "scale": False, "questions": True,
}
QUESTION_KEYS = {"code": True, "item": True, "section": True, "text": True, "scale": False}
NULL_TAG = "tag:yaml.org,2002:null"


class SurveyDesignError(Exception):
    """The text is not a valid survey design; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


SetResolver = Callable[[str], CriteriaSet]


def load(path: str | Path, sets: Mapping[str, CriteriaSet] | None = None) -> SurveyDesign:
    """Load and validate one design file."""
    return loads(read_file(path, SurveyDesignError), str(path), sets)


def sha256_of(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def loads(data: bytes | str, path: str = "<văn bản>", sets: Mapping[str, CriteriaSet] | None = None,
          resolve: SetResolver | None = None) -> SurveyDesign:
    """Validate design text. ``sets``: the criteria set per evaluated kind the design must match (a
    period's); without it each set the design names is found by ``resolve`` (default: the shipped sets)."""
    return parse_with(data, path, lambda w, root, _text: _Reader(w, sets, resolve or _shipped).design(root),
                      SurveyDesignError)


def _shipped(set_id: str) -> CriteriaSet:
    from parindex.rulebook import registry

    return registry.find(set_id)


def _keys_of(node: Node) -> dict[str, bool]:
    return {k.value: True for k, _ in getattr(node, "value", []) if isinstance(k, ScalarNode)}


class _Reader:
    def __init__(self, w: _Walker, sets: Mapping[str, CriteriaSet] | None, resolve: SetResolver):
        self.w = w
        self.sets = sets
        self.resolve = resolve
        self.lines: dict[str, int] = {}
        self.bad_kinds: set[str] = set()  # kinds whose criteria entry was reported already
        self.bad_scales: set[str] = set()  # scales reported already: their questions are not reported again

    # -- typed readers the criteria walker does not have ------------------------------------------
    def safe_code(self, node: Node, code: str | None, what: str) -> str:
        value = self.w.text(node, code, what)
        if not CODE.match(value):
            raise self.w.fail(node, code, f"{what} «{value}» chỉ được gồm chữ cái không dấu, chữ số, «-», «_», «.»")
        return value

    def positive_int(self, node: Node, code: str | None, what: str) -> int:
        value = self.w.integer(node, code, what)
        if value < 1:
            raise self.w.fail(node, code, f"{what} phải từ 1 trở lên, không phải {value}")
        return value

    def opt(self, raw: dict[str, Node], key: str, reader, *args):
        if key not in raw:
            return None
        return self.w.guarded(reader, raw[key], *args)

    # -- the design --------------------------------------------------------------------------------
    def design(self, root: Node) -> SurveyDesign | None:
        w = self.w
        top = w.mapping(root, None, TOP_KEYS, "thiết kế điều tra")
        design_id = self.opt(top, "id", self.safe_code, None, "id")
        if design_id:
            w.set_code = design_id
        w.schema_1(top)
        year = self.opt(top, "year", w.integer, None, "year")
        title = self.opt(top, "title", w.text, None, "title")
        provenance = self.opt(top, "provenance", w.choice_of, None, "provenance", PROVENANCES)
        note = self.opt(top, "provenance_note", w.text, None, "provenance_note") or ""
        margin = self.opt(top, "margin", self.margin)
        min_valid = self.opt(top, "min_valid", self.positive_int, None, "min_valid")
        criteria = self.opt(top, "criteria", self.criteria) or {}
        scales = self.opt(top, "scales", self.scales)
        groups = self.opt(top, "groups", self.groups, scales or {}, criteria)
        if w.problems or None in (design_id, year, title, provenance, margin, min_valid, scales, groups):
            return None
        return SurveyDesign(
            id=design_id, year=year, title=title, provenance=provenance, margin=margin, min_valid=min_valid,
            criteria={kind: cset.id for kind, cset in criteria.items()}, scales=tuple(scales.values()),
            groups=tuple(groups), line_of=dict(self.lines), note=note)

    def margin(self, node: Node) -> Decimal:
        value = self.w.number(node, None, "margin", 4)
        if not Decimal(0) < value <= MAX_MARGIN:
            raise self.w.fail(node, None, f"margin (sai số e) phải lớn hơn 0 và không quá 0,5, không phải {value}")
        return value

    def criteria(self, node: Node) -> dict[str, CriteriaSet]:
        """kind → the criteria set the design's questions refer to."""
        w = self.w
        raw = w.mapping(node, None, {k: False for k in EVALUATED_KINDS}, "criteria")
        if not raw:
            raise w.fail(node, None, "criteria phải nêu bộ tiêu chí của ít nhất một loại đơn vị "
                                     f"({', '.join(EVALUATED_KINDS)})")
        out: dict[str, CriteriaSet] = {}
        for kind, value in raw.items():
            self.bad_kinds.add(kind)
            set_id = w.guarded(w.text, value, None, f"criteria.{kind}")
            if set_id is None:
                continue
            if self.sets is not None:
                cset = self.sets.get(kind)
                if cset is None:
                    w.report(value, None, f"kỳ đánh giá không có bộ tiêu chí cho «{kind}»")
                elif cset.id != set_id:
                    w.report(value, None, f"bộ tiêu chí «{set_id}» khác bộ tiêu chí của kỳ cho «{kind}» "
                                          f"({cset.id})")
                else:
                    out[kind] = cset
                    self.bad_kinds.discard(kind)
                continue
            try:
                cset = self.resolve(set_id)
            except (LookupError, CriteriaSetError) as exc:
                w.report(value, None, str(exc.args[0]) if exc.args else f"không tìm thấy bộ tiêu chí «{set_id}»")
                continue
            if cset.unit_kind != kind:
                w.report(value, None, f"bộ tiêu chí «{set_id}» dành cho «{cset.unit_kind}», không phải «{kind}»")
                continue
            out[kind] = cset
            self.bad_kinds.discard(kind)
        return out

    # -- scales ------------------------------------------------------------------------------------
    def scales(self, node: Node) -> dict[str, Scale]:
        w = self.w
        out: dict[str, Scale] = {}
        for snode in w.sequence(node, None, "scales"):
            scale = w.guarded(self.scale, snode)
            if scale is None:
                self.bad_scales.add(_hint(snode) or "")
                continue
            if scale.code in out:
                w.report(snode, scale.code, f"mã thang «{scale.code}» bị trùng (đã dùng ở dòng "
                                            f"{self.lines['scales.' + scale.code]})")
                continue
            out[scale.code] = scale
            self.lines["scales." + scale.code] = _line(snode)
        return out

    def scale(self, node: Node) -> Scale:
        w = self.w
        raw = w.mapping(node, _hint(node), SCALE_KEYS, "thang trả lời")
        code = self.opt(raw, "code", w.text, _hint(node), "code")
        if code is None:
            raise _Invalid()
        title = self.opt(raw, "title", w.text, code, "title")
        options: list[Option] = []
        option_nodes = self.opt(raw, "options", w.sequence, code, "options") or []
        for onode in option_nodes:
            option = w.guarded(self.option, onode, code, options)
            if option is not None:
                options.append(option)
        if title is None or len(options) != len(option_nodes) or not options:
            raise _Invalid()
        dont_know = [o for o in options if o.value is None]
        values = [o.value for o in options if o.value is not None]
        if len(dont_know) != 1:
            w.report(raw["options"], code, f"thang phải có đúng một lựa chọn «{DONT_KNOW}» (value: null), "
                                           f"có {len(dont_know)}")
        if len(values) < 2:
            w.report(raw["options"], code, "thang phải có ít nhất hai lựa chọn có giá trị")
        else:
            if max(values) != 1:
                w.report(raw["options"], code, f"giá trị cao nhất của thang phải là 1, không phải {max(values)}")
            if min(values) != 0:
                w.report(raw["options"], code, f"giá trị thấp nhất của thang phải là 0, không phải {min(values)}")
        return Scale(code=code, title=title, options=tuple(options))

    def option(self, node: Node, scale: str, seen: list[Option]) -> Option:
        w = self.w
        raw = w.mapping(node, scale, OPTION_KEYS, "lựa chọn")
        code = self.opt(raw, "code", self.code_text, scale, "code")
        label = self.opt(raw, "label", w.text, scale, "label")
        value: Decimal | None = None
        bad_value = False
        if "value" in raw:
            vnode = raw["value"]
            if not (isinstance(vnode, ScalarNode) and vnode.tag == NULL_TAG):
                value = w.guarded(self.w.number, vnode, scale, "value", VALUE_DECIMALS)
                if value is None:
                    bad_value = True
                elif not Decimal(0) <= value <= 1:
                    w.report(vnode, scale, f"giá trị {vnode.value} phải từ 0 đến 1")
                    bad_value = True
                elif any(o.value == value for o in seen):
                    w.report(vnode, scale, f"giá trị {vnode.value} bị lặp lại trong thang")
                    bad_value = True
        if code is not None and any(o.code == code for o in seen):
            w.report(raw["code"], scale, f"mã lựa chọn «{code}» bị trùng trong thang")
            raise _Invalid()
        if code is None or label is None or bad_value or "value" not in raw:
            raise _Invalid()
        return Option(code=code, label=label, value=value)

    def code_text(self, node: Node, code: str | None, what: str) -> str:
        """A code may be written as a number in YAML (``code: 1``): read its text."""
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:int":
            return node.value
        return self.w.text(node, code, what)

    # -- groups ------------------------------------------------------------------------------------
    def groups(self, node: Node, scales: dict[str, Scale], criteria: dict[str, CriteriaSet]) -> list[Group]:
        w = self.w
        out: list[Group] = []
        seen: dict[str, int] = {}
        for gnode in w.sequence(node, None, "groups"):
            group = w.guarded(self.group, gnode, scales, criteria, seen)
            if group is not None:
                out.append(group)
        return out

    def group(self, node: Node, scales: dict[str, Scale], criteria: dict[str, CriteriaSet],
              seen: dict[str, int]) -> Group:
        w = self.w
        hint = _hint(node)
        raw = w.mapping(node, hint, GROUP_KEYS, "nhóm đối tượng")
        code = self.opt(raw, "code", self.safe_code, hint, "code")
        if code is None:
            raise _Invalid()
        if code in seen:
            w.report(raw["code"], code, f"mã nhóm «{code}» bị trùng (đã dùng ở dòng {seen[code]})")
        else:
            seen[code] = _line(raw["code"])
        self.lines["groups." + code] = _line(node)
        title = self.opt(raw, "title", w.text, code, "title")
        evaluates = self.opt(raw, "evaluates", w.choice_of, code, "evaluates", EVALUATED_KINDS)
        if evaluates is not None and evaluates not in criteria and evaluates not in self.bad_kinds:
            w.report(raw["evaluates"], code, f"thiết kế chưa nêu bộ tiêu chí cho «{evaluates}» (criteria)")
        scope = self.opt(raw, "scope", w.choice_of, code, "scope", SCOPES)
        modes = self.opt(raw, "modes", self.modes, code)
        weight = Decimal(1)
        if "weight" in raw:
            weight = w.guarded(self.w.number, raw["weight"], code, "weight", WEIGHT_DECIMALS)
            if weight is not None and weight <= 0:
                w.report(raw["weight"], code, f"weight phải lớn hơn 0, không phải {weight}")
                weight = None
        population = self.opt(raw, "population", w.integer, code, "population")
        by_unit = self.opt(raw, "population_by_unit", self.population_by_unit, code) or {}
        note = self.opt(raw, "population_note", w.text, code, "population_note") or ""
        sample = self.opt(raw, "sample", self.sample, code)
        min_valid = self.opt(raw, "min_valid", self.positive_int, code, "min_valid")
        default_scale = None
        if "scale" in raw:
            default_scale = self.scale_ref(raw["scale"], code, scales)
            if default_scale is None:
                default_scale = _BROKEN  # reported once for the group, not again for each question
        questions = []
        qnodes = self.opt(raw, "questions", w.sequence, code, "questions") or []
        qseen: dict[str, int] = {}
        items_seen: dict[str, int] = {}
        cset = criteria.get(evaluates)
        for qnode in qnodes:
            q = w.guarded(self.question, qnode, code, scales, default_scale, cset, qseen, items_seen)
            if q is not None:
                questions.append(q)
        if None in (title, evaluates, scope, modes, weight, population, sample) or len(questions) != len(qnodes):
            raise _Invalid()
        return Group(code=code, title=title, evaluates=evaluates, scope=scope, modes=modes, weight=weight,
                     population=population, population_by_unit=by_unit,
                     sample_fixed=None if sample == "formula" else sample, questions=tuple(questions),
                     min_valid=min_valid, note=note)

    def modes(self, node: Node, code: str) -> tuple[str, ...]:
        w = self.w
        out: list[str] = []
        for mnode in w.sequence(node, code, "modes"):
            mode = w.guarded(w.choice_of, mnode, code, "mode", MODES)
            if mode is None:
                continue
            if mode in out:
                w.report(mnode, code, f"cách thu phiếu «{mode}» bị lặp lại")
                continue
            out.append(mode)
        if len(out) != len(node.value):
            raise _Invalid()
        return tuple(out)

    def population_by_unit(self, node: Node, code: str) -> dict[str, int]:
        w = self.w
        if not isinstance(node, MappingNode):
            raise w.fail(node, code, "population_by_unit phải là một bảng «mã đơn vị: số người»")
        raw = w.mapping(node, code, _keys_of(node), "population_by_unit")
        out = {}
        for unit, value in raw.items():
            n = w.guarded(w.integer, value, code, f"population_by_unit.{unit}")
            if n is not None:
                out[unit] = n
        if len(out) != len(raw):
            raise _Invalid()
        return out

    def sample(self, node: Node, code: str) -> int | str:
        w = self.w
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:str" and node.value == "formula":
            return "formula"
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:int":
            return self.positive_int(node, code, "sample")
        raise w.fail(node, code, f"sample phải là một số nguyên từ 1 trở lên hoặc «formula», "
                                 f"không phải «{_show(node)}»")

    def scale_ref(self, node: Node, code: str, scales: dict[str, Scale]) -> Scale | None:
        """The scale named; None when it is not there (reported unless the scale itself was reported)."""
        name = self.w.guarded(self.w.text, node, code, "scale")
        if name is None:
            return None
        scale = scales.get(name)
        if scale is None and name not in self.bad_scales:
            known = ", ".join(scales) or "—"
            self.w.report(node, code, f"thang «{name}» không có trong scales ({known})")
        return scale

    def question(self, node: Node, group: str, scales: dict[str, Scale], default: Scale | None,
                 cset: CriteriaSet | None, seen: dict[str, int], items_seen: dict[str, int]) -> Question:
        w = self.w
        hint = f"{group}/{_hint(node)}" if _hint(node) else group
        raw = w.mapping(node, hint, QUESTION_KEYS, "câu hỏi")
        code = self.opt(raw, "code", self.code_text, hint, "code")
        if code is None:
            raise _Invalid()
        where = f"{group}/{code}"
        if code in seen:
            w.report(raw["code"], where, f"mã câu hỏi «{code}» bị trùng trong nhóm (đã dùng ở dòng {seen[code]})")
        else:
            seen[code] = _line(raw["code"])
        self.lines[f"groups.{group}.questions.{code}"] = _line(node)
        item = self.opt(raw, "item", self.code_text, where, "item")
        if item is not None:
            if item in items_seen:
                w.report(raw["item"], where, f"tiêu chí «{item}» đã được hỏi trong bảng hỏi của nhóm này "
                                             f"(dòng {items_seen[item]}); mỗi tiêu chí chỉ một câu mỗi nhóm")
            else:
                items_seen[item] = _line(raw["item"])
            if cset is not None:
                found = cset.items_by_code.get(item)
                if found is None:
                    w.report(raw["item"], where, f"tiêu chí «{item}» không có trong bộ tiêu chí {cset.id}")
                    item = None
                elif not found.is_survey:
                    w.report(raw["item"], where, f"tiêu chí «{item}» của bộ {cset.id} không phải tiêu chí "
                                                 "điều tra XHH (method: survey)")
                    item = None
        section = self.opt(raw, "section", w.text, where, "section")
        text = self.opt(raw, "text", w.text, where, "text")
        scale = default
        if "scale" in raw:
            scale = self.scale_ref(raw["scale"], where, scales)
        elif default is None:
            w.report(node, where, "câu hỏi chưa có thang trả lời (scale của câu hỏi hoặc của nhóm)")
        if None in (item, section, text, scale) or scale is _BROKEN:
            raise _Invalid()
        return Question(code=code, item=item, text=text, scale=scale, section=section)


_BROKEN = Scale(code="", title="", options=())  # a group's scale that could not be read


def _hint(node: Node) -> str | None:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == "code" and isinstance(v, ScalarNode):
                return v.value
    return None
