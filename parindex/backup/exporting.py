"""``manage.py export_period YEAR DIR``: everything of one period, in files another database can load.

What goes in (docs/operations.md, "Backups"): the period with its timeline and extensions; its
criteria sets (the period's own copies and the catalogue records of the same ids, texts and
SHA-256); its units with their lasting identities and parents; the role assignments of its units
and teams, and the province-wide ones; every account any of these rows names (with the password
hash); assessments with scores, evidence, links, participants and the submitted snapshots; the
evidence files (``files/<sha256>``); appraisals with every round; publications; and the audit
entries about any of these objects.

The whole export reads one consistent state: one transaction (REPEATABLE READ on PostgreSQL;
on SQLite the write lock, so saves wait for the export).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.accounts.models import RoleAssignment
from parindex.appraisal.models import Appraisal, ExplanationEvidence, ItemAppraisal
from parindex.assessments.models import Assessment, Evidence, ItemEvidence, ItemScore, Participant
from parindex.audit.models import AuditEntry
from parindex.core.errors import DomainError
from parindex.criteria.models import CriteriaSetRecord
from parindex.periods.models import Extension, Period, PeriodDecision
from parindex.publication.models import NotAssessed, ProvinceResults
from parindex.survey.models import Answer, Invitation, ItemResolution, PaperEntry, PaperForm, Response, Survey
from parindex.units.models import Unit

from .tables import (
    BY_MODEL,
    FILES_DIR,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    TABLES,
    concrete_fields,
    object_type_of,
    to_json,
)


def _querysets(period: Period) -> dict[str, object]:
    unit_ids = period.units.values("unit_id")
    assessments = Q(assessment__period_unit__period=period)
    return {
        "units": Unit.objects.filter(pk__in=unit_ids),
        "criteria_set_records": CriteriaSetRecord.objects.filter(
            set_id__in=period.criteria_sets.values("set_id")),
        "periods": Period.objects.filter(pk=period.pk),
        "period_criteria_sets": period.criteria_sets.all(),
        "period_decisions": PeriodDecision.objects.filter(period=period),
        "period_units": period.units.all(),
        "extensions": Extension.objects.filter(period_unit__period=period),
        "role_assignments": RoleAssignment.objects.filter(
            Q(unit__in=unit_ids) | Q(team_district__in=unit_ids)
            | Q(unit__isnull=True, team_district__isnull=True)),
        "teams": period.teams.all(),
        "assignments": period.assignments.all(),
        "assessments": Assessment.objects.filter(period_unit__period=period),
        "item_scores": ItemScore.objects.filter(assessments),
        "evidence": Evidence.objects.filter(assessments),
        "item_evidence": ItemEvidence.objects.filter(score__assessment__period_unit__period=period),
        "participants": Participant.objects.filter(assessments),
        "appraisals": Appraisal.objects.filter(assessment__period_unit__period=period),
        "item_appraisals": ItemAppraisal.objects.filter(appraisal__assessment__period_unit__period=period),
        "explanation_evidence": ExplanationEvidence.objects.filter(
            item__appraisal__assessment__period_unit__period=period),
        "publications": period.publications.all(),
        "province_results": ProvinceResults.objects.filter(period=period),
        "not_assessed": NotAssessed.objects.filter(period_unit__period=period),
        "surveys": Survey.objects.filter(period=period),
        "survey_invitations": Invitation.objects.filter(survey__period=period),
        "survey_responses": Response.objects.filter(survey__period=period),
        "survey_answers": Answer.objects.filter(response__survey__period=period),
        "survey_paper_forms": PaperForm.objects.filter(survey__period=period),
        "survey_paper_entries": PaperEntry.objects.filter(form__survey__period=period),
        "survey_resolutions": ItemResolution.objects.filter(survey__period=period),
    }


class _Writer:
    """One JSON Lines file: rows in, SHA-256 and count out."""

    def __init__(self, path: Path):
        self.path = path
        self.file = open(path, "wb")  # noqa: SIM115 - closed in close()
        self.sha = hashlib.sha256()
        self.count = 0

    def write(self, row: dict) -> None:
        line = json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode() + b"\n"
        self.file.write(line)
        self.sha.update(line)
        self.count += 1

    def close(self) -> dict:
        self.file.close()
        os.chmod(self.path, 0o600)
        return {"sha256": self.sha.hexdigest(), "rows": self.count}


class Exporter:
    def __init__(self, period: Period, out: Path):
        self.period = period
        self.out = out
        self.keys: dict[type, dict[int, object]] = {}  # model → {source id: natural key}
        self.usernames = dict(get_user_model().objects.values_list("pk", "username"))
        self.users: set[int] = set()
        self.files: dict[str, int] = {}  # sha256 → size
        self.manifest_files: dict[str, dict] = {}

    def _fk(self, field, value_id):
        if value_id is None:
            return None
        if field.related_model is get_user_model():
            self.users.add(value_id)
            return self.usernames[value_id]
        key = self.keys[field.related_model][value_id]
        return list(key) if isinstance(key, tuple) else key

    def row(self, table, obj) -> dict:
        row = {}
        for field in concrete_fields(table):
            if field.is_relation:
                row[field.name] = self._fk(field, getattr(obj, field.attname))
            else:
                row[field.name] = to_json(field, getattr(obj, field.attname))
        return row

    def _table(self, table, queryset) -> None:
        writer = _Writer(self.out / f"{table.name}.jsonl")
        keys = self.keys.setdefault(table.model, {})
        for n, obj in enumerate(queryset.order_by("pk").iterator(2000), start=1):
            row = self.row(table, obj)
            if table.positional:
                row["ref"] = n
            if table.name == "assessments" and row["snapshot"]:
                row["snapshot"] = self._snapshot_refs(row["snapshot"])
            if table.name == "evidence" and obj.file:
                self._copy_file(obj)
            if table.key is not None or table.positional:
                keys[obj.pk] = table.key_of(row)
            writer.write(row)
        self.manifest_files[f"{table.name}.jsonl"] = writer.close()

    def _snapshot_refs(self, snapshot: dict) -> dict:
        """The frozen sheet names its evidence by id (for download links): write the export's ref."""
        # evidence comes after assessments in the import order, so refs are computed from the source
        refs = self._evidence_refs()
        for item in snapshot.get("items", {}).values():
            for e in item.get("evidence", []):
                e["id"] = refs.get(e.get("id"))
        return snapshot

    def _evidence_refs(self) -> dict[int, int]:
        if not hasattr(self, "_refs"):
            ids = Evidence.objects.filter(
                assessment__period_unit__period=self.period).order_by("pk").values_list("pk", flat=True)
            self._refs = {pk: n for n, pk in enumerate(ids, start=1)}
        return self._refs

    def _copy_file(self, evidence) -> None:
        if evidence.sha256 in self.files:
            return
        target = self.out / FILES_DIR / evidence.sha256
        sha = hashlib.sha256()
        try:
            with default_storage.open(evidence.file.name, "rb") as src, open(target, "wb") as dst:
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    sha.update(chunk)
                    dst.write(chunk)
        except OSError as exc:
            raise DomainError(_("Không đọc được tệp «%(name)s» (%(stored)s) trong kho lưu trữ: %(error)s; "
                                "không sao lưu")
                              % {"name": evidence.original_name, "stored": evidence.file.name, "error": exc}) from exc
        os.chmod(target, 0o600)
        if sha.hexdigest() != evidence.sha256:
            raise DomainError(_("Tệp «%(name)s» (%(stored)s) trong kho lưu trữ không khớp SHA-256 đã ghi "
                                "(%(sha)s); kho tệp đã bị sửa hoặc hỏng, không sao lưu")
                              % {"name": evidence.original_name, "stored": evidence.file.name, "sha": evidence.sha256})
        self.files[evidence.sha256] = target.stat().st_size

    def _users_and_audit(self) -> None:
        """Users go first in the import but are known last: every table has named its accounts."""
        wanted = {object_type_of(t.model): self.keys.get(t.model, {}) for t in TABLES}
        audit_table = BY_MODEL[AuditEntry]
        writer = _Writer(self.out / "audit_entries.jsonl")
        User = get_user_model()
        user_keys = self.usernames
        for entry in AuditEntry.objects.order_by("pk").iterator(2000):
            if entry.object_type == object_type_of(User):
                if not entry.object_id.isdigit() or int(entry.object_id) not in self.users:
                    continue
                key = user_keys[int(entry.object_id)]
            else:
                keys = wanted.get(entry.object_type)
                if not keys or not entry.object_id.isdigit() or int(entry.object_id) not in keys:
                    continue
                key = keys[int(entry.object_id)]
            row = self.row(audit_table, entry)
            del row["object_id"]
            row["object_key"] = list(key) if isinstance(key, tuple) else key
            writer.write(row)
        self.manifest_files["audit_entries.jsonl"] = writer.close()

        users = _Writer(self.out / "users.jsonl")
        table = TABLES[0]
        for user in User.objects.filter(pk__in=self.users).order_by("pk"):
            users.write(self.row(table, user))
        self.manifest_files["users.jsonl"] = users.close()

    def run(self) -> dict:
        (self.out / FILES_DIR).mkdir(mode=0o700)
        querysets = _querysets(self.period)
        for table in TABLES:
            if table.name in querysets:
                self._table(table, querysets[table.name])
        # audit actors are accounts too, so the audit log is read before the users are written
        self._users_and_audit()
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "year": self.period.year,
            "exported_at": timezone.now().isoformat(),
            "source_database": connection.vendor,
            "tables": [t.name for t in TABLES],
            "counts": {name[:-len(".jsonl")]: info["rows"] for name, info in self.manifest_files.items()},
            "data_files": {name: info["sha256"] for name, info in self.manifest_files.items()},
            "evidence_files": dict(sorted(self.files.items())),
        }
        path = self.out / MANIFEST
        path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.chmod(path, 0o600)
        return manifest


def export_period(year: int, directory: Path) -> dict:
    """Write the period into ``directory`` (new or empty); returns the manifest.

    Written into a sibling folder first and renamed at the end, so a failed export leaves nothing
    that looks like a backup."""
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise DomainError(_("Thư mục «%(directory)s» đã có dữ liệu; hãy chọn một thư mục mới hoặc rỗng")
                          % {"directory": directory})
    period = Period.objects.filter(year=year).first()
    if period is None:
        raise DomainError(_("Không có kỳ đánh giá năm %(year)s") % {"year": year})
    work = directory.with_name(f".{directory.name}.partial-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(mode=0o700, parents=True)
    try:
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # one consistent state for every table
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            manifest = Exporter(period, work).run()
        if directory.exists():
            directory.rmdir()
        work.rename(directory)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest
