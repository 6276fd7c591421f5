from pathlib import Path

import pytest

from parindex.rulebook import load

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def mini():
    """Test set (10 points): a.1.1 choices 0/0,5/1; a.1.2 range 0–1 step 0,25; a.1.3 survey 1;
    a.2 criterion scored directly 0/3; b.1.1 survey 1; b.1.2 choices 0/1,5/3."""
    return load(FIXTURES / "mini.yaml")
