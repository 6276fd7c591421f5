"""Criteria sets stored in the database: the exact YAML text and its SHA-256.

The parsed tree is never stored twice: ``parsed()`` reads it back through the rulebook loader
(cached by hash), so what a page shows is exactly what the engine scores.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

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
        return parse_stored(self.sha256, self.source_name, lambda: self.source)
