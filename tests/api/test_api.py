"""The open API /api/v1/ (issue 11 §4): each endpoint's content with exact values, nothing unpublished reachable,
pagination bounds, hostile input → 4xx (never 500), every method but GET → 405, the docs page under the CSP."""

from __future__ import annotations

import pytest

from parindex.criteria.models import CriteriaSetRecord
from parindex.periods.models import Period
from parindex.periods.services import create_period
from parindex.publication import province
from parindex.publication.models import Publication
from tests.publication.province_world import AFTER_START

API = "/api/v1"
EVERY_LIST = ["/", "/criteria-sets", "/periods", "/periods/2021", "/periods/2021/units?page_size=200",
              "/periods/2021/results/districts?page_size=200", "/periods/2021/results/province",
              "/periods/2021/survey?page_size=200"]


def get(client, path: str, status: int = 200):
    response = client.get(API + path)
    assert response.status_code == status, (path, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def publish_province(world, persona, number: str = "12/QĐ-UBND"):
    province.submit(world, actor=persona("snv.dieuphoi"))
    province.approve(world, number, "15/02/2022", actor=persona("ubnd.lanhdao"))
    return province.publish_province(world, actor=persona("snv.dieuphoi"), at=AFTER_START)


# -- criteria sets ------------------------------------------------------------------------------------------

def test_the_criteria_sets(client, world):
    sets = get(client, "/criteria-sets")
    assert [(s["id"], s["unit_kind"], s["year"], s["provenance"]) for s in sets] == [
        ("backan-2021-commune", "commune", 2021, "reconstructed"),
        ("backan-2021-department", "department", 2021, "reconstructed"),
        ("backan-2021-district", "district", 2021, "reconstructed")]
    assert sets[1]["title"] == "Bộ tiêu chí xác định Chỉ số CCHC các sở, ban, ngành"
    assert {s["id"]: s["sha256"] for s in sets} == dict(CriteriaSetRecord.objects.values_list("set_id", "sha256"))


def test_one_criteria_set_with_its_fields_criteria_and_items(client, world):
    cset = get(client, "/criteria-sets/backan-2021-department")
    assert (cset["total_max"], cset["self_max"], cset["survey_max"]) == ("100", "74", "26")
    assert cset["legal_basis"] == "Quyết định 1679/QĐ-UBND ngày 10/9/2021 của UBND tỉnh Bắc Kạn, Phụ lục I"
    assert [f["code"] for f in cset["fields"]] == ["a", "b", "c", "d", "e", "g", "h"]
    field_a = cset["fields"][0]
    assert (field_a["title"], field_a["max_points"]) == ("Chỉ đạo, điều hành CCHC", "13")
    assert field_a["criteria"][0] == {
        "code": "a.1", "title": "Kế hoạch CCHC năm", "max_points": "2", "scored_directly": False, "items": [
            {"code": "a.1.1", "title": "Ban hành Kế hoạch CCHC năm của cơ quan kịp thời", "max_points": "0.5",
             "survey": False, "agency": "SNV", "agency_name": "Sở Nội vụ"},
            {"code": "a.1.2", "title": "Mức độ hoàn thành Kế hoạch CCHC năm", "max_points": "1.5",
             "survey": False, "agency": "SNV", "agency_name": "Sở Nội vụ"}]}
    items = [i for f in cset["fields"] for c in f["criteria"] for i in c["items"]]
    assert sum(1 for i in items if i["survey"]) == 26
    assert next(i for i in items if i["code"] == "a.4.2")["survey"] is True
    # the period's own copy answers the same
    assert get(client, "/periods/2021/criteria-sets/department") == cset


def test_an_unknown_criteria_set_is_404_in_vietnamese(client, world):
    body = get(client, "/criteria-sets/khong-co", 404)
    assert body["detail"] == "Không có bộ tiêu chí «khong-co»"
    assert get(client, "/periods/1999/criteria-sets/department", 404)["detail"] == "Không có kỳ đánh giá năm 1999"
    assert get(client, "/periods/2021/criteria-sets/province", 422)["errors"][0]["param"] == "unit_kind"


# -- periods and units --------------------------------------------------------------------------------------

def test_the_periods_with_their_timeline(client, world, persona):
    create_period(2022, actor=persona("snv.dieuphoi"))          # in preparation: not public
    assert Period.objects.get(year=2022).status == Period.Status.DRAFT
    periods = get(client, "/periods")
    assert [p["year"] for p in periods] == [2021]
    one = get(client, "/periods/2021")
    assert one == periods[0]
    assert (one["status"], one["status_label"], one["province_published"]) == ("open", "Đang diễn ra", False)
    assert one["timeline"]["appraisal_start"] == "2026-11-19T17:00:00Z"
    assert one["timeline"]["publication_end"] == "2027-02-17T17:00:00Z"
    assert one["timeline"]["self_due"] == world.self_due.isoformat().replace("+00:00", "Z")
    assert [(c["unit_kind"], c["id"]) for c in one["criteria_sets"]] == [
        ("commune", "backan-2021-commune"), ("department", "backan-2021-department"),
        ("district", "backan-2021-district")]
    assert get(client, "/periods/2022", 404)["detail"] == "Không có kỳ đánh giá năm 2022"
    assert get(client, "/periods/2022/units", 404)["detail"] == "Không có kỳ đánh giá năm 2022"


def test_the_units_of_a_period_filtered_and_paginated(client, world):
    every = get(client, "/periods/2021/units")
    assert (every["count"], every["page"], every["page_size"], every["pages"]) == (136, 1, 50, 3)
    assert len(every["items"]) == 50
    last = get(client, "/periods/2021/units?page=3")
    assert len(last["items"]) == 36
    districts = get(client, "/periods/2021/units?kind=district")
    assert [u["code"] for u in districts["items"]] == ["058", "060", "061", "062", "063", "064", "065", "066"]
    assert districts["items"][6] == {"code": "065", "name": "Huyện Chợ Mới", "short_name": "", "type_label": "Huyện",
                                     "kind": "district", "parent": "06"}
    chomoi = get(client, "/periods/2021/units?parent=065&page_size=3&page=2")
    assert (chomoi["count"], chomoi["pages"]) == (14, 5)
    assert [u["code"] for u in chomoi["items"]] == ["02095", "02098", "02101"]
    assert chomoi["items"][1]["name"] == "Xã Hoà Mục"
    assert get(client, "/periods/2021/units?kind=department")["count"] == 19
    assert get(client, "/periods/2021/units?kind=commune&parent=058")["count"] == 8
    assert get(client, "/periods/2021/units?kind=province")["items"][0]["parent"] is None


def test_pagination_bounds(client, world):
    assert get(client, "/periods/2021/units?page_size=200")["pages"] == 1
    body = get(client, "/periods/2021/units?page=4", 404)
    assert body["detail"] == "Không có trang 4: danh sách có 3 trang"
    # an empty list still has its page 1
    empty = get(client, "/periods/2021/units?parent=02098")
    assert (empty["count"], empty["pages"], empty["items"]) == (0, 1, [])
    for query, param in [("page=0", "page"), ("page=-1", "page"), ("page=100001", "page"), ("page_size=0", "page_size"),
                         ("page_size=201", "page_size"), ("page=abc", "page"), ("page_size=1.5", "page_size"),
                         ("page=" + "9" * 400, "page")]:
        body = get(client, f"/periods/2021/units?{query}", 422)
        assert [e["param"] for e in body["errors"]] == [param], query
        assert body["errors"][0]["location"] == "query"
    assert get(client, "/periods/2021/units?page=0", 422) == {
        "detail": "Tham số «page» không hợp lệ: cho phép số nguyên từ 1 đến 100000", "errors": [
            {"param": "page", "location": "query", "allowed": "số nguyên từ 1 đến 100000",
             "message": "Giá trị «0» của tham số «page» không hợp lệ"}]}
    both = get(client, "/periods/2021/units?page=x&page_size=999", 422)
    assert both["detail"] == "Tham số không hợp lệ: page, page_size"


def test_hostile_input_is_refused_with_4xx(client, world):
    long = "9" * 5000
    cases = [
        (f"/periods/{long}", 422), ("/periods/-1", 422), ("/periods/0", 422), ("/periods/abc", 422),
        ("/periods/32768", 422), (f"/periods/2021/results/districts/{'x' * 5000}", 422),
        ("/periods/2021/results/districts/%00", 404), ("/periods/2021/results/districts/06%2F5", 404),
        (f"/periods/2021/results/province/versions/{long}", 422), ("/periods/2021/results/province/versions/0", 422),
        (f"/periods/2021/units?parent={'0' * 5000}", 422), ("/periods/2021/units?parent=%00", 404),
        ("/periods/2021/units?kind=prefecture", 422), ("/periods/2021/units?kind=", 422),
        (f"/criteria-sets/{'a' * 5000}", 422), ("/criteria-sets/%00", 404), ("/periods/2021/survey?kind=x", 422),
        ("/khong-co", 404), ("/periods/2021/units/", 404),
    ]
    for path, status in cases:
        body = get(client, path, status)
        assert body["detail"], path
    body = get(client, "/periods/2021/units?kind=prefecture", 422)
    assert body["detail"] == "Tham số «kind» không hợp lệ: cho phép province, department, district, commune"
    body = get(client, "/periods/abc", 422)
    assert body["errors"] == [{"param": "year", "location": "path", "allowed": "số nguyên từ 1 đến 32767",
                               "message": "Giá trị «abc» của tham số «year» không hợp lệ"}]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, published, method):
    before = Publication.objects.count()
    for path in ["/", "/periods", "/periods/2021", "/periods/2021/results/province/latest", "/criteria-sets",
                 "/periods/2021/results/districts/065", "/openapi.json", "/docs"]:
        response = getattr(client, method)(API + path, data="{}", content_type="application/json")
        assert response.status_code == 405, (method, path)
        assert response["Allow"] == "GET"
        assert response.json()["detail"] == f"API chỉ đọc: chỉ nhận GET (nhận được {method.upper()})"
    assert Publication.objects.count() == before


