"""The respondent's questionnaire at /phieu/<token>/ (issue 10 §2 online, §6 bad input; V.1.1.c of 1679/QĐ-UBND).

The world's demo survey is open on the shipped design; its window runs from 13/11/2026 to the end of
03/01/2027 (Vietnam time) and the clock is frozen at 20/11/2026 10:00. Every bad input answers with a
Vietnamese page and leaves the draft and the responses as they were.
"""

from datetime import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parindex.core import clock
from parindex.periods.timeline import VN
from parindex.survey import collect, services
from parindex.survey.models import Answer, Invitation, Response, Survey

GROUP = "hdnd-so"


@pytest.fixture
def survey(unanswered):
    return unanswered


@pytest.fixture
def design(survey):
    return services.design_of(survey)


@pytest.fixture
def token(survey, design, unit_of, persona):
    made = collect.create_invitations(survey, GROUP, unit_of("SYT"), 2, actor=persona("snv.dieuphoi"), design=design)
    return made[0].token


def url(name, token, *args):
    return reverse(f"respond:{name}", args=[token, *args])


def sections(design):
    return design.group(GROUP).sections()


def screen_answers(design, number, option="1"):
    return {f"q-{q.code}": option for q in sections(design)[number - 1][1]}


def post_screen(client, token, number, data):
    version = Invitation.objects.get(token=token).draft_version
    return client.post(url("section", token, number), {"version": version, "next": "1", **data})


def unchanged(token, before):
    inv = Invitation.objects.get(token=token)
    return (inv.draft, inv.draft_version, inv.completed_on) == before and Response.objects.count() == 0


def state(token):
    inv = Invitation.objects.get(token=token)
    return inv.draft, inv.draft_version, inv.completed_on


def answer_all(client, token, design):
    for n in range(1, len(sections(design)) + 1):
        assert post_screen(client, token, n, screen_answers(design, n)).status_code == 302


# -- the happy path -------------------------------------------------------------------------------

def test_welcome_page_is_public_private_and_vietnamese(client, token, design):
    response = client.get(url("welcome", token))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Sở Y tế" in text and "không ghi tên" in text and "Bắt đầu trả lời" in text
    assert "Đăng nhập" not in text                       # no login link, no menu
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"


def test_one_screen_per_section_with_progress_then_review_submit_and_thanks(client, token, design):
    total = len(sections(design))
    first = client.get(url("section", token, 1))
    assert f"Phần 1/{total}" in first.content.decode()
    assert 'type="radio"' in first.content.decode()
    response = post_screen(client, token, 1, screen_answers(design, 1))
    assert response.status_code == 302 and response["Location"] == url("section", token, 2)
    for n in range(2, total + 1):
        post_screen(client, token, n, screen_answers(design, n))
    review = client.get(url("review", token))
    assert "Gửi phiếu" in review.content.decode()
    sent = client.post(url("review", token), {"confirmed": "1"})
    assert sent.status_code == 302
    assert Response.objects.filter(group=GROUP, source="online", received_on=None).count() == 1
    assert Answer.objects.count() == len(design.group(GROUP).questions)
    thanks = client.get(sent["Location"])
    assert thanks.status_code == 200 and "Cảm ơn" in thanks.content.decode()
    assert Invitation.objects.get(token=token).draft == {}


def test_back_keeps_the_screen_and_goes_to_the_previous_one(client, token, design):
    post_screen(client, token, 1, screen_answers(design, 1))
    version = Invitation.objects.get(token=token).draft_version
    back = client.post(url("section", token, 2), {"version": version, "back": "1", **screen_answers(design, 2, "2")})
    assert back["Location"] == url("section", token, 1)
    draft = Invitation.objects.get(token=token).draft
    assert all(draft[k[2:]] == "2" for k in screen_answers(design, 2))


def test_resume_in_a_new_browser_with_the_same_link(token, design):
    first = Client()
    post_screen(first, token, 1, screen_answers(design, 1, "3"))
    later = Client()                                       # another day, another browser: no cookie, no session
    page = later.get(url("section", token, 1)).content.decode()
    code = sections(design)[0][1][0].code
    assert f'name="q-{code}" value="3" checked' in page
    welcome = later.get(url("welcome", token)).content.decode()
    assert "đã trả lời" in welcome and f'href="{url("section", token, 2)}"' in welcome   # «Làm tiếp»: part 2


def test_a_screen_left_empty_may_be_saved_and_the_review_lists_what_is_missing(client, token, design):
    assert post_screen(client, token, 1, {}).status_code == 302
    review = client.get(url("review", token))
    assert "Chưa trả lời" in review.content.decode() and "Gửi phiếu" not in review.content.decode()


# -- §6 bad input: a clear Vietnamese page, nothing saved -------------------------------------------

@pytest.mark.parametrize("bad", ["khong-co-that-su-ma-nay-dai-qua", "x", "a" * 43])
def test_unknown_or_tampered_link_one_page_404(client, token, bad):
    for name, args in (("welcome", ()), ("section", (1,)), ("review", ())):
        response = client.get(url(name, bad, *args))
        assert response.status_code == 404
        assert "không đúng hoặc không còn dùng được" in response.content.decode()


