"""Publishing results: a frozen, versioned snapshot of the rulebook engine's output.

A publication is one scope's results at one moment (``Publication``: period, scope, version,
content); a correction is a new version with a reason, and every earlier version stays readable.

- Today a district publishes its communes' results (IV.2.1, V.2): ``publish_communes`` — the
  scope is ``district:<code>`` and the content comes from ``commune_results``.
- Next, the province publishes the departments' and the districts' index (IV.2.2, V.5). It reuses
  this module as it is: a ``province_results(period)`` beside ``commune_results`` (the same engine
  call over the departments and the districts, IV.1.4's rule for incomplete districts included), a
  ``publish_province`` beside ``publish_communes`` that checks ``may_act(…, "publication")`` and
  calls ``publish(period, "province", content, …)``, and the same public pages under
  ``/cong-bo/<year>/`` (the year index already lists every scope it finds).

Every step has one shape: atomic → lock the rows of the step's own scope, and only them (a
district's row; for the generic ``publish``, the scope's earlier versions) → check inside the
transaction (permission, deadline through ``periods.services.may_act``, completeness) → create the
version → audit (``publication.published``) → after-work on commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.utils import OperationalError
from django.urls import reverse
from django.utils.translation import gettext as _

from parindex.accounts import permissions
from parindex.appraisal.models import Appraisal, Stage  # the appraisal's finalized results are the input
from parindex.audit.services import record
from parindex.core import clock, locks
from parindex.core.concurrency import is_lock_conflict
from parindex.core.errors import Conflict, DomainError, NotAllowed
from parindex.periods.models import Period
from parindex.periods.services import decision_of, may_act
from parindex.periods.timeline import Step
from parindex.rulebook.engine import UnitInput, describe_class, evaluate
from parindex.rulebook.numbers import to_str
from parindex.units.models import PeriodUnit, UnitKind
from parindex.units.services import change_state
from parindex.units.states import WorkState

from .models import Publication

log = logging.getLogger("parindex.publication")

REASON_MAX = 1000  # characters: a correction's reason is a sentence or two, not a file


def district_scope(code: str) -> str:
    return f"district:{code}"


def commune_results(district: PeriodUnit) -> dict:
    """Every commune of the district, scored, indexed, classified and ranked by the engine."""
    communes = list(district.children.filter(kind=UnitKind.COMMUNE).order_by("code"))
    appraisals = {a.assessment.period_unit_id: a for a in Appraisal.objects.filter(
        assessment__period_unit__in=communes).select_related("assessment")}
    cset = district.period.criteria_sets.get(unit_kind=UnitKind.COMMUNE).parsed()
    inputs = []
    for commune in communes:
        appraisal = appraisals.get(commune.pk)
        scores = appraisal.result if appraisal is not None and appraisal.stage == Stage.FINALIZED else None
        inputs.append(UnitInput(commune.code, commune.name, "commune", district.code, scores))
    decision = decision_of(district.period)
    results = evaluate({"commune": cset}, inputs, decision=decision)
    rows = []
    for r in results:
        s = r.score
        rows.append({
            "code": r.id, "name": r.name, "total": to_str(s.total) if s else None,
            "index": format(s.index, "f") if s else None, "class": r.klass,
            "class_label": describe_class(r.klass, decision), "rank": r.rank,
            "fields": {k: to_str(v) for k, v in s.fields.items()} if s else {},
            "reasons": r.reasons,
        })
    rows.sort(key=lambda row: (row["rank"] is None, row["rank"] or 0, row["code"]))
    return {"district": {"code": district.code, "name": district.name}, "year": district.period.year,
            "criteria_set": cset.id, "criteria_sha256": cset.sha256, "units": rows,
            "complete": all(row["total"] is not None for row in rows) and bool(rows)}


def latest(period, scope: str) -> Publication | None:
    return Publication.objects.filter(period=period, scope=scope).order_by("-version").first()


def _missing(content: dict) -> str | None:
    missing = [row["name"] for row in content["units"] if row["total"] is None]
    if not missing:
        return None
    return _("Chưa công bố được: %(n)d xã chưa chốt kết quả thẩm định (%(names)s)") % {
        "n": len(missing), "names": ", ".join(missing[:8]) + ("…" if len(missing) > 8 else "")}


def _check_reason(previous: Publication | None, reason: str) -> None:
    if previous is not None and not reason:
        raise DomainError(_("Đính chính kết quả đã công bố phải ghi lý do"))
    if len(reason) > REASON_MAX:
        raise DomainError(_("Lý do đính chính dài %(n)d ký tự, tối đa %(max)d ký tự")
                          % {"n": len(reason), "max": REASON_MAX})


def _new_version(period, scope: str, content: dict, previous: Publication | None, *, actor, reason: str,
                 request) -> Publication:
    """Inside the caller's transaction, holding its lock: create, audit, and log after commit."""
    try:
        with transaction.atomic():
            publication = Publication.objects.create(
                period=period, scope=scope, version=(previous.version + 1) if previous else 1,
                published_at=clock.now(), published_by=actor, reason=reason, content=content)
    except (IntegrityError, OperationalError) as exc:
        if isinstance(exc, OperationalError) and not is_lock_conflict(exc):
            raise
        # the same version number taken (or still being taken, past the lock timeout) by another step
        raise Conflict(_("Một bản công bố khác vừa được tạo cùng lúc; hãy tải lại trang và thử lại")) from None
    record("publication.published", publication, actor=actor, request=request,
           before={"version": previous.version} if previous else None,
           after={"scope": scope, "version": publication.version}, reason=reason)
    transaction.on_commit(lambda: log.info("published %s %s version %s", scope, period.year, publication.version))
    return publication


