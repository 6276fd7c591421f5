"""The minutes (page, PDF, xlsx) keep round-1 points and comments from the unit until the coordinator
opens the explanation round; the appraising side reads them at once; every team member reads every
item (docs/security.md, "The minutes")."""

import io
import subprocess
import unicodedata
from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from parindex.accounts import permissions
from parindex.accounts.models import Role
from parindex.accounts.services import grant_role
from parindex.appraisal import minutes, services
from parindex.periods.timeline import VN
from parindex.units.models import Unit
from tests.appraisal.conftest import chomoi_team, hoa_muc_appraisal, submit  # noqa: F401 - fixtures
from tests.appraisal.test_rules import full_round1

URL = "/ky/2021/tham-dinh/02098/bien-ban/"
COMMENT = "MK1chậm"  # one short word: pdftotext keeps it whole in a narrow column
CHANGES = {"a.1.1": ("0,5", COMMENT)}
UNIT_SIDE = ["hoamuc.canbo", "hoamuc.chutich"]
APPRAISING_SIDE = ["chomoi.thamdinh", "chomoi.noivu", "snv.dieuphoi", "admin"]


def nfc(text):
    return unicodedata.normalize("NFC", text)


@pytest.fixture
def round1_done(hoa_muc_appraisal, persona):  # noqa: F811
    full_round1(hoa_muc_appraisal, persona("chomoi.thamdinh"), CHANGES)
    return hoa_muc_appraisal


def read_all(client, tmp_path) -> dict[str, str]:
    """The three outputs as text: the page, the PDF (pdftotext) and every cell of the xlsx."""
    page = client.get(URL)
    pdf = client.get(URL.rstrip("/") + ".pdf")
    xlsx = client.get(URL.rstrip("/") + ".xlsx")
    assert (page.status_code, pdf.status_code, xlsx.status_code) == (200, 200, 200)
    path = tmp_path / "m.pdf"
    path.write_bytes(pdf.content)
    pdf_text = subprocess.run(["/usr/bin/pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                              text=True).stdout
    ws = load_workbook(io.BytesIO(xlsx.content))[minutes.SHEET]
    cells = "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    return {"page": nfc(page.content.decode()), "pdf": nfc(" ".join(pdf_text.split())), "xlsx": nfc(cells)}


def a11_round1_cell(page: str) -> str:
    return page.split('id="line-a.1.1"')[1].split("</tr>")[0].split('<td class="num round1">')[1].split("</td>")[0]


@pytest.mark.parametrize("username", UNIT_SIDE)
def test_during_round_1_the_unit_does_not_see_round_1_in_any_output(round1_done, login, persona, username,
                                                                   tmp_path):
    texts = read_all(login(username), tmp_path)
    assert {name: nfc(COMMENT) in text for name, text in texts.items()} == {"page": False, "pdf": False,
                                                                           "xlsx": False}
    assert a11_round1_cell(texts["page"]) == ""
    assert 'id="minutes-round1-hidden"' in texts["page"]
    assert nfc("khi điều phối viên mở vòng giải trình") in texts["xlsx"]
    data = minutes.minutes_for(persona(username), round1_done)
    assert data.round1_total is None and all(line.round1 is None for line in data.lines)


@pytest.mark.parametrize("username", APPRAISING_SIDE)
def test_during_round_1_the_appraisers_lead_and_coordinators_see_it(round1_done, login, username, tmp_path):
    texts = read_all(login(username), tmp_path)
    assert {name: nfc(COMMENT) in text for name, text in texts.items()} == {"page": True, "pdf": True, "xlsx": True}
    assert a11_round1_cell(texts["page"]) == "0,5"
    assert 'id="minutes-round1-hidden"' not in texts["page"]


def test_once_the_explanation_round_opens_the_unit_sees_round_1(round1_done, login, persona, tmp_path):
    services.open_explanation(round1_done, datetime(2026, 11, 27, tzinfo=VN), actor=persona("chomoi.noivu"))
    texts = read_all(login("hoamuc.canbo"), tmp_path)
    assert {name: nfc(COMMENT) in text for name, text in texts.items()} == {"page": True, "pdf": True, "xlsx": True}
    assert a11_round1_cell(texts["page"]) == "0,5"


def test_a_field_limited_appraiser_reads_every_item_of_the_minutes(round1_done, login, world):
    """A PTP member appraising only field b reads a.1.1, appraised by the lead for PNV: the minutes
    are the team's joint document; entering points stays limited to their own items."""
    member = get_user_model().objects.create_user("chomoi.tuphap", password="x")  # noqa: S106
    grant_role(member, Role.APPRAISER, actor=None, agency="PTP", team_district=Unit.objects.get(key="gso:065"),
               fields=["b"])
    a11 = round1_done.items.get(item_code="a.1.1")
    unit = round1_done.assessment.period_unit
    assert a11.agency != "PTP" and not permissions.can_appraise_item(member, unit, a11.agency, "a")
    page = nfc(login("chomoi.tuphap").get(URL).content.decode())
    assert nfc(COMMENT) in page and a11_round1_cell(page) == "0,5"
    assert permissions.is_on_appraising_side(member, round1_done.assessment.period_unit)


def test_a_district_coordinator_is_the_units_side_for_the_districts_own_minutes(world, persona):
    from parindex.units.models import PeriodUnit

    chomoi = PeriodUnit.objects.select_related("parent").get(period=world, code="065")
    assert not permissions.is_on_appraising_side(persona("chomoi.noivu"), chomoi)
    assert permissions.is_on_appraising_side(persona("snv.dieuphoi"), chomoi)
    assert permissions.is_on_appraising_side(persona("stc.thamdinh"), chomoi)
