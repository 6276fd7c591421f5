"""Appraisal (thẩm định, III.3 of Decision 1679/QĐ-UBND).

- ``Team``: the provincial team (``district`` empty) or one district's team, with its lead.
  People are appraisal-team members through their role (agency, team, fields).
- ``Assignment``: which member agency appraises a field or a single criterion, by unit kind;
  without one, an item's own ``agency`` in the criteria set applies.
- ``Appraisal``: one per submitted self-assessment; its stage (round 1, explanation, final,
  finalized) and the explanation window.
- ``ItemAppraisal``: every round of one item kept in its own columns — round 1, the unit's
  explanation, the final appraisal — each with who and when; nothing is overwritten.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.core import clock
from parindex.core.lengths import LengthChecked


class Team(models.Model):
    period = models.ForeignKey("periods.Period", on_delete=models.CASCADE, related_name="teams")
    district = models.ForeignKey("units.PeriodUnit", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", help_text=_("bỏ trống: tổ thẩm định của tỉnh"))
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("tổ trưởng"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "district"], name="one_team_per_level"),
            # NULL districts are all distinct to the constraint above: one provincial team per period
            models.UniqueConstraint(fields=["period"], condition=models.Q(district__isnull=True),
                                    name="one_provincial_team"),
        ]
        verbose_name = _("tổ thẩm định")
        verbose_name_plural = _("tổ thẩm định")

    def __str__(self) -> str:
        return f"Tổ thẩm định {self.district.name}" if self.district_id else "Tổ thẩm định tỉnh"


class Assignment(models.Model):
    period = models.ForeignKey("periods.Period", on_delete=models.CASCADE, related_name="assignments")
    unit_kind = models.CharField(_("loại đơn vị"), max_length=20)
    code = models.CharField(_("lĩnh vực hoặc tiêu chí"), max_length=20, help_text=_("ví dụ g hoặc g.2"))
    agency = models.CharField(_("cơ quan thẩm định"), max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "unit_kind", "code"], name="one_agency_per_scope")]
        verbose_name = _("phân công thẩm định")
        verbose_name_plural = _("phân công thẩm định")

    def __str__(self) -> str:
        return f"{self.unit_kind} {self.code} → {self.agency}"


class Stage(models.TextChoices):
    ROUND1 = "round1", _("Thẩm định vòng 1")
    EXPLANATION = "explanation", _("Đơn vị giải trình")
    FINAL = "final", _("Thẩm định cuối")
    FINALIZED = "finalized", _("Đã chốt kết quả")


class Appraisal(models.Model):
    assessment = models.OneToOneField("assessments.Assessment", on_delete=models.PROTECT, related_name="appraisal")
    stage = models.CharField(_("giai đoạn"), max_length=20, choices=Stage.choices, default=Stage.ROUND1)
    explanation_until = models.DateTimeField(_("hạn giải trình"), null=True, blank=True)
    finalized_at = models.DateTimeField(null=True, blank=True)
    finalized_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    result = models.JSONField(_("kết quả chính thức"), null=True, blank=True,
                              help_text=_("điểm thẩm định cuối của từng tiêu chí, khi chốt"))
    correction = models.BooleanField(_("đang đính chính"), default=False,
                                     help_text=_("mở lại sau khi đã chốt: được sửa cả sau hạn, có lý do"))

    class Meta:
        verbose_name = _("thẩm định")
        verbose_name_plural = _("thẩm định")

    def __str__(self) -> str:
        return f"Thẩm định {self.assessment.period_unit.name}"


class ItemAppraisal(models.Model):
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="items")
    item_code = models.CharField(max_length=20)
    agency = models.CharField(_("cơ quan thẩm định"), max_length=20)
    round1_points = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    round1_comment = models.TextField(blank=True)
    round1_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    round1_at = models.DateTimeField(null=True, blank=True)
    explanation = models.TextField(_("giải trình của đơn vị"), blank=True)
    explanation_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    explanation_at = models.DateTimeField(null=True, blank=True)
    final_points = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    final_comment = models.TextField(blank=True)
    final_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    final_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appraisal", "item_code"], name="one_row_per_item")]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.item_code}: {self.round1_points} → {self.final_points}"


class ExplanationEvidence(LengthChecked, models.Model):
    """Evidence the unit added to an item during the explanation round (the location's length is
    checked on save, with a clear message, on both databases)."""

    length_labels = {"location": _("Vị trí trong tài liệu")}

    item = models.ForeignKey(ItemAppraisal, on_delete=models.CASCADE, related_name="added_evidence")
    evidence = models.ForeignKey("assessments.Evidence", on_delete=models.PROTECT, related_name="+")
    location = models.CharField(max_length=200, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.item.item_code}: {self.evidence}"

