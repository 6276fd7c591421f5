from django import forms
from django.utils.translation import gettext_lazy as _

from .timeline import FIELDS, Reading


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PeriodCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100,
                              error_messages={"invalid": _("Năm phải là số, ví dụ 2021"),
                                              "min_value": _("Năm phải từ 2000 đến 2100"),
                                              "max_value": _("Năm phải từ 2000 đến 2100")})
    reading = forms.ChoiceField(label=_("Cách hiểu «trước ngày 30/11»"), choices=Reading.choices,
                                initial=Reading.STRICT)


class TimelineForm(forms.Form):
    """Every date of the timeline, in Vietnam time, and the reason for the change."""

    reason = forms.CharField(label=_("Lý do thay đổi"), widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Phải ghi lý do thay đổi mốc thời gian")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in FIELDS.items():
            self.fields[name] = forms.DateTimeField(
                label=label, widget=DateTimeLocalInput(),
                help_text=_("Thời điểm bắt đầu bị coi là quá hạn (giờ Việt Nam)") if name.endswith("_due") else "",
                error_messages={"required": _("Chưa nhập thời điểm"),
                                "invalid": _("Thời điểm không hợp lệ, nhập dạng ngày/tháng/năm giờ:phút")})
        self.order_fields([*FIELDS, "reason"])

    def timeline(self) -> dict:
        return {name: self.cleaned_data[name] for name in FIELDS}


class ExtensionForm(forms.Form):
    new_due = forms.DateTimeField(label=_("Hạn mới (giờ Việt Nam)"), widget=DateTimeLocalInput(),
                                  error_messages={"required": _("Chưa nhập hạn mới"),
                                                  "invalid": _("Thời điểm không hợp lệ")})
    reason = forms.CharField(label=_("Lý do gia hạn"), widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Phải ghi lý do gia hạn")})
