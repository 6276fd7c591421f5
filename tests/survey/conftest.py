import pytest

from parindex.survey import services
from parindex.survey.models import Survey

SHIPPED = services.DATA_DIR / "backan-2021-survey.yaml"


@pytest.fixture
def shipped_text():
    return SHIPPED.read_text(encoding="utf-8")


@pytest.fixture
def no_survey(world):
    """The 2021 period of the world without its demo survey (the demo loads and opens the shipped design)."""
    Survey.objects.filter(period=world).delete()
    return world


@pytest.fixture
def designed(no_survey, persona, shipped_text):
    """The shipped design loaded by the Sở Nội vụ coordinator, still being designed."""
    return services.create_survey(no_survey, shipped_text, actor=persona("snv.dieuphoi"))
