"""National scale (issue 9 §4): every list page is paginated or filtered by district, computes its counts
in the database, and runs the same number of queries whatever the number of units.

The periods are grown with ``benchmarks.national.grow`` (the builder `make bench` uses for 12,000 units):
here a few hundred units, enough for several pages; the speed at 12,000 is measured by `make bench`
(docs/performance.md), not here.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.list_pages import PAGES
from benchmarks.national import grow
from parindex.accounts import forms
from parindex.board import status, views
from parindex.board.status import row_for
from parindex.core import clock
from parindex.periods.models import Period
from parindex.units.models import PeriodUnit, UnitKind
from parindex.units.states import HAS_RESULT, SUBMITTED_OR_LATER

pytestmark = pytest.mark.django_db


def rows(html: str) -> int:
    return html.count('class="unit-row')


def queries_of(client, url: str) -> int:
    client.get(url)  # criteria sets parsed, sessions warmed
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def page_queries(persona, client_factory) -> dict[str, int]:
    counts = {}
    for label, username, url in PAGES:
        client = client_factory()
        if username:
            client.force_login(persona(username))
        counts[label] = queries_of(client, url)
    return counts


def test_every_list_page_runs_the_same_queries_for_30_or_300_communes_per_level(world, persona, client_factory,
                                                                                 monkeypatch):
    # the grant form lists the units up to 500 and asks for a code above: two queries fewer (not more)
    monkeypatch.setattr(forms, "LIST_UP_TO", 100_000)
    grow(world, 60, 140)  # 33 synthetic departments and districts, 32 synthetic communes
    small = page_queries(persona, client_factory)
    grow(world, 330, 440)  # ten times the synthetic units: several pages of every list
    assert PeriodUnit.objects.filter(period=world, code__startswith="BX").count() == 332
    large = page_queries(persona, client_factory)
    assert large == small
    assert max(large.values()) <= 25


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


@pytest.fixture
def national(world):
    grow(world, 330, 440)
    return world


def test_the_board_is_paginated_by_200_and_the_links_keep_the_filters(national, login):
    client = login("snv.dieuphoi")
    first = client.get("/ky/2021/bang-theo-doi/tinh/").content.decode()
    assert rows(first) == views.BOARD_PER_PAGE
    assert "Trang 1/2" in first and 'href="?trang=2"' in first and "Trang trước" not in first
    assert "330 đơn vị" in first
    second = client.get("/ky/2021/bang-theo-doi/tinh/?trang=2").content.decode()
    assert rows(second) == 130 and "Trang 2/2" in second and 'href="?trang=1"' in second and "Trang sau" not in second
    filtered = client.get("/ky/2021/bang-theo-doi/tinh/?trang_thai=not_started").content.decode()
    not_started = PeriodUnit.objects.filter(period=national, kind__in=[UnitKind.DEPARTMENT, UnitKind.DISTRICT],
                                            state="not_started").count()
    assert rows(filtered) == min(not_started, views.BOARD_PER_PAGE)
    # the counts at the top cover every unit in scope, not only the page, and are computed by the database
    assert f'<a href="?trang_thai=not_started">Chưa bắt đầu</a>: <strong>{not_started}</strong>' in first
    assert client.get("/ky/2021/bang-theo-doi/tinh/?trang=abc").status_code == 200  # a bad page: the first


def test_a_page_link_keeps_the_filters(national, login, monkeypatch):
    monkeypatch.setattr(views, "BOARD_PER_PAGE", 10)
    html = login("snv.dieuphoi").get("/ky/2021/bang-theo-doi/tinh/?trang_thai=self_assessing&trang=2").content.decode()
    assert 'href="?trang_thai=self_assessing&amp;trang=1"' in html
    assert 'href="?trang_thai=self_assessing&amp;trang=3"' in html


def test_the_overdue_filter_in_sql_agrees_with_each_rows_deadline_and_extensions(national, login):
    now = clock.now()
    # the period's deadlines a day ago: the units extended by 7 days are not overdue, the others are unless submitted
    Period.objects.filter(pk=national.pk).update(self_due=now.replace(day=19), commune_self_due=now.replace(day=19))
    period = Period.objects.get(pk=national.pk)
    units = PeriodUnit.objects.filter(period=period).assessed().select_related("period").prefetch_related("extensions")
    expected = {u.code for u in units if row_for(u, now).overdue}
    extended = {u.code for u in units if row_for(u, now).extended}
    assert extended and expected and not extended & expected
    found = set(status.with_deadline(PeriodUnit.objects.filter(period=period).assessed(), period)
                .filter(status.overdue_q(now)).values_list("code", flat=True))
    assert found == expected
    counted = status.progress(PeriodUnit.objects.filter(period=period).assessed(), period, now)
    assert counted["late"] == len(expected)
    assert counted["pending"] == sum(1 for u in units if u.state not in SUBMITTED_OR_LATER)
    assert counted["with_result"] == sum(1 for u in units if u.state in HAS_RESULT)
    html = login("snv.dieuphoi").get("/ky/2021/bang-theo-doi/tinh/?qua_han=1").content.decode()
    late_upper = {u.code for u in units if u.code in expected and u.kind != UnitKind.COMMUNE}
    assert rows(html) == min(len(late_upper), views.BOARD_PER_PAGE)
    assert html.count('class="unit-row overdue"') == rows(html)


def test_above_500_communes_the_commune_board_shows_one_district_with_a_selector(national, login, monkeypatch):
    monkeypatch.setattr(views, "COMMUNES_BY_DISTRICT_ABOVE", 100)
    client = login("snv.dieuphoi")
    html = client.get("/ky/2021/bang-theo-doi/xa/").content.decode()
    first = PeriodUnit.objects.filter(period=national, kind=UnitKind.DISTRICT).order_by("code").first()
    assert rows(html) == first.children.count() > 0
    assert f'<option value="{first.code}" selected>' in html and 'id="by-district"' in html
    assert '<option value="">' not in html.split('name="huyen"')[1].split("</select>")[0]  # no «Tất cả» here
    total = PeriodUnit.objects.filter(period=national, kind=UnitKind.COMMUNE).count()
    assert f"Có {total} xã trong phạm vi của bạn" in html
    counts = [int(n) for n in re.findall(r"</a>: <strong>(\d+)</strong>", html)]
    assert sum(counts) == total  # the counts cover the whole scope
    other = PeriodUnit.objects.filter(period=national, kind=UnitKind.DISTRICT, code__startswith="BH").last()
    assert rows(client.get(f"/ky/2021/bang-theo-doi/xa/?huyen={other.code}").content.decode()) == \
        other.children.count()
    # a district coordinator (14 communes) keeps the whole list and «Tất cả»
    own = login("chomoi.noivu").get("/ky/2021/bang-theo-doi/xa/").content.decode()
    assert rows(own) == 14 and 'id="by-district"' not in own


def test_the_commune_summary_counts_in_the_database_and_is_paginated(national, login):
    html = login("snv.dieuphoi").get("/ky/2021/tong-hop-xa/").content.decode()
    districts = PeriodUnit.objects.filter(period=national, kind=UnitKind.DISTRICT).order_by("code")
    assert html.count("<tr data-code=") == 50 and f"Trang 1/{(districts.count() + 49) // 50}" in html
    complete = 0
    for d in districts:
        states = [c.state for c in d.children.all()]
        complete += bool(states) and all(s in HAS_RESULT for s in states)
    assert f"{complete}/{districts.count()} huyện đã đủ kết quả cấp xã" in html
    d = districts[0]
    row = html.split(f'<tr data-code="{d.code}">')[1].split("</tr>")[0]
    children = list(d.children.all())
    assert (f'<td class="num">{len(children)}</td>'
            f'<td class="num">{sum(c.state in SUBMITTED_OR_LATER for c in children)}</td>'
            f'<td class="num">{sum(c.state in HAS_RESULT for c in children)}</td>') in row


def test_the_home_page_counts_match_the_units(national, login):
    now = clock.now()
    units = (PeriodUnit.objects.filter(period=national, kind__in=[UnitKind.DEPARTMENT, UnitKind.DISTRICT])
             .select_related("period").prefetch_related("extensions"))
    pending = sum(1 for u in units if not row_for(u, now).done)
    late = sum(1 for u in units if row_for(u, now).overdue)
    html = login("snv.dieuphoi").get("/").content.decode()
    assert f"{pending} đơn vị chưa nộp, {late} đơn vị quá hạn" in html


def test_the_appraisers_list_is_paginated_with_stage_counts(national, login):
    html = login("snv.dieuphoi").get("/ky/2021/tham-dinh/").content.decode()
    assert rows(html) == 50 and "Trang 1/" in html
    counts = dict(re.findall(r'data-stage-count="(\w*)">[^<]*: <strong>(\d+)</strong>', html))
    submitted = PeriodUnit.objects.filter(period=national, assessment__status="submitted")
    assert sum(int(n) for n in counts.values()) == submitted.count()
    assert int(counts[""]) == submitted.filter(assessment__appraisal__isnull=True).count()
    assert int(counts["finalized"]) == submitted.filter(assessment__appraisal__stage="finalized").count() > 0


def test_the_people_page_is_paginated_and_searchable(national, login):
    client = login("snv.dieuphoi")
    html = client.get("/tai-khoan/nguoi-dung/").content.decode()
    assert html.count('class="person"') == 50 and "Trang sau" in html
    found = client.get("/tai-khoan/nguoi-dung/?tim=bench.bx00007").content.decode()
    assert found.count('class="person"') == 1 and "Xã thử nghiệm 7" in found
    # more than 500 units: the unit is typed as a code, not chosen among every unit of the country
    assert '<select name="g-unit"' not in html and 'name="g-unit"' in html


def test_the_public_year_page_is_paginated(national, client, persona):
    from parindex.publication.models import Publication

    Publication.objects.bulk_create(  # the 8 Bắc Kạn districts publish too: 44 + 8 = 52 districts
        Publication(period=national, scope=f"district:{d.code}", published_at=clock.now(),
                    published_by=persona("snv.dieuphoi"), content={"units": []})
        for d in PeriodUnit.objects.filter(period=national, kind=UnitKind.DISTRICT).exclude(code__startswith="BH"))
    published = Publication.objects.filter(period=national).count()
    assert published > 50
    html = client.get("/cong-bo/2021/").content.decode()
    assert html.count('<tr id="district') == 50 and "Trang 1/2" in html
    assert client.get("/cong-bo/2021/?trang=2").content.decode().count('<tr id="district') == published - 50
    assert 'id="waiting"' in html
    assert 'id="years"' in client.get("/cong-bo/").content.decode()
