"""Editing a criteria set as plain data (the yearly edition, V.1.1.h). Imports nothing from Django.

A draft edition is kept as YAML text. A change reads the text into plain data (``read``: dicts and
lists in file order, numbers as ``Decimal``, never ``float``), changes that data, writes it back
(``write``: keys in their order, Vietnamese unchanged, numbers plain) and the strict loader checks the
whole result before anything is saved (parindex/criteria/services_edition.py).

The sums a set repeats (a criterion's ``max_points`` = its sub-criteria's, a field's = its criteria's)
are recomputed by ``follow_sums`` after every change; the ``expected`` block — what the decision states —
is not: it changes only when the person edits it, or asks ``expected_from_tree``.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal

import yaml

from .model import SURVEY_EVIDENCE


class _Reader(yaml.SafeLoader):
    """PyYAML's safe loader, with floats read as ``Decimal`` from their text."""


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(loader.construct_scalar(node).replace("_", ""))


_Reader.add_constructor("tag:yaml.org,2002:float", _decimal)


class _Writer(yaml.SafeDumper):
    pass


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


_Writer.add_representer(Decimal, _represent_decimal)


def read(text: str) -> dict:
    """The set's text as plain data (the text has passed the strict loader already)."""
    data = yaml.load(text, Loader=_Reader)  # noqa: S506 - a SafeLoader subclass
    if not isinstance(data, dict):
        raise ValueError("not a criteria set")
    return data


def write(data: dict) -> str:
    return yaml.dump(data, Dumper=_Writer, allow_unicode=True, sort_keys=False, width=100,
                     default_flow_style=False)


# -- finding things -----------------------------------------------------------------------------------

def criteria_of(data: dict):
    """(field, criterion) for every criterion, in order."""
    for field in data.get("fields") or []:
        for crit in field.get("criteria") or []:
            yield field, crit


def items_of(data: dict):
    """(field, criterion, item, siblings) for every scorable item; ``siblings`` is the list holding it."""
    for field, crit in criteria_of(data):
        if "sub_criteria" in crit:
            for item in crit["sub_criteria"] or []:
                yield field, crit, item, crit["sub_criteria"]
        else:
            yield field, crit, crit, field["criteria"]


def find_item(data: dict, code: str) -> dict | None:
    for _field, _crit, item, _siblings in items_of(data):
        if str(item.get("code")) == code:
            return item
    return None


def find_criterion(data: dict, code: str) -> tuple[dict, dict] | tuple[None, None]:
    for field, crit in criteria_of(data):
        if str(crit.get("code")) == code:
            return field, crit
    return None, None


def find_field(data: dict, code: str) -> dict | None:
    return next((f for f in data.get("fields") or [] if str(f.get("code")) == code), None)


def is_scored_directly(crit: dict) -> bool:
    return "sub_criteria" not in crit


def item_plain(item: dict) -> dict:
    """The item's own keys (no sub-criteria), for the audit's before → after."""
    return {k: copy.deepcopy(v) for k, v in item.items() if k != "sub_criteria"}


# -- changes --------------------------------------------------------------------------------------------

ITEM_ORDER = ("code", "title", "max_points", "method", "rubric", "evidence", "agency", "ref")


class EditError(ValueError):
    """A change that cannot even be made (an unknown code, the last item of a criterion)."""


class LastOne(EditError):
    """The last sub-criterion of a criterion, or the last criterion of a field: a list may not be empty."""


def set_item(data: dict, code: str, values: dict) -> dict:
    """Replace the item's editable keys with ``values`` (title, max_points, method, rubric, evidence,
    agency, ref); a survey item has no rubric and the evidence «ĐTXHH». Returns the item."""
    item = find_item(data, code)
    if item is None:
        raise EditError(code)
    subs = item.pop("sub_criteria", None)
    merged = {**item, **values, "code": item["code"]}
    if merged.get("method") == "survey":
        merged.pop("rubric", None)
        merged["evidence"] = SURVEY_EVIDENCE
    elif merged.get("rubric") is None:
        merged.pop("rubric", None)
    item.clear()
    item.update({k: merged[k] for k in ITEM_ORDER if k in merged})
    item.update({k: v for k, v in merged.items() if k not in ITEM_ORDER})
    if subs is not None:
        item["sub_criteria"] = subs
    return item


