"""Locks that hold only what they must (issue 9 §3; docs/decisions.md, "Locks").

A real step on one unit is stopped in the middle of its transaction — after it has taken every
lock it takes — in a thread with its own database connection. Meanwhile the same kind of step on
another unit must finish at once (well inside the lock timeout these tests set), and the same step
on the same unit must wait, then answer a clear ``Conflict`` with nothing saved.

PostgreSQL only: SQLite has no row locks (a write transaction holds the whole database's write
lock until it commits), so there these tests have nothing to measure; the CI runs them on
PostgreSQL. The part of the design that needs no second connection (a submission whose sheet
changed while its snapshot was built) is tested on both databases in test_submission.py.
"""

import threading
import time
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from parindex.accounts.models import Role
from parindex.accounts.services import grant_role
from parindex.appraisal import services as appraisal_services
from parindex.appraisal.models import ItemAppraisal
from parindex.assessments import services
from parindex.assessments.models import Assessment, ItemScore, Status
from parindex.core.errors import Conflict
from parindex.publication import services as publication_services
from parindex.publication.models import Publication
from parindex.units.models import PeriodUnit, Unit
from tests.conftest import BEFORE_DEADLINE, best_value
from tests.meeting import full_meeting

pytestmark = [pytest.mark.django_db(transaction=True)]

WAIT = 2  # seconds: the lock timeout of these tests. The held step stays stopped until the block ends,
# so a step that waited on its locks could only end in a Conflict after WAIT: success in < WAIT is proof.
BUSY = "Nhiều người đang lưu cùng lúc nên thay đổi của bạn chưa được lưu"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def short_locks(settings):
    settings.LOCK_TIMEOUT_SECONDS = WAIT


class Holder:
    """A step running in a thread of its own, stopped at ``pause`` until the test lets it go."""

    def __init__(self):
        self.reached, self.release = threading.Event(), threading.Event()
        self.result = self.error = None

    def pause(self):
        self.reached.set()
        if not self.release.wait(timeout=60):
            raise TimeoutError("the test never released the held step")


@contextmanager
def holding(job, monkeypatch=None, stop_in=None):
    """Run ``job(pause)`` in a thread with its own database connection; it stops when it calls
    ``pause`` or, with ``stop_in=(module, name)``, when the real step calls that function of its
    module (inside its transaction, after its locks). The block runs while it is stopped there."""
    holder = Holder()
    if stop_in is not None:
        module, name = stop_in
        original = getattr(module, name)

        def stopped(*args, **kwargs):
            if threading.current_thread() is not threading.main_thread():
                holder.pause()
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, stopped)

    def run():
        try:
            holder.result = job(holder.pause)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            holder.error = exc
        finally:
            holder.reached.set()
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert holder.reached.wait(timeout=60)
    assert holder.error is None, repr(holder.error)  # it stopped where it should, holding its locks
    try:
        yield holder
        assert not holder.release.is_set()  # the block ran while the other step held its locks
    finally:
        holder.release.set()
        thread.join(timeout=60)
    assert not thread.is_alive()


def timed(step):
    started = time.monotonic()
    result = step()
    return result, time.monotonic() - started


def items(assessment) -> list[tuple[str, str]]:
    """(code, best value) of the sheet's self items, in order."""
    return [(code, best_value(view.item)) for code, view in services.item_views(assessment).items()]


def save(assessment, user, n=0):
    code, value = items(assessment)[n]
    return services.save_item(assessment, code, value, f"Giải trình {code}", actor=user, version=None,
                              at=BEFORE_DEADLINE)


def make_user(username, role, unit_key):
    user = get_user_model().objects.create_user(username)
    grant_role(user, role, actor=None, unit=Unit.objects.get(key=unit_key))
    return user


# -- the self-assessment ---------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "username"), [("02158", "kimlu.canbo"), ("STP", "stp.canbo")],
                         ids=["another-commune-same-criteria-set", "a-department-another-criteria-set"])
def test_a_save_waits_for_nothing_a_save_on_another_unit_holds(world, persona, assessment_of, monkeypatch,
                                                               code, username):
    hoa_muc, theirs = assessment_of("02098"), assessment_of(code)
    officer, other = persona("hoamuc.canbo"), persona(username)
    with holding(lambda pause: save(hoa_muc, officer), monkeypatch, (services, "record")) as held:
        score, seconds = timed(lambda: save(theirs, other))
    assert score.version == 1 and seconds < WAIT, seconds
    assert held.error is None and held.result.version == 1  # the held save completed afterwards