def test_head_answers_as_get_without_a_body(client, world):
    response = client.head(API + "/periods/2021")
    assert response.status_code == 200
    assert response.content == b""
    assert int(response["Content-Length"]) == len(client.get(API + "/periods/2021").content)


# -- published results --------------------------------------------------------------------------------------

def test_the_provinces_publications_every_version(client, published, persona):
    first = Publication.objects.get(period=published, scope="province")
    province.reopen(published, "Sửa điểm Sở Tư pháp", actor=persona("snv.dieuphoi"))
    second = publish_province(published, persona, number="13/QĐ-UBND")
    assert second.version == 2
    body = get(client, "/periods/2021/results/province")
    assert body["year"] == 2021
    assert [(v["version"], v["superseded"], v["reason"]) for v in body["versions"]] == [
        (2, False, "Sửa điểm Sở Tư pháp"), (1, True, "")]
    assert body["versions"][1]["content"] == first.content
    assert body["versions"][0]["content"]["decision"] == {"number": "13/QĐ-UBND", "date": "2022-02-15"}
    assert body["versions"][1]["published_at"] == "2026-11-20T03:00:00Z"
    assert set(body["versions"][0]) == {"version", "published_at", "reason", "superseded", "scope", "content"}
    assert get(client, "/periods/2021/results/province/latest") == body["versions"][0]
    assert get(client, "/periods/2021/results/province/versions/1") == body["versions"][1]
    assert get(client, "/periods/2021/results/province/versions/3", 404)["detail"] == \
        "Không có bản công bố lần 3 (có 2 lần)"
    districts = body["versions"][0]["content"]["groups"]["district"]["units"]
    assert [(u["code"], u["index"], u["class"], u["rank"]) for u in districts][:2] == [
        ("058", "100.00", "xuat_sac", 1), ("060", "100.00", "xuat_sac", 1)]
    assert get(client, "/periods/2021")["province_published"] is True


