"""Memory: score text longer than 20 characters is refused before it is parsed or cached, on every
path, and every cache is bounded by bytes (docs/security.md, "Memory")."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from parindex.appraisal import services as appraisal_services
from parindex.assessments import excel, importing
from parindex.assessments import services as assessment_services
from parindex.assessments.models import ItemScore
from parindex.core.errors import DomainError
from parindex.rulebook import ScoreError, registry
from parindex.rulebook.bounded import ByteBoundedCache, bounded_cache
from parindex.rulebook.engine import SCORE_CACHE_BYTES, _parse_cached, validate_scores
from parindex.rulebook.numbers import MAX_SCORE_CHARS, NotANumber, parse_decimal
from tests.appraisal.conftest import chomoi_team, hoa_muc_appraisal, submit  # noqa: F401 - fixtures

FOUR_MB = 4 * 1024 * 1024
URL = "/ky/2021/don-vi/02098/tu-danh-gia/"
JSON = {"HTTP_ACCEPT": "application/json"}
TOO_LONG = ("Xã Hoà Mục: tiêu chí a.1.1: giá trị «11111111111111111111…» dài 4194304 ký tự, tối đa 20 ký tự — "
            "cho phép: một trong các giá trị 0; 0,5; 1")


@pytest.fixture
def empty_cache():
    _parse_cached.cache_clear()
    yield _parse_cached.cache
    _parse_cached.cache_clear()


def huge(n: int = 0) -> str:
    return str(n % 10) * FOUR_MB


def test_forty_four_megabyte_scores_do_not_grow_the_score_cache(empty_cache):
    cset = registry.find("backan-2021-commune")
    for n in range(40):
        with pytest.raises(ScoreError) as info:
            validate_scores(cset, {"a.1.1": huge(n)}, "Xã Hoà Mục")
        assert "dài 4194304 ký tự, tối đa 20 ký tự" in info.value.messages[0]
    assert (len(empty_cache), empty_cache.bytes) == (0, 0)
    validate_scores(cset, {"a.1.1": "0,5"}, "Xã Hoà Mục")
    assert len(empty_cache) == 1
    assert empty_cache.bytes <= SCORE_CACHE_BYTES


def test_the_cache_stays_under_its_byte_bound_whatever_the_number_of_distinct_scores(empty_cache):
    for n in range(20000):
        _parse_cached(f"{n},{n % 97}")
    assert 0 < empty_cache.bytes <= SCORE_CACHE_BYTES
    assert len(empty_cache) < 20000


def test_a_refused_value_is_never_cached(empty_cache):
    cset = registry.find("backan-2021-commune")
    for text in ("abc", "2", "1" * (MAX_SCORE_CHARS + 1)):
        with pytest.raises(ScoreError):
            validate_scores(cset, {"a.1.1": text}, "Xã Hoà Mục")
    assert ("abc",) not in empty_cache and ("1" * 21,) not in empty_cache
    assert [key for key in empty_cache._entries if len(key[0]) > MAX_SCORE_CHARS] == []


def test_the_parser_itself_refuses_long_text():
    assert parse_decimal(" " * 9 + "0,5" + " " * 8) == Decimal("0.5")
    with pytest.raises(NotANumber):
        parse_decimal("0" * (MAX_SCORE_CHARS + 1))


def test_the_score_sheet_refuses_a_huge_score_with_a_clear_message_and_keeps_nothing(
        assessment_of, persona, login, empty_cache):
    hoa_muc = assessment_of("02098")
    assessment_services.save_item(hoa_muc, "a.1.1", "1", "", actor=persona("hoamuc.canbo"), version=None)
    with pytest.raises(DomainError) as info:
        assessment_services.save_item(hoa_muc, "a.1.1", huge(1), "", actor=persona("hoamuc.canbo"), version=None)
    assert info.value.message == TOO_LONG
    response = login("hoamuc.canbo").post(URL + "muc/a.1.1/", {"points": huge(1), "version": "1"}, **JSON)
    assert (response.status_code, response.json()["error"]) == (400, TOO_LONG)
    assert ItemScore.objects.get(assessment=hoa_muc, item_code="a.1.1").points == Decimal(1)
    assert [key for key in empty_cache._entries if len(key[0]) > MAX_SCORE_CHARS] == []


def test_the_appraisal_refuses_a_huge_score(hoa_muc_appraisal, persona, empty_cache):  # noqa: F811
    with pytest.raises(DomainError) as info:
        appraisal_services.appraise(hoa_muc_appraisal, "a.1.1", huge(1), "", actor=persona("chomoi.thamdinh"))
    assert "giá trị «11111111111111111111…» dài 4194304 ký tự, tối đa 20 ký tự" in info.value.message
    assert hoa_muc_appraisal.items.get(item_code="a.1.1").round1_points is None
    assert len(empty_cache) == 0


def test_the_excel_import_refuses_a_long_score_naming_the_row(assessment_of, persona, empty_cache):
    hoa_muc = assessment_of("02098")
    wb = load_workbook(io.BytesIO(excel.export(hoa_muc)))
    ws = wb[excel.SHEET]
    row = next(r for r in range(1, ws.max_row + 1) if ws[f"A{r}"].value == "a.1.1")
    ws[f"D{row}"] = "1" * 5000
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(DomainError) as info:
        importing.import_scores(hoa_muc, buf.getvalue(), actor=persona("hoamuc.canbo"))
    assert any(e.startswith(f"Dòng {row}: tiêu chí a.1.1: giá trị «11111111111111111111…» dài 5000 ký tự, tối đa 20")
               for e in info.value.errors), info.value.errors
    assert not ItemScore.objects.filter(assessment=hoa_muc).exists()
    assert len(empty_cache) == 0


def test_the_byte_bounded_cache_drops_the_oldest_and_never_keeps_an_oversized_entry():
    cache = ByteBoundedCache(100, sizeof=lambda key, value: value)
    cache.put(("a",), 40)
    cache.put(("b",), 40)
    cache.get(("a",))  # a is now the most recent
    cache.put(("c",), 40)
    assert (("a",) in cache, ("b",) in cache, ("c",) in cache, cache.bytes) == (True, False, True, 80)
    cache.put(("huge",), 101)
    assert ("huge",) not in cache and cache.bytes == 80


def test_exceptions_are_not_cached():
    calls = []

    @bounded_cache(1000)
    def fails(x):
        calls.append(x)
        raise ValueError(x)

    for _ in range(2):
        with pytest.raises(ValueError, match="x"):
            fails("x")
    assert calls == ["x", "x"] and len(fails.cache) == 0


def test_the_criteria_set_caches_are_bounded_by_bytes(criteria_loaded):
    from parindex.criteria.models import _SETS, CriteriaSetRecord

    record = CriteriaSetRecord.objects.first()
    _SETS.clear()
    record.parsed()
    assert 0 < _SETS.bytes <= _SETS.max_bytes
    assert _SETS.bytes >= 8 * len(record.source)  # charged for the parsed tree, estimated from the text's size
    assert registry._load_cached.cache.max_bytes == registry.SETS_CACHE_BYTES
