from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "parindex.jobs"
    label = "jobs"
    verbose_name = "Việc chạy nền"

    def ready(self):
        # every app's ``jobs.py`` registers its kinds of job (``@services.handler("...")``), in the web
        # process and in the worker alike
        autodiscover_modules("jobs")
