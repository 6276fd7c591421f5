"""The yearly assessment period (kỳ đánh giá), the criteria sets bound to it, and extensions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from parindex.rulebook.bounded import ByteBoundedCache

from .timeline import Reading, Step


class PeriodLocked(Exception):
    """An attempt to change what a period has fixed (its criteria sets once open)."""


class Period(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Chuẩn bị")
        OPEN = "open", _("Đang diễn ra")
        CLOSED = "closed", _("Đã kết thúc")

    year = models.PositiveSmallIntegerField(_("năm đánh giá"), unique=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    reading = models.CharField(_("cách hiểu «trước ngày»"), max_length=10, choices=Reading.choices,
                               default=Reading.STRICT)
    commune_self_due = models.DateTimeField(_("hạn cấp xã gửi tự đánh giá"))
    district_publish_due = models.DateTimeField(_("hạn cấp huyện công bố Chỉ số cấp xã"))
    self_due = models.DateTimeField(_("hạn sở, huyện gửi tự đánh giá"))
    appraisal_start = models.DateTimeField(_("bắt đầu thẩm định"))
    appraisal_end = models.DateTimeField(_("kết thúc thẩm định"))
    survey_start = models.DateTimeField(_("bắt đầu thu phiếu điều tra XHH"))
    survey_end = models.DateTimeField(_("kết thúc thu phiếu điều tra XHH"))
    publication_start = models.DateTimeField(_("bắt đầu công bố"))
    publication_end = models.DateTimeField(_("kết thúc công bố"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")

    def __str__(self) -> str:
        # Vietnamese always: the audit log stores it (object_repr); pages show ``label``
        return f"Kỳ đánh giá {self.year}"

    @property
    def label(self) -> str:
        """``str(period)`` in the reader's language, for pages."""
        return gettext("Kỳ đánh giá %(year)s") % {"year": self.year}

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class FixedOnceOpen(models.Model):
    """What a period binds at its creation: changed or removed only while the period is in preparation."""

    fixed_what = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and self.period.status != Period.Status.DRAFT:
            raise PeriodLocked(f"{self.fixed_what} đã mở không được thay đổi")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.period.status != Period.Status.DRAFT:
            raise PeriodLocked(f"{self.fixed_what} đã mở không được xoá")
        return super().delete(*args, **kwargs)


class PeriodCriteriaSet(FixedOnceOpen):
    """A criteria set copied into the period at creation (text + hash); fixed once it opens."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="criteria_sets")
    unit_kind = models.CharField(_("loại đơn vị"), max_length=20)
    set_id = models.CharField(_("mã bộ tiêu chí"), max_length=100)
    title = models.CharField(_("tên"), max_length=300)
    provenance = models.CharField(_("nguồn gốc"), max_length=20)
    source = models.TextField(_("nội dung YAML"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "unit_kind"], name="one_set_per_kind")]
        verbose_name = _("bộ tiêu chí của kỳ")
        verbose_name_plural = _("bộ tiêu chí của kỳ")

    def __str__(self) -> str:
        return f"{self.set_id} ({self.period.year})"

    fixed_what = "Bộ tiêu chí của kỳ"

    def parsed(self):
        from parindex.criteria.models import parse_stored

        return parse_stored(self.sha256, f"{self.set_id}.yaml", lambda: self.source)


class PeriodDecision(FixedOnceOpen):
    """The decision file bound to the period at creation (text + hash, like its criteria sets); fixed once the
    period opens. A period without one (restored from an export older than format 3) is under 1679."""

    period = models.OneToOneField(Period, on_delete=models.CASCADE, related_name="decision")
    decision_id = models.CharField(_("mã quyết định"), max_length=100)
    title = models.CharField(_("tên"), max_length=500)
    source = models.TextField(_("nội dung YAML"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("quyết định áp dụng cho kỳ")
        verbose_name_plural = _("quyết định áp dụng cho kỳ")

    def __str__(self) -> str:
        return f"{self.decision_id} ({self.period.year})"

    fixed_what = "Quyết định áp dụng cho kỳ"

    def parsed(self):
        return parse_decision(self.sha256, self.source)


# parsed decisions by the SHA-256 of their text, bounded like the criteria sets' cache (docs/security.md,
# "Memory"): a parsed decision is charged 20 times its text, far above its real size (a few kB of dataclasses)
_DECISIONS = ByteBoundedCache(4_000_000)


def parse_decision(sha256: str, source: str):
    """A stored decision's parsed form, cached by the SHA-256 of its text (a few kB each, few per site)."""
    from parindex.rulebook.decision import loads_decision

    found, value = _DECISIONS.get((sha256,))
    if not found:
        value = loads_decision(source, "quyet-dinh.yaml")
        _DECISIONS.put((sha256,), value, 20 * len(source.encode()))
    return value


class Extension(models.Model):
    """A later deadline for one unit and one step, granted with a reason."""

    period_unit = models.ForeignKey("units.PeriodUnit", on_delete=models.CASCADE, related_name="extensions")
    step = models.CharField(_("bước"), max_length=30, choices=Step.choices)
    new_due = models.DateTimeField(_("hạn mới"))
    reason = models.TextField(_("lý do"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period_unit", "step"], name="one_extension_per_step")]
        verbose_name = _("gia hạn")
        verbose_name_plural = _("gia hạn")

    def __str__(self) -> str:
        return f"{self.period_unit} — {self.get_step_display()}"
