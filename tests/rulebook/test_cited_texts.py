"""No 2021 set cites a text issued after its decision (issue 12 §3, item 3).

Quyết định 1679/QĐ-UBND was signed on 10/9/2021 and approves the 2021 criteria; a text issued later
cannot be part of them. Issue 12 found three anachronisms in the reconstructed sets: Nghị định
107/2021/NĐ-CP (06/12/2021) in department c.7.1; the name «Hệ thống thông tin giải quyết TTHC»,
which that decree gave the provincial system (in 2021, under Nghị định 61/2018/NĐ-CP, it was the
«Hệ thống thông tin một cửa điện tử»); and Quyết định 876/QĐ-BNV (10/11/2022) cited as the national
methodology instead of Quyết định 1149/QĐ-BNV (30/12/2020), the one 1679 itself cites.

TEXTS lists every legal text cited anywhere in the three shipped files (comments included), found by
the regular expressions below. A citation missing from TEXTS fails, so a new citation must be dated
here before it ships.

Honesty about the dates: 1679 and 1149 are dated by the decision's own text
(/work/shared/seed/1679-QD-UBND-2021-BacKan.txt, «Căn cứ Quyết định số 1149/QĐ-BNV ngày 30 tháng 12
năm 2020»). The others are from knowledge, not checked against the originals (no source was at hand).
Where only the year is certain (the year is part of the number), the row says ``YEAR``: the test then
relies on the year alone, which must be before 2021.
"""

import re
from datetime import date
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "parindex" / "rulebook" / "data"
FILES = sorted(DATA.glob("backan-2021-*.yaml"))
DECISION_DATE = date(2021, 9, 10)  # QĐ 1679/QĐ-UBND, «Bắc Kạn, ngày 10 tháng 9 năm 2021»

SURE, YEAR = "sure", "year only"

# number (or the law's name) → (issue date, how sure)
TEXTS = {
    # the decision and the national methodology it cites (dates from 1679's text)
    "1679/QĐ-UBND": (date(2021, 9, 10), SURE),
    "1149/QĐ-BNV": (date(2020, 12, 30), SURE),
    # laws (cited by name)
    "Luật Ban hành văn bản quy phạm pháp luật": (date(2015, 6, 22), SURE),  # 80/2015/QH13
    "Luật Ngân sách nhà nước": (date(2015, 6, 25), SURE),  # 83/2015/QH13
    "Luật Thực hành tiết kiệm, chống lãng phí": (date(2013, 11, 26), SURE),  # 44/2013/QH13
    # Party resolutions
    "18-NQ/TW": (date(2017, 10, 25), SURE),
    "19-NQ/TW": (date(2017, 10, 25), SURE),
    "39-NQ/TW": (date(2015, 4, 17), SURE),
    # decrees
    "130/2005/NĐ-CP": (date(2005, 10, 17), SURE),
    "63/2010/NĐ-CP": (date(2010, 6, 8), SURE),
    "43/2011/NĐ-CP": (date(2011, 6, 13), SURE),
    "59/2012/NĐ-CP": (date(2012, 7, 23), SURE),
    "117/2013/NĐ-CP": (date(2013, 10, 7), SURE),
    "37/2014/NĐ-CP": (date(2014, 5, 5), SURE),
    "84/2014/NĐ-CP": (date(2014, 9, 8), SURE),
    "108/2014/NĐ-CP": (date(2014, 11, 20), SURE),
    "16/2015/NĐ-CP": (date(2015, 2, 14), SURE),
    "34/2016/NĐ-CP": (date(2016, 5, 14), SURE),
    "85/2016/NĐ-CP": (date(2016, 7, 1), SURE),
    "92/2017/NĐ-CP": (date(2017, 8, 7), SURE),
    "151/2017/NĐ-CP": (date(2017, 12, 26), SURE),
    "61/2018/NĐ-CP": (date(2018, 4, 23), SURE),
    "113/2018/NĐ-CP": (date(2018, 8, 31), SURE),
    "34/2019/NĐ-CP": (date(2019, 4, 24), SURE),
    "59/2019/NĐ-CP": (date(2019, 7, 1), SURE),
    "32/2020/NĐ-CP": (date(2020, 3, 5), YEAR),  # amends 59/2012; day and month from memory
    "45/2020/NĐ-CP": (date(2020, 4, 8), SURE),
    "62/2020/NĐ-CP": (date(2020, 6, 1), SURE),
    "90/2020/NĐ-CP": (date(2020, 8, 13), SURE),
    "106/2020/NĐ-CP": (date(2020, 9, 10), SURE),
    "107/2020/NĐ-CP": (date(2020, 9, 14), SURE),
    "108/2020/NĐ-CP": (date(2020, 9, 14), SURE),
    "120/2020/NĐ-CP": (date(2020, 10, 7), SURE),
    "60/2021/NĐ-CP": (date(2021, 6, 21), SURE),
    # decisions of the Prime Minister
    "19/2014/QĐ-TTg": (date(2014, 3, 5), SURE),
    "45/2016/QĐ-TTg": (date(2016, 10, 19), SURE),
    "25/2021/QĐ-TTg": (date(2021, 7, 22), SURE),
    # circulars
    "71/2014/TTLT-BTC-BNV": (date(2014, 5, 30), SURE),
    "188/2014/TT-BTC": (date(2014, 12, 10), YEAR),  # guides 84/2014; day and month from memory
    "343/2016/TT-BTC": (date(2016, 12, 30), SURE),
    "02/2017/TT-VPCP": (date(2017, 10, 31), SURE),
    "03/2017/TT-BTTTT": (date(2017, 4, 24), SURE),
    "61/2017/TT-BTC": (date(2017, 6, 15), SURE),
    "137/2017/TT-BTC": (date(2017, 12, 25), YEAR),  # day and month from memory
    "01/2018/TT-VPCP": (date(2018, 11, 23), SURE),
    "90/2018/TT-BTC": (date(2018, 9, 28), YEAR),  # amends 61/2017; day and month from memory
    "13/2019/TT-BNV": (date(2019, 11, 6), SURE),
}

