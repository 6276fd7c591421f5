"""The sociological survey of a period (III.1.2–1.3, V.1.1.c–d of 1679/QĐ-UBND).

Anonymity (docs/security.md): an answer (``Response`` and its ``Answer`` rows) has no link to an
invitation, a paper form, a token or a person; only a paper or imported form carries the day it was
received. The completion of an online questionnaire is recorded on the ``Invitation`` alone
(``completed_on``, a date): were the day on both, a day with one respondent of a group for a unit
would tie his answers to his invitation (LimeSurvey's anonymised surveys keep no date either). The progress of an online
questionnaire that is not yet submitted is kept on its invitation (``draft``) and deleted when the
answers are submitted. Response keys are random UUIDs, so their order says nothing either.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Survey(models.Model):
    class Status(models.TextChoices):
        DESIGN = "design", _("Đang thiết kế")
        OPEN = "open", _("Đang thu phiếu")
        CLOSED = "closed", _("Đã chốt kết quả")

    period = models.OneToOneField("periods.Period", on_delete=models.CASCADE, related_name="survey")
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DESIGN)
    design_text = models.TextField(_("thiết kế (YAML)"))
    design_sha256 = models.CharField(max_length=64)
    design_id = models.CharField(_("mã thiết kế"), max_length=100)
    provenance = models.CharField(_("nguồn"), max_length=20, default="reconstructed")
    version = models.PositiveIntegerField(default=1, help_text=_("tăng mỗi lần thiết kế đổi (khoá lạc quan)"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cuộc điều tra xã hội học")
        verbose_name_plural = _("cuộc điều tra xã hội học")

    def __str__(self) -> str:
        return f"Điều tra XHH {self.period.year}"


class Invitation(models.Model):
    """One respondent's online questionnaire for one evaluated unit: a secret link (token)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    group = models.CharField(_("nhóm đối tượng"), max_length=50)
    unit = models.ForeignKey("units.PeriodUnit", verbose_name=_("đơn vị được đánh giá"), on_delete=models.PROTECT,
                             related_name="+")
    token = models.CharField(max_length=64, unique=True)
    label = models.CharField(_("người nhận (để gửi, nhắc)"), max_length=200, blank=True)
    contact = models.CharField(_("liên hệ (Zalo, thư điện tử)"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    draft = models.JSONField(_("câu trả lời đang làm dở"), default=dict, blank=True)
    draft_version = models.PositiveIntegerField(default=0)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["survey", "group", "unit"])]
        verbose_name = _("thư mời trả lời phiếu")
        verbose_name_plural = _("thư mời trả lời phiếu")

    def __str__(self) -> str:
        return f"Thư mời {self.group} — {self.unit.code}"


class Response(models.Model):
    """One filled questionnaire, anonymous: no invitation, no paper form, no person; a paper form's day only."""

    class Source(models.TextChoices):
        ONLINE = "online", _("Trực tuyến")
        PAPER = "paper", _("Phiếu giấy")
        IMPORT = "import", _("Nhập từ tệp")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    group = models.CharField(max_length=50)
    unit = models.ForeignKey("units.PeriodUnit", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices)
    # paper and imported forms: the day the form was received; online: None — the day of an online answer
    # is on its invitation only (``completed_on``), so the two cannot be joined on it (0002, collect.py)
    received_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["survey", "unit", "group"])]

    def __str__(self) -> str:
        return f"Phiếu trả lời nhóm {self.group}"  # nothing that could point to a respondent


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=50)
    item = models.CharField(max_length=20)           # the survey sub-criterion (denormalised for scoring)
    option = models.CharField(max_length=50)
    value = models.DecimalField(max_digits=6, decimal_places=4, null=True, blank=True)  # None: không biết

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return f"Câu {self.question}"


class PaperForm(models.Model):
    """A printed questionnaire with its serial number; counted once two entries agree (or it is resolved)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chưa nhập đủ hai lần")
        MISMATCH = "mismatch", _("Hai lần nhập không khớp")
        COUNTED = "counted", _("Đã tính")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="paper_forms")
    serial = models.CharField(_("số phiếu"), max_length=30)
    group = models.CharField(max_length=50)
    unit = models.ForeignKey("units.PeriodUnit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "serial"], name="one_paper_serial")]

    def __str__(self) -> str:
        return f"Phiếu giấy {self.serial}"


class PaperEntry(models.Model):
    """One typing of a paper form by one surveyor (double entry: two different people)."""

    form = models.ForeignKey(PaperForm, on_delete=models.CASCADE, related_name="entries")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField()  # {question code: option code}
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["form", "entered_by"], name="one_entry_per_person")]

    def __str__(self) -> str:
        return f"Bản nhập phiếu {self.form.serial}"


class ItemResolution(models.Model):
    """The coordinator's recorded decision for a unit's survey item that no group scored (too few answers)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="resolutions")
    unit = models.ForeignKey("units.PeriodUnit", on_delete=models.PROTECT, related_name="+")
    item = models.CharField(max_length=20)
    points = models.DecimalField(max_digits=6, decimal_places=2)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "unit", "item"], name="one_resolution_per_item")]

    def __str__(self) -> str:
        return f"Quyết định điểm tiêu chí {self.item}"
