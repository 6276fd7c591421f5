"""Fixtures for self-assessment tests: a unit's assessment, and helpers to fill it."""

from datetime import datetime

import pytest

from parindex.assessments import services
from parindex.periods.timeline import VN
from parindex.units.models import PeriodUnit

# inside the demo timeline of the world (tests/conftest.py NOW = 20/11/2026): before every deadline
BEFORE_DEADLINE = datetime(2026, 11, 25, 9, 0, tzinfo=VN)


@pytest.fixture
def unit_of(world):
    def get(code):
        return PeriodUnit.objects.select_related("period").get(period=world, code=code)
    return get


@pytest.fixture
def assessment_of(unit_of):
    def get(code):
        return services.get_or_create(unit_of(code))
    return get


def best_value(item):
    """The maximum allowed value of a self item, as a person would type it."""
    return str(item.max_points).replace(".", ",")


@pytest.fixture
def fill(persona):
    """``fill(assessment, "hoamuc.canbo")``: every self item at its maximum, with an explanation."""
    def do(assessment, username, at=BEFORE_DEADLINE):
        officer = persona(username)
        for code, view in services.item_views(assessment).items():
            services.save_item(assessment, code, best_value(view.item), f"Giải trình {code}", actor=officer,
                               version=None, at=at)
        return assessment
    return do
