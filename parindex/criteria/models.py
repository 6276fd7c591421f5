"""Criteria sets stored in the database: the exact YAML text and its SHA-256.

The parsed tree is never stored twice: ``parsed()`` reads it back through the rulebook loader
(cached by hash), so what a page shows is exactly what the engine scores.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.rulebook import CriteriaSet, loads
from parindex.rulebook.bounded import ByteBoundedCache
from parindex.rulebook.registry import SETS_CACHE_BYTES, parsed_size

UNIT_KIND_CHOICES = [
    ("department", _("Sở, ban, ngành")),
    ("district", _("UBND cấp huyện")),
    ("commune", _("UBND cấp xã")),
]
PROVENANCE_CHOICES = [
    ("reconstructed", _("Dựng lại (chờ bảng chính thức)")),
    ("official", _("Chính thức")),
]


_SETS = ByteBoundedCache(SETS_CACHE_BYTES)  # by bytes, not by count (docs/security.md, "Memory")


def parse_stored(sha256: str, name: str, read_source: Callable[[], str]) -> CriteriaSet:
    """A stored set's parsed tree, cached by the SHA-256 of its text (stored with the text, never apart).

    The text is read only when the tree is not in this process's cache yet, so pages and saves can leave
    the YAML text (60-100 kB) out of their queries (``defer("criteria_set__source")``)."""
    key = (sha256, name)
    found, value = _SETS.get(key)
    if found:
        return value
    source = read_source()
    value = loads(source, name)
    size = sys.getsizeof(sha256) + sys.getsizeof(name) + parsed_size(len(source.encode()))
    _SETS.put(key, value, size)  # an exception above propagates and nothing is stored
    return value


class EditionStatus(models.TextChoices):
    """A yearly edition (V.1.1.h) is a draft while Sở Nội vụ edits it; approved, it is frozen for good.
    Shipped and loaded sets are approved (the default)."""

    DRAFT = "draft", _("Dự thảo")
    APPROVED = "approved", _("Đã phê duyệt")


class CriteriaSetRecordQuerySet(models.QuerySet):
    def approved(self):
        """The sets a period may bind and the public pages show: never a draft."""
        return self.filter(status=EditionStatus.APPROVED)


class CriteriaSetRecord(models.Model):
    set_id = models.CharField(_("mã bộ tiêu chí"), max_length=100, unique=True)
    unit_kind = models.CharField(_("loại đơn vị"), max_length=20, choices=UNIT_KIND_CHOICES)
    year = models.PositiveIntegerField(_("năm"))
    title = models.CharField(_("tên"), max_length=300)
    legal_basis = models.CharField(_("căn cứ"), max_length=300)
    provenance = models.CharField(_("nguồn gốc"), max_length=20, choices=PROVENANCE_CHOICES)
    source = models.TextField(_("nội dung YAML"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    source_name = models.CharField(_("tệp nguồn"), max_length=300)
    loaded_at = models.DateTimeField(_("nạp lúc"), auto_now=True)
    # -- the yearly edition (docs/criteria-edition.md)
    status = models.CharField(_("trạng thái"), max_length=20, choices=EditionStatus.choices,
                              default=EditionStatus.APPROVED)
    based_on = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="editions",
                                 verbose_name=_("sao từ bộ"))
    version = models.PositiveIntegerField(_("phiên bản sửa"), default=0)  # optimistic locking of a draft
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("người phê duyệt"))
    approved_at = models.DateTimeField(_("phê duyệt lúc"), null=True, blank=True)

    objects = CriteriaSetRecordQuerySet.as_manager()

    class Meta:
        ordering = ["year", "unit_kind"]
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def is_draft(self) -> bool:
        return self.status == EditionStatus.DRAFT

    def parsed(self) -> CriteriaSet:
        return parse_stored(self.sha256, self.source_name, lambda: self.source)