def test_the_districts_commune_publications(client, ready, world, persona):
    ready(unpublished=("065",))
    listing = get(client, "/periods/2021/results/districts?page_size=3&page=3")
    assert (listing["count"], listing["pages"]) == (7, 3)           # Chợ Mới published nothing
    assert [d["district"]["code"] for d in listing["items"]] == ["066"]
    every = get(client, "/periods/2021/results/districts")
    assert "065" not in [d["district"]["code"] for d in every["items"]]
    assert every["items"][0] == {"district": {"code": "058", "name": "Thành phố Bắc Kạn"}, "scope": "district:058",
                                 "versions": [{"version": 1, "published_at": "2026-11-20T03:00:00Z", "reason": "",
                                               "superseded": False}]}
    assert get(client, "/periods/2021/results/districts/065", 404)["detail"] == \
        "Huyện Chợ Mới chưa công bố kết quả cấp xã năm 2021"
    assert get(client, "/periods/2021/results/districts/065/latest", 404)
    assert get(client, "/periods/2021/results/districts/999", 404)["detail"] == "Không có huyện mã «999» trong kỳ 2021"
    assert get(client, "/periods/2021/results/districts/STP", 404)             # a department is not a district

    from parindex.publication import services
    services.publish(world, "district:066", {"units": [{"code": "02200", "name": "Xã X", "total": "90"}]},
                     actor=persona("snv.dieuphoi"), reason="Đính chính xã X")
    nari = get(client, "/periods/2021/results/districts/066")
    assert nari["district"] == {"code": "066", "name": "Huyện Na Rì"}
    assert [(v["version"], v["superseded"], v["reason"]) for v in nari["versions"]] == [
        (2, False, "Đính chính xã X"), (1, True, "")]
    assert nari["versions"][0]["content"] == {"units": [{"code": "02200", "name": "Xã X", "total": "90"}]}
    assert nari["versions"][1]["content"] == Publication.objects.get(period=world, scope="district:066",
                                                                     version=1).content
    assert nari["versions"][1]["content"]["units"][0]["total"] == "95"
    assert get(client, "/periods/2021/results/districts/066/latest") == nari["versions"][0]
    assert get(client, "/periods/2021/results/districts/066/versions/1") == nari["versions"][1]
    assert get(client, "/periods/2021/results/districts/066/versions/9", 404)["detail"] == \
        "Không có bản công bố lần 9 (có 2 lần)"
    listed = get(client, "/periods/2021/results/districts?page_size=200")["items"]
    assert [v["version"] for v in listed[-1]["versions"]] == [2, 1]


