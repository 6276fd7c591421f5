"""The appraisal fixtures (tests/appraisal/conftest.py), used here as they are."""

from tests.appraisal import conftest as appraisal_fixtures

submit = appraisal_fixtures.submit
chomoi_team = appraisal_fixtures.chomoi_team
