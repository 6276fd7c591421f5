"""The demo's collected survey (issue 10 §7): every department and district has survey points."""

import time

from parindex.core import demo
from parindex.survey import demo as survey_demo
from parindex.survey import results, services
from parindex.survey.models import Invitation, Response, Survey
from parindex.units.models import PeriodUnit
from tests.conftest import NOW


def test_every_department_and_district_has_survey_points(world):
    survey = services.survey_of(world)
    scores = results.current_scores(survey)
    assert set(scores) == {"department", "district"}
    assert len(scores["department"].units) == 19 and len(scores["district"].units) == 8
    for ks in scores.values():
        for ref in ks.units:
            assert ks.scores.points_of(ref.code), ref.code
    totals = {sum(ks.scores.points_of(r.code).values()) for ks in scores.values() for r in ks.units}
    assert len(totals) > 10  # per-unit answer distributions differ, so do the points
    # online answers have no day (anonymity); paper forms have theirs
    assert not Response.objects.filter(source="online", received_on__isnull=False).exists()
    assert Response.objects.filter(source="paper", received_on__isnull=False).exists()


def test_a_few_links_stay_open_for_the_banner(world):
    survey = services.survey_of(world)
    token = survey_demo.open_link(survey)
    assert token and Invitation.objects.get(token=token).completed_on is None
    assert Invitation.objects.filter(survey=survey, completed_on__isnull=True).count() >= 3


def test_populating_again_adds_nothing(world):
    before = Response.objects.count()
    demo.populate(NOW)
    assert Response.objects.count() == before


def test_the_tests_sample_is_quick(world):
    Survey.objects.filter(period=world).delete()
    started = time.perf_counter()
    demo.populate(NOW)
    assert time.perf_counter() - started < 5  # the whole populate again: the survey part is a fraction
    assert PeriodUnit.objects.filter(period=world).exists()


def test_the_banner_prints_one_open_questionnaire_link(world, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.DEMO = True
    out = StringIO()
    call_command("demo_banner", "--url", "http://127.0.0.1:8000/", stdout=out)
    token = survey_demo.open_link(services.survey_of(world))
    assert f"Phiếu khảo sát mẫu (mở trên điện thoại): http://127.0.0.1:8000/phieu/{token}/" in out.getvalue()
