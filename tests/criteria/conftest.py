"""People and a draft for the yearly edition's tests, without the whole demo world."""

import pytest
from django.contrib.auth import get_user_model

from parindex.accounts.models import Role, RoleAssignment
from parindex.criteria import services_edition as editions
from parindex.criteria.models import CriteriaSetRecord
from parindex.units.models import Unit, UnitKind


def _user(username, role=None, **scope):
    user = get_user_model().objects.create_user(username, password="x")
    if role:
        RoleAssignment.objects.create(user=user, role=role, **scope)
    return user


@pytest.fixture
def coordinator(db):
    """Sở Nội vụ: may manage periods, so may edit the criteria."""
    return _user("snv.dieuphoi", Role.PROVINCE_COORDINATOR)


@pytest.fixture
def second_coordinator(db):
    return _user("snv.dieuphoi2", Role.PROVINCE_COORDINATOR)


@pytest.fixture
def outsiders(db):
    """Everyone who must not reach the editor: a unit officer, a unit head, a district coordinator, an
    appraiser, a surveyor, the province's approver, the technical administrator."""
    commune = Unit.objects.create(key="xa-hoa-muc", kind=UnitKind.COMMUNE)
    district = Unit.objects.create(key="huyen-cho-moi", kind=UnitKind.DISTRICT)
    admin = _user("quantri", Role.ADMIN)
    return {
        "canbo": _user("hoamuc.canbo", Role.UNIT_OFFICER, unit=commune),
        "thutruong": _user("hoamuc.thutruong", Role.UNIT_HEAD, unit=commune),
        "huyen": _user("chomoi.noivu", Role.DISTRICT_COORDINATOR, unit=district),
        "thamdinh": _user("stc.thamdinh", Role.APPRAISER, agency="STC"),
        "khaosat": _user("khaosat", Role.SURVEYOR),
        "lanhdao": _user("ubnd.lanhdao", Role.PROVINCE_APPROVER),
        "quantri": admin,
    }


@pytest.fixture
def commune_2021(criteria_loaded):
    return CriteriaSetRecord.objects.get(set_id="backan-2021-commune")


@pytest.fixture
def draft(commune_2021, coordinator):
    """backan-2022-commune, copied from 2021, not yet edited (version 1)."""
    return editions.start_edition(commune_2021, actor=coordinator)
