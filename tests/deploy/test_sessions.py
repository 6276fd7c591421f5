"""Sessions slide without a write per request (parindex/core/sessions.py; docs/decisions.md)."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parindex.core.sessions import RENEWED

PAGE = "/tai-khoan/mat-khau/doi/"  # any page behind the login


@pytest.fixture
def person(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nguoi.dung", password="Mật-khẩu-dài-2026"))
    return client


def _session_writes(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if "django_session" in q["sql"]
            and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]


def test_settings_no_longer_save_every_request():
    assert not settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.MIDDLEWARE.index("parindex.core.sessions.SlidingSessionMiddleware") == \
        settings.MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1


def test_an_ordinary_request_does_not_write_the_session(person):
    assert _session_writes(person, PAGE) == []  # the first page after logging in included
    assert _session_writes(person, PAGE) == []
    assert _session_writes(person, "/") == []


def test_a_session_past_half_its_age_is_extended(person):
    age = settings.SESSION_COOKIE_AGE
    session = person.session
    session[RENEWED] = int(time.time()) - int(age * 0.6)
    session.save()
    Session.objects.filter(pk=session.session_key).update(expire_date=timezone.now() + timedelta(seconds=age * 0.4))
    writes = _session_writes(person, PAGE)
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("UPDATE")
    expires = Session.objects.get(pk=session.session_key).expire_date
    assert expires > timezone.now() + timedelta(seconds=age * 0.99)
    assert _session_writes(person, PAGE) == []  # and then left alone again


def test_a_session_not_yet_at_half_its_age_is_left_alone(person):
    session = person.session
    session[RENEWED] = int(time.time()) - int(settings.SESSION_COOKIE_AGE * 0.4)
    session.save()
    assert _session_writes(person, PAGE) == []


def test_an_expired_session_is_not_revived(person):
    key = person.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = person.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/")
    assert not Session.objects.filter(pk=key, expire_date__gt=timezone.now()).exists()


def test_a_session_from_before_sliding_expiry_is_renewed_once(person):
    session = person.session
    del session[RENEWED]
    session.save()
    assert len(_session_writes(person, PAGE)) == 1
    assert _session_writes(person, PAGE) == []


def test_logging_in_through_the_form_dates_the_new_session(client, django_user_model):
    django_user_model.objects.create_user("nguoi.dung", password="Mật-khẩu-dài-2026")
    before = int(time.time())
    response = client.post("/tai-khoan/dang-nhap/", {"username": "nguoi.dung", "password": "Mật-khẩu-dài-2026"})
    assert response.status_code == 302
    assert before <= client.session[RENEWED] <= int(time.time())


def test_anonymous_visitors_get_no_session(client, db):
    assert client.get("/bo-tieu-chi/").status_code == 200
    assert Session.objects.count() == 0
