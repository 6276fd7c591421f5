"""``python -m parindex.rulebook``: list, check, summary, evaluate, the appendix tables (contract: docs/rulebook.md)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import registry
from .appendix import AppendixError, canonical_sha256, export_xlsx, xlsx_to_yaml
from .decision import Decision, DecisionError, load_decision, set_problems, shipped_decision, shipped_decision_paths
from .engine import DECISION_1679, InputError, ScoreError, UnitInput, evaluate, missing_scores
from .loader import CriteriaSetError, load
from .model import CriteriaSet
from .numbers import to_str


def _dump(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def cmd_list(args) -> int:
    out = []
    for path in registry.shipped_paths():
        cset = registry.load_path(path)
        out.append({"id": cset.id, "unit_kind": cset.unit_kind, "year": cset.year,
                    "path": str(path), "provenance": cset.provenance})
    if args.json:
        _dump(out)
    else:
        for row in out:
            print(f"{row['id']}\t{row['unit_kind']}\t{row['year']}\t{row['provenance']}\t{row['path']}")
    return 0


def _check_files(names: list[str], read, error: type[Exception]) -> int:
    """Read each file (or shipped id); print every problem as ``file:line: node: message``; 1 if any."""
    failed = False
    for name in names:
        try:
            read(name)
        except error as exc:
            failed = True
            for problem in exc.problems:
                print(problem)
        except (LookupError, OSError) as exc:
            failed = True
            print(f"{name}:0: -: {exc}")
    return 1 if failed else 0


def cmd_check(args) -> int:
    return _check_files(args.files, lambda name: registry.load_path(name) if Path(name).exists()
                        else registry.find(name), CriteriaSetError)


def summary(cset: CriteriaSet) -> dict:
    return {
        "id": cset.id,
        "unit_kind": cset.unit_kind,
        "total_max": to_str(cset.total_max),
        "self_max": to_str(cset.self_max),
        "survey_max": to_str(cset.survey_max),
        "fields": [
            {"code": f.code, "title": f.title, "criteria": len(f.criteria),
             "sub_criteria": f.sub_criteria_count,
             "survey_sub_criteria": f.survey_sub_criteria_count,
             "max_points": to_str(f.max_points)}
            for f in cset.fields
        ],
        "items": [
            {"code": i.code, "field": i.field, "max_points": to_str(i.max_points),
             "method": i.method,
             "values": [to_str(v) for v in i.rubric.allowed_values()] if i.rubric is not None else None}
            for i in cset.items
        ],
    }


def cmd_summary(args) -> int:
    try:
        cset = registry.find(args.file)
    except CriteriaSetError as exc:
        print(exc, file=sys.stderr)
        return 1
    except LookupError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.json:
        _dump(summary(cset))
    else:
        data = summary(cset)
        print(f"{data['id']} ({data['unit_kind']}): tổng {data['total_max']}, tự đánh giá "
              f"{data['self_max']}, điều tra XHH {data['survey_max']}")
        for f in data["fields"]:
            print(f"  {f['code']}) {f['title']}: {f['criteria']} tiêu chí, {f['sub_criteria']} "
                  f"tiêu chí thành phần ({f['survey_sub_criteria']} ĐTXHH), {f['max_points']} điểm")
    return 0


def _parse_evaluate_input(data) -> tuple[dict[str, CriteriaSet], list[UnitInput]]:
    if not isinstance(data, dict):
        raise InputError("dữ liệu vào phải là một đối tượng JSON")
    unknown = set(data) - {"criteria", "units"}
    if unknown:
        raise InputError(f"khoá không được phép: {', '.join(sorted(unknown))}")
    criteria = data.get("criteria")
    if not isinstance(criteria, dict) or not criteria:
        raise InputError("thiếu «criteria»: {\"department\": …, \"district\": …, \"commune\": …}")
    sets: dict[str, CriteriaSet] = {}
    for kind, ref in criteria.items():
        if kind not in ("department", "district", "commune"):
            raise InputError(f"criteria: loại đơn vị «{kind}» không hợp lệ")
        if not isinstance(ref, str):
            raise InputError(f"criteria.{kind}: phải là id hoặc đường dẫn của bộ tiêu chí")
        sets[kind] = registry.find(ref)
    raw_units = data.get("units")
    if not isinstance(raw_units, list):
        raise InputError("thiếu «units»: danh sách đơn vị")
    units = []
    for n, raw in enumerate(raw_units, start=1):
        if not isinstance(raw, dict):
            raise InputError(f"units[{n}]: phải là một đối tượng")
        extra = set(raw) - {"id", "name", "kind", "parent", "scores", "communes"}
        if extra:
            raise InputError(f"units[{n}]: khoá không được phép: {', '.join(sorted(extra))}")
        uid = raw.get("id")
        if not isinstance(uid, str) or not uid:
            raise InputError(f"units[{n}]: thiếu «id»")
        scores = raw.get("scores")
        if scores is not None and not isinstance(scores, dict):
            raise InputError(f"{uid}: «scores» phải là một đối tượng {{mã: điểm}} hoặc null")
        if scores is not None:
            for code, value in scores.items():
                if not isinstance(value, (str, int)) or isinstance(value, bool):
                    raise InputError(
                        f"{uid}: tiêu chí {code}: giá trị {json.dumps(value, ensure_ascii=False)} "
                        "phải là chuỗi số, ví dụ \"0.5\""
                    )
        parent = raw.get("parent")
        if parent is not None and not isinstance(parent, str):
            raise InputError(f"{uid}: «parent» phải là id của đơn vị cấp trên")
        name = raw.get("name") or uid
        if not isinstance(name, str):
            raise InputError(f"{uid}: «name» phải là văn bản")
        communes = raw.get("communes")
        if communes is not None and (raw.get("kind") != "district" or not isinstance(communes, list)
                                     or not all(isinstance(c, str) and c for c in communes)):
            raise InputError(f"{uid}: «communes» chỉ dùng cho huyện: danh sách mã các xã của huyện")
        units.append(UnitInput(uid, name, raw.get("kind"), parent, scores,
                               tuple(communes) if communes is not None else None))
    return sets, units


def _require_commune_lists(units: list[UnitInput], decision: Decision) -> None:
    """IV.1.4: a district is judged on its full list of communes, so the input declares it for every district
    whose communes it appraises (1679); a list naming a commune absent from the input leaves it unclassified."""
    if decision.appraised_by.get("commune") != "district":
        return
    missing = [u.id for u in units if u.kind == "district" and u.communes is None]
    if missing:
        raise InputError("\n".join(f"{d}: thiếu «communes»: danh sách đầy đủ mã các xã của huyện (mục IV.1.4)"
                                    for d in missing))


def find_decision(id_or_path: str) -> Decision:
    """A shipped decision by id, or any decision file by path. Raises ``LookupError`` if neither."""
    if Path(id_or_path).is_file():
        return load_decision(id_or_path)
    try:
        return shipped_decision(id_or_path)
    except LookupError:
        known = ", ".join(load_decision(p).id for p in shipped_decision_paths())
        raise LookupError(f"không tìm thấy quyết định «{id_or_path}» (có sẵn: {known})") from None


def cmd_check_decision(args) -> int:
    return _check_files(args.files, find_decision, DecisionError)


def evaluate_json(data, decision: Decision = DECISION_1679, allow_incomplete: bool = False) -> dict:
    """The CLI's evaluation. An input that leaves an item without a score (self-assessed, or survey points of
    a department or district) is refused, listing every gap, unless ``allow_incomplete``: then the gaps count 0
    and are listed under ``warnings``."""
    sets, units = _parse_evaluate_input(data)
    problems = set_problems(decision, sets)
    if problems:
        raise InputError("\n".join(problems))
    _require_commune_lists(units, decision)
    results = evaluate(sets, units, decision=decision)
    gaps = [gap for u in units if u.scores is not None
            for gap in missing_scores(sets[u.kind], u.scores, u.name or u.id)]
    if gaps and not allow_incomplete:
        raise InputError("\n".join([f"dữ liệu vào thiếu {len(gaps)} điểm (dùng --allow-incomplete để tính 0 "
                                     "và chỉ cảnh báo):", *gaps]))
    out = []
    for r in results:
        s = r.score
        out.append({
            "id": r.id, "kind": r.kind, "parent": r.parent,
            "self_points": to_str(s.self_points) if s else None,
            "survey_points": to_str(s.survey_points) if s else None,
            "total": to_str(s.total) if s else None,
            "index": format(s.index, "f") if s else None,
            "class_by_score": r.class_by_score,
            "class": r.klass,
            "rank": r.rank,
            "rank_group": r.rank_group,
            "fields": {k: to_str(v) for k, v in s.fields.items()} if s else {},
            "reasons": r.reasons,
            "warnings": r.warnings,
        })
    return {"units": out, "warnings": gaps}


def cmd_evaluate(args) -> int:
    try:
        decision = find_decision(args.decision)
        with open(args.file, encoding="utf-8") as fh:
            data = json.load(fh)
        result = evaluate_json(data, decision, allow_incomplete=args.allow_incomplete)
    except OSError as exc:
        print(f"{args.file}: không đọc được tệp: {exc.strerror}", file=sys.stderr)
        return 1
    except json.JSONDecodeError as exc:
        print(f"{args.file}:{exc.lineno}: JSON không hợp lệ: {exc.msg}", file=sys.stderr)
        return 1
    except ScoreError as exc:
        for message in exc.messages:
            print(message, file=sys.stderr)
        return 1
    except (InputError, LookupError, CriteriaSetError, DecisionError) as exc:
        print(exc, file=sys.stderr)
        return 1
    _dump(result)
    return 0


def _write(path: str, data: bytes) -> None:
    """Write the whole file or nothing: a temporary file beside it, renamed over it at the end."""
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        partial.write_bytes(data)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def cmd_export_appendix(args) -> int:
    """SET (id or path) → the appendix workbook; prints the set's canonical SHA-256 and the file."""
    try:
        cset = registry.find(args.set)
        data = export_xlsx(cset)
        _write(args.out, data)
    except CriteriaSetError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except AppendixError as exc:
        for problem in exc.problems:
            print(f"{args.set}: {problem}", file=sys.stderr)
        return 1
    except LookupError as exc:
        print(exc, file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{args.out}: không ghi được tệp: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"{canonical_sha256(cset)}  {args.out}")
    return 0


