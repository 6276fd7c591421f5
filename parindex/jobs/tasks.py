"""The one django-tasks task: it runs a job by its id (the work itself is the job's handler)."""

from django_tasks import task

from . import services


@task()
def run_job(job_id: int) -> str:
    return services.run(job_id)
