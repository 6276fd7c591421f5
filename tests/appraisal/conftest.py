"""Fixtures for appraisal: submitted self-assessments and the teams' people."""

import pytest

from parindex.accounts.models import Role
from parindex.accounts.services import grant_role
from parindex.appraisal import services
from parindex.appraisal.models import Team
from parindex.assessments import services as assessment_services
from parindex.assessments.models import Assessment
from parindex.units.models import PeriodUnit, Unit
from tests.meeting import full_meeting


@pytest.fixture
def submit(persona, fill):
    """``submit(assessment, officer, head)``: fill every item, record participants, approve and submit."""
    def do(assessment, officer, head, *, support=True):
        fill(assessment, officer)
        assessment_services.set_participants(assessment, full_meeting(assessment), actor=persona(officer))
        assessment_services.send_for_approval(assessment, actor=persona(officer))
        assessment_services.approve_and_submit(assessment, actor=persona(head))
        if not support:
            # a.1.1 submitted with neither evidence nor explanation: the submission rule now refuses
            # that, so the frozen version is edited as a sheet submitted before the rule would read
            snapshot = assessment_services.get_or_create(assessment.period_unit).snapshot
            snapshot["items"]["a.1.1"]["explanation"] = ""
            Assessment.objects.filter(pk=assessment.pk).update(snapshot=snapshot)
        return assessment_services.get_or_create(PeriodUnit.objects.get(pk=assessment.period_unit_id))
    return do


@pytest.fixture
def chomoi_team(world, persona):
    """Chợ Mới's team: chomoi.thamdinh (PNV, fields a d e, demo) is lead; more agencies granted here."""
    district = Unit.objects.get(key="gso:065")
    for agency in ("PTP", "VPHU", "PTCKH", "PVHTT"):
        grant_role(persona("chomoi.thamdinh"), Role.APPRAISER, actor=None, agency=agency, team_district=district)
    grant_role(persona("chomoi.thamdinh"), Role.APPRAISER, actor=None, agency="PNV", team_district=district,
               fields=[])
    team, _ = Team.objects.get_or_create(period=world, district=PeriodUnit.objects.get(period=world, code="065"))
    team.lead = persona("chomoi.thamdinh")
    team.save()
    return team


@pytest.fixture
def hoa_muc_appraisal(assessment_of, submit, chomoi_team):
    assessment = submit(assessment_of("02098"), "hoamuc.canbo", "hoamuc.chutich")
    return services.get_or_start(assessment)