def next_code(siblings: list[dict], parent: str) -> str:
    numbers = [int(m.group(1)) for s in siblings
               if (m := re.fullmatch(re.escape(parent) + r"\.(\d+)", str(s.get("code", ""))))]
    return f"{parent}.{max(numbers, default=0) + 1}"


def add_item(data: dict, parent: str, values: dict) -> str:
    """A new item under ``parent``: a criterion with sub-criteria (a new sub-criterion) or a field letter
    (a new criterion scored directly). Returns its code, the next number under the parent."""
    field = find_field(data, parent)
    if field is not None:
        siblings = field["criteria"]
    else:
        _field, crit = find_criterion(data, parent)
        if crit is None:
            raise EditError(parent)
        if is_scored_directly(crit):
            raise EditError(parent)
        siblings = crit["sub_criteria"]
    code = next_code(siblings, parent)
    item = {"code": code}
    siblings.append(item)
    set_item(data, code, values)
    return code


def remove_item(data: dict, code: str) -> dict:
    """Remove a scorable item or a whole criterion; the last sub-criterion of a criterion and the last
    criterion of a field cannot go (``LastOne``: remove the criterion instead). Returns what was removed."""
    for _field, _crit, item, siblings in items_of(data):
        if str(item.get("code")) != code:
            continue
        if len(siblings) == 1:
            raise LastOne(code)
        siblings.remove(item)
        return item
    field, crit = find_criterion(data, code)
    if crit is None:
        raise EditError(code)
    if len(field["criteria"]) == 1:
        raise LastOne(code)
    field["criteria"].remove(crit)
    return crit


def follow_sums(data: dict) -> None:
    """A criterion with sub-criteria weighs their sum; a field weighs its criteria's sum."""
    for field in data.get("fields") or []:
        total = Decimal(0)
        for crit in field.get("criteria") or []:
            if not is_scored_directly(crit):
                crit["max_points"] = sum((_dec(i.get("max_points")) for i in crit["sub_criteria"] or []),
                                         Decimal(0))
            total += _dec(crit.get("max_points"))
        field["max_points"] = total


def _dec(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return Decimal(0)  # a broken number: the loader names it


def expected_from_tree(data: dict) -> dict:
    """The ``expected`` block as the tree now counts and sums it."""
    totals = {"total_max": Decimal(0), "self_max": Decimal(0), "survey_max": Decimal(0)}
    fields = {}
    for field in data.get("fields") or []:
        crits = field.get("criteria") or []
        subs = [i for c in crits if not is_scored_directly(c) for i in c["sub_criteria"]]
        fields[str(field.get("code"))] = {
            "criteria": len(crits), "sub_criteria": len(subs),
            "survey_sub_criteria": sum(1 for i in subs if i.get("method") == "survey"),
        }
    for _field, _crit, item, _siblings in items_of(data):
        points = _dec(item.get("max_points"))
        totals["total_max"] += points
        totals["survey_max" if item.get("method") == "survey" else "self_max"] += points
    return {**totals, "fields": fields}


def next_edition(data: dict, year: int) -> dict:
    """A copy of the set for ``year``: the id names the year (``backan-2021-commune`` →
    ``backan-2022-commune``), everything else is kept."""
    new = copy.deepcopy(data)
    old_year = str(data.get("year"))
    set_id = str(data.get("id"))
    if f"-{old_year}-" in set_id:
        new["id"] = set_id.replace(f"-{old_year}-", f"-{year}-", 1)
    else:
        new["id"] = f"{set_id}-{year}"
    new["year"] = year
    return new
