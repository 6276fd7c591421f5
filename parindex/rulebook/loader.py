"""Strict loader: YAML text → ``CriteriaSet``.

Every problem is collected (not just the first) as a ``Problem`` naming the file, the line and
the node code; ``load`` raises ``CriteriaSetError`` carrying all of them. The YAML is walked at
the node level (``yaml.compose``) so that every value keeps its line and duplicate keys are
seen, and numbers are read from their source text, never through ``float``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import datebands
from .model import (
    METHODS,
    SURVEY_EVIDENCE,
    UNIT_KINDS,
    Choice,
    CriteriaSet,
    Criterion,
    Field,
    Item,
    NotApplicable,
    Part,
    Rubric,
)
from .numbers import NotANumber, decimal_places, parse_decimal

# libyaml's parser is ~10× faster and keeps the same node marks; pure Python where it is absent.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FIELD_LETTERS = ("a", "b", "c", "d", "e", "g", "h")
PROVENANCES = ("reconstructed", "official")
MAX_POINT_DECIMALS = 2

TOP_KEYS = {
    "schema": True, "id": True, "unit_kind": True, "year": True, "title": True,
    "legal_basis": True, "provenance": True, "provenance_note": True, "agencies": True,
    "expected": True, "fields": True,
}
EXPECTED_KEYS = {"total_max": True, "self_max": True, "survey_max": True, "fields": True}
EXPECTED_FIELD_KEYS = {"criteria": True, "sub_criteria": True, "survey_sub_criteria": True}
FIELD_KEYS = {"code": True, "title": True, "max_points": True, "ref": True, "criteria": True}
ITEM_KEYS = {
    "code": True, "title": True, "max_points": True, "method": True, "rubric": False,
    "evidence": True, "agency": True, "ref": True, "not_applicable": False,
}
NOT_APPLICABLE_KEYS = {"points": True, "when": True}
CRITERION_KEYS = {"code": True, "title": True, "max_points": True, "sub_criteria": False}
RUBRIC_KEYS = {"choices": False, "range": False, "parts": False, "condition": False}
PART_KEYS = {"title": True, "choices": True}
CHOICE_KEYS = {"points": True, "condition": True}
RANGE_KEYS = {"min": True, "max": True, "step": True}


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code}: {self.message}"


class CriteriaSetError(Exception):
    """The file is not a valid criteria set; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class _Invalid(Exception):
    """Raised inside the walk when a node cannot be read further (already reported)."""


def _line(node: Node) -> int:
    return node.start_mark.line + 1