def test_the_survey_points_once_the_province_publishes(client, ready, world, persona):
    ready(survey={"STP": {"a.4.2": "0.5"}})
    assert get(client, "/periods/2021/survey", 404)["detail"] == \
        "Điểm điều tra xã hội học năm 2021 chỉ công khai khi tỉnh đã công bố kết quả"
    publish_province(world, persona)
    body = get(client, "/periods/2021/survey")
    assert (body["count"], body["year"], body["version"], body["reason"]) == (27, 2021, 1, "")
    stp = next(u for u in body["items"] if u["code"] == "STP")
    assert (stp["name"], stp["kind"], stp["total"]) == ("Sở Tư pháp", "department", "25.5")
    assert len(stp["points"]) == 26
    assert stp["points"]["a.4.2"] == "0.5"
    assert stp["points"]["a.5.2"] == "1"
    districts = get(client, "/periods/2021/survey?kind=district&page_size=5&page=2")
    assert (districts["count"], districts["pages"]) == (8, 2)
    assert [u["code"] for u in districts["items"]] == ["064", "065", "066"]
    assert districts["items"][0]["total"] == "34"
    assert get(client, "/periods/2021/survey?kind=commune")["count"] == 0
    assert get(client, "/periods/2021/survey?page=3", 404)["detail"] == "Không có trang 3: danh sách có 1 trang"


