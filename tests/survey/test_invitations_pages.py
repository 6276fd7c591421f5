"""The coordinator's survey links (issue 10 §2 online: links, QR codes, letters, CSV, pending list).

The demo survey is open on the shipped design; only the Sở Nội vụ coordinator reaches these pages
(tests/web/test_authorization_matrix.py has every role).
"""

import csv
import io

import pytest
import segno
from django.urls import reverse

from parindex.survey import collect, letters, services
from parindex.survey.models import Invitation

GROUP = "hdnd-so"


@pytest.fixture
def survey(unanswered):
    return unanswered


@pytest.fixture
def coordinator(login):
    return login("snv.dieuphoi")


def base(name):
    return reverse(f"survey:{name}", args=[2021])


def test_the_coordinator_creates_links_and_sees_the_counts(coordinator, survey, unit_of):
    response = coordinator.post(base("invitations"), {"group": GROUP, "unit": "SYT", "count": 3})
    assert response.status_code == 302
    assert Invitation.objects.filter(survey=survey, group=GROUP, unit=unit_of("SYT")).count() == 3
    page = coordinator.get(base("invitations")).content.decode()
    assert "Sở Y tế" in page and "Thư mời (PDF)" in page


@pytest.mark.parametrize(("data", "message"), [
    ({"group": GROUP, "unit": "SYT", "count": 0}, ""),
    ({"group": GROUP, "unit": "SYT", "count": 5000}, ""),
    ({"group": "khong-co", "unit": "SYT", "count": 1}, ""),
    ({"group": GROUP, "unit": "065", "count": 1}, "không đánh giá"),   # a district: the group evaluates sở
])
def test_bad_creation_is_refused_and_creates_nothing(coordinator, survey, data, message):
    response = coordinator.post(base("invitations"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Invitation.objects.filter(survey=survey).count() == 0


def make(survey, unit, persona, n=2, group=GROUP):
    return collect.create_invitations(survey, group, unit, n, actor=persona("snv.dieuphoi"),
                                      design=services.design_of(survey))


def test_csv_of_links_reads_back_with_full_urls(coordinator, survey, unit_of, persona):
    made = make(survey, unit_of("SYT"), persona)
    Invitation.objects.filter(pk=made[0].pk).update(label="Đại biểu Nguyễn Văn A", contact="zalo 0912 000 000")
    response = coordinator.get(base("invitations_csv"), {"nhom": GROUP, "don-vi": "SYT"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())          # Excel reads UTF-8 with a BOM
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == list(letters.CSV_HEADER)
    assert len(rows) == 3
    by_token = {r[4].rstrip("/").rsplit("/", 1)[-1]: r for r in rows[1:]}
    first = by_token[made[0].token]
    assert first[:4] == ["Đại biểu Nguyễn Văn A", "zalo 0912 000 000", "Sở Y tế", services.design_of(survey)
                         .group(GROUP).title]
    assert first[4] == f"http://testserver/phieu/{made[0].token}/"


def test_unknown_group_or_unit_in_exports_is_404(coordinator, survey):
    assert coordinator.get(base("invitations_csv"), {"nhom": "khong-co", "don-vi": "SYT"}).status_code == 404
    assert coordinator.get(base("invitations_pdf"), {"nhom": GROUP, "don-vi": "02098"}).status_code == 404
    assert coordinator.get(base("invitations_pdf")).status_code == 404


def test_letters_pdf_one_page_per_pending_link_with_the_link_inside(coordinator, survey, unit_of, persona):
    """No PDF text reader is installed: the letters' HTML is laid out again by WeasyPrint to count the pages."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    made = make(survey, unit_of("SYT"), persona, n=3)
    response = coordinator.get(base("invitations_pdf"), {"nhom": GROUP, "don-vi": "SYT"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    html = render_to_string("survey/invitations/letters.html", response.context.flatten())
    assert all(f"http://testserver/phieu/{i.token}/" in html for i in made)
    # each letter's QR code is segno's code of that letter's own link (no QR decoder is installed to read it back)
    assert all(letters.qr_svg(f"http://testserver/phieu/{i.token}/") in html for i in made)
    assert html.count("<svg") == 3 and "Sở Y tế" in html and "THƯ MỜI" in html
    assert len(HTML(string=html).render().pages) == 3


def test_letters_of_a_pair_without_pending_links_go_back_with_a_message(coordinator, survey):
    response = coordinator.get(base("invitations_pdf"), {"nhom": GROUP, "don-vi": "SYT"})
    assert response.status_code == 302 and response["Location"] == base("invitations")


def test_the_qr_code_holds_the_link():
    """A 43-character token in a 70-character URL: a version 4–5 code, medium error correction."""
    url = "https://chisocchc.backan.gov.vn/phieu/" + collect.new_token() + "/"
    svg = letters.qr_svg(url)
    assert svg.startswith("<svg") and "<script" not in svg
    qr = segno.make(url, error="m", micro=False)
    assert qr.error == "M" and qr.mode == "byte" and qr.version <= 6
    other = letters.qr_svg(url.replace("/phieu/", "/phieu/x"))
    assert svg != other and letters.qr_svg(url) == svg        # one link, one code; another link, another


def test_pending_list_shows_the_links_not_yet_answered(coordinator, survey, unit_of, persona):
    made = make(survey, unit_of("SYT"), persona, n=2)
    Invitation.objects.filter(pk=made[1].pk).update(completed_on="2026-11-19")
    page = coordinator.get(base("invitations_pending"))
    assert page["Cache-Control"] == "no-store"
    text = page.content.decode()
    assert made[0].token in text and made[1].token not in text


def test_surveyors_and_units_do_not_reach_the_links(login, survey, unit_of, persona):
    make(survey, unit_of("SYT"), persona)
    for who in ("khaosat", "syt.canbo", "admin"):
        client = login(who)
        for name in ("invitations", "invitations_csv", "invitations_pending"):
            assert client.get(base(name)).status_code == 403


def test_links_for_a_list_of_recipients_carry_their_names_and_contacts(coordinator, survey):
    people = "Đại biểu Nguyễn Văn A; zalo 0912 000 000\n\nĐại biểu Trần Thị B;b@example.vn\nĐại biểu Hà Văn C\n"
    response = coordinator.post(base("invitations"), {"group": GROUP, "unit": "SYT", "recipients": people})
    assert response.status_code == 302
    made = {(i.label, i.contact) for i in Invitation.objects.filter(survey=survey, group=GROUP)}
    assert made == {("Đại biểu Nguyễn Văn A", "zalo 0912 000 000"), ("Đại biểu Trần Thị B", "b@example.vn"),
                    ("Đại biểu Hà Văn C", "")}
    assert "Đại biểu Trần Thị B" in coordinator.get(base("invitations_pending")).content.decode()


@pytest.mark.parametrize(("data", "message"), [
    ({"recipients": "A\nB", "count": 3}, "Danh sách có 2 người"),
    ({"recipients": "x" * 201}, "tối đa 200 ký tự"),
    ({}, "Nhập số đường dẫn"),
])
def test_a_bad_recipient_list_creates_nothing(coordinator, survey, data, message):
    response = coordinator.post(base("invitations"), {"group": GROUP, "unit": "SYT", **data})
    assert response.status_code == 400 and message in response.content.decode()
    assert Invitation.objects.filter(survey=survey).count() == 0


def test_a_list_longer_than_the_population_creates_nothing(coordinator, survey):
    people = "\n".join(f"Người {n}" for n in range(60))        # the council has 50 delegates
    response = coordinator.post(base("invitations"), {"group": GROUP, "unit": "SYT", "recipients": people})
    assert response.status_code == 400 and "chỉ tạo thêm được" in response.content.decode()
    assert Invitation.objects.filter(survey=survey).count() == 0
