"""Who is assessed: a unit's lasting identity, and its entry in each period's unit list.

Units merge, split and are renamed between years, so every period has its own list
(``PeriodUnit``). A unit that does not change keeps one ``Unit`` identity across years, which
is what year-over-year comparison and role assignments hold on to.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .states import WorkState


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT = "district", _("UBND cấp huyện")
    COMMUNE = "commune", _("UBND cấp xã")


ASSESSED_KINDS = (UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.COMMUNE)
PARENT_KIND = {
    UnitKind.PROVINCE: None,
    UnitKind.DEPARTMENT: UnitKind.PROVINCE,
    UnitKind.DISTRICT: UnitKind.PROVINCE,
    UnitKind.COMMUNE: UnitKind.DISTRICT,
}


def parent_kind(kind: str, levels) -> str | None:
    """The kind of a unit's parent in a period whose decision has these ``levels``: a commune's is its
    district under a three-level decision (1679), the province under a two-level one (no districts, since
    1 July 2025), which then appraises it (``appraised_by``; docs/decision-format.md)."""
    if kind == UnitKind.COMMUNE and UnitKind.DISTRICT not in levels:
        return UnitKind.PROVINCE
    return PARENT_KIND[kind]


# The units the province's team appraises and the province's results rank: departments, districts, and the
# communes of a two-level period (their parent is the province). One query for every scoped list that needs it.
def province_appraised(prefix: str = "") -> models.Q:
    """``prefix``: the path to the unit from the model queried, e.g. ``"assessment__period_unit__"``."""
    return (models.Q(**{f"{prefix}kind__in": [UnitKind.DEPARTMENT, UnitKind.DISTRICT]})
            | models.Q(**{f"{prefix}kind": UnitKind.COMMUNE, f"{prefix}parent__kind": UnitKind.PROVINCE}))


PROVINCE_APPRAISED = province_appraised()


class Unit(models.Model):
    """A unit's identity across years: ``gso:<code>`` for administrative units, ``dept:<code>``."""

    key = models.CharField(_("mã định danh"), max_length=50, unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)

    class Meta:
        verbose_name = _("đơn vị (định danh)")
        verbose_name_plural = _("đơn vị (định danh)")

    def __str__(self) -> str:
        latest = self.versions.order_by("-period__year").first()
        return latest.name if latest else self.key


class PeriodUnitQuerySet(models.QuerySet):
    def assessed(self):
        return self.filter(kind__in=ASSESSED_KINDS)


class PeriodUnit(models.Model):
    period = models.ForeignKey("periods.Period", on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="versions")
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)
    code = models.CharField(_("mã"), max_length=20, help_text=_("mã GSO, hoặc mã viết tắt của sở"))
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên ngắn"), max_length=100, blank=True)
    type_label = models.CharField(_("loại hình"), max_length=50, blank=True,
                                  help_text=_("Xã, Phường, Thị trấn, Huyện, Thành phố, Sở…"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    state = models.CharField(_("trạng thái"), max_length=30, choices=WorkState.choices,
                             default=WorkState.NOT_STARTED)
    # the units this one succeeds (a merged commune, a merged department): their ``Unit.key``s, from the unit
    # list's «predecessors» column; a unit's public history shows their published results
    predecessors = models.JSONField(_("đơn vị trước sáp nhập"), default=list, blank=True)
    state_changed_at = models.DateTimeField(_("đổi trạng thái lúc"), default=timezone.now)

    objects = PeriodUnitQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="unique_unit_per_period"),
            models.UniqueConstraint(fields=["period", "code"], name="unique_code_per_period"),
        ]
        verbose_name = _("đơn vị trong kỳ")
        verbose_name_plural = _("đơn vị trong kỳ")

    def __str__(self) -> str:
        return self.name

    @property
    def district(self) -> PeriodUnit | None:
        """The district a commune belongs to (None in a two-level period), or the district itself."""
        if self.kind == UnitKind.COMMUNE:
            return self.appraising_district
        if self.kind == UnitKind.DISTRICT:
            return self
        return None

    @property
    def appraising_district(self) -> PeriodUnit | None:
        """The district whose team appraises this commune and publishes its result (IV.2.1, V.2); None for
        every other unit, and for a commune of a two-level period, which the province appraises."""
        if self.kind != UnitKind.COMMUNE or self.parent_id is None:
            return None
        parent = self.parent
        return parent if parent.kind == UnitKind.DISTRICT else None