def cmd_import_appendix(args) -> int:
    """The appendix workbook → criteria-set YAML (accepted by the loader); prints its canonical SHA-256."""
    try:
        data = Path(args.xlsx).read_bytes()
    except OSError as exc:
        print(f"{args.xlsx}: không đọc được tệp: {exc.strerror}", file=sys.stderr)
        return 1
    try:
        text = xlsx_to_yaml(data, args.xlsx)  # already accepted by the strict loader
    except AppendixError as exc:
        for problem in exc.problems:
            print(f"{args.xlsx}: {problem}", file=sys.stderr)
        return 1
    try:
        _write(args.out, text.encode("utf-8"))
    except OSError as exc:
        print(f"{args.out}: không ghi được tệp: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"{canonical_sha256(load(args.out))}  {args.out}")  # the file as written, read back
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m parindex.rulebook",
                                     description="Bộ tiêu chí và công cụ tính Chỉ số CCHC")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("list", help="các bộ tiêu chí có sẵn")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("check", help="kiểm tra tệp bộ tiêu chí")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("summary", help="tóm tắt một bộ tiêu chí")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_summary)
    p = sub.add_parser("evaluate", help="tính điểm, xếp loại, xếp hạng")
    p.add_argument("file", metavar="FILE.json")
    p.add_argument("--decision", default=DECISION_1679.id, metavar="ID|FILE",
                   help="quyết định áp dụng (mặc định: backan-1679)")
    p.add_argument("--allow-incomplete", action="store_true",
                   help="tính 0 cho tiêu chí chưa có điểm (cả điểm điều tra XHH) và chỉ cảnh báo, thay vì từ chối")
    p.set_defaults(func=cmd_evaluate)
    p = sub.add_parser("check-decision", help="kiểm tra tệp quyết định (các quy định của Chỉ số)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_check_decision)
    p = sub.add_parser("export-appendix", help="xuất bộ tiêu chí ra bảng phụ lục .xlsx")
    p.add_argument("set", metavar="SET", help="id của bộ tiêu chí có sẵn hoặc đường dẫn tệp YAML")
    p.add_argument("out", metavar="OUT.xlsx")
    p.set_defaults(func=cmd_export_appendix)
    p = sub.add_parser("import-appendix", help="nhập bảng phụ lục .xlsx thành tệp bộ tiêu chí YAML")
    p.add_argument("xlsx", metavar="IN.xlsx")
    p.add_argument("out", metavar="OUT.yaml")
    p.set_defaults(func=cmd_import_appendix)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
