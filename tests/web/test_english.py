"""English pages show no Vietnamese in their interface texts (issue 8).

Every GET page of the authorization matrix that answers 200 is fetched in English (the language
cookie, as the switch sets it) by several personas. The interface texts — buttons, labels, table
headers, navigation, summaries, legends, options and the page title's first part — must contain no
Vietnamese letter once the data they may quote (unit names, people's names, criteria titles, the
province, the criteria sets' wording) is taken out. Excluded by decision: the printable documents (an element marked
``lang="vi"``, e.g. the embedded report or minutes) and the language selector's own options.
"""

import unicodedata
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from parindex.criteria.models import CriteriaSetRecord
from parindex.survey.models import Survey
from parindex.survey.services import design_of
from parindex.units.models import PeriodUnit
from tests.web.test_authorization_matrix import MATRIX

PERSONAS = ["anon", "admin", "snv.dieuphoi", "chomoi.noivu", "stp.canbo", "stp.giamdoc", "hoamuc.canbo",
            "stc.thamdinh", "chomoi.thamdinh"]
CHECKED = {"button", "label", "th", "nav", "summary", "legend", "option", "title"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

# The marks that Vietnamese puts on Latin letters: breve (ă), circumflex (â ê ô), horn (ơ ư) and the five
# tones (grave, acute, tilde, hook above, dot below); đ has no decomposition of its own.
VIETNAMESE_MARKS = {"\u0306", "\u0302", "\u031b", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def vietnamese_letters(text: str) -> str:
    """The letters of ``text`` that only Vietnamese writes (in the order found)."""
    found = []
    for char in text:
        if char in "đĐ":
            found.append(char)
            continue
        decomposed = unicodedata.normalize("NFD", char)
        if len(decomposed) > 1 and decomposed[0].isascii() and decomposed[0].isalpha() \
                and set(decomposed[1:]) <= VIETNAMESE_MARKS:
            found.append(char)
    return "".join(found)


def test_the_letter_check_knows_vietnamese_from_english():
    assert vietnamese_letters("Tự đánh giá — Quản trị") == "ựđááảị"
    assert vietnamese_letters("Appraisal team · 2021 — “Save” (section III.3.2.b)") == ""


class InterfaceTexts(HTMLParser):
    """The text of each checked element, outside the Vietnamese documents and the language selector."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[tuple[str, str]] = []
        self.open: list[tuple[str, list[str]]] = []
        self.skip: list[str] = []   # the tag of each skipped region still open (same-name nesting counted)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        if self.skip:
            if tag == self.skip[0]:
                self.skip.append(tag)
            return
        if attrs.get("lang", "").startswith("vi") or attrs.get("id") == "lang-select":
            self.skip.append(tag)
            return
        if tag in CHECKED:
            self.open.append((tag, []))

    def handle_endtag(self, tag):
        if self.skip:
            if tag == self.skip[0]:
                self.skip.pop()
            return
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                name, parts = self.open.pop(i)
                self.texts.append((name, " ".join("".join(parts).split())))
                break

    def handle_data(self, data):
        if not self.skip:
            for _, parts in self.open:
                parts.append(data)


def interface_texts(html: str) -> list[tuple[str, str]]:
    parser = InterfaceTexts()
    parser.feed(html)
    parser.close()
    texts = []
    for tag, text in parser.texts:
        if tag == "title":  # "Page — its subject · parindex": the subject is data
            text = text.removesuffix("· parindex").split(" — ")[0]
        texts.append((tag, text))
    return texts


def known_data(period) -> list[str]:
    """Names and titles that pages quote as they are stored, longest first."""
    from parindex.api.v1 import api  # the OpenAPI document's own wording (docs/api.md: Vietnamese, by decision)

    data = {settings.PROVINCE_NAME, api.title, *api.title.split(" — ")}
    for unit in PeriodUnit.objects.filter(period=period):
        data.update({unit.name, unit.short_name, unit.type_label})
    for user in get_user_model().objects.all():
        data.update({user.get_full_name(), user.first_name, user.last_name})
    for record in CriteriaSetRecord.objects.all():
        criteria = record.parsed()
        data.update({criteria.title, criteria.legal_basis, *criteria.agencies.values()})
        for field in criteria.fields:
            data.add(field.title)
            for criterion in field.criteria:
                data.add(criterion.title)
                for item in criterion.items:
                    data.update({item.title, item.evidence, item.ref})
                    if item.rubric is not None:
                        data.add(item.rubric.condition)
                        data.update(choice.condition for choice in item.rubric.choices)
    from parindex.rulebook.decision import load_decision, shipped_decision_paths

    for decision in (load_decision(path) for path in shipped_decision_paths()):  # a decision file's own wording
        data.update({decision.title, decision.province, f"{decision.title} ({decision.province})",
                     *(role for roles in decision.participants.values() for role in roles),
                     *decision.class_labels().values()})
    for survey in Survey.objects.filter(period=period):  # the survey design's own wording (its YAML)
        design = design_of(survey)
        data.update({design.title, design.note})
        for scale in design.scales:
            data.update({scale.title, *(o.label for o in scale.options)})
        for group in design.groups:
            data.update({group.title, group.note, *(q.text for q in group.questions),
                         *(q.section for q in group.questions)})
    return sorted((d for d in data if d), key=len, reverse=True)


def without_data(text: str, data: list[str]) -> str:
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    return text


def english_pages(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for name, (method, kwargs, query, _answers) in MATRIX.items():
        if method != "get":
            continue
        url = reverse(name.split("#")[0], kwargs=kwargs) + (f"?{query}" if query else "")
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        yield name, response


@pytest.mark.parametrize("persona_name", PERSONAS)
def test_english_pages_show_no_vietnamese_interface_text(client, world, persona, persona_name):
    if persona_name != "anon":
        client.force_login(persona(persona_name))
    data = known_data(world)
    found, pages = [], 0
    for name, response in english_pages(client):
        pages += 1
        assert response["Content-Language"] == "en", name
        for tag, text in interface_texts(response.content.decode()):
            if vietnamese_letters(without_data(text, data)):
                found.append(f"{name} <{tag}> {text!r}")
    assert pages > 0
    assert found == [], "Vietnamese in English pages:\n" + "\n".join(sorted(set(found)))
