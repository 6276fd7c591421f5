"""Warm-up before gunicorn forks its workers (deploy/gunicorn.conf.py, ``when_ready``; preload_app).

Every worker (and every worker started anew after ``max_requests``) would otherwise compile each template
and parse each criteria set on its first requests: about half a second of CPU per worker for the score
sheet alone, paid again at every recycling. Done once in the master, the forked workers share the result.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import DatabaseError, connections
from django.template import TemplateDoesNotExist, engines

log = logging.getLogger(__name__)


def _template_names(engine) -> list[str]:
    names = []
    for directory in engine.template_dirs:
        root = Path(directory)
        names += [str(p.relative_to(root)) for p in root.rglob("*.html")]
    return names


def warm() -> tuple[int, int]:
    """Compile every template and parse the criteria sets of the open periods: (templates, sets)."""
    templates = 0
    for engine in engines.all():
        for name in _template_names(engine):
            try:
                engine.get_template(name)
            except TemplateDoesNotExist:  # a name another engine or app dir shadows
                continue
            templates += 1
    sets = 0
    try:
        from parindex.periods.models import Period, PeriodCriteriaSet

        for stored in PeriodCriteriaSet.objects.filter(period__status=Period.Status.OPEN):
            stored.parsed()
            sets += 1
    except DatabaseError as exc:  # no database yet (first start): the workers parse on demand
        log.warning("warm-up without the criteria sets: %s", exc)
    finally:
        connections.close_all()  # never hand a connection of the master to the forked workers
    return templates, sets