# -- nothing unpublished ------------------------------------------------------------------------------------

def _crawl(client) -> str:
    """Every list and detail the API has for 2021, as one text."""
    bodies = []
    for path in EVERY_LIST + ["/periods/2021/results/province/latest", "/periods/2021/results/districts/065",
                              "/periods/2021/results/districts/065/latest"]:
        response = client.get(API + path)
        assert response.status_code in (200, 404), path
        bodies.append(response.content.decode())
    return "\n".join(bodies)


@pytest.mark.parametrize("stage", ["submitted", "approved"])
def test_a_draft_submitted_or_approved_is_nowhere_in_the_api(client, ready, world, persona, stage):
    ready()
    province.submit(world, actor=persona("snv.dieuphoi"))
    if stage == "approved":
        province.approve(world, "12/QĐ-UBND", "15/02/2022", actor=persona("ubnd.lanhdao"))
    for path in ["/periods/2021/results/province", "/periods/2021/results/province/latest",
                 "/periods/2021/results/province/versions/1"]:
        assert get(client, path, 404)["detail"] == "Kết quả của tỉnh năm 2021 chưa công bố"
    assert get(client, "/periods/2021/survey", 404)
    assert get(client, "/periods/2021")["province_published"] is False
    text = _crawl(client)
    assert "12/QĐ-UBND" not in text
    assert '"groups"' not in text                       # the draft's content shape appears nowhere


def test_no_person_is_named_anywhere(client, published, persona):
    text = _crawl(client)
    assert "published_by" not in text
    for username in ["snv.dieuphoi", "ubnd.lanhdao", "admin"]:
        user = persona(username)
        assert user.username not in text
        if user.get_full_name():
            assert user.get_full_name() not in text


def test_logged_in_people_get_the_same_public_answer(client, published, login):
    public = {path: client.get(API + path).content for path in EVERY_LIST}
    staff = login("snv.dieuphoi")
    assert {path: staff.get(API + path).content for path in EVERY_LIST} == public


# -- the document and its interactive page ------------------------------------------------------------------

def test_the_openapi_document(client, world):
    doc = get(client, "/openapi.json")
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["version"] == "1"
    assert sorted(doc["paths"]) == sorted([
        "/api/v1/", "/api/v1/criteria-sets", "/api/v1/criteria-sets/{set_id}", "/api/v1/periods",
        "/api/v1/periods/{year}", "/api/v1/periods/{year}/criteria-sets/{unit_kind}", "/api/v1/periods/{year}/units",
        "/api/v1/periods/{year}/results/province", "/api/v1/periods/{year}/results/province/latest",
        "/api/v1/periods/{year}/results/province/versions/{version}", "/api/v1/periods/{year}/results/districts",
        "/api/v1/periods/{year}/results/districts/{code}", "/api/v1/periods/{year}/results/districts/{code}/latest",
        "/api/v1/periods/{year}/results/districts/{code}/versions/{version}", "/api/v1/periods/{year}/survey"])
    assert all(list(operations) == ["get"] for operations in doc["paths"].values())
    assert "published_by" not in str(doc)


def test_the_public_results_page_links_the_api_docs(client, world):
    page = client.get("/cong-bo/").content.decode()
    assert '<a href="/api/v1/docs">tài liệu API</a>' in page.split('id="api-link"')[1].split("</p>")[0]


def test_the_docs_page_works_under_the_csp(client, world):
    response = client.get(API + "/docs")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self';" in csp + ";" and "unsafe" not in csp
    page = response.content.decode()
    assert "cdn" not in page.lower() and "http" not in page.replace('"url": "/api/v1/openapi.json"', "")
    assert '<script src="/static/ninja/swagger-ui-bundle.js"></script>' in page
    assert '<script src="/static/ninja/swagger-ui-init.js"></script>' in page
    assert "<script>" not in page                      # no inline script (the settings are a JSON data block)
    for asset in ["swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"]:
        served = client.get(f"/static/ninja/{asset}")
        assert served.status_code == 200, asset
        served.close()
