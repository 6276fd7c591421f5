"""Settings come from the environment; malformed values raise; production passes check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from parindex.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("yes", True), ("ON", True), ("0", False),
                                            ("false", False), ("", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG") is value


def test_malformed_values_raise_instead_of_falling_back(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='maybe' is not a boolean"):
        env_bool("X_FLAG")
    monkeypatch.setenv("X_INT", "ten")
    with pytest.raises(ImproperlyConfigured, match="is not an integer"):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_LIST", "a,,b")
    with pytest.raises(ImproperlyConfigured, match="empty entry"):
        env_list("X_LIST", [])


def _django(env, *args):
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DEBUG", "DEMO", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT",
                          "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "DJANGO_SETTINGS_MODULE",
                          "DJANGO_ALLOW_ASYNC_UNSAFE", "DB_CONN_MAX_AGE"}}
    clean.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean,
                          capture_output=True, text=True)


def test_secret_key_is_required_when_debug_is_off():
    result = _django({"DEBUG": "0"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


PLAIN_HTTP = {"SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0"}


def test_demo_mode_refuses_to_run_on_https_deployment_settings():
    result = _django({"DEBUG": "0", "DEMO": "1", "SECRET_KEY": "x" * 60}, "check")
    assert result.returncode != 0
    assert "DEMO=1 (demo accounts with a shared password) is refused on an HTTPS deployment" in result.stderr
    for name in PLAIN_HTTP:  # any one of them on is enough to refuse
        result = _django({"DEBUG": "0", "DEMO": "1", "SECRET_KEY": "x" * 60, **PLAIN_HTTP, name: "1"}, "check")
        assert result.returncode != 0 and "DEMO=1" in result.stderr, name


def test_make_run_settings_are_production_over_plain_http():
    """What `make run` sets (Makefile RUN_ENV): DEBUG off, the demo, plain HTTP on loopback."""
    env = {"DEBUG": "0", "DEMO": "1", "SECRET_KEY": "k3y-" + "x9Q!" * 16, "ALLOWED_HOSTS": "127.0.0.1,localhost",
           **PLAIN_HTTP}
    code = ("from django.conf import settings as s; db = s.DATABASES['default']; print(s.DEBUG, s.DEMO, "
            "s.STORAGES['staticfiles']['BACKEND'], db['CONN_MAX_AGE'], db['CONN_HEALTH_CHECKS'])")
    result = _django(env, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "False", "True", "whitenoise.storage.CompressedManifestStaticFilesStorage", "60", "True"]
    assert _django(env, "check").returncode == 0


def test_persistent_connections_are_configurable():
    env = {"DEBUG": "1", "DB_CONN_MAX_AGE": "0"}
    code = "from django.conf import settings as s; print(s.DATABASES['default']['CONN_MAX_AGE'])"
    result = _django(env, "shell", "-c", code)
    assert result.stdout.splitlines()[-1].split() == ["0"], result.stderr


def test_malformed_debug_stops_start_up():
    result = _django({"DEBUG": "sometimes"}, "check")
    assert result.returncode != 0
    assert "DEBUG='sometimes' is not a boolean" in result.stderr


def test_production_settings_pass_check_deploy_without_warnings():
    env = {"DEBUG": "0", "SECRET_KEY": "k3y-" + "x9Q!" * 16, "ALLOWED_HOSTS": "cchc.backan.gov.vn"}
    result = _django(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_defaults_are_vietnamese_and_hanoi_time(settings):
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ


def test_evidence_storage_is_chosen_by_configuration_alone(tmp_path):
    env = {"DEBUG": "1", "FILE_STORAGE_BACKEND": "django.core.files.storage.FileSystemStorage",
           "FILE_STORAGE_OPTIONS": '{"location": "%s"}' % (tmp_path / "kho")}
    code = ("from django.core.files.storage import default_storage as s; from django.core.files.base import "
            "ContentFile; print(s.save('evidence/x.pdf', ContentFile(b'%PDF')))")
    result = _django(env, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "kho" / "evidence" / "x.pdf").read_bytes() == b"%PDF"
    bad = _django({"DEBUG": "1", "FILE_STORAGE_OPTIONS": "[1, 2]"}, "check")
    assert "FILE_STORAGE_OPTIONS must be a JSON object" in bad.stderr
