"""The one home of refusals (parindex/core/errors.py): a page that re-displays itself shows a
DomainError's messages; a NotAllowed always reaches the middleware's 403; ``refusals_go_back`` names
where the middleware sends the person back."""

import pytest

from parindex.core.errors import DomainError, NotAllowed, refusals_go_back, refusals_shown


def test_a_refusal_is_shown_on_the_page_and_the_outcome_says_so():
    shown = []
    with refusals_shown(shown.append) as outcome:
        raise DomainError("Tiêu chí a.1.1: giá trị «9» vượt điểm tối đa 2", errors=["một", "hai"])
    assert (outcome.ok, outcome.message, outcome.errors, shown) == (
        False, "Tiêu chí a.1.1: giá trị «9» vượt điểm tối đa 2", ["một", "hai"], ["một", "hai"])


def test_a_step_that_went_through_leaves_the_outcome_ok():
    with refusals_shown() as outcome:
        pass
    assert outcome.ok and outcome.errors == []


def test_not_allowed_is_never_swallowed_by_a_page():
    shown = []
    with pytest.raises(NotAllowed), refusals_shown(shown.append):
        raise NotAllowed("Chỉ điều phối viên Sở Nội vụ")
    assert shown == []


def test_going_back_keeps_a_back_the_service_chose_and_fills_one_otherwise():
    with pytest.raises(DomainError) as caught, refusals_go_back("/ve/"):
        raise DomainError("x")
    assert caught.value.back == "/ve/"
    with pytest.raises(DomainError) as caught, refusals_go_back("/ve/"):
        raise DomainError("x", back="/noi-khac/")
    assert caught.value.back == "/noi-khac/"


def test_the_middleware_sends_a_refused_post_back_with_its_messages(client, world, persona):
    client.force_login(persona("hoamuc.canbo"))
    url = "/ky/2021/don-vi/02098/tu-danh-gia/"
    response = client.post(url + "muc/a.1.1/", {"points": "99", "version": "0"})
    assert response.status_code == 302 and response["Location"].startswith(url)
    page = client.get(response["Location"]).content.decode()
    flashed = page.split('class="messages"', 1)[1].split("</div>", 1)[0]
    assert "a.1.1" in flashed and "«99»" in flashed
