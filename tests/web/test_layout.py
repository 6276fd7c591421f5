"""The layout every page shares: the province in the header and footer (settings.PROVINCE_NAME), the icons."""

from pathlib import Path

from django.conf import settings

from parindex.core.views import server_error

STATIC = Path(settings.BASE_DIR) / "parindex" / "core" / "static" / "core"


def test_the_header_and_footer_name_the_province_of_the_setting(client, world, settings):
    html = client.get("/bo-tieu-chi/").content.decode()
    assert '<p class="gov">UBND TỈNH BẮC KẠN · SỞ NỘI VỤ</p>' in html
    assert "Ủy ban nhân dân tỉnh Bắc Kạn · Sở Nội vụ" in html

    settings.PROVINCE_NAME = "Thái Nguyên"
    html = client.get("/bo-tieu-chi/").content.decode()
    assert '<p class="gov">UBND TỈNH THÁI NGUYÊN · SỞ NỘI VỤ</p>' in html
    assert "UBND tỉnh Thái Nguyên" in html and "Bắc Kạn" not in html.split("<main")[0]


def test_the_500_page_names_the_province_of_the_setting_too(rf, settings):
    settings.PROVINCE_NAME = "Thái Nguyên"
    assert "UBND TỈNH THÁI NGUYÊN · SỞ NỘI VỤ" in server_error(rf.get("/")).content.decode()


def test_every_page_links_its_icons_and_the_files_exist(client, world):
    html = client.get("/bo-tieu-chi/").content.decode()
    icons = [("icon", "favicon.svg"), ("icon", "favicon-32.png"), ("apple-touch-icon", "apple-touch-icon.png")]
    for rel, name in icons:
        assert f'<link rel="{rel}" href="/static/core/{name}"' in html
        assert (STATIC / name).stat().st_size > 0
    assert (STATIC / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO file's header


def test_browsers_asking_for_favicon_ico_are_sent_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/core/favicon.ico"
