"""The one API for background work.

    from parindex.jobs import services as jobs

    @jobs.handler("assessments.excel_import")            # in <app>/jobs.py, found at start-up
    def run_import(job, *, assessment):
        data = jobs.read_input(job)
        jobs.progress(job, 0, 1, _("Đang đọc tệp…"))
        ...                                               # writes in its own transaction.atomic()
        return jobs.Output(message=..., file=(filename, content_type, data))   # or just a message

    job = jobs.start("assessments.excel_import", actor=request.user, title=..., args={"assessment": 7},
                     upload=("diem.xlsx", data), back=(sheet_url, _("Về bảng tự đánh giá")))
    return redirect(job)                                  # its page shows the progress, then the result

The worker (``manage.py db_worker``, docs/operations.md) runs ``tasks.run_job``, which calls the
handler. A ``DomainError`` the handler raises fails the job with its Vietnamese message and its list
of problems; any other exception fails it with a general message (the traceback goes to the log).
The handler's writes are its own ``transaction.atomic()``: a failure leaves nothing half-saved.
``progress`` writes at once, so call it outside that transaction (before it, between steps).
"""

from __future__ import annotations

import logging
import posixpath
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.core.errors import DomainError

from .models import Job

logger = logging.getLogger(__name__)

HANDLERS: dict[str, Callable] = {}
STORAGE_DIR = "jobs"  # uploads and results under this folder of the default (evidence) storage


@dataclass(frozen=True)
class Output:
    """What a handler returns: the message shown when done, and maybe a file to download."""

    message: str
    file: tuple[str, str, bytes] | None = None  # (download name, content type, content)


def handler(kind: str):
    """Register the function that does the work of ``kind`` (in the app's ``jobs.py``)."""
    def register(function: Callable) -> Callable:
        if kind in HANDLERS and HANDLERS[kind] is not function:
            raise ValueError(f"job kind {kind!r} is registered twice")
        HANDLERS[kind] = function
        return function
    return register


def _stored_name(kind: str, filename: str) -> str:
    """A fresh, unguessable name in the storage (the download keeps ``filename``)."""
    base = posixpath.basename(filename.replace("\\", "/")) or "tep"
    return f"{STORAGE_DIR}/{timezone.now():%Y/%m}/{secrets.token_hex(12)}-{base}"


def start(kind: str, *, actor, title: str, args: dict | None = None, upload: tuple[str, bytes] | None = None,
          back: tuple[str, str] | None = None) -> Job:
    """Record the job (queued) and hand it to the task backend; ``upload`` is (file name, bytes), kept
    in the default storage for the handler (``read_input``) and removed when the job ends; ``back`` is
    (URL, link text) of the page the job is about, named on the job's page as the next step."""
    if kind not in HANDLERS:
        raise ValueError(f"no handler for job kind {kind!r}")
    input_name = default_storage.save(_stored_name(kind, upload[0]), ContentFile(upload[1])) if upload else ""
    with transaction.atomic():
        job = Job.objects.create(started_by=actor, kind=kind, title=title[:300], args=args or {},
                                 input_name=input_name, back_url=back[0] if back else "",
                                 back_label=str(back[1])[:200] if back else "")
    from .tasks import run_job

    result = run_job.enqueue(job.pk)  # the immediate backend (tests) runs it here and now
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def progress(job: Job, done: int, total: int, message: str = "") -> None:
    """How far the job is (``done`` of ``total`` steps), with what it is doing; written at once."""
    job.done, job.total = max(0, done), max(0, total)
    fields = {"done": job.done, "total": job.total}
    if message:
        job.message = fields["message"] = str(message)[:500]
    Job.objects.filter(pk=job.pk).update(**fields)


def read_input(job: Job) -> bytes:
    """The file uploaded with the job."""
    with default_storage.open(job.input_name, "rb") as stored:
        return stored.read()


def _finish(job: Job, status: str, message: str, errors: list[str], output_file=None) -> None:
    fields = {"status": status, "message": str(message)[:500], "errors": [str(e) for e in errors],
              "finished_at": timezone.now()}
    if output_file is not None:
        filename, content_type, content = output_file
        fields.update(result_name=default_storage.save(_stored_name(job.kind, filename), ContentFile(content)),
                      result_filename=filename[:200], result_content_type=content_type[:100])
    if status == Job.Status.DONE and job.total:
        fields["done"] = job.total
    Job.objects.filter(pk=job.pk).update(**fields)


def run(job_id: int) -> str:
    """Do one job (called by the task). A job already taken by a worker is left alone."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        return "skipped"
    job = Job.objects.select_related("started_by").get(pk=job_id)
    try:
        outcome = HANDLERS[job.kind](job, **job.args)
        if isinstance(outcome, str):
            outcome = Output(message=outcome)
        _finish(job, Job.Status.DONE, outcome.message, [], outcome.file)
        return Job.Status.DONE
    except DomainError as exc:
        _finish(job, Job.Status.FAILED, exc.message, exc.errors if exc.errors != [exc.message] else [])
        return Job.Status.FAILED
    except Exception:
        logger.exception("background job %s (%s) failed", job_id, job.kind)
        _finish(job, Job.Status.FAILED,
                _("Việc gặp lỗi ngoài dự kiến nên đã dừng; không có gì được lưu dở dang. "
                  "Hãy thử lại; nếu vẫn lỗi, hãy báo quản trị hệ thống."), [])
        return Job.Status.FAILED
    finally:
        if job.input_name:
            default_storage.delete(job.input_name)
