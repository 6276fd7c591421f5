"""Design services: load, replace (optimistic version), open; bad YAML saves nothing; the cached design."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parindex.audit.models import AuditEntry
from parindex.core.errors import Conflict, DomainError, NotAllowed
from parindex.survey import services
from parindex.survey.models import Survey


def test_the_demo_period_has_the_shipped_design_open(world, shipped_text):
    survey = Survey.objects.get(period=world)
    assert survey.status == Survey.Status.OPEN
    assert survey.design_text == shipped_text
    assert survey.provenance == "reconstructed" and survey.design_id == "backan-2021-survey"
    actions = list(AuditEntry.objects.filter(object_type="survey.survey").values_list("action", flat=True)
                   .order_by("pk"))
    assert actions[:2] == ["survey.design_loaded", "survey.opened"]
    assert set(actions[2:]) == {"survey.invitations_created"}  # the demo's collected survey (survey/demo.py)


def test_the_coordinator_loads_a_design(designed, shipped_text):
    assert designed.status == Survey.Status.DESIGN and designed.version == 1
    assert designed.design_sha256 == services.sha256_of(shipped_text)
    entry = AuditEntry.objects.get(action="survey.design_loaded", object_id=str(designed.pk))
    assert entry.actor.username == "snv.dieuphoi" and entry.after["design_id"] == "backan-2021-survey"


def test_a_design_with_errors_saves_nothing_and_lists_every_line(no_survey, persona, shipped_text):
    broken = shipped_text.replace("value: 0.67}", "value: 1.67}", 1).replace("item: a.6.2", "item: a.1.1", 1)
    entries = AuditEntry.objects.count()
    with pytest.raises(DomainError) as info:
        services.create_survey(no_survey, broken, actor=persona("snv.dieuphoi"))
    assert info.value.message == "Thiết kế điều tra có 2 lỗi, chưa lưu gì"
    assert info.value.errors[0] == "Dòng 23 (dong-y-4): giá trị 1.67 phải từ 0 đến 1"
    assert info.value.errors[1].startswith("Dòng ")
    assert "tiêu chí «a.1.1» của bộ backan-2021-department không phải tiêu chí điều tra XHH" in info.value.errors[1]
    assert not Survey.objects.exists() and AuditEntry.objects.count() == entries


def test_a_design_for_another_year_or_naming_unknown_units_is_refused(no_survey, persona, shipped_text):
    other = shipped_text.replace('"065": 70', '"999": 70')
    with pytest.raises(DomainError) as info:
        services.create_survey(no_survey, other, actor=persona("snv.dieuphoi"))
    assert info.value.errors == ["Nhóm «congchuc-huyen»: population_by_unit nêu đơn vị «999», kỳ đánh giá "
                                 "không có đơn vị này"]
    assert not Survey.objects.exists()


def test_only_the_coordinator_loads_or_replaces(no_survey, persona, shipped_text):
    for username in ("khaosat", "stp.canbo", "admin"):
        with pytest.raises(NotAllowed):
            services.create_survey(no_survey, shipped_text, actor=persona(username))
    assert not Survey.objects.exists()


def test_a_second_design_for_the_same_period_is_refused(designed, persona, shipped_text):
    with pytest.raises(DomainError, match="đã có thiết kế điều tra"):
        services.create_survey(designed.period, shipped_text, actor=persona("snv.dieuphoi"))


def test_replacing_raises_the_version_and_is_audited(designed, persona, shipped_text):
    changed = shipped_text.replace("margin: 0.1 ", "margin: 0.05")
    survey = services.replace_design(designed, changed, version=1, actor=persona("snv.dieuphoi"), reason="e 5 %")
    assert survey.version == 2 and services.design_of(survey).margin.as_tuple() == (0, (5,), -2)
    entry = AuditEntry.objects.get(action="survey.design_replaced")
    assert (entry.before["design_version"], entry.after["design_version"], entry.reason) == (1, 2, "e 5 %")


def test_a_stale_version_is_a_conflict_and_saves_nothing(designed, persona, shipped_text):
    services.replace_design(designed, shipped_text.replace("margin: 0.1 ", "margin: 0.2 "), version=1,
                            actor=persona("snv.dieuphoi"))
    with pytest.raises(Conflict, match="phiên bản 2, bạn sửa từ phiên bản 1"):
        services.replace_design(designed, shipped_text.replace("margin: 0.1 ", "margin: 0.3 "), version=1,
                                actor=persona("snv.dieuphoi"))
    designed.refresh_from_db()
    assert designed.version == 2 and "margin: 0.2 " in designed.design_text


def test_a_bad_replacement_keeps_the_stored_design(designed, persona, shipped_text):
    with pytest.raises(DomainError, match="chưa lưu gì"):
        services.replace_design(designed, shipped_text.replace("scope: own", "scope: neighbours"), version=1,
                                actor=persona("snv.dieuphoi"))
    designed.refresh_from_db()
    assert designed.version == 1 and designed.design_text == shipped_text


def test_the_same_text_again_changes_nothing(designed, persona, shipped_text):
    entries = AuditEntry.objects.count()
    assert services.replace_design(designed, shipped_text, version=1, actor=persona("snv.dieuphoi")).version == 1
    assert AuditEntry.objects.count() == entries


def test_an_open_survey_design_is_fixed(world, persona, shipped_text):
    survey = Survey.objects.get(period=world)
    with pytest.raises(DomainError, match="thiết kế đã cố định"):
        services.replace_design(survey, shipped_text.replace("margin: 0.1 ", "margin: 0.2 "), version=survey.version,
                                actor=persona("snv.dieuphoi"))


def test_a_survey_with_gaps_cannot_be_opened(designed, persona, shipped_text):
    # drop district item h.6.4 from both groups that ask it: a gap (III.1.3: every survey item is asked)
    text, dropped = re.subn(r"      - code: C\d+\n        item: h\.6\.4\n(        .*\n){3}", "", shipped_text)
    assert dropped == 2
    survey = services.replace_design(designed, text, version=1, actor=persona("snv.dieuphoi"))
    assert [i.code for i in services.gaps_of(survey)["district"]] == ["h.6.4"]
    with pytest.raises(DomainError) as info:
        services.open_survey(survey, actor=persona("snv.dieuphoi"))
    assert info.value.errors == ["Tiêu chí chưa có câu hỏi — UBND cấp huyện: h.6.4"]
    survey.refresh_from_db()
    assert survey.status == Survey.Status.DESIGN


def test_opening_fixes_the_design(designed, persona):
    survey = services.open_survey(designed, actor=persona("snv.dieuphoi"))
    assert survey.status == Survey.Status.OPEN
    with pytest.raises(DomainError, match="không mở được"):
        services.open_survey(survey, actor=persona("snv.dieuphoi"))


def test_design_of_parses_once_per_text(designed, monkeypatch):
    first = services.design_of(designed)
    calls = []
    monkeypatch.setattr(services, "loads", lambda *a, **k: calls.append(a))
    assert services.design_of(Survey.objects.get(pk=designed.pk)) is first
    assert calls == []


def test_the_commands_load_and_export_the_text_as_is(no_survey, tmp_path, shipped_text, capsys):
    call_command("load_survey_design", "2021", str(services.DATA_DIR / "backan-2021-survey.yaml"))
    assert Survey.objects.get().design_text == shipped_text
    call_command("load_survey_design", "2021", str(services.DATA_DIR / "backan-2021-survey.yaml"))
    assert "không đổi" in capsys.readouterr().out
    out = tmp_path / "export.yaml"
    call_command("export_survey_design", "2021", str(out))
    assert out.read_bytes() == services.DATA_DIR.joinpath("backan-2021-survey.yaml").read_bytes()
    broken = tmp_path / "broken.yaml"
    broken.write_text(shipped_text.replace("min_valid: 3 ", "min_valid: 0 "), encoding="utf-8")
    with pytest.raises(CommandError, match="min_valid phải từ 1 trở lên"):
        call_command("load_survey_design", "2021", str(broken))
    with pytest.raises(CommandError, match="chưa có thiết kế"):
        call_command("export_survey_design", "2020")
