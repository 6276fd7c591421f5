import pytest

from parindex.criteria.services import load_criteria_files


@pytest.fixture
def criteria_loaded(db):
    """The three shipped criteria sets, loaded into the database as `make run` does."""
    return load_criteria_files()
