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
    meeting_date = forms.DateField(label=_("Ngày họp tự đánh giá"), required=False,
                                   input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                   widget=forms.DateInput(attrs={"type": "date"}),
                                   error_messages={"invalid": _("Ngày không hợp lệ, nhập dạng ngày/tháng/năm")})
    rows = forms.CharField(label=_("Thành phần tham gia (mỗi dòng: họ và tên; chức vụ)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 8}))
    difficulties = forms.CharField(label=_("Khó khăn, vướng mắc, kiến nghị"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 6}))

    def clean_rows(self):
        rows, errors = [], []
        for n, line in enumerate(self.cleaned_data["rows"].splitlines(), start=1):
            if not line.strip():
                continue
            if ";" not in line:
                raise forms.ValidationError(_("Dòng %(n)s: cần dạng «Họ và tên; Chức vụ»") % {"n": n})
            name, position = (part.strip() for part in line.split(";", 1))
            for label, value, field in ((_("họ và tên"), name, "name"), (_("chức vụ"), position, "position")):
                message = too_long(label, value, limit_of(Participant, field))
                if message:
                    errors.append(_("Dòng %(n)s: %(message)s") % {"n": n, "message": message})
            rows.append((name, position))
        if errors:
            raise forms.ValidationError(errors)
        return rows


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Lý do mở lại"), widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Phải ghi lý do mở lại")})
    new_due = forms.DateTimeField(label=_("Hạn nộp lại (giờ Việt Nam)"), widget=DateTimeLocalInput(),
                                  error_messages={"required": _("Chưa nhập hạn nộp lại"),
                                                  "invalid": _("Thời điểm không hợp lệ")})
