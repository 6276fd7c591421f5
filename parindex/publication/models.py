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
