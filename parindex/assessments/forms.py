from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.core.lengths import char_field, limit_of, too_long
from parindex.periods.forms import DateTimeLocalInput

from .models import Evidence, Participant


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp"), allow_empty_file=True,
                           error_messages={"required": _("Chưa chọn tệp"), "invalid": _("Tệp không hợp lệ")})


class DocumentForm(forms.Form):
    number = char_field(_("Số hiệu"), limit_of(Evidence, "number"), required=False)
    issued_on = forms.DateField(label=_("Ngày ban hành"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"invalid": _("Ngày không hợp lệ, nhập dạng ngày/tháng/năm")})
    issuer = char_field(_("Cơ quan ban hành"), limit_of(Evidence, "issuer"), required=False)
    summary = char_field(_("Trích yếu"), limit_of(Evidence, "summary"), required=False)


class ParticipantsForm(forms.Form):
    """The self-assessment meeting (III.2.2): one box per participant the decision requires for the unit's
    kind (``roles``, labelled with the decision's words), one for anyone else, the date and the difficulties.
    Each box takes one person a line, «Họ và tên; Chức vụ»; ``cleaned_data["people"]`` is the list of
    (name, position, role) for ``services.set_participants``."""

    meeting_date = forms.DateField(label=_("Ngày họp tự đánh giá"), required=False,
                                   input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                   widget=forms.DateInput(attrs={"type": "date"}),
                                   error_messages={"invalid": _("Ngày không hợp lệ, nhập dạng ngày/tháng/năm")})
    rows = forms.CharField(label=_("Thành phần khác (mỗi dòng: họ và tên; chức vụ)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    difficulties = forms.CharField(label=_("Khó khăn, vướng mắc, kiến nghị"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, roles: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.roles = roles
        boxes = {f"role_{i}": forms.CharField(
                     label=_("%(role)s (bắt buộc; mỗi dòng: họ và tên; chức vụ)") % {"role": role}, required=False,
                     widget=forms.Textarea(attrs={"rows": 2})) for i, role in enumerate(roles)}
        self.fields = {"meeting_date": self.fields["meeting_date"], **boxes, "rows": self.fields["rows"],
                       "difficulties": self.fields["difficulties"]}
        if not roles:
            self.fields["rows"].label = _("Thành phần tham gia (mỗi dòng: họ và tên; chức vụ)")

    @staticmethod
    def initial_for(participants, roles: tuple[str, ...]) -> dict[str, str]:
        """The boxes' text for the recorded participants (a role no longer required goes to «khác»)."""
        boxes: dict[str, list[str]] = {}
        for p in participants:
            key = f"role_{roles.index(p.role)}" if p.role in roles else "rows"
            boxes.setdefault(key, []).append(f"{p.name}; {p.position}")
        return {key: "\n".join(lines) for key, lines in boxes.items()}

    def clean(self):
        cleaned = super().clean()
        people, errors = [], []
        boxes = [(f"role_{i}", role) for i, role in enumerate(self.roles)] + [("rows", "")]
        for key, role in boxes:
            for n, line in enumerate((cleaned.get(key) or "").splitlines(), start=1):
                if not line.strip():
                    continue
                where = self.fields[key].label.split(" (")[0]
                if ";" not in line:
                    errors.append(_("%(box)s, dòng %(n)s: cần dạng «Họ và tên; Chức vụ»") % {"box": where, "n": n})
                    continue
                name, position = (part.strip() for part in line.split(";", 1))
                for label, value, field in ((_("họ và tên"), name, "name"), (_("chức vụ"), position, "position")):
                    message = too_long(label, value, limit_of(Participant, field))
                    if message:
                        errors.append(_("%(box)s, dòng %(n)s: %(message)s") % {"box": where, "n": n,
                                                                              "message": message})
                people.append((name, position, role))
        if errors:
            raise forms.ValidationError(errors)
        cleaned["people"] = people
        return cleaned


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Lý do mở lại"), widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Phải ghi lý do mở lại")})
    new_due = forms.DateTimeField(label=_("Hạn nộp lại (giờ Việt Nam)"), widget=DateTimeLocalInput(),
                                  error_messages={"required": _("Chưa nhập hạn nộp lại"),
                                                  "invalid": _("Thời điểm không hợp lệ")})
