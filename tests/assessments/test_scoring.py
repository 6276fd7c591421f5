"""Self-assessment scores (III.2.1): item by item, validated against the rubric, never half-saved."""

from decimal import Decimal

import pytest

from parindex.accounts.models import Role
from parindex.accounts.services import grant_role
from parindex.assessments import services
from parindex.assessments.models import ItemScore
from parindex.audit.models import AuditEntry
from parindex.core.errors import DomainError, NotAllowed
from parindex.units.models import Unit
from parindex.units.states import WorkState

# The engine's message for text that is not a plain decimal (issue 12 §3).
NOT_PLAIN = "không phải là số (chỉ nhận chữ số 0–9 với dấu phẩy hoặc chấm, không dấu + hay −)"
URL = "/ky/2021/don-vi/02098/tu-danh-gia/"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def hoa_muc(assessment_of):
    return assessment_of("02098")


def scores(assessment):
    return {s.item_code: (s.points, s.explanation) for s in ItemScore.objects.filter(assessment=assessment)}


@pytest.mark.parametrize("typed", ["0,5", "0.5", " 0,5 "])
def test_comma_and_dot_are_both_accepted(hoa_muc, persona, typed):
    score = services.save_item(hoa_muc, "a.1.1", typed, "", actor=persona("hoamuc.canbo"), version=None)
    assert score.points == Decimal("0.5")


@pytest.mark.parametrize(("typed", "message"), [
    *[(typed, f"Xã Hoà Mục: tiêu chí a.1.1: giá trị «{typed}» {NOT_PLAIN} — cho phép: một trong các giá trị 0; 0,5; 1")
      # plain decimals only (issue 12 §3): other digit systems and signs are refused, "-0" and "+1" too
      for typed in ("abc", "-1", "-0", "+1", "１", "١", "0,５", "1e0")],
    ("0,3", "Xã Hoà Mục: tiêu chí a.1.1: giá trị «0,3» không hợp lệ — cho phép: một trong các giá trị 0; 0,5; 1"),
    ("2", "Xã Hoà Mục: tiêu chí a.1.1: giá trị «2» không hợp lệ — cho phép: một trong các giá trị 0; 0,5; 1"),
])
def test_a_value_not_allowed_is_refused_naming_item_value_and_rule(hoa_muc, persona, login, typed, message):
    officer = persona("hoamuc.canbo")
    services.save_item(hoa_muc, "a.1.2", "1", "kế hoạch", actor=officer, version=None)
    before = scores(hoa_muc)
    with pytest.raises(DomainError) as info:
        services.save_item(hoa_muc, "a.1.1", typed, "", actor=officer, version=None)
    assert info.value.message == message
    response = login("hoamuc.canbo").post(URL + "muc/a.1.1/", {"points": typed, "version": "0"}, **JSON)
    assert (response.status_code, response.json()["error"]) == (400, message)
    assert scores(hoa_muc) == before


# commune g.1 is the sum of 3 parts, {0; 0,75; 1,5} + {0; 1,5} + {0; 0,5; 1} (issue 12 §3, item 2)
G1_ALLOWED = ("tổng điểm của 3 phần, một trong các giá trị 0; 0,5; 0,75; 1; 1,25; 1,5; 1,75; 2; 2,25; 2,5; "
              "2,75; 3; 3,25; 3,5; 4")


def test_a_range_item_takes_values_on_its_step(hoa_muc, persona):
    """A typed item (commune g.1, a sum of parts since issue 12 §3 item 2) takes a reachable total."""
    officer = persona("hoamuc.canbo")
    assert services.save_item(hoa_muc, "g.1", "3,25", "", actor=officer, version=None).points == Decimal("3.25")
    with pytest.raises(DomainError, match=G1_ALLOWED):
        services.save_item(hoa_muc, "g.1", "3,8", "", actor=officer, version=None)


@pytest.mark.parametrize("typed", ["3,75", "0,25"])
def test_a_total_no_sum_of_the_parts_makes_is_refused(hoa_muc, persona, typed):
    """Issue 12 §3, item 2: commune g.1 was a range 0–4 step 0,25, but 1,5 + 1,5 + 1 cannot lose
    only 0,25 and no part gives 0,25 alone: 3,75 and 0,25 are refused with the reachable totals."""
    officer = persona("hoamuc.canbo")
    with pytest.raises(DomainError) as info:
        services.save_item(hoa_muc, "g.1", typed, "", actor=officer, version=None)
    assert info.value.message == f"Xã Hoà Mục: tiêu chí g.1: giá trị «{typed}» không hợp lệ — cho phép: {G1_ALLOWED}"
    assert scores(hoa_muc) == {}


def test_survey_items_cannot_be_self_scored(assessment_of, persona):
    stp = assessment_of("STP")
    survey = next(code for code, item in services.criteria_of(stp).items_by_code.items() if item.is_survey)
    with pytest.raises(DomainError, match="điều tra xã hội học"):
        services.save_item(stp, survey, "1", "", actor=persona("stp.canbo"), version=None)


def test_unknown_item_code_is_refused(hoa_muc, persona):
    with pytest.raises(DomainError, match="không có tiêu chí mã «z.9»"):
        services.save_item(hoa_muc, "z.9", "1", "", actor=persona("hoamuc.canbo"), version=None)


