"""/healthz: the database and the file storage, for the proxy and monitoring, leaking nothing."""

import json
from unittest import mock

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.models import Session
from django.core.files.storage import FileSystemStorage
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import OperationalError

URL = "/healthz"
SECRET = "/srv/secret-path password=hunter2 PostgreSQL 15.4"


def _answer(response):
    return json.loads(response.content)


def test_healthy_server_answers_ok_and_leaves_nothing_behind(client, db, media):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert _answer(response) == {"status": "ok", "database": "ok", "storage": "ok"}
    assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    # the storage probe is deleted; no session, no login attempt is recorded
    assert not any(p.is_file() for p in media.rglob("*"))
    assert Session.objects.count() == 0
    assert AccessAttempt.objects.count() == 0 and AccessLog.objects.count() == 0
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get(client, db, method):
    assert getattr(client, method)(URL).status_code == 405


def test_database_failure_answers_503_without_details(client, db):
    with mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=OperationalError(SECRET)):
        response = client.get(URL)
    assert response.status_code == 503
    assert _answer(response) == {"status": "error", "database": "error", "storage": "ok"}
    assert b"secret" not in response.content.lower() and b"PostgreSQL" not in response.content
    assert "no-store" in response["Cache-Control"]


def test_storage_failure_answers_503_without_details(client, db, monkeypatch):
    def refused(self, name, content):
        raise PermissionError(SECRET)

    monkeypatch.setattr(FileSystemStorage, "_save", refused)
    response = client.get(URL)
    assert response.status_code == 503
    assert _answer(response) == {"status": "error", "database": "ok", "storage": "error"}
    assert b"secret" not in response.content.lower()


def test_storage_that_returns_other_bytes_is_an_error(client, db, monkeypatch):
    from django.core.files.base import ContentFile

    monkeypatch.setattr(FileSystemStorage, "open", lambda self, name, mode="rb": ContentFile(b"stale"))
    response = client.get(URL)
    assert response.status_code == 503
    assert _answer(response)["storage"] == "error"


def test_answers_over_plain_http_where_every_other_page_redirects_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True  # read when the client's handler is built, at its first request
    assert client.get(URL).status_code == 200
    assert client.get("/bo-tieu-chi/").status_code == 301
