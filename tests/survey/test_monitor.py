"""The pages of paper forms, file import and monitoring (issue 10 §2): numbers only, bad input saves nothing."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from parindex.survey import collect, paper, views_monitor
from parindex.survey.models import PaperEntry, PaperForm, Response
from parindex.survey.services import design_of
from tests.survey.test_paper import surveyor

DAY = "15/11/2026"


@pytest.fixture
def survey(unanswered):
    """The demo survey (the shipped design, open), without the demo's answers."""
    return unanswered


@pytest.fixture
def paper_group(survey):
    return next(g for g in design_of(survey).groups if "paper" in g.modes)


@pytest.fixture
def unit(survey, paper_group, unit_of):
    from parindex.units.models import PeriodUnit

    return PeriodUnit.objects.filter(period=survey.period, kind=paper_group.evaluates).order_by("code").first()


@pytest.fixture
def serial(survey, paper_group, unit, persona):
    return paper.issue_forms(survey, paper_group.code, unit, 2, actor=persona("snv.dieuphoi"),
                             design=design_of(survey))[0]


def typed(group, key="1", **changes):
    data = {f"q-{q.code}": key for q in group.questions}
    data.update(changes)
    return data


def test_rate_is_a_decimal_percent():
    from decimal import Decimal as D

    assert views_monitor.rate(1, 3) == D("33.3")
    assert views_monitor.rate(2, 3) == D("66.7")
    assert views_monitor.rate(5, 0) is None


def test_monitoring_counts_online_paper_and_import_against_the_plan(survey, paper_group, unit, serial, persona,
                                                                     login):
    design = design_of(survey)
    answers = {q.code: "1" for q in paper_group.questions}
    collect.record_response(survey, paper_group.code, unit, answers, "import", date(2026, 11, 15), design=design)
    paper.enter(survey, serial, answers, date(2026, 11, 15), actor=persona("khaosat"), design=design)
    paper.enter(survey, serial, answers, date(2026, 11, 15), actor=surveyor("khaosat2"), design=design)
    groups = views_monitor.progress(survey, paper_group.evaluates)
    row = next(g for g in groups if g["group"].code == paper_group.code)
    cell = next(r["cell"] for r in row["rows"] if r["unit"].code == unit.code)
    assert (cell.paper, cell.imported, cell.received, cell.forms) == (1, 1, 2, 2)
    assert cell.planned == design.sample_size(paper_group, unit.code)
    page = login("khaosat").get(reverse("survey:monitor", args=[2021]) + f"?loai={paper_group.evaluates}")
    assert page.status_code == 200
    assert unit.name in page.content.decode()


def test_entry_page_double_entry_and_mismatch_resolution(survey, paper_group, serial, client, persona):
    url = reverse("survey:paper_entry", args=[2021])
    client.force_login(persona("khaosat"))
    page = client.get(url, {"so": serial})
    assert page.status_code == 200 and serial in page.content.decode()
    saved = client.post(url, {"serial": serial, "ngay": DAY, **typed(paper_group)})
    assert saved.status_code == 302
    again = client.post(url, {"serial": serial, "ngay": DAY, **typed(paper_group)})
    assert again.status_code == 200 and "người khác" in again.content.decode()
    assert PaperEntry.objects.count() == 1
    second = surveyor("khaosat2")
    client.force_login(second)
    first_q = paper_group.questions[0].code
    client.post(url, {"serial": serial, "ngay": DAY, **typed(paper_group, **{f"q-{first_q}": "9"})})
    assert PaperForm.objects.get(serial=serial).status == PaperForm.Status.MISMATCH
    listing = client.get(reverse("survey:paper_mismatches", args=[2021]))
    assert serial in listing.content.decode()
    resolve_url = reverse("survey:paper_resolve", args=[2021, serial])
    refused = client.post(resolve_url, {"ngay": DAY, "ly_do": "x", **typed(paper_group)})
    assert refused.status_code == 403
    client.force_login(surveyor("khaosat3"))
    done = client.post(resolve_url, {"ngay": DAY, "ly_do": "Phiếu gốc ghi 1", **typed(paper_group)})
    assert done.status_code == 302
    assert PaperForm.objects.get(serial=serial).status == PaperForm.Status.COUNTED
    assert Response.objects.filter(source="paper").count() == 1


