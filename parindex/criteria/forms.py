"""Forms of the yearly edition's editor. They read what a person typed into plain values (numbers as
``Decimal``, a rubric as the YAML's own shape); the strict loader then checks the whole set
(services_edition.py). Numbers are plain decimals only (rulebook/numbers.py): "0,5" and "0.5", never
"１", "-1" or "+1"."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parindex.rulebook.model import SURVEY_EVIDENCE
from parindex.rulebook.numbers import MAX_SCORE_CHARS, NotANumber, format_vi, parse_decimal, shorten

TEXT_MAX = 2000          # a title, a condition, an evidence hint
RUBRIC_MAX = 20000       # every choice of a rubric, one per line
MAX_CHOICES = 50
_COUNT = re.compile(r"^\s*([0-9]{1,4})\s*$", re.ASCII)


def _too_long(_limit: int) -> dict:
    return {"max_length": gettext_lazy("Quá dài: tối đa %(limit_value)d ký tự (đang có %(show_value)d)")}


def points(raw: str, what: str) -> Decimal:
    """A number of points typed by a person, or a ``ValidationError`` naming it and what is allowed."""
    try:
        return parse_decimal(raw)
    except NotANumber:
        raise forms.ValidationError(
            _("%(what)s «%(value)s» không phải là số hợp lệ: chỉ viết chữ số 0-9, có thể có dấu phẩy hoặc dấu "
              "chấm thập phân, không có dấu (ví dụ 0,5 hoặc 2)") % {"what": what, "value": shorten(raw)}) from None


class PointsField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", MAX_SCORE_CHARS)
        kwargs.setdefault("error_messages", _too_long(MAX_SCORE_CHARS))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        return points(text, str(self.label)) if text else None


class CountField(forms.CharField):
    """A whole number 0-9999 in ASCII digits (Django's IntegerField would take "１")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("error_messages", _too_long(10))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        match = _COUNT.match(text or "")
        if not match:
            raise forms.ValidationError(_("%(what)s «%(value)s» phải là số nguyên không âm viết bằng chữ số 0-9")
                                        % {"what": self.label, "value": shorten(text or "")})
        return int(match.group(1))


class VersionForm(forms.Form):
    """The draft's version the person saw: a later change by someone else makes theirs a Conflict."""

    version = CountField(widget=forms.HiddenInput, label=gettext_lazy("Phiên bản"))


class RemoveForm(VersionForm):
    follow_expected = forms.BooleanField(
        required=False, label=gettext_lazy("Cập nhật khối «expected» (số lượng và tổng điểm) theo cây sau khi xoá"))


def choices_text(rubric: dict | None) -> str:
    if not rubric or "choices" not in rubric:
        return ""
    return "\n".join(f"{format_vi(Decimal(str(c.get('points'))))} | {c.get('condition', '')}"
                     for c in rubric["choices"])


def parts_text(rubric: dict | None) -> str:
    if not rubric or "parts" not in rubric:
        return ""
    return "\n".join(f"# {part.get('title', '')}\n{choices_text(part)}" for part in rubric["parts"])


class ItemForm(VersionForm):
    """One scorable item: what it says, its points, how it is scored, who appraises it."""

    title = forms.CharField(label=gettext_lazy("Nội dung tiêu chí"), widget=forms.Textarea(attrs={"rows": 3}),
                            max_length=TEXT_MAX, error_messages=_too_long(TEXT_MAX))
    max_points = PointsField(label=gettext_lazy("Điểm tối đa"))
    method = forms.ChoiceField(label=gettext_lazy("Cách đánh giá"), choices=[
        ("self", gettext_lazy("Tự đánh giá, có thẩm định")), ("survey", gettext_lazy("Điều tra xã hội học (ĐTXHH)"))])
    rubric_kind = forms.ChoiceField(label=gettext_lazy("Thang chấm"), required=False, choices=[
        ("choices", gettext_lazy("Các mức điểm")), ("range", gettext_lazy("Khoảng điểm có bước")),
        ("parts", gettext_lazy("Tổng điểm các phần"))],
        help_text=gettext_lazy("Chỉ cho tiêu chí tự đánh giá; tiêu chí ĐTXHH không có thang chấm."))
    choices = forms.CharField(
        label=gettext_lazy("Các mức điểm (mỗi dòng: điểm | điều kiện)"), required=False,
        widget=forms.Textarea(attrs={"rows": 5}), max_length=RUBRIC_MAX, error_messages=_too_long(RUBRIC_MAX),
        help_text=gettext_lazy("Ví dụ: «1 | Ban hành đúng hạn», «0,5 | Ban hành chậm», «0 | Không ban hành». "
                               "Mức cao nhất bằng điểm tối đa; phải có mức 0."))
    parts = forms.CharField(
        label=gettext_lazy("Các phần (tổng điểm các phần)"), required=False,
        widget=forms.Textarea(attrs={"rows": 8}), max_length=RUBRIC_MAX, error_messages=_too_long(RUBRIC_MAX),
        help_text=gettext_lazy("Mỗi phần bắt đầu bằng một dòng «# tên phần», tiếp theo là các mức của phần đó, mỗi "
                               "dòng «điểm | điều kiện». Điểm của tiêu chí là tổng điểm các phần; chỉ nhận các tổng "
                               "cộng được từ một mức của mỗi phần."))
    range_min = PointsField(label=gettext_lazy("Khoảng: từ"), required=False)
    range_max = PointsField(label=gettext_lazy("Khoảng: đến"), required=False)
    range_step = PointsField(label=gettext_lazy("Khoảng: bước"), required=False)
    rubric_condition = forms.CharField(
        label=gettext_lazy("Cách tính điểm (điều kiện chung)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX, error_messages=_too_long(TEXT_MAX),
        help_text=gettext_lazy("Bắt buộc với khoảng điểm."))
    evidence = forms.CharField(
        label=gettext_lazy("Tài liệu kiểm chứng"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        max_length=TEXT_MAX, error_messages=_too_long(TEXT_MAX),
        help_text=gettext_lazy("Tiêu chí ĐTXHH tự ghi «ĐTXHH»."))
    agency = forms.ChoiceField(label=gettext_lazy("Cơ quan thẩm định"))
    ref = forms.CharField(label=gettext_lazy("Căn cứ (mục của quyết định, dòng phụ lục)"), max_length=300,
                          error_messages=_too_long(300))
    follow_expected = forms.BooleanField(
        required=False, label=gettext_lazy("Cập nhật khối «expected» (số lượng và tổng điểm) theo cây sau khi lưu"),
        help_text=gettext_lazy("Khối «expected» ghi các con số quyết định quy định; để trống ô này thì mọi thay đổi "
                               "làm lệch các con số đó đều bị từ chối."))

    def __init__(self, *args, agencies: dict[str, str], item: dict | None = None, **kwargs):
        if item is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_of(item)
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(code, f"{code} — {name}") for code, name in agencies.items()]

    @staticmethod
    def initial_of(item: dict) -> dict:
        rubric = item.get("rubric") or {}
        rng = rubric.get("range") or {}

        def vi(value):
            return format_vi(Decimal(str(value))) if value is not None else ""
        return {
            "title": item.get("title", ""), "max_points": vi(item.get("max_points")),
            "method": item.get("method", "self"),
            "rubric_kind": "parts" if rubric.get("parts") else "range" if rng else "choices",
            "choices": choices_text(rubric), "parts": parts_text(rubric),
            "range_min": vi(rng.get("min")), "range_max": vi(rng.get("max")),
            "range_step": vi(rng.get("step")), "rubric_condition": rubric.get("condition", ""),
            "evidence": item.get("evidence", ""), "agency": item.get("agency", ""), "ref": item.get("ref", ""),
        }

    def _parts(self, text: str) -> list[dict]:
        """«# title» lines open a part; the lines after it are its choices (as in «Các mức điểm»)."""
        parts: list[dict] = []
        lines: list[str] = []
        problems: list[str] = []

        def close():
            if parts:
                try:
                    parts[-1]["choices"] = self._choices("\n".join(lines))
                except forms.ValidationError as exc:
                    problems.extend(f"{parts[-1]['title']}: {m}" for m in exc.messages)
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            if line.lstrip().startswith("#"):
                close()
                parts.append({"title": line.lstrip()[1:].strip(), "choices": []})
                lines = []
            elif not parts:
                problems.append(_("Dòng %(n)s của các phần «%(line)s»: chưa có dòng «# tên phần» ở trước")
                                % {"n": number, "line": shorten(line, 60)})
            else:
                lines.append(line)
        close()
        if not parts and not problems:
            problems.append(_("Thang chấm «tổng điểm các phần» cần các phần, mỗi phần bắt đầu bằng «# tên phần»"))
        if problems:
            raise forms.ValidationError(problems)
        return parts

    def _choices(self, text: str) -> list[dict]:
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            raise forms.ValidationError(_("Thang chấm «các mức điểm» cần ít nhất một dòng «điểm | điều kiện»"))
        if len(lines) > MAX_CHOICES:
            raise forms.ValidationError(_("Thang chấm có %(n)s mức, tối đa %(max)s")
                                        % {"n": len(lines), "max": MAX_CHOICES})
        out, problems = [], []
        for number, line in enumerate(lines, 1):
            if "|" not in line:
                problems.append(_("Dòng %(n)s của thang chấm «%(line)s»: thiếu dấu «|» giữa điểm và điều kiện")
                                % {"n": number, "line": shorten(line, 60)})
                continue
            raw, condition = (part.strip() for part in line.split("|", 1))
            try:
                value = points(raw, _("Điểm ở dòng %(n)s của thang chấm") % {"n": number})
            except forms.ValidationError as exc:
                problems.extend(exc.messages)
                continue
            out.append({"points": value, "condition": condition})
        if problems:
            raise forms.ValidationError(problems)
        return out

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data["method"] == "survey":
            data["rubric"] = None
            data["evidence"] = SURVEY_EVIDENCE
            return data
        condition = data.get("rubric_condition", "").strip()
        if data.get("rubric_kind") == "parts":
            try:
                rubric = {"parts": self._parts(data.get("parts", ""))}
            except forms.ValidationError as exc:
                self.add_error("parts", exc)
                return data
        elif data.get("rubric_kind") == "range":
            rng = {"min": data.get("range_min"), "max": data.get("range_max"), "step": data.get("range_step")}
            if None in rng.values():
                self.add_error("range_step", _("Khoảng điểm cần đủ ba số: từ, đến, bước"))
                return data
            rubric = {"range": rng}
        else:
            try:
                rubric = {"choices": self._choices(data.get("choices", ""))}
            except forms.ValidationError as exc:
                self.add_error("choices", exc)
                return data
        if condition:
            rubric["condition"] = condition
        data["rubric"] = rubric
        return data

    def values(self) -> dict:
        d = self.cleaned_data
        return {"title": d["title"].strip(), "max_points": d["max_points"], "method": d["method"],
                "rubric": d.get("rubric"), "evidence": d["evidence"].strip(), "agency": d["agency"],
                "ref": d["ref"].strip()}


class CriterionForm(VersionForm):
    """A criterion with sub-criteria: its title (its points are the sum of its sub-criteria)."""

    title = forms.CharField(label=gettext_lazy("Tên tiêu chí"), widget=forms.Textarea(attrs={"rows": 3}),
                            max_length=TEXT_MAX, error_messages=_too_long(TEXT_MAX))


EXPECTED_COUNTS = {
    "criteria": gettext_lazy("số tiêu chí"),
    "sub_criteria": gettext_lazy("số tiêu chí thành phần"),
    "survey_sub_criteria": gettext_lazy("số tiêu chí thành phần ĐTXHH"),
}


class ExpectedForm(VersionForm):
    """The ``expected`` block: the totals and the per-field counts the decision states."""

    from_tree = forms.BooleanField(required=False, label=gettext_lazy(
        "Lấy theo cây tiêu chí hiện tại (bỏ qua các ô dưới đây)"))
    total_max = PointsField(label=gettext_lazy("Tổng điểm tối đa"), required=False)
    self_max = PointsField(label=gettext_lazy("Điểm tự đánh giá tối đa"), required=False)
    survey_max = PointsField(label=gettext_lazy("Điểm ĐTXHH tối đa"), required=False)

    def __init__(self, *args, letters: list[str], expected: dict | None = None, **kwargs):
        expected = expected or {}
        initial = {k: format_vi(Decimal(str(expected[k]))) for k in ("total_max", "self_max", "survey_max")
                   if k in expected}
        for letter in letters:
            for key in EXPECTED_COUNTS:
                value = (expected.get("fields") or {}).get(letter, {}).get(key)
                if value is not None:
                    initial[f"{letter}__{key}"] = str(value)
        kwargs.setdefault("initial", {}).update(initial)
        super().__init__(*args, **kwargs)
        self.letters = letters
        for letter in letters:
            for key, label in EXPECTED_COUNTS.items():
                self.fields[f"{letter}__{key}"] = CountField(label=f"{letter}) {label}", required=False)

    def clean(self):
        data = super().clean()
        if self.errors or data.get("from_tree"):
            return data
        for name in list(self.fields):
            if name not in ("version", "from_tree") and data.get(name) in (None, ""):
                self.add_error(name, _("Cần nhập %(what)s") % {"what": self.fields[name].label})
        return data

    def expected(self) -> dict | None:
        d = self.cleaned_data
        if d.get("from_tree"):
            return None
        return {"total_max": d["total_max"], "self_max": d["self_max"], "survey_max": d["survey_max"],
                "fields": {letter: {key: d[f"{letter}__{key}"] for key in EXPECTED_COUNTS}
                           for letter in self.letters}}

    def top_rows(self):
        return [self[name] for name in ("from_tree", "total_max", "self_max", "survey_max")]

    def field_rows(self):
        """(letter, [bound fields]) per field, for the template."""
        return [(letter, [self[f"{letter}__{key}"] for key in EXPECTED_COUNTS]) for letter in self.letters]


class AppendixForm(VersionForm):
    """The province's official appendix tables for a draft (.xlsx in the appendix layout)."""

    workbook = forms.FileField(label=gettext_lazy("Tệp bảng phụ lục (.xlsx)"),
                               error_messages={"required": gettext_lazy("Hãy chọn tệp bảng phụ lục .xlsx"),
                                               "invalid": gettext_lazy("Tệp không hợp lệ")})
