"""``manage.py import_period DIR``: load an exported period into a database that does not have its year.

Everything is checked before anything is written — the manifest, its format version, the SHA-256
of every data file and of every evidence file, that the year is absent, that the accounts, unit
identities and criteria set records already present agree with the export — and a refusal names
the file or the row. Then one transaction inserts every row (the audit log only gains rows: its
PostgreSQL trigger refuses UPDATE and DELETE, which the import never issues), and the evidence
files are written through the storage API and read back against their SHA-256. If anything fails,
the transaction is rolled back and the files this import wrote are removed.

Rows already present are reused, not overwritten: an account with the same username (its password
is left as it is), a unit identity with the same key, a criteria set record with the same id and
SHA-256, an active role of the same scope. So a database may hold several imported years.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, models, transaction
from django.utils.translation import gettext as _

from parindex.accounts.models import RoleAssignment
from parindex.assessments.models import Assessment, Evidence
from parindex.core.errors import DomainError
from parindex.criteria.models import CriteriaSetRecord
from parindex.periods.models import Period
from parindex.units.models import Unit

from .tables import (
    FILES_DIR,
    FORMAT,
    MANIFEST,
    READABLE_VERSIONS,
    TABLES,
    Table,
    concrete_fields,
    from_json,
    object_type_of,
    tables_of,
)

BATCH = 1000
REUSED = {get_user_model(), Unit, CriteriaSetRecord, RoleAssignment}  # rows a database may already hold
STORAGE_NAME = re.compile(r"evidence/[0-9a-f]{2}/[0-9a-f]{64}\.[a-z]{3,4}")  # assessments.files.storage_name


class ImportRefused(DomainError):
    """The export cannot be loaded; nothing was written."""


def _sha256_of(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.is_file():
        raise ImportRefused(_("Không thấy %(manifest)s trong «%(directory)s»: đây không phải một bản xuất kỳ đánh giá")
                            % {"manifest": MANIFEST, "directory": directory})
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportRefused(_("%(manifest)s không đọc được (%(error)s)")
                            % {"manifest": MANIFEST, "error": exc}) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ImportRefused(_("%(manifest)s không phải của một bản xuất kỳ đánh giá parindex (format ≠ «%(format)s»)")
                            % {"manifest": MANIFEST, "format": FORMAT})
    version = manifest.get("format_version")
    if version not in READABLE_VERSIONS:
        raise ImportRefused(_("Phiên bản định dạng «%(version)s» không được hỗ trợ; bản này chỉ nạp phiên bản "
                              "%(supported)s") % {"version": version,
                                                  "supported": ", ".join(str(v) for v in READABLE_VERSIONS)})
    if not isinstance(manifest.get("year"), int):
        raise ImportRefused(_("%(manifest)s không ghi năm của kỳ đánh giá") % {"manifest": MANIFEST})
    expected = {f"{t.name}.jsonl" for t in tables_of(version)}
    data_files = manifest.get("data_files")
    if not isinstance(data_files, dict) or set(data_files) != expected:
        raise ImportRefused(_("%(manifest)s phải liệt kê đúng các tệp dữ liệu: %(files)s")
                            % {"manifest": MANIFEST, "files": ", ".join(sorted(expected))})
    if not isinstance(manifest.get("evidence_files"), dict) or not isinstance(manifest.get("counts"), dict):
        raise ImportRefused(_("%(manifest)s thiếu danh sách tệp kiểm chứng hoặc số dòng") % {"manifest": MANIFEST})
    return manifest


def verify_files(directory: Path, manifest: dict) -> None:
    """Every data file and every evidence file is there and has the SHA-256 the manifest names."""
    for name, sha in sorted(manifest["data_files"].items()):
        path = directory / name
        if not path.is_file():
            raise ImportRefused(_("Thiếu tệp dữ liệu %(name)s") % {"name": name})
        if _sha256_of(path) != sha:
            raise ImportRefused(_("Tệp dữ liệu %(name)s đã bị thay đổi: SHA-256 không khớp %(manifest)s")
                                % {"name": name, "manifest": MANIFEST})
    files = directory / FILES_DIR
    present = {p.name for p in files.iterdir()} if files.is_dir() else set()
    for sha in sorted(manifest["evidence_files"]):
        if sha not in present:
            raise ImportRefused(_("Thiếu tệp kiểm chứng %(name)s") % {"name": f"{FILES_DIR}/{sha}"})
        if _sha256_of(files / sha) != sha:
            raise ImportRefused(_("Tệp kiểm chứng %(name)s đã bị thay đổi: SHA-256 của nội dung không khớp tên tệp")
                                % {"name": f"{FILES_DIR}/{sha}"})
    extra = sorted(present - set(manifest["evidence_files"]))
    if extra:
        raise ImportRefused(_("Tệp %(name)s không có trong %(manifest)s")
                            % {"name": f"{FILES_DIR}/{extra[0]}", "manifest": MANIFEST})


def _rows(directory: Path, table: Table, manifest: dict) -> Iterator[dict]:
    """The file's rows, hashed again while read: a file changed after the check fails the import."""
    name = f"{table.name}.jsonl"
    if name not in manifest["data_files"]:
        return  # a table added after the export's format version (tables.SINCE_VERSION): no rows
    sha = hashlib.sha256()
    count = 0
    with open(directory / name, "rb") as f:
        for line in f:
            sha.update(line)
            count += 1
            yield json.loads(line)
    if sha.hexdigest() != manifest["data_files"][name]:
        raise ImportRefused(_("Tệp dữ liệu %(name)s đã bị thay đổi trong khi nạp") % {"name": name})
    if count != manifest["counts"].get(table.name):
        raise ImportRefused(_("Tệp dữ liệu %(name)s có %(count)s dòng, %(manifest)s ghi %(expected)s") % {
            "name": name, "count": count, "manifest": MANIFEST, "expected": manifest["counts"].get(table.name)})


