"""The 403, 404 and 500 pages: the site's layout with the province's header, Vietnamese, a way back,
and no link the person may not open. The 500 page renders without the database.

The URL configuration is the site's own (its handler403/404/500) plus one view that fails.
"""

import re

import pytest
from django.test import RequestFactory
from django.urls import path

from parindex.core.views import server_error
from parindex.urls import handler403, handler404, handler500
from parindex.urls import urlpatterns as site_urls


def broken_view(request):
    raise RuntimeError("kiểm thử: lỗi không lường trước")


urlpatterns = [*site_urls, path("kiem-thu/loi/", broken_view)]
__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]

HEADER = "UBND TỈNH BẮC KẠN · SỞ NỘI VỤ"
HOME_LINK = '<a class="button primary" href="/" id="error-home">Về trang chủ</a>'
BOARD = "/ky/2021/bang-theo-doi/tinh/"  # the province's board: not for a commune's officer


def links(html):
    """The page's own links (not its static files, not the in-page skip link)."""
    hrefs = re.findall(r'<a [^>]*href="([^"]+)"', html)
    return sorted({href for href in hrefs if not href.startswith(("#", "/static/"))})


def test_a_page_that_does_not_exist_answers_404_in_the_site_layout(client, world):
    response = client.get("/khong-co-trang-nay/")
    html = response.content.decode()
    assert response.status_code == 404
    assert HEADER in html and 'class="site"' in html
    assert "<h1 id=\"error-title\">Không tìm thấy trang</h1>" in html
    assert HOME_LINK in html
    assert 'id="error-back"' not in html  # no Referer: nowhere to go back to


def test_the_404_page_leads_back_to_the_page_on_this_site_the_person_came_from(client, world):
    html = client.get("/khong-co-trang-nay/", HTTP_REFERER="http://testserver/bo-tieu-chi/").content.decode()
    assert '<a class="button secondary" href="http://testserver/bo-tieu-chi/" id="error-back">' in html
    assert "Quay lại trang trước" in html
    html = client.get("/khong-co-trang-nay/", HTTP_REFERER="https://evil.example/phishing").content.decode()
    assert "evil.example" not in html and 'id="error-back"' not in html


def test_another_units_data_answers_the_same_404_page(login):
    client = login("kimlu.canbo")  # Na Rì: not Hòa Mục (Chợ Mới)
    response = client.get("/ky/2021/don-vi/02098/tu-danh-gia/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_a_page_for_another_role_answers_403_with_only_links_the_person_may_open(login):
    client = login("hoamuc.canbo")
    response = client.get(BOARD, HTTP_REFERER="http://testserver/")
    html = response.content.decode()
    assert response.status_code == 403
    assert HEADER in html
    assert "<h1 id=\"error-title\">Bạn không có quyền mở trang này</h1>" in html
    assert HOME_LINK in html and 'href="http://testserver/" id="error-back"' in html
    shown = links(html)
    assert "/" in shown and "/bo-tieu-chi/" in shown and BOARD not in shown
    assert "Quản trị" not in html
    refused = {href: client.get(href).status_code for href in shown}
    assert all(status in (200, 302) for status in refused.values()), refused


def test_a_domain_refusal_shows_its_message_on_the_403_page(login):
    client = login("hoamuc.canbo")
    response = client.get("/ky/2021/tham-dinh/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Bạn không thuộc tổ thẩm định nào và không phải điều phối viên" in html
    assert HOME_LINK in html


@pytest.mark.urls(__name__)
def test_an_unexpected_error_answers_500_in_the_site_layout_in_vietnamese(client, world):
    client.raise_request_exception = False
    response = client.get("/kiem-thu/loi/", HTTP_REFERER="http://testserver/bo-tieu-chi/")
    html = response.content.decode()
    assert response.status_code == 500
    assert HEADER in html and 'class="site"' in html
    assert "<h1 id=\"error-title\">Hệ thống gặp sự cố</h1>" in html
    assert "kiểm thử: lỗi" not in html  # nothing of the error itself is shown
    assert HOME_LINK in html and 'href="http://testserver/bo-tieu-chi/" id="error-back"' in html
    assert links(html) == ["/", "http://testserver/bo-tieu-chi/"]  # no menu: who is asking is unknown


def test_the_500_page_renders_without_a_database_or_a_logged_in_person():
    """No ``db`` fixture: any query here would fail the test (pytest-django blocks the database)."""
    response = server_error(RequestFactory().get("/bat-ky/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert HEADER in html and "Hệ thống gặp sự cố" in html and HOME_LINK in html
    assert "Đăng xuất" not in html and "Đăng nhập" not in html