def test_the_first_save_starts_the_self_assessment_and_every_change_is_audited(hoa_muc, persona, unit_of):
    services.save_item(hoa_muc, "a.1.1", "1", "Kế hoạch số 12/KH-UBND", actor=persona("hoamuc.canbo"), version=None)
    assert unit_of("02098").state == WorkState.SELF_ASSESSING
    entry = AuditEntry.objects.get(action="assessment.score_changed")
    assert entry.before == {"item": "a.1.1", "points": None, "explanation": ""}
    assert entry.after == {"item": "a.1.1", "points": "1", "explanation": "Kế hoạch số 12/KH-UBND"}
    assert entry.actor_label == "hoamuc.canbo"


def test_clearing_a_score_is_allowed(hoa_muc, persona):
    officer = persona("hoamuc.canbo")
    services.save_item(hoa_muc, "a.1.1", "1", "", actor=officer, version=None)
    assert services.save_item(hoa_muc, "a.1.1", "", "", actor=officer, version=None).points is None


def test_two_people_saving_the_same_item_the_second_gets_a_conflict(hoa_muc, persona, client):
    first = persona("hoamuc.canbo")
    second = persona("khaosat")
    grant_role(second, Role.UNIT_OFFICER, actor=None, unit=Unit.objects.get(key="gso:02098"))
    services.save_item(hoa_muc, "a.1.1", "1", "", actor=first, version=0)
    with pytest.raises(services.Conflict) as info:
        services.save_item(hoa_muc, "a.1.1", "0", "", actor=second, version=0)
    assert info.value.message.startswith("Tiêu chí a.1.1 vừa được hoamuc.canbo lưu với điểm 1 lúc ")
    client.force_login(second)
    response = client.post(URL + "muc/a.1.1/", {"points": "0", "version": "0"}, **JSON)
    assert response.status_code == 409
    assert response.json()["points"] == "1"
    assert "vừa được hoamuc.canbo lưu với điểm 1" in response.json()["error"]
    assert scores(hoa_muc)["a.1.1"] == (Decimal("1"), "")


def test_another_units_sheet_is_out_of_reach_even_by_url(hoa_muc, login):
    client = login("kimlu.canbo")
    assert client.get(URL).status_code == 404
    assert client.post(URL + "muc/a.1.1/", {"points": "1", "version": "0"}).status_code == 404
    assert scores(hoa_muc) == {}


def test_people_who_may_read_but_not_score_cannot_save(hoa_muc, login):
    for username in ("hoamuc.chutich", "chomoi.noivu", "snv.dieuphoi"):
        client = login(username)
        assert client.get(URL).status_code == 200
        response = client.post(URL + "muc/a.1.1/", {"points": "1", "version": "0"}, **JSON)
        assert response.status_code == 403
    assert scores(hoa_muc) == {}


def test_the_sheet_shows_totals_and_completeness(hoa_muc, persona, login):
    officer = persona("hoamuc.canbo")
    services.save_item(hoa_muc, "a.1.1", "1", "", actor=officer, version=None)
    services.save_item(hoa_muc, "g.1", "3,25", "Có giải trình", actor=officer, version=None)
    html = login("hoamuc.canbo").get(URL).content.decode()
    assert '<th class="num" id="grand-total">4,25</th>' in html
    assert '<td class="num" id="field-total-g">3,25</td>' in html
    assert '<span id="scored">2</span>/<span id="items">53</span>' in html
    assert '<span id="unsupported">1</span>' in html  # a.1.1 has points but neither evidence nor explanation
    assert "tổ thẩm định sẽ cho 0 điểm (mục III.3.2.b)" in html


def test_json_save_returns_exact_totals_for_the_running_display(hoa_muc, login):
    client = login("hoamuc.canbo")
    response = client.post(URL + "muc/g.1/", {"points": "0,75", "version": "0", "explanation": ""}, **JSON)
    data = response.json()
    assert (data["ok"], data["total"], data["fields"]["g"], data["scored"], data["version"]) == (
        True, "0,75", "0,75", 1, 1)


def test_the_sheet_renders_with_a_constant_number_of_queries(login, assessment_of, django_assert_max_num_queries):
    """The largest set (districts, 99 sub-criteria) costs no more queries than the smallest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    assessment_of("065")
    assessment_of("02098")
    counts = {}
    for code, username in (("065", "chomoi.canbo"), ("02098", "hoamuc.canbo")):
        client = login(username)
        client.get(f"/ky/2021/don-vi/{code}/tu-danh-gia/")  # warm the criteria-set parse cache
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/ky/2021/don-vi/{code}/tu-danh-gia/")
        assert response.status_code == 200
        counts[code] = len(ctx.captured_queries)
    assert counts["065"] == counts["02098"]
    assert counts["065"] <= 25


def test_the_sheet_and_a_save_leave_the_criteria_text_out_once_it_is_parsed(hoa_muc, login):
    """The parsed set is cached by its hash: pages and saves do not fetch the 60-100 kB YAML text again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parindex.criteria.models import _SETS

    client = login("hoamuc.canbo")
    _SETS.clear()
    with CaptureQueriesContext(connection) as cold:
        assert client.get(URL).status_code == 200
    assert any('"source"' in q["sql"] for q in cold.captured_queries)  # parsed once, from the stored text
    with CaptureQueriesContext(connection) as warm:
        assert client.get(URL).status_code == 200
        assert client.post(URL + "muc/g.1/", {"points": "0,75", "version": "0", "explanation": ""},
                           **JSON).status_code == 200
    assert not [q["sql"] for q in warm.captured_queries if '"source"' in q["sql"]]


def test_not_allowed_for_a_non_officer_in_the_service(hoa_muc, persona):
    with pytest.raises(NotAllowed):
        services.save_item(hoa_muc, "a.1.1", "1", "", actor=persona("hoamuc.chutich"), version=None)
