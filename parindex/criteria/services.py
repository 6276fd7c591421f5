"""Loading criteria sets into the database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from parindex.rulebook import CriteriaSet, CriteriaSetError, Problem, load
from parindex.rulebook.registry import shipped_paths

from .models import CriteriaSetRecord


@dataclass(frozen=True)
class LoadOutcome:
    set_id: str
    action: str  # "created" | "updated" | "unchanged"


def load_criteria_files(paths: list[Path] | None = None) -> list[LoadOutcome]:
    """Validate every file first (``CriteriaSetError`` on any problem), then upsert them all.

    Nothing is saved unless every file is valid. A file never replaces an edition made in the site (a
    draft, or an approved edition copied from another): that one is changed in the site, or not at all.
    """
    sets: list[tuple[Path, CriteriaSet]] = [(p, load(p)) for p in (paths or shipped_paths())]
    made_in_site = {r.set_id: r for r in CriteriaSetRecord.objects.filter(
        set_id__in=[c.id for _p, c in sets]).exclude(status="approved", based_on__isnull=True).defer("source")}
    clashes = [Problem(str(p), 0, c.id, "bộ tiêu chí cùng mã đang được soạn hoặc đã được phê duyệt trong hệ "
                       "thống; không nạp đè từ tệp") for p, c in sets
               if c.id in made_in_site and made_in_site[c.id].sha256 != c.sha256]
    if clashes:
        raise CriteriaSetError(clashes)
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
