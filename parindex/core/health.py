"""``/healthz``: is this server able to serve? For the reverse proxy and monitoring.

Two honest checks, each as cheap as it can be while still proving the thing works:
- the database: ``SELECT 1`` on this worker's connection;
- the file storage: write a tiny file under ``healthz/``, read it back, delete it. ``exists()``
  would be cheaper but proves neither that a write is accepted (a full disk, a read-only mount,
  an S3 key without PutObject) nor, on a file system, anything at all. On S3 it costs three
  requests per check: probe it every 10–30 s, not every second (docs/operations.md).

The answer names each part "ok" or "error" and nothing else: no exception text, versions or paths
(those go to the server's log). No login, never cached, GET only; it reads no session and writes
no row, so it neither counts as a login attempt nor keeps a session alive.
"""

from __future__ import annotations

import logging
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)
PROBE = b"parindex healthz\n"


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        log.exception("healthz: database check failed")
        return False


def storage_ok() -> bool:
    name = None
    try:
        name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(PROBE))
        with default_storage.open(name, "rb") as probe:
            return probe.read() == PROBE
    except Exception:
        log.exception("healthz: storage check failed")
        return False
    finally:
        if name is not None:
            try:
                default_storage.delete(name)
            except Exception:
                log.exception("healthz: storage probe not deleted")


@never_cache
@require_GET
def healthz(request):
    parts = {"database": database_ok(), "storage": storage_ok()}
    healthy = all(parts.values())
    body = {"status": "ok" if healthy else "error", **{k: "ok" if v else "error" for k, v in parts.items()}}
    return JsonResponse(body, status=200 if healthy else 503)
