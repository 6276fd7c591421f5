"""Login lockout behind a reverse proxy: the client's address comes from the trusted header only when
the site is configured as being behind a proxy, else from REMOTE_ADDR only (docs/security.md)."""

import pytest
from django.conf import settings
from django.test import RequestFactory

from parindex.accounts.client_ip import client_ip
from parindex.core.demo import DEMO_PASSWORD

LOGIN = "/tai-khoan/dang-nhap/"
PROXY = "10.0.0.5"


def fail_until_locked(client, **headers):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "hoamuc.canbo", "password": "sai"}, **headers)


def login_status(client, **headers) -> int:
    return client.post(LOGIN, {"username": "hoamuc.canbo", "password": DEMO_PASSWORD}, **headers).status_code


def test_axes_asks_the_project_for_the_address():
    assert settings.AXES_CLIENT_IP_CALLABLE == "parindex.accounts.client_ip.client_ip"


def test_behind_a_proxy_two_clients_in_the_header_are_locked_out_separately(client, world, settings):
    settings.BEHIND_PROXY, settings.PROXY_COUNT = True, 1
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    person = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    fail_until_locked(client, **attacker)
    assert login_status(client, **attacker) == 429
    assert login_status(client, **person) == 302  # same proxy, another client: not locked out


def test_behind_a_proxy_a_forged_left_part_of_the_header_does_not_escape_the_lockout(client, world, settings):
    settings.BEHIND_PROXY, settings.PROXY_COUNT = True, 1
    fail_until_locked(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    # the client writes anything on the left; the proxy appended the real address on the right
    assert login_status(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7") == 429


def test_not_behind_a_proxy_a_spoofed_header_does_not_change_the_address(client, world, settings):
    settings.BEHIND_PROXY = False
    fail_until_locked(client, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert login_status(client, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="2.2.2.2") == 429
    assert login_status(client, REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="203.0.113.7") == 302


@pytest.mark.parametrize(("behind", "count", "header", "expected"), [
    (False, 1, "203.0.113.7", PROXY),
    (True, 1, "203.0.113.7", "203.0.113.7"),
    (True, 1, "1.2.3.4, 203.0.113.7", "203.0.113.7"),
    (True, 2, "1.2.3.4, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
    (True, 2, "203.0.113.7", PROXY),       # fewer hops than proxies: misconfigured, the peer's address
    (True, 1, "", PROXY),                   # no header
    (True, 1, "not-an-address", PROXY),     # garbage
    (True, 1, " 2001:db8::1 ", "2001:db8::1"),
])
def test_the_address_rule(settings, behind, count, header, expected):
    settings.BEHIND_PROXY, settings.PROXY_COUNT = behind, count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == expected
