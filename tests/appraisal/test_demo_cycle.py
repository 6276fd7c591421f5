"""`make run` shows a finished commune cycle and departments awaiting appraisal (demo mode)."""

from parindex.assessments.models import Assessment, Status
from parindex.audit.models import AuditEntry
from parindex.core import demo
from parindex.publication.models import Publication
from parindex.units.models import PeriodUnit
from parindex.units.states import WorkState

from ..conftest import NOW


def test_the_demo_runs_a_commune_cycle_to_publication_through_the_services(criteria_loaded, settings):
    settings.DEMO = True
    demo.setup(NOW, history=False)
    publication = Publication.objects.get(scope="district:062")
    assert publication.version == 1
    assert len(publication.content["units"]) == 10
    assert all(row["rank"] is not None and row["class"] for row in publication.content["units"])
    states = set(PeriodUnit.objects.filter(parent__code="062").values_list("state", flat=True))
    assert states == {WorkState.PUBLISHED}
    submitted = Assessment.objects.filter(period_unit__code__in=["SKHDT", "SCT", "SXD", "SGTVT"],
                                          status=Status.SUBMITTED)
    assert submitted.count() == 4
    assert AuditEntry.objects.filter(action="appraisal.finalized").count() == 10 + 13
    chomoi = dict(PeriodUnit.objects.filter(parent__code="065").values_list("code", "state"))
    assert chomoi.pop("02098") == WorkState.NOT_STARTED  # left for the newcomer
    assert set(chomoi.values()) == {WorkState.APPRAISED}
    entries = AuditEntry.objects.count()
    demo.setup(NOW, history=False)  # idempotent
    assert AuditEntry.objects.count() == entries


def test_the_demo_opens_the_provincial_appraisal_window_so_the_four_departments_can_be_appraised(
        criteria_loaded, settings):
    """V.4 puts the provincial appraisal in January; the demo moves the window to today by the audited
    timeline edit, so snv.totruong can appraise the departments that submitted."""
    from django.contrib.auth import get_user_model

    from parindex.appraisal import services
    from parindex.periods.models import Period

    settings.DEMO = True
    demo.setup(NOW, history=False)
    period = Period.objects.get(year=demo.RUN_YEAR)
    assert period.appraisal_start <= NOW < period.appraisal_end
    change = AuditEntry.objects.get(action="period.timeline_changed")
    assert "thẩm định của tỉnh" in change.reason
    lead = get_user_model().objects.get(username="snv.totruong")
    for code in ("SKHDT", "SCT", "SXD", "SGTVT"):
        assessment = Assessment.objects.get(period_unit__code=code)
        appraisal = services.start(assessment, actor=lead)
        row = appraisal.items.first()
        services.appraise(appraisal, row.item_code, assessment.snapshot["items"][row.item_code]["points"], "",
                          actor=lead)
