"""Threads saving at once, through the real views, on a database shared like a deployment's
(run by test_concurrent_saves.py in a child pytest: SQLite in a file, or PostgreSQL)."""

import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from parindex.accounts.models import Role
from parindex.accounts.services import grant_role
from parindex.appraisal.models import ItemAppraisal
from parindex.assessments import services
from parindex.assessments.models import ItemScore
from parindex.units.models import Unit
from tests.appraisal.conftest import chomoi_team, hoa_muc_appraisal, submit  # noqa: F401 - fixtures
from tests.conftest import best_value

pytestmark = pytest.mark.django_db(transaction=True)
SHEET = "/ky/2021/don-vi/02098/tu-danh-gia/muc/"
APPRAISE = "/ky/2021/tham-dinh/02098/muc/"
JSON = {"HTTP_ACCEPT": "application/json"}
THREADS = 6


def run_threads(jobs):
    """Run each job (a function of no argument returning a list of results) in its own thread, all
    released at once; every thread closes its own database connection."""
    barrier = threading.Barrier(len(jobs))
    results, failures = [], []

    def runner(job):
        try:
            barrier.wait()
            results.extend(job())
        except Exception as exc:  # noqa: BLE001 - reported below with the thread's error
            failures.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert failures == []
    return results


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_many_quick_saves_on_many_items_never_answer_500_and_keep_every_value(transactional_db, world, persona,
                                                                           assessment_of):
    hoa_muc = assessment_of("02098")
    first = persona("hoamuc.canbo")
    second = persona("khaosat")
    grant_role(second, Role.UNIT_OFFICER, actor=None, unit=Unit.objects.get(key="gso:02098"))
    views = services.item_views(hoa_muc)
    codes = [code for code, view in views.items() if not view.item.is_survey]
    wanted = {code: best_value(views[code].item) for code in codes}
    clients = [client_for(first if n % 2 == 0 else second) for n in range(THREADS)]

    def job(n):
        def work():
            statuses = []
            for code in codes[n::THREADS]:
                # two quick saves of the same item: a first value, then the final one with the new version
                r1 = clients[n].post(f"{SHEET}{code}/", {"points": "0", "version": "0", "explanation": "x"}, **JSON)
                r2 = clients[n].post(f"{SHEET}{code}/", {"points": wanted[code], "version": "1",
                                                         "explanation": f"Giải trình {code}"}, **JSON)
                statuses += [(code, r1.status_code), (code, r2.status_code)]
            return statuses
        return work

    statuses = run_threads([job(n) for n in range(THREADS)])
    assert Counter(status for _, status in statuses) == Counter({200: 2 * len(codes)})
    stored = {s.item_code: (s.points, s.explanation, s.version) for s in ItemScore.objects.filter(assessment=hoa_muc)}
    assert stored == {code: (Decimal(wanted[code].replace(",", ".")), f"Giải trình {code}", 2) for code in codes}


def test_two_people_saving_the_same_item_at_once_get_one_save_and_one_conflict(transactional_db, world, persona,
                                                                              assessment_of):
    hoa_muc = assessment_of("02098")
    second = persona("khaosat")
    grant_role(second, Role.UNIT_OFFICER, actor=None, unit=Unit.objects.get(key="gso:02098"))
    people = [client_for(persona("hoamuc.canbo")), client_for(second)]
    codes = [code for code, view in services.item_views(hoa_muc).items() if not view.item.is_survey][:4]

    def job(client, value):
        def work():
            return [(code, value, client.post(f"{SHEET}{code}/", {"points": value, "version": "0"}, **JSON))
                    for code in codes]
        return work

    results = run_threads([job(people[0], "1"), job(people[1], "0")])
    for code in codes:
        answers = sorted((r.status_code, value) for c, value, r in results if c == code)
        assert [status for status, _ in answers] == [200, 409], (code, answers)
        conflict = next(r for c, _, r in results if c == code and r.status_code == 409).json()
        assert "vừa được" in conflict["error"] and conflict["version"] == 1
        saved = next(value for status, value in answers if status == 200)
        assert ItemScore.objects.get(assessment=hoa_muc, item_code=code).points == Decimal(saved)


def test_two_appraisers_saving_at_once_never_answer_500_and_keep_every_value(
        transactional_db, hoa_muc_appraisal, persona):  # noqa: F811
    lead = persona("chomoi.thamdinh")
    member = get_user_model().objects.create_user("chomoi.tuphap", password="x")  # noqa: S106
    grant_role(member, Role.APPRAISER, actor=None, agency="PTP", team_district=Unit.objects.get(key="gso:065"))
    rows = list(hoa_muc_appraisal.items.all())
    snapshot = hoa_muc_appraisal.assessment.snapshot["items"]
    theirs = {r.item_code: snapshot[r.item_code]["points"] for r in rows if r.agency == "PTP"}
    mine = {r.item_code: snapshot[r.item_code]["points"] for r in rows if r.agency != "PTP"}
    assert theirs and mine

    def job(user, items):
        client = client_for(user)

        def work():
            return [(code, client.post(f"{APPRAISE}{code}/", {"points": points, "comment": f"Nhận xét {code}"},
                                       **JSON).status_code) for code, points in items.items()]
        return work

    halves = [dict(list(mine.items())[k::2]) for k in range(2)]
    results = run_threads([job(member, theirs), job(lead, halves[0]), job(lead, halves[1])])
    assert Counter(status for _, status in results) == Counter({200: len(theirs) + len(mine)})
    stored = {r.item_code: (r.round1_points, r.round1_comment)
              for r in ItemAppraisal.objects.filter(appraisal=hoa_muc_appraisal)}
    assert stored == {code: (Decimal(points), f"Nhận xét {code}") for code, points in {**theirs, **mine}.items()}


def test_unit_lists_loaded_at_once_never_answer_500_and_create_each_unit_once(transactional_db, world, persona):
    """Two coordinators (or two clicks) load the same draft period's unit list at once: the load locks the
    period's row, so the loads run one after the other: the first creates, the others find nothing to change."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parindex.audit.models import AuditEntry
    from parindex.periods.services import create_period
    from parindex.units.models import PeriodUnit

    coordinator = persona("snv.dieuphoi")
    period = create_period(2022, actor=coordinator)
    csv = ("level,parent,name,type,gso_code,parent_gso_code\nprovince,,Bắc Kạn,Tỉnh,06,\n"
           "district,Bắc Kạn,Huyện Chợ Mới,Huyện,065,06\ncommune,Huyện Chợ Mới,Xã Hoà Mục,Xã,02098,065\n").encode()
    clients = [client_for(coordinator) for _ in range(4)]

    def job(n):
        def work():
            upload = SimpleUploadedFile("don-vi.csv", csv, content_type="text/csv")
            return [clients[n].post("/ky/2022/danh-sach-don-vi/", {"units_file": upload}).status_code]
        return work

    statuses = run_threads([job(n) for n in range(4)])
    assert Counter(statuses) == Counter({302: 4})
    assert sorted(PeriodUnit.objects.filter(period=period).values_list("code", flat=True)) == ["02098", "06", "065"]
    loads = AuditEntry.objects.filter(action="units.loaded", object_id=str(period.pk))
    assert [e.after["created"] for e in loads] == [3]   # one load created them; the others changed nothing
