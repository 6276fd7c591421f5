"""Criteria sets stored in the database: the exact YAML text and its SHA-256.

The parsed tree is never stored twice: ``parsed()`` reads it back through the rulebook loader
(cached by hash), so what a page shows is exactly what the engine scores.
"""

from __future__ import annotations

import sys

from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.rulebook import CriteriaSet, loads
from parindex.rulebook.bounded import bounded_cache
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


def _entry_size(args: tuple, value: CriteriaSet) -> int:
    """The key holds the YAML text itself; the parsed tree is estimated from its size."""
    sha256, source, name = args
    return sys.getsizeof(sha256) + sys.getsizeof(source) + sys.getsizeof(name) + parsed_size(len(source.encode()))


@bounded_cache(SETS_CACHE_BYTES, _entry_size)  # by bytes, not by count (docs/security.md, "Memory")
def _parse(sha256: str, source: str, name: str) -> CriteriaSet:
    return loads(source, name)


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

    class Meta:
        ordering = ["year", "unit_kind"]
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    def parsed(self) -> CriteriaSet:
        return _parse(self.sha256, self.source, self.source_name)