def _year_exists(year: int) -> ImportRefused:
    return ImportRefused(_("Cơ sở dữ liệu đã có kỳ đánh giá năm %(year)s; chỉ nạp được vào nơi chưa có năm này")
                         % {"year": year})


def check_target(directory: Path, manifest: dict) -> None:
    """What the database already holds must not clash with the export."""
    year = manifest["year"]
    if Period.objects.filter(year=year).exists():
        raise _year_exists(year)
    table = next(t for t in TABLES if t.model is CriteriaSetRecord)
    for row in _rows(directory, table, manifest):
        there = CriteriaSetRecord.objects.filter(set_id=row["set_id"]).first()
        if there is not None and there.sha256 != row["sha256"]:
            raise ImportRefused(_("Bộ tiêu chí «%(set)s» đã có trong cơ sở dữ liệu với nội dung khác (SHA-256 "
                                  "%(there)s…, bản xuất %(export)s…)")
                                % {"set": row["set_id"], "there": there.sha256[:12], "export": row["sha256"][:12]})
    table = next(t for t in TABLES if t.model is Unit)
    kinds = {row["key"]: row["kind"] for row in _rows(directory, table, manifest)}
    for key, kind in Unit.objects.filter(key__in=list(kinds)).values_list("key", "kind"):
        if kinds[key] != kind:
            raise ImportRefused(_("Đơn vị «%(key)s» đã có trong cơ sở dữ liệu với loại «%(kind)s», bản xuất ghi "
                                  "«%(export)s»") % {"key": key, "kind": kind, "export": kinds[key]})


