"""A publication: a frozen, versioned snapshot of results that anyone may read.

The table is still ``appraisal_publication``: the model moved here from the appraisal app by
state only (migrations ``publication.0001`` and ``appraisal.0005``), so no row was copied.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    """A frozen, versioned publication of results (a district's communes; later the province's)."""

    period = models.ForeignKey("periods.Period", on_delete=models.CASCADE, related_name="publications")
    scope = models.CharField(_("phạm vi"), max_length=50, help_text=_("district:<mã huyện> hoặc province"))
    version = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("lý do (khi đính chính)"), blank=True)
    content = models.JSONField(_("kết quả đã công bố"))

    class Meta:
        db_table = "appraisal_publication"  # created by appraisal.0001; moved here by state only
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["period", "scope", "version"], name="one_version_number")]
        verbose_name = _("công bố")
        verbose_name_plural = _("công bố")

    def __str__(self) -> str:
        return f"Công bố {self.scope} {self.period.year} (lần {self.version})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Bản công bố không được sửa; đính chính tạo một bản mới")
        super().save(*args, **kwargs)


class ProvinceResults(models.Model):
    """The province's results of a period on their way to publication (III.1.4, IV.1, V.5).

    One row per period. ``draft`` (the coordinator compiles; the content is computed live) →
    ``submitted`` (frozen in ``content`` for the approver) → ``approved`` (decision number and date) →
    ``published`` (a ``Publication`` of scope ``province``). Sending back returns to ``draft`` with a
    comment; a correction after publication returns to ``draft`` with a reason, and the next
    publication is a new version.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SUBMITTED = "submitted", _("Đã trình UBND tỉnh")
        APPROVED = "approved", _("UBND tỉnh đã phê duyệt")
        PUBLISHED = "published", _("Đã công bố")

    period = models.OneToOneField("periods.Period", on_delete=models.CASCADE, related_name="province_results")
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    content = models.JSONField(_("kết quả đã trình"), null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    decision_number = models.CharField(_("số quyết định"), max_length=50, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    comment = models.TextField(_("ý kiến khi trả lại"), blank=True)
    correction_reason = models.TextField(_("lý do đính chính"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kết quả của tỉnh")
        verbose_name_plural = _("kết quả của tỉnh")

    def __str__(self) -> str:
        return f"Kết quả Chỉ số CCHC của tỉnh năm {self.period.year} ({self.get_status_display()})"


class NotAssessed(models.Model):
    """A department or district recorded as not assessed this year (with the reason): shown as such, never
    scored as zero, and no longer blocking the province's draft."""

    period_unit = models.OneToOneField("units.PeriodUnit", on_delete=models.CASCADE, related_name="not_assessed")
    reason = models.TextField(_("lý do"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đơn vị không đánh giá trong năm")
        verbose_name_plural = _("đơn vị không đánh giá trong năm")

    def __str__(self) -> str:
        return f"Không đánh giá: {self.period_unit.name} ({self.period_unit.period.year})"
