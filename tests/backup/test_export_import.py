"""Backup and restore of a period (issue 9, section 5): export_period, then import_period elsewhere.

The period is the demo's year in progress, 2022 (`demo.setup` without the published 2021: Ngân Sơn's commune
cycle finished and published, Chợ Mới's communes finalized, four departments submitted), built once for the
module, described without database ids (``picture``), exported, and the database emptied. Every test then starts
from that empty database and imports the export.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from parindex.assessments.models import Assessment, Evidence
from parindex.audit.models import AuditEntry
from parindex.backup.exporting import export_period
from parindex.backup.importing import ImportRefused, import_period
from parindex.backup.tables import FILES_DIR, MANIFEST, NOT_EXPORTED, TABLES
from parindex.core import clock, demo
from parindex.criteria.services import load_criteria_files
from parindex.periods.models import Period, PeriodDecision
from parindex.periods.services import decision_of
from parindex.publication.models import NotAssessed, ProvinceResults, Publication
from parindex.publication.services import commune_results
from parindex.rulebook.engine import DECISION_1679

from ..conftest import NOW

YEAR = demo.RUN_YEAR


def picture() -> dict:
    """Everything a restore must give back, described by names and contents, never by ids."""
    period = Period.objects.get(year=YEAR)
    evidence = {e.pk: e for e in Evidence.objects.select_related("assessment__period_unit")}

    def snapshot(a):  # the frozen sheet, its evidence named by content instead of id
        items = {}
        for code, item in (a.snapshot or {}).get("items", {}).items():
            named = [{**e, "id": (evidence[e["id"]].sha256, evidence[e["id"]].original_name)} for e in item["evidence"]]
            items[code] = {**item, "evidence": named}
        return {**(a.snapshot or {}), "items": items}

    assessments = Assessment.objects.select_related("period_unit", "appraisal").order_by("period_unit__code")
    return {
        "engine": {d.code: commune_results(d) for d in period.units.filter(kind="district").order_by("code")},
        "publications": [(p.scope, p.version, p.content, p.published_by.username, p.published_at, p.reason)
                         for p in Publication.objects.order_by("scope", "version")],
        "files": {(e.assessment.period_unit.code, e.original_name): (e.sha256, _read(e.file.name))
                  for e in evidence.values() if e.file},
        "counts": {t.name: t.model.objects.count() for t in TABLES},
        "audit": [(e.at, e.actor.username if e.actor else None, e.actor_label, e.action, e.object_type,
                   e.object_repr, e.before, e.after, e.reason, e.ip)
                  for e in AuditEntry.objects.select_related("actor").order_by("pk")],
        "snapshots": {a.period_unit.code: snapshot(a) for a in assessments},
        # each object's own history, found through its (remapped) object id
        "histories": {a.period_unit.code: list(AuditEntry.objects.for_object(a).order_by("pk")
                                               .values_list("action", "after")) for a in assessments},
        "appraisals": {a.period_unit.code: (a.appraisal.stage, a.appraisal.result, list(
            a.appraisal.items.order_by("item_code").values_list(
                "item_code", "round1_points", "round1_by__username", "final_points", "final_by__username")))
            for a in assessments if hasattr(a, "appraisal")},
        "accounts": sorted(get_user_model().objects.values_list(
            "username", "first_name", "email", "password", "is_active", "is_superuser")),
        "states": sorted(period.units.values_list("code", "state", "parent__code", "unit__key")),
        "province": (list(ProvinceResults.objects.values_list("period__year", "status", "content", "comment")),
                     list(NotAssessed.objects.values_list("period_unit__code", "reason", "recorded_by__username"))),
    }


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as f:
        return f.read()


@pytest.fixture(scope="module")
def exported(django_db_setup, django_db_blocker, tmp_path_factory):
    """(export directory, picture before): the demo period, exported; the database emptied again."""
    root = tmp_path_factory.mktemp("backup")
    storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root / "media")}}
    with django_db_blocker.unblock(), override_settings(DEMO=True, MEDIA_ROOT=root / "media",
                                                        STORAGES={**_storages(), "default": storage}):
        clock.freeze(NOW)
        try:
            load_criteria_files()
            demo.setup(NOW, history=False)
            _rows_the_demo_lacks()
            before = picture()
            export_period(YEAR, root / "export")
        finally:
            clock.freeze(None)
            call_command("flush", interactive=False, verbosity=0)
    return root / "export", before


def _rows_the_demo_lacks() -> None:
    """An extension, an agency assignment and evidence added in an explanation round, so every
    table of the export has rows."""
    from datetime import timedelta

    from parindex.appraisal.models import ExplanationEvidence, ItemAppraisal
    from parindex.appraisal.teams import change_assignment
    from parindex.periods.services import grant_extension

    period = Period.objects.get(year=YEAR)
    user = get_user_model().objects.get
    grant_extension(period.units.get(code="02098"), "commune_self", NOW + timedelta(days=30),
                    "Mất điện kéo dài tại trụ sở", actor=user(username="chomoi.noivu"))
    change_assignment(period, "commune", "g", "PTCKH", actor=user(username="snv.dieuphoi"))
    row = ItemAppraisal.objects.filter(appraisal__assessment__period_unit__parent__code="062").order_by("pk")[3]
    evidence = row.appraisal.assessment.evidence.exclude(file="").get()
    ExplanationEvidence.objects.create(item=row, evidence=evidence, location="Trang 2",
                                       added_by=user(username=f"xa{row.appraisal.assessment.period_unit.code}.canbo"))
    _survey_rows(period, user)
    from parindex.publication import province
    province.record_not_assessed(period, "SYT", "Sáp nhập trong năm", actor=user(username="snv.dieuphoi"))


def _survey_rows(period, user) -> None:
    """A coordinator's resolution (issue 10 §3) and a paper form typed twice (its service is issue 10 §2's)."""
    from parindex.survey import results, services
    from parindex.survey.models import PaperEntry, PaperForm

    survey = services.survey_of(period)
    unit = period.units.get(code="STP")
    item = services.survey_items(period)["department"][0].code
    results.resolve_item(survey, unit, item, "0.5", "Phiếu của nhóm bị loại", actor=user(username="snv.dieuphoi"))
    form = PaperForm.objects.create(survey=survey, serial="HDND-0001", group="hdnd-so", unit=unit)
    for username in ("snv.dieuphoi", "khaosat"):
        PaperEntry.objects.create(form=form, entered_by=user(username=username), answers={"C1": "1"})


def _storages():
    from django.conf import settings
    return settings.STORAGES


def rows_everywhere() -> dict:
    return {t.name: t.model.objects.count() for t in TABLES}


def test_a_restored_period_gives_the_same_results_snapshots_files_and_log(exported, db, media):
    directory, before = exported
    assert set(rows_everywhere().values()) == {0}  # an empty database
    import_period(directory)
    after = picture()
    for part in before:
        assert after[part] == before[part], part
    assert before["publications"] and before["files"] and before["engine"]["062"]["complete"]
    # the demo collects the survey (parindex/survey/demo.py); _survey_rows adds a resolution and a paper form
    assert all(before["counts"].values()), before["counts"]  # every table of the export was exercised
    assert before["counts"]["surveys"] == 1
    assert len(before["audit"]) == before["counts"]["audit_entries"] > 4000
    # the files went through the storage API into this test's own media folder
    assert any(media.rglob("*.pdf"))


def test_the_published_snapshot_matches_the_engine_recomputed_after_restore(exported, db):
    directory, _before = exported
    import_period(directory)
    published = Publication.objects.get(scope="district:062")
    district = Period.objects.get(year=YEAR).units.get(code="062")
    assert commune_results(district) == published.content


def test_exporting_the_restored_period_gives_the_same_bytes(exported, db, tmp_path):
    directory, _before = exported
    import_period(directory)
    export_period(YEAR, tmp_path / "again")
    first = json.loads((directory / MANIFEST).read_text())
    second = json.loads((tmp_path / "again" / MANIFEST).read_text())
    first.pop("exported_at"), second.pop("exported_at")
    assert first == second
    for t in TABLES:
        assert (tmp_path / "again" / f"{t.name}.jsonl").read_bytes() == (directory / f"{t.name}.jsonl").read_bytes()
    assert sorted(p.name for p in (tmp_path / "again" / FILES_DIR).iterdir()) == sorted(first["evidence_files"])


def test_the_command_line_round_trip_and_the_export_is_private(exported, db, tmp_path):
    directory, before = exported
    call_command("import_period", str(directory), verbosity=0)
    call_command("export_period", str(YEAR), str(tmp_path / "again"), verbosity=0)
    assert (tmp_path / "again").stat().st_mode & 0o077 == 0  # password hashes inside: owner only
    assert (tmp_path / "again" / "users.jsonl").stat().st_mode & 0o077 == 0
    with pytest.raises(CommandError, match="đã có dữ liệu"):  # never over an earlier export
        call_command("export_period", str(YEAR), str(tmp_path / "again"), verbosity=0)
    with pytest.raises(CommandError, match="Không có kỳ đánh giá năm 1999"):
        call_command("export_period", "1999", str(tmp_path / "none"), verbosity=0)
    assert not (tmp_path / "none").exists()


# -- refusals: each names what is wrong, and nothing is written ------------------------------------

def _copy(directory: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(directory, target)
    return target


def _refused(directory: Path, media: Path, match: str) -> None:
    rows = rows_everywhere()
    files = sorted(media.rglob("*")) if media.exists() else []
    with pytest.raises(ImportRefused, match=match):
        import_period(directory)
    assert rows_everywhere() == rows
    assert (sorted(media.rglob("*")) if media.exists() else []) == files


def test_refused_when_the_year_already_exists(exported, db, media):
    directory, _before = exported
    import_period(directory)
    _refused(directory, media, f"đã có kỳ đánh giá năm {YEAR}")


def test_refused_without_a_manifest(exported, db, media, tmp_path):
    copy = _copy(exported[0], tmp_path)
    (copy / MANIFEST).unlink()
    _refused(copy, media, "Không thấy manifest.json")


def test_refused_when_a_data_file_was_changed(exported, db, media, tmp_path):
    copy = _copy(exported[0], tmp_path)
    path = copy / "item_appraisals.jsonl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"final_points":"0.0000"', '"final_points":"1.0000"', 1), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text
    _refused(copy, media, "Tệp dữ liệu item_appraisals.jsonl đã bị thay đổi")


def test_refused_when_an_evidence_file_was_changed(exported, db, media, tmp_path):
    copy = _copy(exported[0], tmp_path)
    victim = sorted((copy / FILES_DIR).iterdir())[0]
    victim.write_bytes(victim.read_bytes() + b"%% tampered")
    _refused(copy, media, f"Tệp kiểm chứng files/{victim.name} đã bị thay đổi")


def test_refused_when_an_evidence_file_is_missing_or_extra(exported, db, media, tmp_path):
    copy = _copy(exported[0], tmp_path)
    victim = sorted((copy / FILES_DIR).iterdir())[0]
    shutil.copy(victim, copy / FILES_DIR / ("0" * 64))
    _refused(copy, media, f"Tệp files/{'0' * 64} không có trong manifest.json")
    victim.unlink()
    _refused(copy, media, f"Thiếu tệp kiểm chứng files/{victim.name}")


def test_an_export_of_format_version_1_still_imports_without_the_province_tables(exported, db, media, tmp_path):
    """Version 1 (before the province's results) has no province_results / not_assessed files: they import empty."""
    from parindex.backup.tables import SINCE_VERSION

    copy = _copy(exported[0], tmp_path)
    manifest = json.loads((copy / MANIFEST).read_text())
    manifest["format_version"] = 1
    for name in SINCE_VERSION:
        (copy / f"{name}.jsonl").unlink()
        del manifest["data_files"][f"{name}.jsonl"]
        manifest["counts"].pop(name, None)
    (copy / MANIFEST).write_text(json.dumps(manifest))
    import_period(copy)
    assert Period.objects.filter(year=YEAR).exists() and Publication.objects.exists()
    assert not ProvinceResults.objects.exists() and not NotAssessed.objects.exists()
    assert not PeriodDecision.objects.exists()  # before version 3: run under 1679, as it was
    assert decision_of(Period.objects.get(year=YEAR)) is DECISION_1679


def test_an_export_of_format_version_2_imports_under_decision_1679(exported, db, media, tmp_path):
    copy = _copy(exported[0], tmp_path)
    manifest = json.loads((copy / MANIFEST).read_text())
    manifest["format_version"] = 2
    (copy / "period_decisions.jsonl").unlink()
    del manifest["data_files"]["period_decisions.jsonl"]
    manifest["counts"].pop("period_decisions", None)
    (copy / MANIFEST).write_text(json.dumps(manifest))
    import_period(copy)
    period = Period.objects.get(year=YEAR)
    assert not PeriodDecision.objects.exists() and decision_of(period) is DECISION_1679
    assert ProvinceResults.objects.count() == len(exported[1]["province"][0])


def test_the_period_keeps_its_decision_through_export_and_import(exported, db, media):
    import_period(exported[0])
    bound = PeriodDecision.objects.get(period__year=YEAR)
    assert (bound.decision_id, bound.sha256) == ("backan-1679", DECISION_1679.sha256)


def test_refused_for_an_unknown_format_version(exported, db, media, tmp_path):
    copy = _copy(exported[0], tmp_path)
    manifest = json.loads((copy / MANIFEST).read_text())
    manifest["format_version"] = 99
    (copy / MANIFEST).write_text(json.dumps(manifest))
    _refused(copy, media, "Phiên bản định dạng «99» không được hỗ trợ")


def test_refused_when_the_database_holds_another_edition_of_a_criteria_set(exported, db, media, tmp_path):
    from parindex.criteria.models import CriteriaSetRecord

    load_criteria_files()
    CriteriaSetRecord.objects.filter(set_id__contains="commune").update(sha256="0" * 64)
    _refused(exported[0], media, "đã có trong cơ sở dữ liệu với nội dung khác")


def test_the_command_refuses_with_the_same_message(exported, db, tmp_path):
    copy = _copy(exported[0], tmp_path)
    (copy / "publications.jsonl").write_text("{}\n")
    with pytest.raises(CommandError, match="publications.jsonl"):
        call_command("import_period", str(copy), verbosity=0)
    assert Period.objects.count() == 0


def test_a_period_restored_beside_another_year_keeps_its_links(exported, db):
    """Another year was there first, so every id differs from the source's: the export's natural
    keys, not its ids, must carry every link (snapshot evidence, audit objects, parents)."""
    from parindex.accounts.models import Role
    from parindex.accounts.services import grant_role
    from parindex.periods import services as period_services
    from parindex.units.services import load_units

    directory, before = exported
    load_criteria_files()  # the same editions: reused, not refused
    someone = get_user_model().objects.create_user("snv.dieuphoi", password="another-password-2022")
    grant_role(someone, Role.PROVINCE_COORDINATOR, actor=None)
    other = period_services.create_period(YEAR + 1, actor=someone)
    for name in demo.UNIT_FILES:  # the same lasting unit identities, reused by the import
        load_units(other, (demo.FIXTURES / name).read_text(encoding="utf-8"), actor=someone, source=name)
    import_period(directory)
    assert min(Period.objects.get(year=YEAR).units.values_list("pk", flat=True)) > max(
        other.units.values_list("pk", flat=True))
    after = picture()
    for part in ("engine", "publications", "files", "snapshots", "histories", "appraisals", "states"):
        assert after[part] == before[part], part
    someone.refresh_from_db()
    assert someone.check_password("another-password-2022")  # an account already there is not overwritten
    assert someone.role_assignments.active().filter(role=Role.PROVINCE_COORDINATOR).count() == 1  # one role, not two
    assert other.units.count() == Period.objects.get(year=YEAR).units.count()


# -- a forged export (data edited and the manifest's hashes rewritten to match) -------------------

def _forge(copy: Path, name: str, edit) -> None:
    import hashlib

    path = copy / name
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in edit(lines)), encoding="utf-8")
    manifest = json.loads((copy / MANIFEST).read_text())
    manifest["data_files"][name] = hashlib.sha256(path.read_bytes()).hexdigest()
    (copy / MANIFEST).write_text(json.dumps(manifest))


