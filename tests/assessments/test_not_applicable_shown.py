"""«Không phát sinh» is shown where people score and appraise (issue 12 §3; docs/algorithms.md): the score sheet
names the condition and the full points beside each item that carries it, the appraisal page tells the appraiser
what to check. Only those items carry the note (commune b.1 does, a.1.1 does not)."""

import html
import re

from tests.appraisal.conftest import chomoi_team, hoa_muc_appraisal, submit  # noqa: F401 - fixtures

SHEET = "/ky/2021/don-vi/02098/tu-danh-gia/"
WHEN_B1 = "Trong năm không có vấn đề được luật giao phải ban hành VBQPPL"


def _item(body: str, code: str) -> str:
    start = body.index(f'id="item-{code}"')
    end = body.find('id="item-', start + 10)
    return body[start:end if end > 0 else None]


def test_the_sheet_shows_not_applicable_beside_the_items_that_carry_it(login, world):
    body = html.unescape(login("hoamuc.canbo").get(SHEET).content.decode())
    note = _item(body, "b.1")
    assert "Không phát sinh" in note and f"được 2 điểm (điểm tối đa) khi: {WHEN_B1}" in re.sub(r"\s+", " ", note)
    assert "Không phát sinh</span>" not in _item(body, "a.1.1")
    assert body.count('class="meta not-applicable"') == 4   # commune b.1, c.3.2, c.4.1, c.4.2


def test_the_appraisal_page_tells_the_appraiser_what_to_check(login, hoa_muc_appraisal):  # noqa: F811
    body = html.unescape(login("chomoi.thamdinh").get("/ky/2021/tham-dinh/02098/").content.decode())
    note = re.sub(r"\s+", " ", _item(body, "b.1"))
    assert f"Không phát sinh</span> đơn vị được 2 điểm (điểm tối đa) khi: {WHEN_B1}" in note
    assert "not-applicable" not in _item(body, "a.1.1")
