"""What the open API answers (pydantic 2 through django-ninja): the OpenAPI document is generated from these.

Points are Decimal *strings*, as in the published content (docs/results.md); instants are ISO 8601 with their
offset. Nothing here names a person: a publication's author (``published_by``) is never part of an answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field


class ParamError(Schema):
    param: str = Field(description="Tên tham số")
    location: str = Field(description="path hoặc query")
    message: str = Field(description="Vì sao giá trị không được nhận")
    allowed: str = Field(description="Những giá trị được nhận")


class ErrorOut(Schema):
    detail: str = Field(description="Thông báo lỗi (tiếng Việt)")
    errors: list[ParamError] = Field(default_factory=list)


class PageMeta(Schema):
    count: int = Field(description="Tổng số phần tử của danh sách")
    page: int = Field(description="Trang đang xem (từ 1)")
    page_size: int
    pages: int = Field(description="Số trang (ít nhất 1)")


# -- criteria sets ------------------------------------------------------------------------------------------

class CriteriaSetSummary(Schema):
    id: str
    unit_kind: str
    year: int
    title: str
    provenance: str = Field(description="reconstructed (dựng lại) hoặc official (chính thức)")
    sha256: str


class ItemOut(Schema):
    code: str
    title: str
    max_points: str
    survey: bool = Field(description="true: chấm bằng điều tra xã hội học, không tự chấm")
    agency: str = Field(description="Mã cơ quan thẩm định")
    agency_name: str


class CriterionOut(Schema):
    code: str
    title: str
    max_points: str
    scored_directly: bool
    items: list[ItemOut]


class FieldOut(Schema):
    code: str
    title: str
    max_points: str
    criteria: list[CriterionOut]


class CriteriaSetOut(CriteriaSetSummary):
    legal_basis: str
    total_max: str
    self_max: str
    survey_max: str
    fields: list[FieldOut]


# -- periods and units --------------------------------------------------------------------------------------

class TimelineOut(Schema):
    commune_self_due: datetime
    district_publish_due: datetime
    self_due: datetime
    appraisal_start: datetime
    appraisal_end: datetime
    survey_start: datetime
    survey_end: datetime
    publication_start: datetime
    publication_end: datetime


class PeriodCriteriaSetOut(Schema):
    unit_kind: str
    id: str
    sha256: str


class PeriodOut(Schema):
    year: int
    status: str = Field(description="open (đang diễn ra) hoặc closed (đã kết thúc)")
    status_label: str
    timeline: TimelineOut
    criteria_sets: list[PeriodCriteriaSetOut]
    province_published: bool = Field(description="Kết quả của tỉnh đã công bố")


class UnitOut(Schema):
    code: str
    name: str
    short_name: str
    type_label: str
    kind: str
    parent: str | None = Field(description="Mã đơn vị cấp trên")


class UnitPage(PageMeta):
    items: list[UnitOut]


# -- publications -------------------------------------------------------------------------------------------

class VersionOut(Schema):
    version: int
    published_at: datetime
    reason: str = Field(description="Lý do đính chính (trống ở lần 1)")
    superseded: bool = Field(description="true: đã có bản công bố mới hơn")


class PublicationOut(VersionOut):
    scope: str
    content: dict[str, Any] = Field(description="Nội dung đã công bố (docs/results.md)")


class ProvinceResultsOut(Schema):
    year: int
    versions: list[PublicationOut] = Field(description="Mọi bản công bố, mới nhất trước")


class DistrictRef(Schema):
    code: str
    name: str


class DistrictPublications(Schema):
    district: DistrictRef
    scope: str
    versions: list[VersionOut] = Field(description="Mọi bản công bố, mới nhất trước")


class DistrictPublicationsPage(PageMeta):
    items: list[DistrictPublications]


class DistrictResultsOut(Schema):
    year: int
    district: DistrictRef
    versions: list[PublicationOut]


# -- survey -------------------------------------------------------------------------------------------------

class SurveyUnitOut(Schema):
    code: str
    name: str
    kind: str
    points: dict[str, str] = Field(description="Điểm điều tra của từng tiêu chí (mã → điểm)")
    total: str


class SurveyPage(PageMeta):
    year: int
    version: int
    published_at: datetime
    reason: str
    items: list[SurveyUnitOut]
