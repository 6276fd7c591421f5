"""The append-only audit log: who, when, from where, what, before → after, why.

Nothing in the application can change or delete an entry: ``save`` refuses updates, ``delete``
and the queryset's ``update``/``delete`` raise, the admin is read-only, and on PostgreSQL a
trigger refuses UPDATE and DELETE on the table itself (migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditImmutable(Exception):
    """An audit entry was about to be changed or deleted."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutable("Nhật ký chỉ được ghi thêm, không được sửa")

    def delete(self):
        raise AuditImmutable("Nhật ký chỉ được ghi thêm, không được xoá")

    def for_object(self, obj):
        return self.filter(object_type=object_type(obj), object_id=str(obj.pk))


def object_type(obj) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


class AuditEntry(models.Model):
    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True,
                              blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(_("tài khoản"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    action = models.CharField(_("hành động"), max_length=100, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=100)
    object_id = models.CharField(_("mã đối tượng"), max_length=64)
    object_repr = models.CharField(_("đối tượng"), max_length=300)
    before = models.JSONField(_("trước"), null=True, blank=True)
    after = models.JSONField(_("sau"), null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("mục nhật ký")
        verbose_name_plural = _("nhật ký")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutable("Nhật ký chỉ được ghi thêm, không được sửa")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutable("Nhật ký chỉ được ghi thêm, không được xoá")

    def changes(self) -> list[tuple[str, object, object]]:
        """(key, before, after) for every key that differs, for display."""
        before = self.before if isinstance(self.before, dict) else {}
        after = self.after if isinstance(self.after, dict) else {}
        keys = list(dict.fromkeys([*before, *after]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