def test_a_forged_row_without_its_fields_is_refused_naming_its_file(exported, db, media, tmp_path):
    copy = _copy(exported[0], tmp_path)
    _forge(copy, "item_scores.jsonl", lambda rows: [{"assessment": rows[0]["assessment"]}, *rows[1:]])
    _refused(copy, media, "Tệp dữ liệu item_scores.jsonl có dòng không dùng được")


def test_a_forged_storage_name_cannot_leave_the_evidence_folder(exported, db, media, tmp_path):
    copy = _copy(exported[0], tmp_path)

    def escape(rows):
        first = next(r for r in rows if r["file"])
        return [{**r, "file": "../../outside.pdf"} if r is first else r for r in rows]

    _forge(copy, "evidence.jsonl", escape)
    _refused(copy, media, "có tên lưu trữ «../../outside.pdf» không hợp lệ")
    assert not (media.parent / "outside.pdf").exists()


def test_an_export_refuses_when_an_evidence_file_is_gone_from_the_storage(exported, db, media, tmp_path):
    from parindex.core.errors import DomainError

    import_period(exported[0])
    gone = Evidence.objects.exclude(file="").first()
    default_storage.delete(gone.file.name)
    with pytest.raises(DomainError, match=f"Không đọc được tệp «{gone.original_name}»"):
        export_period(YEAR, tmp_path / "broken")
    assert not (tmp_path / "broken").exists() and not list(tmp_path.glob(".broken*"))


def test_units_listed_before_their_parent_still_find_it(exported, db, tmp_path):
    copy = _copy(exported[0], tmp_path)
    _forge(copy, "period_units.jsonl", lambda rows: list(reversed(rows)))  # communes first, the province last
    import_period(copy)
    assert picture()["states"] == exported[1]["states"]


def test_every_table_that_hangs_on_a_period_is_exported():
    """A model added later with a link to a period's rows must join ``TABLES`` (or say here why not),
    or an export would silently leave it out."""
    from django.apps import apps

    exported_models = {t.model for t in TABLES}
    user = get_user_model()
    kept_out = set(NOT_EXPORTED)  # model labels left out on purpose, each with its reason (background jobs)
    linked = {m._meta.label for m in apps.get_models()
              if any(f.is_relation and f.related_model in exported_models and f.related_model is not user
                     for f in m._meta.concrete_fields)}
    assert linked - {t.model._meta.label for t in TABLES} - kept_out == set()


def test_background_jobs_are_left_out_of_the_export_and_say_why():
    from django.apps import apps

    for label, reason in NOT_EXPORTED.items():
        assert apps.get_model(label) not in {t.model for t in TABLES} and reason
