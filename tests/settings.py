"""Settings for the test suite: production settings with a test secret and no HTTPS redirect.

DEBUG stays off (pytest-django forces it anyway), so the tests run the production code paths.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")

from parindex.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only

# tests/security/test_concurrent_saves.py runs its threads in a child pytest on a database of its
# own: SQLite in a file (threads share it as a deployment's workers do), PostgreSQL under another name.
if os.environ.get("PARINDEX_CONCURRENCY_DB"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["PARINDEX_CONCURRENCY_DB"]}  # noqa: F405

# Templates render {% static %} here without `collectstatic`: the plain storage. Production uses
# WhiteNoise's manifest storage, which needs the collected files (tests/deploy/ runs it for real).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# WhiteNoise finds the apps' static files itself, as with DEBUG (no STATIC_ROOT to scan at start).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Background jobs run inside the request that starts them (no worker to wait for); tests/jobs/ runs the real
# database backend with its worker (manage.py db_worker) as well.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
