"""The appraisal fixtures (tests/appraisal/conftest.py), used here as they are, and Chợ Mới finalized."""

import pytest
from django.contrib.auth import get_user_model

from parindex.accounts.models import Role
from parindex.accounts.services import grant_role
from parindex.appraisal import services
from parindex.units.models import Unit
from tests.appraisal import conftest as appraisal_fixtures
from tests.publication.province_world import ready  # noqa: F401 - the province's results' world

submit = appraisal_fixtures.submit
chomoi_team = appraisal_fixtures.chomoi_team
hoa_muc_appraisal = appraisal_fixtures.hoa_muc_appraisal

# Chợ Mới's 14 communes (code order), each self-assessed at 100; round 1 lowers some items (code → value).
ZERO_C = ["c.1.1", "c.1.2", "c.1.3", "c.2.1", "c.2.2", "c.2.3", "c.3.1", "c.3.2", "c.3.3", "c.4.1", "c.4.2",
          "c.5.1", "c.5.2"]                                             # field c: 25 points
ZERO_H14 = ["h.1.1", "h.1.2", "h.1.3", "h.1.4", "h.2.1", "h.2.2", "h.2.3", "h.3.1", "h.3.2", "h.3.3", "h.4.1",
            "h.4.2", "h.4.3", "h.4.4"]                                  # h.1–h.4: 25 points
PLANS = {
    "02086": {},                                            # 100     Xuất sắc  1
    "02089": {},                                            # 100     Xuất sắc  1 (tie)
    "02092": {"c.3.1": "0"},                                # 94      Xuất sắc  4
    "02095": {"e.1": "0", "e.2": "0"},                      # 90      Xuất sắc  6 (tie)
    "02098": {"g.1": "3,5"},                                # 99,5    Xuất sắc  3 (tie; g.1 has no 3,75: issue 12 §3.2)
    "02101": {"e.1": "0", "e.2": "0"},                      # 90      Xuất sắc  6 (tie)
    "02104": {"g.1": "3,25", "e.1": "0", "e.2": "0"},       # 89,25   Tốt       8
    "02107": {"c.3.1": "0", "e.1": "0"},                    # 89      Tốt       9
    "02110": {code: "0" for code in ZERO_C},                # 75      Khá      10
    "02113": {code: "0" for code in ZERO_C + ZERO_H14},     # 50      Khá      11 (the class's lower bound)
    "02116": {code: "0" for code in ZERO_C + ZERO_H14 + ["h.5.3"]},  # 49  Trung bình 12
    "02122": {"a.1.1": "0,5"},                              # 99,5    Xuất sắc  --
    "02125": {"a.1.1": "0,5"},                              # 99,5
    "02131": {"c.3.1": "5"},                                # 99
}


@pytest.fixture
def chomoi_finalized(world, chomoi_team, persona, assessment_of, submit, unit_of):
    """Every commune of Chợ Mới self-assessed, appraised (round 1 → final) and finalized through the services."""
    lead = persona("chomoi.thamdinh")
    User = get_user_model()
    district = unit_of("065")
    communes = list(district.children.order_by("code"))
    assert [c.code for c in communes] == sorted(PLANS)
    for commune in communes:
        if commune.code == "02098":
            officer, head = "hoamuc.canbo", "hoamuc.chutich"
        else:
            officer, head = f"xa{commune.code}.canbo", f"xa{commune.code}.chutich"
            identity = Unit.objects.get(key=f"gso:{commune.code}")
            grant_role(User.objects.create_user(officer), Role.UNIT_OFFICER, actor=None, unit=identity)
            grant_role(User.objects.create_user(head), Role.UNIT_HEAD, actor=None, unit=identity)
        appraisal = services.get_or_start(submit(assessment_of(commune.code), officer, head))
        plan = PLANS[commune.code]
        for row in appraisal.items.all():
            own = appraisal.assessment.snapshot["items"][row.item_code]["points"]
            if row.item_code in plan:
                services.appraise(appraisal, row.item_code, plan[row.item_code], "Chưa đạt yêu cầu", actor=lead)
            else:
                services.appraise(appraisal, row.item_code, own, "", actor=lead)
        services.close_explanation(appraisal, actor=lead)
        services.confirm_unchanged(appraisal, actor=lead)
        services.finalize(appraisal, actor=lead)
    return district
