"""Two app servers share nothing but the database and the file storage (issue 9 §1).

Two gunicorn processes with the production settings (DEBUG off, WhiteNoise, `make run`'s demo
environment) on one database and one evidence folder; one person's requests alternate between
them: log in on A, be logged in on B, save a score on B and read it on A, upload a file on B and
download it on A, log out on B and be logged out on A. Sessions live in the database, locks are
the database's, uploads go to the storage; the only per-process caches are the parsed criteria
sets, keyed by their content (docs/operations.md, "Several app servers").

Runs on the suite's database engine: SQLite in a file under tmp_path, or — when the suite runs on
PostgreSQL (DATABASE_URL set) — a database of its own on that server, dropped afterwards.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings

from parindex.core.demo import DEMO_PASSWORD, RUN_YEAR
from tests.assessments.files import png_bytes

ROOT = Path(__file__).resolve().parents[2]
SHEET = f"/ky/{RUN_YEAR}/don-vi/02098/tu-danh-gia/"  # `demo_setup --no-cycle`: the year in progress
LOGIN = "/tai-khoan/dang-nhap/"
START_SECONDS = 60
REQUEST_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def database_url(tmp_path):
    """A database for the two servers, on the engine the suite runs on."""
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        yield f"sqlite:///{tmp_path / 'two-servers.sqlite3'}"
        return
    import psycopg

    url = os.environ["DATABASE_URL"]
    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_twoservers"
    admin = {"host": config["HOST"], "port": config["PORT"] or 5432, "user": config["USER"],
             "password": config["PASSWORD"] or None, "dbname": config["NAME"], "autocommit": True}
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(**admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def server_env(tmp_path, database_url):
    """`make run`'s environment (production settings, plain HTTP, demo mode) on that database."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PARINDEX_"))}
    env = {**keep, "DEBUG": "0", "DEMO": "1", "SECRET_KEY": uuid.uuid4().hex * 2,
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0",
           "CSRF_COOKIE_SECURE": "0", "DATABASE_URL": database_url, "MEDIA_ROOT": str(tmp_path / "media"),
           "STATIC_ROOT": str(tmp_path / "static"), "HOST": "127.0.0.1", "WEB_CONCURRENCY": "1",
           "DJANGO_SETTINGS_MODULE": "parindex.settings"}
    for command in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"],
                    ["load_criteria"], ["demo_setup", "--no-cycle"]):
        result = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"{command}: {result.stdout[-2000:]}{result.stderr[-2000:]}"
    return env


@pytest.fixture
def two_servers(server_env, tmp_path):
    """Start A and B (gunicorn, loopback, free ports); always stopped, even when the test fails."""
    servers, logs = [], []
    try:
        for label in "AB":
            port = _free_port()
            log = open(tmp_path / f"gunicorn-{label}.log", "wb")  # closed in finally
            logs.append(log)
            proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "parindex.wsgi"],
                cwd=ROOT, env={**server_env, "PORT": str(port)}, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
            servers.append((proc, f"http://127.0.0.1:{port}"))
        for (proc, url), label in zip(servers, "AB", strict=True):
            _wait_until_healthy(proc, url, tmp_path / f"gunicorn-{label}.log")
        yield [url for _, url in servers]
    finally:
        for proc, _ in servers:
            _stop(proc)
        for log in logs:
            log.close()


def _wait_until_healthy(proc, url, log_path):
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"gunicorn at {url} exited: {log_path.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:  # noqa: S310 - http, loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    pytest.fail(f"gunicorn at {url} not healthy after {START_SECONDS} s: "
                f"{log_path.read_text(errors='replace')[-3000:]}")


def _stop(proc):
    """TERM to the server's own process group (master and workers), KILL if it lingers."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


class Browser:
    """One person: one cookie jar, whichever server answers."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url):
        with self.opener.open(url, timeout=REQUEST_SECONDS) as response:
            return response.geturl(), response.read()

    def post(self, url, fields, headers=None, body=None):
        data = body if body is not None else urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST")  # noqa: S310 - http, loopback
        with self.opener.open(request, timeout=REQUEST_SECONDS) as response:
            return response.geturl(), response.read()

    def token(self, url):
        """The CSRF token of the form on that page."""
        _, body = self.get(url)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)


def _multipart(fields: dict[str, str], name: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_one_person_across_two_servers(two_servers):
    a, b = two_servers
    person = Browser()

    # log in on A (the login form's CSRF token, then the form)
    token = person.token(f"{a}{LOGIN}")
    landed, _ = person.post(f"{a}{LOGIN}", {"csrfmiddlewaretoken": token, "username": "hoamuc.canbo",
                                            "password": DEMO_PASSWORD})
    assert urllib.parse.urlsplit(landed).path == "/"
    assert person.cookie("sessionid")

    # B knows the session: the home page, not the login page
    landed, body = person.get(f"{b}/")
    assert urllib.parse.urlsplit(landed).path == "/"
    assert "Công chức xã Hoà Mục".encode() in body

    # a score saved on B …
    explanation = f"Lưu trên máy chủ B {uuid.uuid4().hex[:8]}"
    token = person.token(f"{b}{SHEET}")
    _, answer = person.post(f"{b}{SHEET}muc/a.1.1/", {"csrfmiddlewaretoken": token, "points": "1", "version": "0",
                                                      "explanation": explanation},
                            headers={"Accept": "application/json"})
    saved = json.loads(answer)
    assert saved["ok"] is True and saved["version"] == 1
    # … is read on A
    _, body = person.get(f"{a}{SHEET}")
    assert explanation.encode() in body

    # a file uploaded on B is downloaded on A (the evidence storage is shared)
    content = png_bytes()
    token = person.token(f"{b}{SHEET}tai-lieu/")
    body, content_type = _multipart({"csrfmiddlewaretoken": token, "kind": "file"}, "f-file", "so-do.png", content)
    person.post(f"{b}{SHEET}tai-lieu/", {}, headers={"Content-Type": content_type}, body=body)
    _, library = person.get(f"{a}{SHEET}tai-lieu/")
    evidence_id = re.search(rf'href="{SHEET}tai-lieu/(\d+)/">so-do\.png<'.encode(), library).group(1).decode()
    _, downloaded = person.get(f"{a}{SHEET}tai-lieu/{evidence_id}/")
    assert downloaded == content

    # logging out on B ends the session on A too
    token = person.token(f"{b}/")
    person.post(f"{b}/tai-khoan/dang-xuat/", {"csrfmiddlewaretoken": token})
    landed, _ = person.get(f"{a}{SHEET}")
    assert urllib.parse.urlsplit(landed).path == LOGIN
