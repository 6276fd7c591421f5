"""`make run`'s demo (issue 11 §5): a fully published 2021 built through the services on its own dates,
and 2022 in progress with its timeline moved to today.

One test builds what `manage.py demo_setup` builds (about a minute) and checks it from every side.
"""

from datetime import date
from io import BytesIO

import openpyxl
from django.contrib.auth import get_user_model
from django.test import Client

from parindex.appraisal.models import Appraisal, Stage
from parindex.audit.models import AuditEntry
from parindex.core import clock, demo, demo_history
from parindex.periods.models import Period
from parindex.periods.timeline import VN
from parindex.publication import province
from parindex.publication.models import ProvinceResults, Publication
from parindex.survey.models import Survey
from parindex.units.models import PeriodUnit, UnitKind
from parindex.units.states import WorkState

from ..conftest import NOW


def test_make_run_shows_a_published_2021_and_a_2022_in_progress(criteria_loaded, settings):
    settings.DEMO = True
    demo.setup(NOW)
    assert clock.now() == NOW  # every step ran under its own date; the caller's clock is given back

    # 2021: every unit of the three levels went through the whole cycle (sections III and V)
    done = Period.objects.get(year=demo_history.PUBLISHED_YEAR)
    units = PeriodUnit.objects.filter(period=done).exclude(kind=UnitKind.PROVINCE)
    assert units.count() == 108 + 8 + 19
    assert set(units.values_list("state", flat=True)) == {WorkState.PUBLISHED}
    appraisals = Appraisal.objects.filter(assessment__period_unit__period=done)
    assert appraisals.count() == 135 and set(appraisals.values_list("stage", flat=True)) == {Stage.FINALIZED}
    rescored = [a for a in appraisals.select_related("assessment")
                if any(a.result[c] != a.assessment.snapshot["items"][c]["points"] for c in a.result)]
    assert rescored, "the appraisal re-scores some items, so appraised points differ from self-scores"
    # V.2: each district published its communes before 31/12/2021
    districts = Publication.objects.filter(period=done, scope__startswith="district:")
    assert districts.count() == 8
    assert all(p.published_at.astimezone(VN).date() == date(2021, 12, 20) for p in districts)
    assert sum(len(p.content["units"]) for p in districts) == 108
    # V.1.1.c: the survey's whole sample was collected in December and closed
    survey = Survey.objects.get(period=done)
    assert survey.status == Survey.Status.CLOSED and survey.responses.count() > 3000
    # V.5: approved by UBND tỉnh and published in February 2022, every department and district classified
    published = province.published(done)
    assert published.version == 1 and published.published_at.astimezone(VN).date() == date(2022, 2, 10)
    assert published.content["decision"] == {"number": demo_history.DECISION_NUMBER, "date": "2022-02-08"}
    assert published.content["complete"] and not published.content["blocking"]
    rows = {kind: group["units"] for kind, group in published.content["groups"].items()}
    assert len(rows["department"]) == 19 and len(rows["district"]) == 8
    assert all(r["index"] and r["class"] and r["rank"] for group in rows.values() for r in group)
    assert any(r["class"] != r["class_by_score"] for r in rows["district"]), "the seeds give one IV.1.2 demotion"
    assert all(r["communes"]["total"] == PeriodUnit.objects.get(period=done, code=r["code"]).children.count()
               for r in rows["district"])

    # 2022: in progress, today inside its windows (the tests' NOW stands for today)
    current = Period.objects.get(year=demo.RUN_YEAR)
    assert current.status == Period.Status.OPEN
    assert current.appraisal_start <= NOW < current.appraisal_end and current.survey_start <= NOW < current.survey_end
    assert Survey.objects.get(period=current).status == Survey.Status.OPEN
    assert province.published(current) is None
    assert Publication.objects.filter(period=current, scope="district:062").exists()

    # the public reads 2021, not 2022; the API too
    public = Client()
    page = public.get("/cong-bo/2021/")
    assert page.status_code == 200 and demo_history.DECISION_NUMBER in page.content.decode()
    assert "245/QĐ-UBND" not in public.get("/cong-bo/2022/").content.decode()
    sheet = openpyxl.load_workbook(BytesIO(public.get("/cong-bo/2021/ket-qua.xlsx").content))
    cells = {c.value for ws in sheet.worksheets for row in ws.iter_rows() for c in row}
    assert {"Sở Giao thông vận tải", "Thành phố Bắc Kạn", "Huyện Na Rì"} <= cells
    api = public.get("/api/v1/periods/2021/results/province/latest")
    assert api.status_code == 200 and api.json()["version"] == 1
    assert public.get("/api/v1/periods/2022/results/province/latest").status_code == 404

    # idempotent: a second `make run` on the same database changes nothing
    entries = AuditEntry.objects.count()
    demo.setup(NOW)
    assert AuditEntry.objects.count() == entries

    # the 2021 results can be corrected by hand today (version 2; version 1 stays readable)
    User = get_user_model()
    coordinator, approver = User.objects.get(username="snv.dieuphoi"), User.objects.get(username="ubnd.lanhdao")
    province.reopen(done, "Đính chính số liệu điều tra của một huyện", actor=coordinator)
    province.submit(done, actor=coordinator)
    province.approve(done, "12/QĐ-UBND", NOW.date(), actor=approver)
    corrected = province.publish_province(done, actor=coordinator)
    assert corrected.version == 2 and corrected.reason == "Đính chính số liệu điều tra của một huyện"
    assert ProvinceResults.objects.get(period=done).status == ProvinceResults.Status.PUBLISHED
    assert public.get("/cong-bo/2021/?phien-ban=1").status_code == 200
