"""Loading criteria sets into the database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from parindex.rulebook import CriteriaSet, load
from parindex.rulebook.registry import shipped_paths

from .models import CriteriaSetRecord


@dataclass(frozen=True)
class LoadOutcome:
    set_id: str
    action: str  # "created" | "updated" | "unchanged"


def load_criteria_files(paths: list[Path] | None = None) -> list[LoadOutcome]:
    """Validate every file first (``CriteriaSetError`` on any problem), then upsert them all.

    Nothing is saved unless every file is valid.
    """
    sets: list[tuple[Path, CriteriaSet]] = [(p, load(p)) for p in (paths or shipped_paths())]
    outcomes = []
    with transaction.atomic():
        for path, cset in sets:
            record = CriteriaSetRecord.objects.filter(set_id=cset.id).first()
            if record is not None and record.sha256 == cset.sha256:
                outcomes.append(LoadOutcome(cset.id, "unchanged"))
                continue
            values = dict(
                unit_kind=cset.unit_kind, year=cset.year, title=cset.title,
                legal_basis=cset.legal_basis, provenance=cset.provenance, source=cset.source,
                sha256=cset.sha256, source_name=path.name,
            )
            CriteriaSetRecord.objects.update_or_create(set_id=cset.id, defaults=values)
            outcomes.append(LoadOutcome(cset.id, "created" if record is None else "updated"))
    return outcomes
