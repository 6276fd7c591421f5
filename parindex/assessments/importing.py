"""Importing a filled score sheet (.xlsx): all of it or nothing, one audit entry for the whole file."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from parindex.audit.services import record
from parindex.rulebook.numbers import to_str

from . import excel, services
from .models import Assessment, ItemScore


def _shown(points: Decimal | None) -> str | None:
    return to_str(points) if points is not None else None  # "1", not the column's "1.0000"


def check_may_import(assessment: Assessment, actor, at=None) -> None:
    """The state, permission and deadline checks of an import, before its file is even read."""
    services._require_editable(assessment, actor, at)


def import_scores(assessment: Assessment, data: bytes, *, actor, request=None, at=None, checked=None) -> int:
    """Write every item whose points or explanation the file changes; return how many changed.

    The whole file is checked first (``excel.parse`` lists every problem with its row); nothing is
    saved unless all of it is valid. The writes happen in one transaction under the assessment's
    lock, after the same state, permission and deadline checks as saving one item. ``checked`` (a
    background job's progress) is called once the file is read and valid, before the writes.
    """
    check_may_import(assessment, actor, at)  # fail fast, before reading the file
    parsed = excel.parse(assessment, data)
    wanted = {code: (services.parse_points(assessment, code, raw), (explanation or "").strip())
              for code, (raw, explanation) in parsed.items()}
    if checked is not None:
        checked(len(wanted))
    with transaction.atomic():
        assessment = services._lock(assessment)
        services._require_editable(assessment, actor, at)
        current = {s.item_code: s for s in ItemScore.objects.filter(assessment=assessment)}  # under the sheet's lock
        before, after = {}, {}
        now = timezone.now()
        for code, (points, explanation) in wanted.items():
            score = current.get(code)
            old_points = score.points if score else None
            old_explanation = score.explanation if score else ""
            if old_points == points and old_explanation == explanation:
                continue
            if score is None:
                score = ItemScore(assessment=assessment, item_code=code)
            before[code] = {"points": _shown(old_points), "explanation": old_explanation}
            after[code] = {"points": _shown(points), "explanation": explanation}
            score.points = points
            score.explanation = explanation
            score.version += 1
            score.updated_by = actor
            score.updated_at = now
            score.save()
        if after:
            services._start(assessment, actor)
            record("assessment.imported", assessment, actor=actor, request=request, before=before, after=after)
    return len(after)
