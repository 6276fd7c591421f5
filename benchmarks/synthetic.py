"""Synthetic, valid scores for benchmarks and examples (deterministic for a given seed)."""

from __future__ import annotations

import random
from decimal import Decimal

from parindex.rulebook.model import CriteriaSet, Item
from parindex.rulebook.numbers import to_str


def item_value(item: Item, rng: random.Random, quality: float) -> str:
    """A valid score for the item, near ``quality`` × max (0 ≤ quality ≤ 1)."""
    if item.rubric is None:
        target = item.max_points * Decimal(str(round(rng.uniform(quality - 0.2, 1.0), 4)))
        value = min(max(target, Decimal(0)), item.max_points).quantize(Decimal("0.0001"))
        return to_str(value)
    if item.rubric.is_range:
        steps = int(item.rubric.maximum / item.rubric.step)
        n = min(steps, max(0, round(steps * rng.uniform(quality - 0.2, 1.0))))
        return to_str(item.rubric.step * n)
    values = item.rubric.allowed_values()
    return to_str(values[-1] if rng.random() < quality else rng.choice(values))


def unit_scores(cset: CriteriaSet, rng: random.Random) -> dict[str, str]:
    quality = rng.uniform(0.55, 0.98)
    return {item.code: item_value(item, rng, quality) for item in cset.items}


def province(departments: int, districts: int, communes: int, sets: dict[str, CriteriaSet],
             seed: int = 1679) -> list[dict]:
    """Units in the CLI's evaluate format; communes spread evenly over the districts."""
    rng = random.Random(seed)
    units = []
    for n in range(1, departments + 1):
        units.append({"id": f"S{n:04d}", "name": f"Sở {n}", "kind": "department", "parent": None,
                      "scores": unit_scores(sets["department"], rng)})
    for n in range(1, districts + 1):
        units.append({"id": f"H{n:04d}", "name": f"Huyện {n}", "kind": "district", "parent": None,
                      "scores": unit_scores(sets["district"], rng)})
    for n in range(communes):
        parent = f"H{n % districts + 1:04d}"
        units.append({"id": f"X{n + 1:05d}", "name": f"Xã {n + 1}", "kind": "commune",
                      "parent": parent, "scores": unit_scores(sets["commune"], rng)})
    return units