def test_a_mistyped_key_saves_nothing(survey, paper_group, serial, login):
    client = login("khaosat")
    page = client.post(reverse("survey:paper_entry", args=[2021]),
                       {"serial": serial, "ngay": DAY, **typed(paper_group, key="7")})
    assert page.status_code == 200 and "không phải mã lựa chọn" in page.content.decode()
    assert PaperEntry.objects.count() == 0


def test_import_pages_upload_map_and_import(survey, paper_group, unit, login):
    client = login("snv.dieuphoi")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Đơn vị", "Ngày", *[q.code for q in paper_group.questions]])
    writer.writerow([unit.code, DAY, *["2" for _q in paper_group.questions]])
    upload = io.BytesIO(out.getvalue().encode("utf-8-sig"))
    upload.name = "kobo.csv"
    step = client.post(reverse("survey:import_upload", args=[2021]), {"tep": upload})
    assert step.status_code == 302
    page = client.get(reverse("survey:import_map", args=[2021]), {"nhom": paper_group.code})
    assert page.status_code == 200 and "kobo.csv" in page.content.decode()
    data = {"nhom": paper_group.code, "cot_don_vi": 0, "cot_ngay": 1,
            **{f"cot_{q.code}": n + 2 for n, q in enumerate(paper_group.questions)}}
    done = client.post(reverse("survey:import_map", args=[2021]), data)
    assert done.status_code == 302
    assert Response.objects.filter(source="import").count() == 1


def test_a_non_tabular_upload_is_refused_on_the_page(survey, login):
    client = login("snv.dieuphoi")
    upload = io.BytesIO(b"%PDF-1.4\x00\x00")
    upload.name = "phieu.pdf"
    page = client.post(reverse("survey:import_upload", args=[2021]), {"tep": upload})
    assert page.status_code == 200 and "không đọc được thành bảng" in page.content.decode()


def test_issue_then_print_pdf(survey, paper_group, unit, login):
    client = login("snv.dieuphoi")
    done = client.post(reverse("survey:paper_issue", args=[2021]),
                       {"nhom": paper_group.code, "don_vi": unit.code, "so_luong": "2"})
    assert done.status_code == 302
    pdf = client.get(done["Location"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_surveyors_read_the_rates_without_the_coordinators_steps(survey, login):
    page = login("khaosat").get(reverse("survey:monitor", args=[2021])).content.decode()
    assert "Tiến độ thu phiếu" in page
    assert reverse("survey:import_upload", args=[2021]) not in page
    assert reverse("survey:paper_issue", args=[2021]) not in page
    coordinator = login("snv.dieuphoi").get(reverse("survey:monitor", args=[2021])).content.decode()
    assert reverse("survey:import_upload", args=[2021]) in coordinator


def test_the_printed_forms_carry_their_serial_and_every_option_box(survey, paper_group, unit, persona, rf):
    from django.template.loader import render_to_string

    design = design_of(survey)
    serials = paper.issue_forms(survey, paper_group.code, unit, 3, actor=persona("snv.dieuphoi"), design=design)
    request = rf.get("/")
    request.csp_nonce = "n"
    html = render_to_string("survey/paper/forms_pdf.html", {
        "period": survey.period, "design": design, "forms": paper.printable(survey, serials, design)}, request)
    assert html.count('class="form"') == 3
    assert all(html.count(s) == 1 for s in serials)            # in the box; the page foot repeats it (string-set)
    assert "string(serial)" in html
    boxes = sum(len(q.scale.options) for q in paper_group.questions)
    assert html.count('class="box"') == 3 * boxes