def publish(period: Period, scope: str, content: dict, *, actor, reason: str = "", request=None) -> Publication:
    """A new version of a scope's publication (the first one needs no reason, corrections do).

    The generic step the province's publication will call; the caller checks who and when. It
    locks the scope's earlier versions only (other scopes publish at the same time); two first
    versions at once meet on the version number's unique constraint: one of them gets a Conflict.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        locks.lock_all(Publication.objects.filter(period=period, scope=scope))  # one publication of a scope at a time
        previous = latest(period, scope)
        _check_reason(previous, reason)
        return _new_version(period, scope, content, previous, actor=actor, reason=reason, request=request)


@dataclass(frozen=True)
class Preview:
    """What publishing now would do, for the confirmation page (the service checks again)."""

    content: dict
    previous: Publication | None
    problems: list[str]

    @property
    def version(self) -> int:
        return self.previous.version + 1 if self.previous else 1

    @property
    def is_correction(self) -> bool:
        return self.previous is not None

    @property
    def class_counts(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for row in self.content["units"]:
            if row["total"] is not None:
                counts[row["class_label"]] = counts.get(row["class_label"], 0) + 1
        return list(counts.items())


def _refusal(district: PeriodUnit, previous: Publication | None, at: datetime | None) -> str | None:
    """A first publication is a step of the timeline (V.2); a correction (with its reason) is not."""
    if previous is not None:
        return None
    verdict = may_act(district, Step.DISTRICT_PUBLISH, at)
    return None if verdict.allowed else verdict.message


def preview_communes(district: PeriodUnit, at: datetime | None = None) -> Preview:
    previous = latest(district.period, district_scope(district.code))
    content = commune_results(district)
    problems = [p for p in (_missing(content), _refusal(district, previous, at)) if p]
    return Preview(content, previous, problems)


def publish_communes(district: PeriodUnit, *, actor, reason: str = "", request=None,
                     at: datetime | None = None) -> Publication:
    """The district coordinator publishes the results of its communes (before V.2's deadline)."""
    if not permissions.can_publish_communes(actor, district):
        raise NotAllowed(_("Chỉ điều phối viên của %(name)s công bố kết quả cấp xã của huyện")
                         % {"name": district.name})
    reason = (reason or "").strip()
    scope = district_scope(district.code)
    with transaction.atomic():
        # the district's row serialises its publications: two clicks cannot take the same version
        district = locks.lock_one(PeriodUnit.objects.select_related("period"), pk=district.pk)
        previous = latest(district.period, scope)
        _check_reason(previous, reason)
        refusal = _refusal(district, previous, at)
        if refusal:
            raise DomainError(refusal)
        content = commune_results(district)
        missing = _missing(content)
        if missing:
            raise DomainError(missing)
        publication = _new_version(district.period, scope, content, previous, actor=actor, reason=reason,
                                   request=request)
        for commune in district.children.filter(kind=UnitKind.COMMUNE, state=WorkState.APPRAISED):
            change_state(commune, WorkState.PUBLISHED, actor=actor,
                         reason=_("Công bố lần %(v)d") % {"v": publication.version})
    return publication


# -- reading what was published --------------------------------------------------------------------

@dataclass(frozen=True)
class PublishedResult:
    """One unit's line of the newest publication that names it."""

    unit_name: str
    total: str | None
    index: str | None
    class_label: str
    rank: int | None
    ranked: int
    version: int
    published_at: datetime
    url: str


def published_result_of(unit: PeriodUnit) -> PublishedResult | None:
    """A commune's own published result: its district's newest publication (a commune of a two-level period:
    the province's, where it is ranked among every commune); None before it is published, and for departments
    and districts (their home page links the province's results)."""
    if unit.kind != UnitKind.COMMUNE or unit.parent_id is None:
        return None
    district = unit.appraising_district
    if district is None:
        shown = latest(unit.period, "province")
        units = ((shown.content.get("groups") or {}).get(UnitKind.COMMUNE) or {}).get("units", []) if shown else []
        url = reverse("publication:public_unit", args=[unit.period.year, unit.code]) if shown else ""
    else:
        shown = latest(unit.period, district_scope(district.code))
        units = shown.content.get("units", []) if shown else []
        url = reverse("publication:public_district", args=[unit.period.year, district.code])
    if shown is None:
        return None
    row = next((u for u in units if u.get("code") == unit.code), None)
    if row is None:
        return None
    return PublishedResult(
        unit_name=row["name"], total=row.get("total"), index=row.get("index"), class_label=row.get("class_label", ""),
        rank=row.get("rank"), ranked=sum(1 for u in units if u.get("rank") is not None), version=shown.version,
        published_at=shown.published_at, url=url)


@dataclass(frozen=True)
class PublishedScope:
    """A scope's newest version and the earlier ones, for the public year index."""

    scope: str
    title: str
    url: str
    newest: Publication
    earlier: list[Publication]
    units: int


def publications_of(period: Period, codes: list[str] | None = None) -> list[PublishedScope]:
    """Every scope published in the period (or only these districts'), newest version first, districts by code."""
    by_scope: dict[str, list[Publication]] = {}
    found = Publication.objects.filter(period=period)
    if codes is not None:  # one page of the public list
        found = found.filter(scope__in=[district_scope(c) for c in codes])
    for p in found.order_by("scope", "-version"):
        by_scope.setdefault(p.scope, []).append(p)
    districts = PeriodUnit.objects.filter(period=period, kind=UnitKind.DISTRICT)
    if codes is not None:
        districts = districts.filter(code__in=codes)
    districts = {d.code: d for d in districts}
    out = []
    for scope, versions in sorted(by_scope.items()):
        kind, _, code = scope.partition(":")
        if kind != "district" or code not in districts:
            continue  # the province's scope gets its own page with its publication (next issue)
        out.append(PublishedScope(
            scope=scope, title=districts[code].name,
            url=reverse("publication:public_district", args=[period.year, code]),
            newest=versions[0], earlier=versions[1:], units=len(versions[0].content.get("units", []))))
    return out


def years_published() -> list[tuple[int, int]]:
    """(year, number of public scopes published: the province's, the districts') for every period with at least
    one, newest first; counted by the database."""
    public = Q(scope="province") | Q(scope__startswith=district_scope(""))   # the survey's snapshot is internal
    rows = (Publication.objects.filter(public).order_by().values("period__year")
            .annotate(n=Count("scope", distinct=True)).order_by("-period__year"))
    return [(row["period__year"], row["n"]) for row in rows]
