"""The export format of one period: which tables, in which order, and how rows name each other.

Every row is one JSON object per line (sorted keys, so the same data gives the same bytes on
SQLite and PostgreSQL). A foreign key is written as the *natural key* of the row it points to —
a username, a unit key or code, a criteria set id, ``[unit code, item code]`` — never as a
database id, so the import maps it onto the ids of another database. Rows that have no natural
key (role assignments, evidence) get ``ref``: their position in the export (1, 2, …, in the
order of their source ids), which only the export's own rows refer to.

The order of ``TABLES`` is the import order: a row only names rows of earlier tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext as _

from parindex.accounts.models import RoleAssignment
from parindex.appraisal.models import Appraisal, Assignment, ExplanationEvidence, ItemAppraisal, Team
from parindex.assessments.models import Assessment, Evidence, ItemEvidence, ItemScore, Participant
from parindex.audit.models import AuditEntry
from parindex.criteria.models import CriteriaSetRecord
from parindex.periods.models import Extension, Period, PeriodCriteriaSet, PeriodDecision
from parindex.publication.models import NotAssessed, ProvinceResults, Publication
from parindex.survey.models import Answer, Invitation, ItemResolution, PaperEntry, PaperForm, Response, Survey
from parindex.units.models import PeriodUnit, Unit

FORMAT = "parindex.period-export"
FORMAT_VERSION = 3
# Earlier versions still imported: version 1 (before the province's results) lacks the tables of
# ``SINCE_VERSION``, which are then empty.
READABLE_VERSIONS = (1, 2, 3)
MANIFEST = "manifest.json"
FILES_DIR = "files"

# A criteria set as a period's record needs it: its text, hash and names. The yearly edition's bookkeeping
# (status, based_on, version, approved_by/at) stays out: a period binds approved sets only, so every exported
# set is approved (the default on import), and the set it was copied from or who approved it need not be in
# the export (the audit log of the database that made it keeps both).
CRITERIA_SET_FIELDS = ("set_id", "unit_kind", "year", "title", "legal_basis", "provenance", "source", "sha256",
                       "source_name", "loaded_at")

# The account fields a restore needs (the password hash included: the directory is sensitive).
USER_FIELDS = ("username", "first_name", "last_name", "email", "password", "is_active", "is_staff",
               "is_superuser", "date_joined")


@dataclass(frozen=True)
class Table:
    name: str                       # file name without .jsonl
    model: type[models.Model]
    key: Callable[[dict], object] | None  # natural key, from the row as written; None: not referred to
    positional: bool = False        # rows carry ``ref`` (their position) as key
    fields: tuple[str, ...] | None = None  # None: every concrete field but the id

    def key_of(self, row: dict):
        value = row["ref"] if self.positional else self.key(row)
        return tuple(value) if isinstance(value, list) else value


def _pair(a: str, b: str) -> Callable[[dict], list]:
    return lambda row: [row[a], row[b]]


TABLES: list[Table] = [
    Table("users", get_user_model(), lambda r: r["username"], fields=USER_FIELDS),
    Table("units", Unit, lambda r: r["key"]),
    Table("criteria_set_records", CriteriaSetRecord, lambda r: r["set_id"], fields=CRITERIA_SET_FIELDS),
    Table("periods", Period, lambda r: r["year"]),
    Table("period_criteria_sets", PeriodCriteriaSet, lambda r: r["unit_kind"]),
    Table("period_decisions", PeriodDecision, lambda r: r["period"]),
    Table("period_units", PeriodUnit, lambda r: r["code"]),
    Table("extensions", Extension, _pair("period_unit", "step")),
    Table("role_assignments", RoleAssignment, None, positional=True),
    Table("teams", Team, lambda r: r["district"] or ""),
    Table("assignments", Assignment, _pair("unit_kind", "code")),
    Table("assessments", Assessment, lambda r: r["period_unit"]),
    Table("item_scores", ItemScore, _pair("assessment", "item_code")),
    Table("evidence", Evidence, None, positional=True),
    Table("item_evidence", ItemEvidence, None),
    Table("participants", Participant, None),
    Table("appraisals", Appraisal, lambda r: r["assessment"]),
    Table("item_appraisals", ItemAppraisal, _pair("appraisal", "item_code")),
    Table("explanation_evidence", ExplanationEvidence, None),
    Table("publications", Publication, _pair("scope", "version")),
    Table("province_results", ProvinceResults, lambda r: r["period"]),
    Table("not_assessed", NotAssessed, lambda r: r["period_unit"]),
    Table("surveys", Survey, lambda r: r["period"]),
    Table("survey_invitations", Invitation, lambda r: r["token"]),
    Table("survey_responses", Response, None, positional=True),
    Table("survey_answers", Answer, None),
    Table("survey_paper_forms", PaperForm, _pair("survey", "serial")),
    Table("survey_paper_entries", PaperEntry, None),
    Table("survey_resolutions", ItemResolution, None),
    Table("audit_entries", AuditEntry, None),
]
BY_MODEL = {t.model: t for t in TABLES}
# The format version that added each later table (absent from earlier exports).
SINCE_VERSION = {"province_results": 2, "not_assessed": 2, "period_decisions": 3}


def tables_of(version: int) -> list[Table]:
    """The tables an export of this format version holds."""
    return [t for t in TABLES if SINCE_VERSION.get(t.name, 1) <= version]

# Tables of the database a period's export leaves out on purpose, each with its reason.
NOT_EXPORTED = {
    # background jobs (parindex/jobs) and django-tasks' queue: working state of the site, not part of a
    # period's record; what a job changed is in the tables above and in the audit log, and its result file
    # (a PDF, say) can be made again from them
    "jobs.Job": "việc chạy nền: trạng thái làm việc của hệ thống, không thuộc hồ sơ của kỳ",
    "django_tasks_database.DBTaskResult": "hàng đợi của bộ chạy việc nền, không thuộc hồ sơ của kỳ",
}


def concrete_fields(table: Table) -> list[models.Field]:
    fields = [f for f in table.model._meta.concrete_fields if not f.primary_key]
    if table.fields is not None:
        fields = [f for f in fields if f.name in table.fields]
    return fields


def to_json(field: models.Field, value):
    """A plain field's value as JSON (foreign keys are handled by the caller)."""
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(field, models.DateField):
        return value.isoformat()
    if isinstance(field, models.DecimalField):
        return str(value)
    if isinstance(field, models.FileField):
        return value.name or ""
    return value


def from_json(field: models.Field, value):
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        return dt.datetime.fromisoformat(value)
    if isinstance(field, models.DateField):
        return dt.date.fromisoformat(value)
    if isinstance(field, models.DecimalField):
        return Decimal(value)
    return value


def object_type_of(model: type[models.Model]) -> str:
    """As the audit log names a model (``AuditEntry.object_type``)."""
    return f"{model._meta.app_label}.{model._meta.model_name}"


def summary(manifest: dict) -> list[str]:
    """What the commands print: the rows of each table and the number of evidence files."""
    lines = [f"  {name}: {count}" for name, count in manifest["counts"].items()]
    return [*lines, "  " + _("tệp kiểm chứng: %(count)s") % {"count": len(manifest["evidence_files"])}]
