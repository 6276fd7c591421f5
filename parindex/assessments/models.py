"""A unit's self-assessment (tự đánh giá) for a period: scores, evidence, participants, report.

One ``Assessment`` per unit and period. Each scorable self item has at most one ``ItemScore``
(points, explanation, a version for conflict detection). Evidence lives in the unit's library
for the period (``Evidence``: an uploaded file or a document reference) and is linked to items
with the exact place it relies on (``ItemEvidence.location``: mục, điểm, khoản, trang).
At submission the whole sheet is frozen into ``Assessment.snapshot``; the appraisal sees exactly
that.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ thủ trưởng duyệt")
    SUBMITTED = "submitted", _("Đã nộp")


class Assessment(models.Model):
    period_unit = models.OneToOneField("units.PeriodUnit", on_delete=models.PROTECT, related_name="assessment")
    criteria_set = models.ForeignKey("periods.PeriodCriteriaSet", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    difficulties = models.TextField(_("Khó khăn, vướng mắc, kiến nghị"), blank=True)
    meeting_date = models.DateField(_("ngày họp tự đánh giá"), null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    sent_back_comment = models.TextField(_("ý kiến trả lại"), blank=True)
    snapshot = models.JSONField(_("bản đã nộp"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("bản tự đánh giá")
        verbose_name_plural = _("bản tự đánh giá")

    def __str__(self) -> str:
        return f"Tự đánh giá {self.period_unit.name} ({self.period_unit.period.year})"

    @property
    def editable(self) -> bool:
        return self.status == Status.DRAFT


class ItemScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    item_code = models.CharField(_("mã tiêu chí"), max_length=20)
    points = models.DecimalField(_("điểm tự chấm"), max_digits=7, decimal_places=4, null=True, blank=True)
    explanation = models.TextField(_("giải trình"), blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "item_code"], name="one_score_per_item")]
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")

    def __str__(self) -> str:
        return f"{self.item_code}: {self.points}"


class Evidence(models.Model):
    """One entry of the unit's evidence library: an uploaded file or a document reference."""

    class Kind(models.TextChoices):
        FILE = "file", _("Tệp đính kèm")
        DOCUMENT = "document", _("Văn bản (trích dẫn)")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # file
    file = models.FileField(upload_to="evidence/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    original_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    # document reference
    number = models.CharField(_("số hiệu"), max_length=100, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    summary = models.CharField(_("trích yếu"), max_length=500, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "sha256"], condition=~models.Q(sha256=""),
                                               name="one_upload_per_content")]
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")

    def __str__(self) -> str:
        if self.kind == self.Kind.FILE:
            return self.original_name
        date = f" ngày {self.issued_on:%d/%m/%Y}" if self.issued_on else ""
        return f"{self.number}{date} của {self.issuer}: {self.summary}".strip()


class ItemEvidence(models.Model):
    score = models.ForeignKey(ItemScore, on_delete=models.CASCADE, related_name="links")
    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="links")
    location = models.CharField(_("vị trí trong tài liệu"), max_length=200, blank=True,
                                help_text=_("mục, điểm, khoản, trang"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["score", "evidence"], name="one_link_per_item_evidence")]

    def __str__(self) -> str:
        return f"{self.evidence}" + (f" — {self.location}" if self.location else "")


class Participant(models.Model):
    """Who took part in the self-assessment meeting (III.2.2)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("họ và tên"), max_length=150)
    position = models.CharField(_("chức vụ"), max_length=200)
    # which of the decision's required participants (III.2.2) this person is; "" for anyone else present
    role = models.CharField(_("thành phần"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.name} — {self.position}"
