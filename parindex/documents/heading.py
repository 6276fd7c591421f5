"""The parts every parindex document carries as an administrative document (Nghị định 30/2020/NĐ-CP).

``Heading`` feeds ``documents/base_document.html``: the issuing body on the left (the body it belongs
to, then itself), the number line ("Số: …/BC-UBND", the number is written by hand when the document
is registered), the national heading on the right, the place and date line, and the signature
blocks at the end. The province's name comes from ``settings.PROVINCE_NAME``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

from parindex.units.models import PeriodUnit, UnitKind

SIGN_HINT = "(Ký, ghi rõ họ tên, đóng dấu)"


@dataclass(frozen=True)
class Signer:
    """One signature block: the position (one line each), then the hint, the space and the name."""

    position: tuple[str, ...]
    name: str = ""
    hint: str = SIGN_HINT


@dataclass(frozen=True)
class Heading:
    issuer: str                       # e.g. "SỞ NỘI VỤ", "UBND HUYỆN CHỢ MỚI"
    number: str                       # the part after the slash: "BC-UBND", "BB-TTĐ"
    issued: date | None               # None: "ngày … tháng … năm …", written by hand
    signers: tuple[Signer, ...] = field(default=())
    parent: str = ""                  # the body the issuer belongs to, e.g. "UBND TỈNH BẮC KẠN"

    @property
    def place(self) -> str:
        return province_name()


def province_name() -> str:
    return getattr(settings, "PROVINCE_NAME", "") or "Bắc Kạn"


def province_body() -> str:
    return f"UBND TỈNH {province_name().upper()}"


def body_of(unit: PeriodUnit) -> str:
    """The unit as an issuing body: "UBND XÃ HOÀ MỤC", "UBND HUYỆN CHỢ MỚI", "SỞ TƯ PHÁP"."""
    if unit.kind in (UnitKind.COMMUNE, UnitKind.DISTRICT):
        return f"UBND {unit.name.upper()}"
    return unit.name.upper()


def _parent_of(unit: PeriodUnit) -> str:
    """A commune under its district, a department under the province; a district stands alone."""
    district = unit.appraising_district   # None for a commune of a two-level period: under the province
    if district is not None:
        return body_of(district)
    return "" if unit.kind == UnitKind.DISTRICT else province_body()


def _council(unit: PeriodUnit) -> tuple[str, ...]:
    """The head of the issuing body signs: for a people's committee on its behalf (TM.)."""
    if unit.kind in (UnitKind.COMMUNE, UnitKind.DISTRICT):
        return ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    return ("THỦ TRƯỞNG CƠ QUAN",)


def for_self_assessment(unit: PeriodUnit, issued: date | None, head_name: str = "") -> Heading:
    """The unit's own report (Công văn 383/BNV), signed by its head."""
    ubnd = unit.kind in (UnitKind.COMMUNE, UnitKind.DISTRICT)
    return Heading(issuer=body_of(unit), parent=_parent_of(unit), number="BC-UBND" if ubnd else f"BC-{unit.code}",
                   issued=issued, signers=(Signer(_council(unit), head_name),))


def for_minutes(unit: PeriodUnit, issued: date | None, lead_name: str = "") -> Heading:
    """The appraisal team's minutes: the district's team for a commune, the province's otherwise."""
    district = unit.appraising_district
    parent = body_of(district) if district is not None else province_body()
    return Heading(issuer="TỔ THẨM ĐỊNH CHỈ SỐ CCHC", parent=parent, number="BB-TTĐ", issued=issued,
                   signers=(Signer(("ĐẠI DIỆN ĐƠN VỊ ĐƯỢC THẨM ĐỊNH",)),
                            Signer(("TỔ TRƯỞNG TỔ THẨM ĐỊNH",), lead_name)))


def for_district_publication(district_name: str, issued: date | None) -> Heading:
    """A district's publication of its communes' results (IV.2.1), on behalf of its people's committee."""
    return Heading(issuer=f"UBND {district_name.upper()}", number="QĐ-UBND", issued=issued,
                   signers=(Signer(("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),))
