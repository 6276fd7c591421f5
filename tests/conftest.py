"""Shared fixtures: the shipped criteria sets, and Bắc Kạn 2021 with its named personas.

The personas are the demo accounts (parindex/core/demo.py), so what a newcomer tries with
`make run` is what the tests prove: e.g. ``syt.canbo`` (Sở Y tế) must not reach Sở Tư pháp,
``kimlu.canbo`` (Na Rì) must not reach xã Hoà Mục (Chợ Mới).
"""

from collections import Counter
from datetime import datetime

import pytest
from django.contrib.auth import get_user_model

from parindex.assessments import services as assessment_services
from parindex.core import clock, demo
from parindex.criteria.services import load_criteria_files
from parindex.periods.models import Period
from parindex.periods.timeline import VN
from parindex.units.models import PeriodUnit
from tests.snapshot import Snapshot


def pytest_collection_finish(session):
    """Every test has its own node id: pytest-xdist (`make test`) sends tests by id and would run one of each
    duplicate, silently."""
    counts = Counter(item.nodeid for item in session.items)
    if twice := sorted(nodeid for nodeid, n in counts.items() if n > 1):
        raise pytest.UsageError("Các kiểm thử trùng mã (pytest-xdist sẽ chỉ chạy một): " + ", ".join(twice[:5]))


# PostgreSQL (`make test-postgres` runs the server with autovacuum off): every test's rows are rolled back, and
# autovacuum, between tests, recorded 0 rows in pg_class for tables whose pages it could not truncate under the
# next test's locks; the planner then nested loops over thousands of rows and single queries ran for minutes.
# Instead, every VACUUM_EVERY tests that used the database, the suite vacuums it itself, between tests, when no
# lock stands in the way: the empty tables shrink to no pages, which the planner reads as "never counted" and
# estimates from their size as they fill again.
VACUUM_EVERY = 10
_since_vacuum = 0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    global _since_vacuum
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    if "_django_db_helper" not in item.fixturenames or connection.vendor != "postgresql":
        return
    _since_vacuum += 1
    if _since_vacuum >= VACUUM_EVERY:
        _since_vacuum = 0
        with item.config.stash[blocking_manager_key].unblock():
            if not connection.in_atomic_block:
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM")


# A fixed "now" for the world: 20/11/2026 10:00 Vietnam time; the demo timeline is relative to it.
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=VN)


@pytest.fixture(autouse=True)
def frozen_clock():
    """Deadline logic reads parindex.core.clock; every test runs at NOW (tests pass other times in)."""
    clock.freeze(NOW)
    yield NOW
    clock.freeze(None)


@pytest.fixture(autouse=True)
def fresh_drafts():
    """The province's draft is remembered per process by a fingerprint of its inputs; a rolled-back test
    database reuses ids under a frozen clock, so each test starts without remembered drafts."""
    from parindex.publication import province
    province.forget_drafts()
    yield
    province.forget_drafts()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded evidence goes to a temporary folder, never to the repository's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "media")}}}
    return tmp_path / "media"


CRITERIA = Snapshot("criteria")
WORLD = Snapshot("world")


@pytest.fixture
def criteria_loaded(db):
    """The three shipped criteria sets, loaded into the database as `make run` does (replayed after the
    first time, as the world is)."""
    return CRITERIA.apply(load_criteria_files)


@pytest.fixture
def world(criteria_loaded):
    """Bắc Kạn 2021: the open period, 135 assessed units, one account per role. Built by ``demo.populate``
    once per process, replayed row by row afterwards (tests/snapshot.py)."""
    WORLD.apply(lambda: demo.populate(NOW))
    return Period.objects.get(year=demo.DEMO_YEAR)


@pytest.fixture
def persona(world):
    """``persona("stp.canbo")`` → that demo user."""
    def get(username):
        return get_user_model().objects.get(username=username)
    return get


@pytest.fixture
def login(client, persona):
    """``login("stp.canbo")`` → the test client, logged in as that persona."""
    def do(username):
        client.force_login(persona(username))
        return client
    return do


# -- self-assessment helpers (used by the assessments and appraisal tests) -----------------------

# inside the demo timeline of the world: before every deadline
BEFORE_DEADLINE = datetime(2026, 11, 25, 9, 0, tzinfo=VN)


@pytest.fixture
def unit_of(world):
    def get(code):
        return PeriodUnit.objects.select_related("period").get(period=world, code=code)
    return get


@pytest.fixture
def assessment_of(unit_of):
    def get(code):
        return assessment_services.get_or_create(unit_of(code))
    return get


def best_value(item):
    """The maximum allowed value of a self item, as a person would type it."""
    return str(item.max_points).replace(".", ",")


@pytest.fixture
def fill(persona):
    """``fill(assessment, "hoamuc.canbo")``: every self item at its maximum, with an explanation."""
    def do(assessment, username, at=BEFORE_DEADLINE):
        officer = persona(username)
        for code, view in assessment_services.item_views(assessment).items():
            assessment_services.save_item(assessment, code, best_value(view.item), f"Giải trình {code}",
                                          actor=officer, version=None, at=at)
        return assessment
    return do


@pytest.fixture
def unanswered(world):
    """The world's demo survey, still open, without the demo's answers, links and paper forms: for tests
    that count what they create themselves."""
    from parindex.survey.models import Invitation, PaperForm, Response, Survey

    survey = Survey.objects.get(period=world)
    Response.objects.filter(survey=survey).delete()
    Invitation.objects.filter(survey=survey).delete()
    PaperForm.objects.filter(survey=survey).delete()
    return survey