def test_a_save_on_the_same_sheet_waits_then_answers_a_conflict_and_saves_nothing(world, persona, assessment_of,
                                                                                 monkeypatch, client):
    hoa_muc = assessment_of("02098")
    officer = persona("hoamuc.canbo")
    second = items(hoa_muc)[1][0]
    client.force_login(officer)
    with holding(lambda pause: save(hoa_muc, officer), monkeypatch, (services, "record")):
        started = time.monotonic()
        with pytest.raises(Conflict) as refused:
            save(hoa_muc, officer, n=1)
        assert time.monotonic() - started >= WAIT * 0.9  # it waited for the lock, up to the timeout
        assert refused.value.message.startswith(BUSY)
        response = client.post(f"/ky/2021/don-vi/02098/tu-danh-gia/muc/{second}/", {"points": "1", "version": "0"},
                               **JSON)
        assert response.status_code == 409 and response.json()["error"].startswith(BUSY)
    assert not ItemScore.objects.filter(assessment=hoa_muc, item_code=second).exists()
    assert ItemScore.objects.get(assessment=hoa_muc, item_code=items(hoa_muc)[0][0]).version == 1


def test_a_plain_row_lock_on_one_sheet_stops_that_sheet_only(world, persona, assessment_of):
    hoa_muc, kim_lu, stp = assessment_of("02098"), assessment_of("02158"), assessment_of("STP")

    def lock_hoa_muc(pause):
        with transaction.atomic():
            Assessment.objects.select_for_update().get(pk=hoa_muc.pk)
            pause()

    with holding(lock_hoa_muc):
        for sheet, username in ((kim_lu, "kimlu.canbo"), (stp, "stp.canbo")):
            score, seconds = timed(lambda sheet=sheet, username=username: save(sheet, persona(username)))
            assert score.version == 1 and seconds < WAIT, (username, seconds)
        with pytest.raises(Conflict):
            save(hoa_muc, persona("hoamuc.canbo"))
    assert not ItemScore.objects.filter(assessment=hoa_muc).exists()


# -- the submission ----------------------------------------------------------------------------------

@pytest.fixture
def kim_lu_awaiting(world, persona, assessment_of, fill):
    """Kim Lư (Na Rì) filled, its meeting recorded and sent to its head (created here) for approval."""
    sheet = fill(assessment_of("02158"), "kimlu.canbo")
    services.set_participants(sheet, full_meeting(sheet), actor=persona("kimlu.canbo"), at=BEFORE_DEADLINE)
    services.send_for_approval(sheet, actor=persona("kimlu.canbo"), at=BEFORE_DEADLINE)
    head = make_user("kimlu.chutich", Role.UNIT_HEAD, "gso:02158")
    return services.get_or_create(sheet.period_unit), head


def test_a_submission_goes_through_while_another_sheet_is_being_saved(world, persona, assessment_of, monkeypatch,
                                                                      kim_lu_awaiting):
    kim_lu, head = kim_lu_awaiting
    hoa_muc, officer = assessment_of("02098"), persona("hoamuc.canbo")
    with holding(lambda pause: save(hoa_muc, officer), monkeypatch, (services, "record")):
        submitted, seconds = timed(lambda: services.approve_and_submit(kim_lu, actor=head, at=BEFORE_DEADLINE))
    assert submitted.status == Status.SUBMITTED and seconds < WAIT, seconds
    assert PeriodUnit.objects.get(code="02158").state == "submitted"


def test_the_submission_snapshot_is_built_before_the_sheet_is_locked(world, monkeypatch, kim_lu_awaiting):
    kim_lu, head = kim_lu_awaiting
    submit = lambda pause: services.approve_and_submit(kim_lu, actor=head, at=BEFORE_DEADLINE)  # noqa: E731
    with holding(submit, monkeypatch, (services, "build_snapshot")):
        with transaction.atomic():  # while the snapshot is being built, the sheet's row is free
            Assessment.objects.select_for_update(nowait=True).get(pk=kim_lu.pk)
    stored = Assessment.objects.get(pk=kim_lu.pk)
    assert stored.status == Status.SUBMITTED and len(stored.snapshot["items"]) == len(items(kim_lu))


# -- the appraisal -----------------------------------------------------------------------------------

@pytest.fixture
def two_appraisals(world, assessment_of, submit, chomoi_team):
    """Hòa Mục and Bằng Phúc (02086), two communes of Chợ Mới, submitted; their appraisals started."""
    make_user("xa02086.canbo", Role.UNIT_OFFICER, "gso:02086")
    make_user("xa02086.chutich", Role.UNIT_HEAD, "gso:02086")
    return [appraisal_services.get_or_start(submit(assessment_of(code), officer, head))
            for code, officer, head in (("02098", "hoamuc.canbo", "hoamuc.chutich"),
                                        ("02086", "xa02086.canbo", "xa02086.chutich"))]


def appraise(appraisal, user, n=0):
    row = appraisal.items.order_by("id")[n]
    points = appraisal.assessment.snapshot["items"][row.item_code]["points"]
    return appraisal_services.appraise(appraisal, row.item_code, points, "", actor=user)


