"""`make run` and production serve through gunicorn (deploy/gunicorn.conf.py), WhiteNoise, DEBUG off."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.template import engines

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--print-config", "parindex.wsgi"]


def _gunicorn_config(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"HOST", "PORT", "WEB_CONCURRENCY", "GUNICORN_CMD_ARGS"}}
    result = subprocess.run(GUNICORN, cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return dict(re.findall(r"^(\w+)\s+= (.*)$", result.stdout, re.MULTILINE))


def test_gunicorn_binds_host_and_port_and_logs_access_to_stdout():
    config = _gunicorn_config(HOST="127.0.0.1", PORT="8106", WEB_CONCURRENCY="3")
    assert config["bind"] == "['127.0.0.1:8106']"
    assert config["workers"] == "3"
    assert config["worker_class"] == "sync"
    assert config["accesslog"] == "-" and config["errorlog"] == "-"
    assert int(config["graceful_timeout"]) >= 10 and int(config["timeout"]) >= 30
    assert config["control_socket_disable"] == "True"  # two servers on one machine do not share a socket
    assert config["secure_scheme_headers"] == "{}"  # HTTPS is decided by Django's BEHIND_PROXY only


def test_gunicorn_defaults_to_one_worker_per_core_plus_one():
    config = _gunicorn_config()
    assert config["bind"] == "['127.0.0.1:8000']"
    assert int(config["workers"]) == len(os.sched_getaffinity(0)) + 1


def _make(*args):
    env = {k: v for k, v in os.environ.items() if k not in {"ALLOWED_HOSTS", "SECRET_KEY", "HOST", "PORT"}}
    return subprocess.run(["make", "-n", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60).stdout


def test_make_run_serves_through_gunicorn_with_debug_off_and_make_dev_keeps_runserver():
    run = _make("run", "HOST=192.168.1.5", "PORT=8999")
    server = [line for line in run.splitlines() if "gunicorn" in line]
    assert len(server) == 1 and "exec" in server[0] and "-c deploy/gunicorn.conf.py parindex.wsgi" in server[0]
    for part in ("DEBUG=0", "DEMO=1", 'ALLOWED_HOSTS="192.168.1.5,localhost,127.0.0.1"', "SECURE_SSL_REDIRECT=0",
                 "SESSION_COOKIE_SECURE=0", "CSRF_COOKIE_SECURE=0", "console.EmailBackend", 'PORT="8999"'):
        assert part in server[0]
    assert "collectstatic" in run and "runserver" not in run
    assert 'ALLOWED_HOSTS="*"' in _make("run", "HOST=0.0.0.0")
    dev = _make("dev")
    assert "DEBUG=1" in dev and "runserver" in dev and "gunicorn" not in dev
    # the background-job worker (manage.py db_worker) runs beside either server
    assert "scripts/with-worker.sh" in server[0] and "scripts/with-worker.sh" in dev


def test_production_settings_serve_static_files_with_whitenoise():
    import parindex.settings as production

    middleware = production.MIDDLEWARE
    assert middleware[middleware.index("django.middleware.security.SecurityMiddleware") + 1] == \
        "whitenoise.middleware.WhiteNoiseMiddleware"
    assert production.STORAGES["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_templates_are_compiled_once_per_process():
    import parindex.settings as production

    assert all("loaders" not in t.get("OPTIONS", {}) for t in production.TEMPLATES)  # Django's default applies
    loader = engines["django"].engine.template_loaders[0]
    assert type(loader).__module__ == "django.template.loaders.cached"


def test_the_master_compiles_the_templates_and_parses_the_criteria_sets_before_forking(world):
    """deploy/gunicorn.conf.py's when_ready runs parindex/core/warm.py in the master (preload_app): workers,
    also those started anew after max_requests, begin with the templates compiled and the sets parsed."""
    from unittest import mock

    from parindex.core.warm import warm
    from parindex.criteria.models import _SETS

    _SETS.clear()
    jinja = engines["jinja2"].env
    jinja.cache.clear()
    with mock.patch("parindex.core.warm.connections") as connections:
        templates, sets = warm()
    assert sets == 3 and len(_SETS) == 3  # the open period's three criteria sets
    assert templates == sum(len(list(Path(d).rglob("*.html"))) for e in engines.all() for d in e.template_dirs)
    assert any(key[1] == "assessments/sheet_fields.html" for key in jinja.cache)  # (loader ref, name) keys
    connections.close_all.assert_called_once()  # no connection of the master is inherited by a worker


def test_gunicorn_warms_up_in_the_master_before_the_first_fork():
    import runpy
    from unittest import mock

    config = _gunicorn_config()
    assert config["preload_app"] == "True"  # when_ready runs in the master, after the app is loaded
    hooks = runpy.run_path(str(ROOT / "deploy/gunicorn.conf.py"))
    server = mock.Mock()
    with mock.patch("parindex.core.warm.warm", return_value=(111, 3)) as warm:
        hooks["when_ready"](server)
    warm.assert_called_once_with()
    server.log.info.assert_called_once_with("warm-up: %d templates compiled, %d criteria sets parsed", 111, 3)