def test_a_submission_reads_neither_the_design_text_nor_the_criteria_texts_once_parsed(client, token, design):
    """Speed (issue 10 §5): the design (37 kB of YAML) and the period's criteria sets (60-100 kB each) are
    parsed once per process and cached by hash; a respondent's pages and submission then leave the texts
    out of their queries."""
    answer_all(client, token, design)
    with CaptureQueriesContext(connection) as queries:
        sent = client.post(url("review", token), {"confirmed": "1"})
    assert sent.status_code == 302 and Invitation.objects.get(token=token).completed_on is not None
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "design_text" not in read
    assert '"periods_periodcriteriaset"."source"' not in read
    assert len(queries.captured_queries) <= 12


def test_tampered_link_on_post_saves_nothing(client, token, design):
    before = state(token)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = client.post(url("section", tampered, 1), {"version": 0, **screen_answers(design, 1)})
    assert response.status_code == 404 and unchanged(token, before)


def test_out_of_scale_answer_is_refused_and_nothing_saved(client, token, design):
    before = state(token)
    data = screen_answers(design, 1)
    first = next(iter(data))
    data[first] = "9"
    response = post_screen(client, token, 1, data)
    assert response.status_code == 400
    assert "không có trong thang" in response.content.decode()
    assert unchanged(token, before)


def test_answer_to_another_questionnaire_is_refused(client, token, design):
    ours = {q.code for q in design.group(GROUP).questions}
    others = [q.code for g in design.groups if g.code != GROUP for q in g.questions if q.code not in ours]
    code = others[0] if others else "ZZ99"
    before = state(token)
    response = post_screen(client, token, 1, {**screen_answers(design, 1), f"q-{code}": "1"})
    assert response.status_code == 400
    assert "không thuộc phiếu này" in response.content.decode() or "không có trong phiếu" in response.content.decode()
    assert unchanged(token, before)


def test_submitting_with_missing_answers_is_refused(client, token, design):
    post_screen(client, token, 1, screen_answers(design, 1))
    before = state(token)
    response = client.post(url("review", token), {"confirmed": "1"})
    assert response.status_code == 400
    assert "Chưa trả lời" in response.content.decode()
    assert unchanged(token, before)


def test_stale_tab_gets_the_conflict_message_and_the_current_answers(token, design):
    tab_a, tab_b = Client(), Client()
    version = Invitation.objects.get(token=token).draft_version
    tab_a.post(url("section", token, 1), {"version": version, **screen_answers(design, 1, "1")})
    before = state(token)
    stale = tab_b.post(url("section", token, 1), {"version": version, **screen_answers(design, 1, "4")})
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "cửa sổ hoặc thiết bị khác" in page
    code = sections(design)[0][1][0].code
    assert f'name="q-{code}" value="1" checked' in page
    assert unchanged(token, before)


def test_double_submission_from_two_tabs(token, design):
    tab_a, tab_b = Client(), Client()
    answer_all(tab_a, token, design)
    assert tab_b.get(url("review", token)).status_code == 200     # both tabs show «Gửi phiếu»
    assert tab_a.post(url("review", token), {"confirmed": "1"}).status_code == 302
    second = tab_b.post(url("review", token), {"confirmed": "1"})
    assert second.status_code == 409
    assert "chỉ gửi được một lần" in second.content.decode()
    assert Response.objects.count() == 1


def test_a_used_link_shows_the_thanks_and_saves_nothing_more(client, token, design):
    answer_all(client, token, design)
    client.post(url("review", token), {"confirmed": "1"})
    before = state(token)
    again = post_screen(client, token, 1, screen_answers(design, 1, "2"))
    assert again.status_code == 200 and "chỉ gửi được một lần" in again.content.decode()
    assert state(token) == before and Response.objects.count() == 1


def test_after_the_window_the_link_is_closed_and_nothing_saved(client, token, design):
    post_screen(client, token, 1, screen_answers(design, 1))
    before = state(token)
    clock.freeze(datetime(2027, 1, 4, 8, 0, tzinfo=VN))
    for response in (client.get(url("welcome", token)),
                     client.post(url("section", token, 2), {"version": before[1], **screen_answers(design, 2)}),
                     client.post(url("review", token), {"confirmed": "1"})):
        assert response.status_code == 410
        assert "Phiếu khảo sát chưa mở hoặc đã đóng" in response.content.decode()
    assert unchanged(token, before)


def test_a_closed_survey_closes_its_links(client, token, survey):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    response = client.get(url("welcome", token))
    assert response.status_code == 410 and "không nhận thêm phiếu" in response.content.decode()


def test_a_screen_number_out_of_range_is_404(client, token, design):
    assert client.get(url("section", token, len(sections(design)) + 1)).status_code == 404


def test_a_bad_version_field_never_500s(client, token, design):
    before = state(token)
    response = client.post(url("section", token, 1), {"version": "abc", **screen_answers(design, 1)})
    assert response.status_code == 409 and unchanged(token, before)


def test_the_page_shows_no_other_links_answers(client, survey, design, unit_of, persona, token):
    other = Invitation.objects.filter(survey=survey).exclude(token=token).first()
    post_screen(client, other.token, 1, screen_answers(design, 1, "4"))
    page = Client().get(url("section", token, 1)).content.decode()
    assert "checked" not in page and other.token not in page
