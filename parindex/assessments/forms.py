from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.periods.forms import DateTimeLocalInput


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp"), allow_empty_file=True,
                           error_messages={"required": _("Chưa chọn tệp"), "invalid": _("Tệp không hợp lệ")})


class DocumentForm(forms.Form):
    number = forms.CharField(label=_("Số hiệu"), max_length=100, required=False)
    issued_on = forms.DateField(label=_("Ngày ban hành"), required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"invalid": _("Ngày không hợp lệ, nhập dạng ngày/tháng/năm")})
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200, required=False)
    summary = forms.CharField(label=_("Trích yếu"), max_length=500, required=False)


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
        rows = []
        for n, line in enumerate(self.cleaned_data["rows"].splitlines(), start=1):
            if not line.strip():
                continue
            if ";" not in line:
                raise forms.ValidationError(f"Dòng {n}: cần dạng «Họ và tên; Chức vụ»")
            name, position = line.split(";", 1)
            rows.append((name.strip(), position.strip()))
        return rows


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Lý do mở lại"), widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Phải ghi lý do mở lại")})
    new_due = forms.DateTimeField(label=_("Hạn nộp lại (giờ Việt Nam)"), widget=DateTimeLocalInput(),
                                  error_messages={"required": _("Chưa nhập hạn nộp lại"),
                                                  "invalid": _("Thời điểm không hợp lệ")})