def test_an_appraisal_save_waits_for_nothing_another_units_appraisal_holds(persona, two_appraisals, monkeypatch):
    hoa_muc, other = two_appraisals
    lead = persona("chomoi.thamdinh")
    with holding(lambda pause: appraise(hoa_muc, lead), monkeypatch, (appraisal_services, "record")):
        row, seconds = timed(lambda: appraise(other, lead))
        assert row.round1_points is not None and seconds < WAIT, seconds
        with pytest.raises(Conflict):  # the same unit's appraisal: its row is the one lock of its steps
            appraise(hoa_muc, lead, n=1)
    assert ItemAppraisal.objects.filter(appraisal=hoa_muc, round1_points__isnull=False).count() == 1


# -- the publication ---------------------------------------------------------------------------------

def finalized_directly(district):
    """Every commune of the district with a finalized appraisal (written directly: these tests are
    about locks; the appraisal flow itself is tested in tests/appraisal)."""
    from parindex.appraisal.models import Appraisal, Stage

    record_ = district.period.criteria_sets.get(unit_kind="commune")
    codes = [item.code for item in record_.parsed().items if not item.is_survey]
    for commune in district.children.filter(kind="commune"):
        sheet = Assessment.objects.create(period_unit=commune, criteria_set=record_, status=Status.SUBMITTED,
                                          snapshot={"items": {}})
        Appraisal.objects.create(assessment=sheet, stage=Stage.FINALIZED, result=dict.fromkeys(codes, "0"))
    district.children.filter(kind="commune").update(state="appraised")
    return district


@pytest.fixture
def districts(world, unit_of):
    return finalized_directly(unit_of("065")), finalized_directly(unit_of("066"))


def test_a_district_publishes_while_another_districts_publication_is_in_progress(persona, districts, monkeypatch):
    chomoi, nari = districts
    first = lambda pause: publication_services.publish_communes(chomoi, actor=persona("chomoi.noivu"))  # noqa: E731
    with holding(first, monkeypatch, (publication_services, "record")):
        published, seconds = timed(lambda: publication_services.publish_communes(nari, actor=persona("nari.noivu")))
        assert published.version == 1 and seconds < WAIT, seconds
        with pytest.raises(Conflict):  # the same district: its row serialises its publications
            publication_services.publish_communes(chomoi, actor=persona("chomoi.noivu"), reason="Lần nữa")
    assert sorted(Publication.objects.values_list("scope", "version")) == [("district:065", 1), ("district:066", 1)]


def test_a_district_publishes_while_the_provinces_publication_is_in_progress(world, persona, districts, monkeypatch):
    _chomoi, nari = districts
    province = lambda pause: publication_services.publish(world, "province", {"units": []},  # noqa: E731
                                                          actor=persona("snv.dieuphoi"))
    with holding(province, monkeypatch, (publication_services, "record")):
        published, seconds = timed(lambda: publication_services.publish_communes(nari, actor=persona("nari.noivu")))
        assert published.version == 1 and seconds < WAIT, seconds
        with pytest.raises(Conflict):  # the same scope at the same time: one of the two gets the version
            publication_services.publish(world, "province", {"units": [1]}, actor=persona("snv.dieuphoi"))
    assert sorted(Publication.objects.values_list("scope", "version")) == [("district:066", 1), ("province", 1)]


# -- the province's results (issue 11 §2): one row serialises every step --------------------------------------

def test_overlapping_steps_on_the_provinces_results_wait_then_answer_a_conflict_and_publish_once(
        world, ready, persona, monkeypatch):
    """The coordinator publishes twice at once (a double click on two tabs) and the approver sends the results
    back meanwhile: the first publication holds the period's ProvinceResults row; the others wait, answer a
    Conflict and change nothing; afterwards they are refused as out of order, and there is one version."""
    from parindex.core.errors import DomainError
    from parindex.publication import province
    from parindex.publication.models import ProvinceResults
    from tests.publication.province_world import AFTER_START

    ready()
    coordinator, approver = persona("snv.dieuphoi"), persona("ubnd.lanhdao")
    province.submit(world, actor=coordinator)
    province.approve(world, "12/QĐ-UBND", "15/02/2022", actor=approver)
    first = lambda pause: province.publish_province(world, actor=coordinator, at=AFTER_START)  # noqa: E731
    with holding(first, monkeypatch, (publication_services, "record")):
        with pytest.raises(Conflict):
            province.publish_province(world, actor=coordinator, at=AFTER_START)
        with pytest.raises(Conflict):
            province.send_back(world, "Xem lại điểm điều tra", actor=approver)
        assert ProvinceResults.objects.get(period=world).status == ProvinceResults.Status.APPROVED
    assert ProvinceResults.objects.get(period=world).status == ProvinceResults.Status.PUBLISHED
    with pytest.raises(DomainError):
        province.publish_province(world, actor=coordinator, at=AFTER_START)
    with pytest.raises(DomainError):
        province.send_back(world, "Xem lại điểm điều tra", actor=approver)
    assert list(Publication.objects.filter(scope="province").values_list("version", flat=True)) == [1]