# «61/2018/NĐ-CP», «1149/QĐ-BNV», «71/2014/TTLT-BTC-BNV», and the Party's «19-NQ/TW»
NUMBERED = re.compile(r"(?<![\w/])\d{1,4}(?:/\d{4})?/[A-Za-zĐđ]+(?:-[A-Za-zĐđ]+)*|(?<![\w/])\d{1,3}-[A-Z]+/TW")
# a law cited by its name: «Luật Ngân sách nhà nước», «Luật Ban hành VBQPPL»
LAW = re.compile(r"\bLuật\s+[A-ZĐ]")
LAW_ALIASES = {"Luật Ban hành VBQPPL": "Luật Ban hành văn bản quy phạm pháp luật"}


def _text(path: Path) -> str:
    return " ".join(path.read_text(encoding="utf-8").split())  # folded YAML lines joined


def cited() -> dict[str, set[str]]:
    """Every cited text → the files citing it."""
    found: dict[str, set[str]] = {}
    for path in FILES:
        text = _text(path)
        for number in NUMBERED.findall(text):
            found.setdefault(number, set()).add(path.name)
        for match in LAW.finditer(text):
            rest = text[match.start():]
            names = [*TEXTS, *LAW_ALIASES]
            name = next((n for n in names if n.startswith("Luật") and rest.startswith(n)), rest[:60])
            found.setdefault(LAW_ALIASES.get(name, name), set()).add(path.name)
    return found


def test_the_three_sets_are_read():
    assert [p.name for p in FILES] == ["backan-2021-commune.yaml", "backan-2021-department.yaml",
                                       "backan-2021-district.yaml"]


def test_every_cited_text_is_in_the_table():
    missing = {text: sorted(files) for text, files in cited().items() if text not in TEXTS}
    assert missing == {}, "văn bản được viện dẫn nhưng chưa có ngày ban hành trong TEXTS"


def test_the_table_holds_only_texts_the_sets_cite():
    assert set(TEXTS) - set(cited()) == set()


@pytest.mark.parametrize("text", sorted(TEXTS))
def test_no_cited_text_is_later_than_the_decision(text):
    issued, how_sure = TEXTS[text]
    if how_sure == YEAR:
        assert issued.year < DECISION_DATE.year, f"{text}: only the year is certain; it must be before 2021"
    assert issued <= DECISION_DATE, f"{text} ({issued:%d/%m/%Y}) is later than QĐ 1679 (10/9/2021)"


def test_the_table_would_refuse_the_anachronisms_issue_12_found():
    """The removed citations, were they put back, are dated after the decision."""
    later = {"107/2021/NĐ-CP": date(2021, 12, 6), "876/QĐ-BNV": date(2022, 11, 10)}
    assert all(day > DECISION_DATE for day in later.values())
    assert not set(later) & set(cited())


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_one_stop_system_has_its_2021_name(path):
    """Issue 12 §3 item 3: under Nghị định 61/2018/NĐ-CP (in force in 2021) the provincial system is the
    «Hệ thống thông tin một cửa điện tử»; «Hệ thống thông tin giải quyết TTHC» is Nghị định 107/2021's name."""
    text = _text(path)
    assert "Hệ thống thông tin giải quyết TTHC" not in text
    assert "Hệ thống thông tin giải quyết thủ tục hành chính" not in text
    assert "Hệ thống thông tin một cửa điện tử" in text
