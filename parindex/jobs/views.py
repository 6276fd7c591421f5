"""A person's background jobs: the list, one job's page (progress, then its result), its JSON, its file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from parindex.accounts import permissions

from .models import Job

LIST_LIMIT = 50
POLL_SECONDS = 2      # the page's script asks for the job's state this often
REFRESH_SECONDS = 5   # without script: the page reloads itself this often while the job runs


def _state(job: Job) -> dict:
    return {"status": job.status, "status_label": str(job.get_status_display()), "finished": job.finished,
            "done": job.done, "total": job.total, "percent": job.percent, "message": job.message}


@require_GET
@login_required
def mine(request):
    jobs = permissions.jobs_of(request.user)[:LIST_LIMIT]
    return render(request, "jobs/list.html", {"jobs": jobs, "limit": LIST_LIMIT})


@require_GET
@login_required
def detail(request, pk: int):
    job = permissions.get_job_or_404(request.user, pk)
    return render(request, "jobs/detail.html", {
        "job": job, "refresh": REFRESH_SECONDS, "poll": POLL_SECONDS,
        "state_url": reverse("jobs:state", args=[job.pk]),
    })


@require_GET
@login_required
def state(request, pk: int):
    job = permissions.get_job_or_404(request.user, pk)
    response = JsonResponse(_state(job))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def download(request, pk: int):
    job = permissions.get_job_or_404(request.user, pk)
    if job.status != Job.Status.DONE or not job.result_name or not default_storage.exists(job.result_name):
        raise Http404
    response = FileResponse(default_storage.open(job.result_name, "rb"), content_type=job.result_content_type,
                            as_attachment=True, filename=job.result_filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
