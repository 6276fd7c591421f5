"""One background job: who started it, what it is, how far it is, and what it produced."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Không thành công")

    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=60)                      # a registered handler, e.g. "assessments.excel_import"
    title = models.CharField(max_length=300)                    # for people, in Vietnamese
    args = models.JSONField(default=dict, blank=True)           # the handler's keyword arguments (JSON only)
    back_url = models.CharField(max_length=300, blank=True)     # the page the job is about: the next step
    back_label = models.CharField(max_length=200, blank=True)   # that link's text, e.g. "Về bảng tự đánh giá"
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)              # 0: not known yet
    message = models.CharField(max_length=500, blank=True)
    errors = models.JSONField(default=list, blank=True)         # each problem, as the service listed it
    input_name = models.CharField(max_length=300, blank=True)   # the stored upload (default storage), removed after
    result_name = models.CharField(max_length=300, blank=True)  # the stored result (default storage)
    result_filename = models.CharField(max_length=200, blank=True)  # the name the download is saved under
    result_content_type = models.CharField(max_length=100, blank=True)
    task_id = models.CharField(max_length=64, blank=True)       # django-tasks' result id, for operators
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["started_by", "-created_at"])]
        verbose_name = _("việc chạy nền")
        verbose_name_plural = _("việc chạy nền")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("jobs:detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int | None:
        """How far, 0–100; None while the amount of work is not known (an indeterminate bar)."""
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)