class Importer:
    def __init__(self, directory: Path, manifest: dict):
        self.directory = directory
        self.manifest = manifest
        self.pks: dict[type, dict[object, int]] = {}  # model → {natural key: id in this database}
        self.written: list[str] = []  # storage names this import created
        self.snapshots: list[tuple[int, dict]] = []
        self.current = ""  # the table being read, for the message when a row is unusable
        self.uuid_count = 0  # random-key rows (survey responses, answers) get new keys in the export's order

    # -- rows → objects -------------------------------------------------------------------------

    def _resolve(self, field, value):
        if value is None:
            return None
        key = tuple(value) if isinstance(value, list) else value
        try:
            return self.pks[field.related_model][key]
        except KeyError:
            raise ImportRefused(_("Dòng nhắc tới %(model)s «%(key)s» không có trong bản xuất")
                                % {"model": field.related_model._meta.label, "key": value}) from None

    def build(self, table: Table, row: dict):
        values = {}
        for field in concrete_fields(table):
            value = row[field.name]
            if field.is_relation:
                values[field.attname] = self._resolve(field, value)
            else:
                values[field.attname] = from_json(field, value)
        return table.model(**values)

    def _existing(self, table: Table, rows: list[dict]) -> dict[object, int]:
        """Rows the database already has (reused, never overwritten)."""
        model = table.model
        if model is get_user_model():
            return dict(model.objects.filter(username__in=[r["username"] for r in rows])
                        .values_list("username", "pk"))
        if model is Unit:
            return dict(Unit.objects.filter(key__in=[r["key"] for r in rows]).values_list("key", "pk"))
        if model is CriteriaSetRecord:
            return dict(CriteriaSetRecord.objects.filter(set_id__in=[r["set_id"] for r in rows])
                        .values_list("set_id", "pk"))
        if model is RoleAssignment:
            found = {}
            for row in rows:
                obj = self.build(table, row)
                scope = RoleAssignment.objects.filter(
                    user_id=obj.user_id, role=obj.role, unit_id=obj.unit_id, agency=obj.agency,
                    team_district_id=obj.team_district_id)
                # the same active role is one role, whenever granted; a revoked one is history, kept as it was
                same = scope.filter(revoked_at__isnull=True) if obj.revoked_at is None else scope.filter(
                    granted_at=obj.granted_at, revoked_at=obj.revoked_at)
                match = next((r for r in same if r.fields == obj.fields), None)
                if match is not None:
                    found[row["ref"]] = match.pk
            return found
        return {}

    def _table(self, table: Table) -> None:
        self.current = table.name
        keys = self.pks.setdefault(table.model, {})
        self_fk = [f for f in concrete_fields(table) if f.is_relation and f.related_model is table.model]
        if table.model not in REUSED and not self_fk:  # the large tables: streamed, a batch at a time
            batch = []
            for row in _rows(self.directory, table, self.manifest):
                batch.append(row)
                if len(batch) >= BATCH:
                    self._insert(table, batch, keys)
                    batch = []
            if batch:
                self._insert(table, batch, keys)
            return
        rows = list(_rows(self.directory, table, self.manifest))
        existing = self._existing(table, rows)
        keys.update(existing)
        keyed = table.key is not None or table.positional
        pending = [r for r in rows if not keyed or table.key_of(r) not in existing]
        # rows go in in the export's order (so ids keep it); a unit waits for its parent's batch
        batch: list[dict] = []
        batch_keys: set = set()
        deferred: list[dict] = []
        for row in pending:
            parents = [self._key(row[f.name]) for f in self_fk if row[f.name] is not None]
            if any(p in batch_keys for p in parents):
                self._insert(table, batch, keys)
                batch, batch_keys = [], set()
            if any(p not in keys and p not in batch_keys for p in parents):
                deferred.append(row)  # its parent comes later in the file
                continue
            batch.append(row)
            if self_fk:
                batch_keys.add(table.key_of(row))
            if len(batch) >= BATCH:
                self._insert(table, batch, keys)
                batch, batch_keys = [], set()
        if batch:
            self._insert(table, batch, keys)
        while deferred:
            wave = [r for r in deferred if all(r[f.name] is None or self._key(r[f.name]) in keys for f in self_fk)]
            if not wave:
                raise ImportRefused(_("Tệp dữ liệu %(name)s nhắc tới đơn vị cấp trên không có")
                                    % {"name": f"{table.name}.jsonl"})
            self._insert(table, wave, keys)
            placed = {id(r) for r in wave}
            deferred = [r for r in deferred if id(r) not in placed]

    @staticmethod
    def _key(value):
        return tuple(value) if isinstance(value, list) else value

    def _insert(self, table: Table, rows: list[dict], keys: dict) -> None:
        objs = []
        for row in rows:
            if table.name == "evidence" and row["file"]:
                row = {**row, "file": self._store(row)}
            if table.name == "audit_entries":
                row = self._audit_row(row)
            if table.name == "assessments" and row["snapshot"]:
                row = {**row, "snapshot": None}  # its evidence ids are written once evidence exists
            obj = self.build(table, row)
            if isinstance(table.model._meta.pk, models.UUIDField):
                # a new random key that sorts in the file's order, so a new export writes the same bytes
                self.uuid_count += 1
                obj.pk = uuid.UUID(int=(self.uuid_count << 64) | secrets.randbits(64))
            objs.append(obj)
        created = table.model.objects.bulk_create(objs)
        auto = [f for f in concrete_fields(table) if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        for row, obj in zip(rows, created, strict=True):
            if obj.pk is None:  # pragma: no cover - every supported database returns the new ids
                raise RuntimeError("bulk_create did not return ids")
            if table.key is not None or table.positional:
                keys[table.key_of(row)] = obj.pk
            if auto:  # auto_now / auto_now_add fields would carry the import's time: keep the export's
                table.model.objects.filter(pk=obj.pk).update(
                    **{f.attname: from_json(f, row[f.name]) for f in auto})
            if table.name == "assessments" and row["snapshot"]:
                self.snapshots.append((obj.pk, row["snapshot"]))

    def _audit_row(self, row: dict) -> dict:
        row = dict(row)
        key = self._key(row.pop("object_key"))
        model = next((t.model for t in TABLES if object_type_of(t.model) == row["object_type"]), None)
        if model is None or key not in self.pks.get(model, {}):
            raise ImportRefused(_("Mục nhật ký «%(action)s» nhắc tới %(type)s «%(key)s» không có trong bản xuất")
                                % {"action": row["action"], "type": row["object_type"], "key": key})
        row["object_id"] = str(self.pks[model][key])
        return row

    def _store(self, row: dict) -> str:
        """Write one evidence file through the storage API; verify what was stored."""
        sha = row["sha256"]
        if sha not in self.manifest["evidence_files"]:
            raise ImportRefused(_("Tài liệu kiểm chứng «%(name)s» có SHA-256 %(sha)s không có trong %(manifest)s")
                                % {"name": row["original_name"], "sha": sha, "manifest": MANIFEST})
        data = (self.directory / FILES_DIR / sha).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            raise ImportRefused(_("Tệp kiểm chứng %(name)s đã bị thay đổi trong khi nạp")
                                % {"name": f"{FILES_DIR}/{sha}"})
        name = row["file"]
        if not STORAGE_NAME.fullmatch(name) or sha not in name:
            raise ImportRefused(_("Tài liệu kiểm chứng «%(name)s» có tên lưu trữ «%(stored)s» không hợp lệ")
                                % {"name": row["original_name"], "stored": name})
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as f:
                if hashlib.sha256(f.read()).hexdigest() == sha:
                    return name  # the same content is already stored under this name
        stored = default_storage.save(name, ContentFile(data))
        self.written.append(stored)
        with default_storage.open(stored, "rb") as f:
            if hashlib.sha256(f.read()).hexdigest() != sha:
                raise ImportRefused(_("Kho tệp lưu «%(name)s» sai nội dung (SHA-256 không khớp)")
                                    % {"name": row["original_name"]})
        return stored

    def _snapshots(self) -> None:
        """The frozen sheets name their evidence by the export's ref: write this database's ids."""
        refs = self.pks[Evidence]
        for pk, snapshot in self.snapshots:
            for item in snapshot.get("items", {}).values():
                for e in item.get("evidence", []):
                    e["id"] = refs.get(e.get("id"))
            Assessment.objects.filter(pk=pk).update(snapshot=snapshot)

    def run(self) -> None:
        for table in TABLES:
            self._table(table)
        self._snapshots()


def import_period(directory: Path) -> dict:
    """Check everything, then load the period in one transaction; returns the manifest."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    verify_files(directory, manifest)
    importer = Importer(directory, manifest)
    try:
        check_target(directory, manifest)
        with transaction.atomic():
            if Period.objects.filter(year=manifest["year"]).exists():  # created since the check
                raise _year_exists(manifest["year"])
            importer.run()
    except (KeyError, ValueError, TypeError, AttributeError, DatabaseError) as exc:
        _remove(importer.written)
        where = f"{importer.current}.jsonl" if importer.current else MANIFEST
        raise ImportRefused(_("Tệp dữ liệu %(name)s có dòng không dùng được (%(error)s); không nạp gì")
                            % {"name": where, "error": f"{type(exc).__name__}: {exc}"}) from exc
    except BaseException:
        _remove(importer.written)
        raise
    return manifest


def _remove(names: list[str]) -> None:
    """The rows are rolled back; so are the files this import wrote."""
    for name in names:
        default_storage.delete(name)