class _Walker:
    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []
        self.set_code = "-"

    # -- reporting ---------------------------------------------------------------------------
    def report(self, node: Node | int, code: str | None, message: str) -> None:
        line = node if isinstance(node, int) else _line(node)
        self.problems.append(Problem(self.path, line, code or self.set_code, message))

    def fail(self, node: Node | int, code: str | None, message: str) -> _Invalid:
        self.report(node, code, message)
        return _Invalid()

    # -- typed readers -------------------------------------------------------------------------
    def mapping(
        self, node: Node, code: str | None, keys: dict[str, bool], what: str
    ) -> dict[str, Node]:
        """Read a mapping: duplicate, unknown and missing keys are reported."""
        if not isinstance(node, MappingNode):
            raise self.fail(node, code, f"{what} phải là một bảng «khoá: giá trị»")
        out: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.report(key_node, code, f"khoá không hợp lệ trong {what}")
                continue
            key = key_node.value
            if key in out:
                self.report(key_node, code, f"khoá «{key}» bị lặp lại trong {what}")
                continue
            if key not in keys:
                allowed = ", ".join(keys)
                self.report(
                    key_node, code, f"khoá «{key}» không được phép trong {what} (cho phép: {allowed})"
                )
                continue
            out[key] = value_node
        for key, required in keys.items():
            if required and key not in out:
                self.report(node, code, f"thiếu khoá bắt buộc «{key}» trong {what}")
        return out

    def sequence(self, node: Node, code: str | None, what: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            raise self.fail(node, code, f"{what} phải là một danh sách")
        if not node.value:
            raise self.fail(node, code, f"{what} không được để trống")
        return list(node.value)

    def text(self, node: Node, code: str | None, what: str) -> str:
        if not isinstance(node, ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            raise self.fail(node, code, f"{what} phải là văn bản")
        value = node.value.strip()
        if not value:
            raise self.fail(node, code, f"{what} không được để trống")
        return value

    def integer(self, node: Node, code: str | None, what: str) -> int:
        if not isinstance(node, ScalarNode) or node.tag != "tag:yaml.org,2002:int":
            raise self.fail(node, code, f"{what} phải là số nguyên, không phải «{_show(node)}»")
        value = int(node.value)
        if value < 0:
            raise self.fail(node, code, f"{what} không được âm: {value}")
        return value

    def points(self, node: Node, code: str | None, what: str = "điểm") -> Decimal:
        return self.number(node, code, what, MAX_POINT_DECIMALS, negative=False)

    def number(self, node: Node, code: str | None, what: str, places: int, *, negative: bool = True) -> Decimal:
        """A decimal read from its text (never through float), with at most ``places`` decimals."""
        number_tags = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:str"}
        if not isinstance(node, ScalarNode) or node.tag not in number_tags:
            raise self.fail(node, code, f"{what} phải là số, không phải «{_show(node)}»")
        text = node.value.strip()
        minus = text.startswith("-")  # a file may write a sign; typed points may not (numbers.parse_decimal)
        try:
            value = parse_decimal(text[1:] if minus else text)
        except NotANumber:
            raise self.fail(node, code, f"{what} «{node.value}» không phải là số") from None
        if minus and not negative:
            raise self.fail(node, code, f"{what} không được âm: {node.value}")
        value = -value if minus else value
        if decimal_places(value) > places:
            raise self.fail(node, code, f"{what} «{node.value}» có quá {places} chữ số thập phân")
        return value

    def choice_of(self, node: Node, code: str | None, what: str, allowed: tuple[str, ...]) -> str:
        value = self.text(node, code, what)
        if value not in allowed:
            raise self.fail(
                node, code, f"{what} «{value}» không hợp lệ (cho phép: {', '.join(allowed)})"
            )
        return value

    def schema_1(self, top: dict[str, Node]) -> None:
        """The optional ``schema`` key: only version 1 exists."""
        if "schema" in top:
            schema = self.guarded(self.integer, top["schema"], None, "schema")
            if schema is not None and schema != 1:
                self.report(top["schema"], None, f"schema {schema} không được hỗ trợ (chỉ hỗ trợ 1)")

    def guarded(self, fn, *args):
        """Run one reader; on ``_Invalid`` return ``None`` so the walk goes on."""
        try:
            return fn(*args)
        except _Invalid:
            return None


def _show(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return node.value
    return "danh sách" if isinstance(node, SequenceNode) else "bảng"


def load(path: str | Path) -> CriteriaSet:
    """Load and validate one criteria-set file."""
    return loads(read_file(path, CriteriaSetError), str(path))


def loads(data: bytes | str, path: str = "<văn bản>") -> CriteriaSet:
    """Validate criteria-set text; ``path`` is only used in messages."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    sha = hashlib.sha256(raw).hexdigest()
    return parse_with(raw, path, lambda w, root, text: _read_set(w, root, text, sha), CriteriaSetError)


# -- the one way a strict loader reads (criteria sets here, survey designs in parindex/survey/loader.py) --

def read_file(path: str | Path, error: type[Exception]) -> bytes:
    """The file's bytes, or ``error([problem])`` naming it."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise error([Problem(str(path), 0, "-", f"không đọc được tệp: {exc.strerror}")]) from None


def parse_with(data: bytes | str, path: str, read, error: type[Exception]):
    """UTF-8 text → YAML nodes (lines kept, duplicate keys seen) → ``read(walker, root, text)``.

    Every problem ``read`` reports through the walker is collected; any problem raises
    ``error(problems)`` sorted by line, and so do undecodable, unparsable and empty text."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error([Problem(path, 1, "-", f"tệp không phải UTF-8: {exc.reason}")]) from None
    try:
        root = yaml.compose(text, Loader=_YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise error([Problem(path, line, "-", f"lỗi cú pháp YAML: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise error([Problem(path, 1, "-", f"lỗi YAML: {exc}")]) from None
    if root is None:
        raise error([Problem(path, 1, "-", "tệp rỗng")])
    walker = _Walker(path)
    result = None
    try:
        result = read(walker, root, text)
    except _Invalid:
        pass
    if walker.problems or result is None:
        walker.problems.sort(key=lambda p: p.line)
        raise error(walker.problems)
    return result


def _read_set(w: _Walker, root: Node, source: str, sha: str) -> CriteriaSet | None:
    top = w.mapping(root, None, TOP_KEYS, "bộ tiêu chí")
    set_id = w.guarded(w.text, top["id"], None, "id") if "id" in top else None
    if set_id:
        w.set_code = set_id
    w.schema_1(top)
    unit_kind = _opt(w, top, "unit_kind", w.choice_of, "unit_kind", UNIT_KINDS)
    year = _opt(w, top, "year", w.integer, "year")
    title = _opt(w, top, "title", w.text, "title")
    legal_basis = _opt(w, top, "legal_basis", w.text, "legal_basis")
    provenance = _opt(w, top, "provenance", w.choice_of, "provenance", PROVENANCES)
    provenance_note = _opt(w, top, "provenance_note", w.text, "provenance_note")
    agencies = w.guarded(_read_agencies, w, top["agencies"]) if "agencies" in top else None
    expected = w.guarded(_read_expected, w, top["expected"]) if "expected" in top else None

    fields: list[Field] = []
    items: dict[str, Item] = {}
    seen_codes: dict[str, int] = {}
    if "fields" in top:
        for field_node in w.guarded(w.sequence, top["fields"], None, "fields") or []:
            field = w.guarded(_read_field, w, field_node, agencies or {}, seen_codes)
            if field is not None:
                fields.append(field)
                for item in field.items:
                    items[item.code] = item
    if expected is not None and "fields" in top:
        _check_expected(w, expected, fields, top["fields"])
    if w.problems:
        return None
    return CriteriaSet(
        id=set_id, unit_kind=unit_kind, year=year, title=title, legal_basis=legal_basis,
        provenance=provenance, provenance_note=provenance_note, agencies=agencies,
        fields=tuple(fields), source=source, sha256=sha, items_by_code=items,
    )


def _opt(w: _Walker, top: dict[str, Node], key: str, reader, *args):
    if key not in top:
        return None
    return w.guarded(reader, top[key], None, *args)


def _read_agencies(w: _Walker, node: Node) -> dict[str, str]:
    if not isinstance(node, MappingNode) or not node.value:
        raise w.fail(node, None, "agencies phải là một bảng «mã: tên cơ quan» không rỗng")
    keys = {k.value: True for k, _ in node.value if isinstance(k, ScalarNode)}
    raw = w.mapping(node, None, keys, "agencies")
    return {code: w.guarded(w.text, value, code, "tên cơ quan") or code for code, value in raw.items()}


@dataclass(frozen=True, slots=True)
class _Expected:
    total_max: Decimal | None
    self_max: Decimal | None
    survey_max: Decimal | None
    fields: dict[str, tuple[int, dict[str, int]]]
    nodes: dict[str, Node]


def _read_expected(w: _Walker, node: Node) -> _Expected:
    exp = w.mapping(node, None, EXPECTED_KEYS, "expected")
    totals = {
        key: w.guarded(w.points, exp[key], None, f"expected.{key}") if key in exp else None
        for key in ("total_max", "self_max", "survey_max")
    }
    per_field: dict[str, tuple[int, dict[str, int]]] = {}
    if "fields" in exp:
        fnode = exp["fields"]
        keys = {k.value: True for k, _ in getattr(fnode, "value", []) if isinstance(k, ScalarNode)}
        for letter, counts_node in w.mapping(fnode, None, keys, "expected.fields").items():
            counts = w.mapping(counts_node, letter, EXPECTED_FIELD_KEYS, f"expected.fields.{letter}")
            per_field[letter] = (
                _line(counts_node),
                {k: w.guarded(w.integer, v, letter, k) for k, v in counts.items()},
            )
    return _Expected(nodes=exp, fields=per_field, **totals)


def _check_expected(w: _Walker, exp: _Expected, fields: list[Field], fields_node: Node) -> None:
    actual = {f.code: f for f in fields}
    for letter, (line, counts) in exp.fields.items():
        field = actual.get(letter)
        if field is None:
            w.report(line, letter, f"lĩnh vực «{letter}» được khai báo trong expected nhưng không có trong fields")
            continue
        got = {
            "criteria": len(field.criteria),
            "sub_criteria": field.sub_criteria_count,
            "survey_sub_criteria": field.survey_sub_criteria_count,
        }
        names = {
            "criteria": "số tiêu chí",
            "sub_criteria": "số tiêu chí thành phần",
            "survey_sub_criteria": "số tiêu chí thành phần điều tra XHH",
        }
        for key, want in counts.items():
            if want is not None and got[key] != want:
                w.report(field.line, letter, f"{names[key]} là {got[key]}, quyết định quy định {want}")
    for letter, field in actual.items():
        if letter not in exp.fields:
            w.report(field.line, letter, f"lĩnh vực «{letter}» không được khai báo trong expected.fields")
    if w.problems:
        return  # totals of a broken tree would only repeat the same problems
    got_totals = {
        "total_max": sum((f.max_points for f in fields), Decimal(0)),
        "self_max": sum((f.self_max for f in fields), Decimal(0)),
        "survey_max": sum((f.survey_max for f in fields), Decimal(0)),
    }
    names = {"total_max": "tổng điểm tối đa", "self_max": "điểm tự đánh giá tối đa",
             "survey_max": "điểm điều tra XHH tối đa"}
    for key, got in got_totals.items():
        want = getattr(exp, key)
        if want is not None and got != want:
            node = exp.nodes.get(key, fields_node)
            w.report(node, None, f"{names[key]} là {got}, quyết định quy định {want}")


def _check_code(w: _Walker, node: Node, code: str, parent: str | None, seen: dict[str, int]) -> None:
    if code in seen:
        w.report(node, code, f"mã «{code}» bị trùng (đã dùng ở dòng {seen[code]})")
    else:
        seen[code] = _line(node)
    if parent is not None:
        rest = code[len(parent) + 1:] if code.startswith(parent + ".") else ""
        if not rest.isdigit():
            w.report(node, code, f"mã «{code}» phải có dạng «{parent}.<số>»")


def _read_field(w: _Walker, node: Node, agencies: dict[str, str], seen: dict[str, int]) -> Field:
    hint = _code_hint(node)
    raw = w.mapping(node, hint, FIELD_KEYS, "lĩnh vực")
    code = w.guarded(w.text, raw["code"], hint, "code") if "code" in raw else None
    if code is None:
        raise _Invalid()
    if code not in FIELD_LETTERS:
        w.report(raw["code"], code, f"mã lĩnh vực «{code}» không hợp lệ (cho phép: {' '.join(FIELD_LETTERS)})")
    _check_code(w, raw["code"], code, None, seen)
    title = _opt(w, raw, "title", w.text, "title")
    ref = _opt(w, raw, "ref", w.text, "ref")
    max_points = w.guarded(w.points, raw["max_points"], code, "max_points") if "max_points" in raw else None
    criteria = []
    if "criteria" in raw:
        for cnode in w.guarded(w.sequence, raw["criteria"], code, "criteria") or []:
            crit = w.guarded(_read_criterion, w, cnode, code, agencies, seen)
            if crit is not None:
                criteria.append(crit)
    if max_points is not None and criteria and len(criteria) == len(raw["criteria"].value):
        total = sum((c.max_points for c in criteria), Decimal(0))
        if total != max_points:
            w.report(raw["max_points"], code,
                     f"tổng điểm các tiêu chí là {total}, khác điểm tối đa của lĩnh vực {max_points}")
    if None in (title, ref, max_points) or not criteria:
        raise _Invalid()
    return Field(code=code, title=title, max_points=max_points, ref=ref,
                 criteria=tuple(criteria), line=_line(node))


def _code_hint(node: Node) -> str | None:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            if isinstance(k, ScalarNode) and k.value == "code" and isinstance(v, ScalarNode):
                return v.value
    return None


def _read_criterion(w: _Walker, node: Node, field: str, agencies: dict[str, str],
                    seen: dict[str, int]) -> Criterion:
    hint = _code_hint(node) or field
    has_subs = isinstance(node, MappingNode) and any(
        isinstance(k, ScalarNode) and k.value == "sub_criteria" for k, _ in node.value
    )
    if not has_subs:
        # a criterion scored directly is itself an item
        item = _read_item(w, node, field, field, agencies, seen)
        crit_code = item.code
        return Criterion(code=crit_code, title=item.title, max_points=item.max_points,
                         items=(replace(item, criterion=crit_code),),
                         scored_directly=True, line=_line(node))
    raw = w.mapping(node, hint, CRITERION_KEYS, "tiêu chí")
    code = w.guarded(w.text, raw["code"], hint, "code") if "code" in raw else None
    if code is None:
        raise _Invalid()
    _check_code(w, raw["code"], code, field, seen)
    title = _opt(w, raw, "title", w.text, "title")
    max_points = w.guarded(w.points, raw["max_points"], code, "max_points") if "max_points" in raw else None
    items = []
    sub_nodes = w.guarded(w.sequence, raw["sub_criteria"], code, "sub_criteria") or []
    for snode in sub_nodes:
        item = w.guarded(_read_item, w, snode, code, field, agencies, seen)
        if item is not None:
            items.append(item)
    if max_points is not None and items and len(items) == len(sub_nodes):
        total = sum((i.max_points for i in items), Decimal(0))
        if total != max_points:
            w.report(raw["max_points"], code,
                     f"tổng điểm các tiêu chí thành phần là {total}, khác điểm tối đa của tiêu chí {max_points}")
    if None in (title, max_points) or not items:
        raise _Invalid()
    return Criterion(code=code, title=title, max_points=max_points, items=tuple(items),
                     scored_directly=False, line=_line(node))


def _read_item(w: _Walker, node: Node, parent: str, field: str, agencies: dict[str, str],
               seen: dict[str, int]) -> Item:
    hint = _code_hint(node) or parent
    raw = w.mapping(node, hint, ITEM_KEYS, "tiêu chí")
    code = w.guarded(w.text, raw["code"], hint, "code") if "code" in raw else None
    if code is None:
        raise _Invalid()
    _check_code(w, raw["code"], code, parent, seen)
    title = _opt(w, raw, "title", w.text, "title")
    ref = _opt(w, raw, "ref", w.text, "ref")
    evidence = _opt(w, raw, "evidence", w.text, "evidence")
    method = w.guarded(w.choice_of, raw["method"], code, "method", METHODS) if "method" in raw else None
    max_points = None
    if "max_points" in raw:
        max_points = w.guarded(w.points, raw["max_points"], code, "max_points")
        if max_points is not None and max_points <= 0:
            w.report(raw["max_points"], code, "max_points phải lớn hơn 0")
            max_points = None
    agency = None
    if "agency" in raw:
        agency = w.guarded(w.text, raw["agency"], code, "agency")
        if agency is not None and agencies and agency not in agencies:
            w.report(raw["agency"], code,
                     f"cơ quan thẩm định «{agency}» không có trong agencies ({', '.join(agencies)})")
    rubric = None
    if method == "survey":
        if "rubric" in raw:
            w.report(raw["rubric"], code, "tiêu chí điều tra XHH không có thang chấm (rubric)")
        if evidence is not None and evidence != SURVEY_EVIDENCE:
            w.report(raw["evidence"], code, f"tiêu chí điều tra XHH phải ghi tài liệu kiểm chứng «{SURVEY_EVIDENCE}»")
    elif method == "self":
        if "rubric" not in raw:
            w.report(node, code, "tiêu chí tự đánh giá phải có thang chấm (rubric)")
        elif max_points is not None:
            rubric = w.guarded(_read_rubric, w, raw["rubric"], code, max_points)
    not_applicable = None
    if "not_applicable" in raw:
        not_applicable = w.guarded(_read_not_applicable, w, raw["not_applicable"], code, method, rubric)
    if None in (title, ref, evidence, method, max_points, agency) or (method == "self" and rubric is None):
        raise _Invalid()
    if "not_applicable" in raw and not_applicable is None:
        raise _Invalid()
    return Item(code=code, title=title, max_points=max_points, method=method, rubric=rubric,
                evidence=evidence, agency=agency, ref=ref, field=field, criterion=parent,
                line=_line(node), not_applicable=not_applicable)


def _read_not_applicable(w: _Walker, node: Node, code: str, method: str | None,
                         rubric: Rubric | None) -> NotApplicable:
    """«Không phát sinh» (issue 12 §3, item 4): ``{points: full, when: …}``, on a self item only."""
    raw = w.mapping(node, code, NOT_APPLICABLE_KEYS, "not_applicable")
    when = _opt(w, raw, "when", w.text, "when")
    points = _opt(w, raw, "points", w.text, "not_applicable.points")
    if points is not None and points != "full":
        raise w.fail(raw["points"], code, f"not_applicable.points phải là «full» (điểm tối đa), không phải «{points}»")
    if method != "self":
        raise w.fail(node, code, "chỉ tiêu chí tự đánh giá mới có not_applicable (không phát sinh)")
    if when is None or points is None or rubric is None:
        raise _Invalid()
    top = max(rubric.allowed_values())
    return NotApplicable(when=when, points=top)


def _read_rubric(w: _Walker, node: Node, code: str, max_points: Decimal) -> Rubric:
    raw = w.mapping(node, code, RUBRIC_KEYS, "rubric")
    condition = _opt(w, raw, "condition", w.text, "condition") or ""
    if sum(key in raw for key in ("choices", "range", "parts")) != 1:
        raise w.fail(node, code, "rubric phải có đúng một trong ba: choices (các mức điểm), "
                     "range (khoảng điểm) hoặc parts (tổng điểm các phần)")
    if "range" in raw:
        rng = w.mapping(raw["range"], code, RANGE_KEYS, "range")
        lo, hi, step = (w.guarded(w.points, rng[k], code, k) if k in rng else None for k in ("min", "max", "step"))
        if None in (lo, hi, step):
            raise _Invalid()
        if lo != 0:
            raise w.fail(rng["min"], code, f"range.min phải là 0, không phải {lo}")
        if hi != max_points:
            raise w.fail(rng["max"], code, f"range.max {hi} phải bằng max_points {max_points}")
        if step <= 0 or (hi - lo) % step != 0:
            raise w.fail(rng["step"], code, f"bước {step} phải lớn hơn 0 và chia hết khoảng 0–{hi}")
        if not condition:
            raise w.fail(node, code, "rubric dạng range phải có condition (cách tính điểm)")
        return Rubric(minimum=lo, maximum=hi, step=step, condition=condition)
    if "parts" in raw:
        return _read_parts(w, raw["parts"], code, max_points, condition)
    choices = _read_choices(w, raw["choices"], code, max_points, "mức điểm cao nhất", "max_points")
    return Rubric(choices=choices, condition=condition)


def _read_choices(w: _Walker, node: Node, code: str, max_points: Decimal | None, top: str,
                  top_name: str) -> tuple[Choice, ...]:
    """A list of allowed values with their conditions: unique, within [0, max_points], the largest
    equal to max_points (when given), 0 among them, and date bands covering every day once."""
    choices: list[Choice] = []
    for cnode in w.sequence(node, code, "choices"):
        c = w.mapping(cnode, code, CHOICE_KEYS, "mức điểm")
        pts = w.guarded(w.points, c["points"], code, "points") if "points" in c else None
        cond = w.guarded(w.text, c["condition"], code, "condition") if "condition" in c else None
        if pts is None or cond is None:
            continue
        if max_points is not None and pts > max_points:
            w.report(c["points"], code, f"mức điểm {pts} vượt điểm tối đa {max_points}")
        elif any(pts == other.points for other in choices):
            w.report(c["points"], code, f"mức điểm {pts} bị lặp lại")
        else:
            choices.append(Choice(points=pts, condition=cond))
    if len(choices) != len(node.value):
        raise _Invalid()
    values = [ch.points for ch in choices]
    if max_points is not None and max(values) != max_points:
        raise w.fail(node, code, f"{top} {max(values)} phải bằng {top_name} {max_points}")
    if Decimal(0) not in values:
        raise w.fail(node, code, "thang chấm phải có mức 0 điểm "
                     "(mục III.3.2.b: không có tài liệu kiểm chứng thì không cho điểm)")
    for problem in datebands.check([(ch.points, ch.condition) for ch in choices]):
        w.report(node, code, f"thang chấm theo ngày: {problem}")
    return tuple(choices)


def _read_parts(w: _Walker, node: Node, code: str, max_points: Decimal, condition: str) -> Rubric:
    """An item scored as the sum of its parts (issue 12 §3, item 2): each part is a list of
    choices with 0 among them; the parts' maxima add up to the item's max_points; the allowed
    values are the sums one value per part can make (``model.sums_of_parts``)."""
    part_nodes = w.sequence(node, code, "parts")
    if len(part_nodes) < 2:
        raise w.fail(node, code, "parts phải có ít nhất 2 phần (một phần thì dùng choices)")
    parts: list[Part] = []
    for pnode in part_nodes:
        p = w.mapping(pnode, code, PART_KEYS, "phần")
        title = _opt(w, p, "title", w.text, "title")
        choices = w.guarded(_read_choices, w, p["choices"], code, None, "", "") if "choices" in p else None
        if title is not None and choices is not None:
            parts.append(Part(title=title, choices=choices))
    if len(parts) != len(part_nodes):
        raise _Invalid()
    total = sum((part.max_points for part in parts), Decimal(0))
    if total != max_points:
        raise w.fail(node, code, f"tổng điểm cao nhất của các phần là {total}, khác max_points {max_points}")
    rubric = Rubric(parts=tuple(parts))
    lead = f"{condition} " if condition else f"Cộng điểm {len(parts)} phần. "
    return Rubric(parts=rubric.parts, condition=lead + rubric.parts_text())
