"""The public "Bộ tiêu chí" pages and the load_criteria command."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from parindex.criteria.models import CriteriaSetRecord
from parindex.rulebook import registry

BROKEN = Path(__file__).parents[1] / "rulebook" / "fixtures" / "broken"


def test_load_criteria_stores_each_set_with_its_hash_and_is_idempotent(db):
    out = StringIO()
    call_command("load_criteria", stdout=out)
    assert sorted(out.getvalue().split("\n")) == ["", "backan-2021-commune: đã nạp",
                                                  "backan-2021-department: đã nạp",
                                                  "backan-2021-district: đã nạp"]
    for cset in registry.shipped_sets():
        record = CriteriaSetRecord.objects.get(set_id=cset.id)
        assert record.sha256 == cset.sha256
        assert record.parsed().total_max == 100
    out = StringIO()
    call_command("load_criteria", stdout=out)
    assert out.getvalue().count("không đổi") == 3
    assert CriteriaSetRecord.objects.count() == 3


def test_load_criteria_with_a_broken_file_saves_nothing(db):
    good = registry.shipped_paths()[0]
    with pytest.raises(CommandError) as info:
        call_command("load_criteria", str(good), str(BROKEN / "field_sum.yaml"))
    assert "tổng điểm các tiêu chí là 6, khác điểm tối đa của lĩnh vực 7" in str(info.value)
    assert CriteriaSetRecord.objects.count() == 0


def test_home_redirects_to_the_criteria_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/bo-tieu-chi/"


def test_criteria_index_is_public_and_lists_three_sets_of_100_points(client, criteria_loaded):
    response = client.get("/bo-tieu-chi/")
    assert response.status_code == 200
    html = response.content.decode()
    for set_id in ("backan-2021-department", "backan-2021-district", "backan-2021-commune"):
        assert f'data-set="{set_id}"' in html
    assert html.count('<td class="num total">100</td>') == 3


def test_criteria_index_without_sets_explains_how_to_load(client, db):
    response = client.get("/bo-tieu-chi/")
    assert "manage.py load_criteria" in response.content.decode()


@pytest.mark.parametrize(("set_id", "self_max", "survey_max"), [
    ("backan-2021-department", "74", "26"), ("backan-2021-district", "66", "34"),
    ("backan-2021-commune", "100", "0"),
])
def test_detail_page_shows_every_item_marks_survey_items_and_totals(client, criteria_loaded, set_id,
                                                                      self_max, survey_max):
    cset = registry.find(set_id)
    html = client.get(f"/bo-tieu-chi/{set_id}/").content.decode()
    assert html.count('class="item"') == len(cset.items)
    assert html.count('data-method="survey"') == sum(1 for i in cset.items if i.is_survey)
    assert f'<th class="num" id="self-max">{self_max}</th>' in html
    assert f'<th class="num" id="survey-max">{survey_max}</th>' in html
    assert '<th class="num" id="total-max">100</th>' in html
    assert "Bản dựng lại." in html


def test_detail_page_shows_points_the_vietnamese_way(client, criteria_loaded):
    html = client.get("/bo-tieu-chi/backan-2021-commune/").content.decode()
    assert "<strong>0,5</strong>" in html
    assert "<strong>0.5</strong>" not in html


def test_unknown_set_is_404(client, criteria_loaded):
    assert client.get("/bo-tieu-chi/khong-co/").status_code == 404


def test_admin_cannot_add_or_edit_a_criteria_set(admin_client, criteria_loaded):
    record = CriteriaSetRecord.objects.first()
    assert admin_client.get("/admin/criteria/criteriasetrecord/add/").status_code == 403
    response = admin_client.post(f"/admin/criteria/criteriasetrecord/{record.pk}/change/", {"title": "x"})
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.title != "x"


def test_vietnamese_is_the_default_even_for_an_english_browser(client, criteria_loaded):
    response = client.get("/bo-tieu-chi/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.content.decode()


def test_the_language_switch_sets_english(client, criteria_loaded):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/bo-tieu-chi/"})
    assert response.status_code == 302
    response = client.get("/bo-tieu-chi/")
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()


def test_english_pages_are_translated(client, criteria_loaded):
    client.cookies["django_language"] = "en"
    html = client.get("/bo-tieu-chi/backan-2021-district/").content.decode()
    assert "Points summary" in html
    assert "Expand all" in html
    assert ">Survey</span>" in html
