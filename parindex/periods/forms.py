from django import forms
from django.utils.translation import gettext_lazy as _

from .timeline import FIELDS, Reading


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


DECISION_FILE_MAX = 200_000  # bytes: 1679's file is about 5 kB


class PeriodCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100,
                              error_messages={"invalid": _("Năm phải là số, ví dụ 2021"),
                                              "min_value": _("Năm phải từ 2000 đến 2100"),
                                              "max_value": _("Năm phải từ 2000 đến 2100")})
    reading = forms.ChoiceField(label=_("Cách hiểu «trước ngày D» của các hạn"), required=False,
                                choices=[("", _("Theo quyết định áp dụng")), *Reading.choices],
                                help_text=_("Chặt: hạn cuối là hết ngày trước ngày D; rộng: hết chính ngày D"))
    decision = forms.ChoiceField(label=_("Quyết định áp dụng"), required=False)
    decision_file = forms.FileField(
        label=_("hoặc tệp quyết định của tỉnh (YAML)"), required=False,
        help_text=_("Cách viết tệp: docs/decision-format.md. Tệp được kiểm tra toàn bộ; lỗi nào cũng nêu dòng."),
        error_messages={"invalid": _("Tệp không hợp lệ")})

    def __init__(self, *args, **kwargs):
        from parindex.rulebook.decision import load_decision, shipped_decision_paths

        super().__init__(*args, **kwargs)
        shipped = [load_decision(path) for path in shipped_decision_paths()]
        self.fields["decision"].choices = [(d.id, f"{d.title} ({d.province})") for d in shipped]
        self.fields["decision"].initial = "backan-1679"

    def clean_decision_file(self):
        """The uploaded decision's text (UTF-8, at most ``DECISION_FILE_MAX`` bytes), or None."""
        upload = self.cleaned_data.get("decision_file")
        if not upload:
            return None
        if upload.size > DECISION_FILE_MAX:
            raise forms.ValidationError(_("Tệp quyết định «%(name)s» nặng %(size)s byte, tối đa %(max)s byte")
                                        % {"name": upload.name[:80], "size": upload.size, "max": DECISION_FILE_MAX})
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Tệp quyết định «%(name)s» không phải văn bản UTF-8")
                                        % {"name": upload.name[:80]}) from None

    def decision_source(self) -> str:
        """The text the period binds: the uploaded file, else the chosen shipped decision."""
        from parindex.rulebook.decision import shipped_source

        return self.cleaned_data.get("decision_file") or shipped_source(self.cleaned_data.get("decision")
                                                                        or "backan-1679")


UNITS_FILE_MAX = 2_000_000  # bytes: a province's 1,000 units are about 60 kB


class UnitsForm(forms.Form):
    """The period's unit list (units/services.load_units): the administrative units, or the departments."""

    units_file = forms.FileField(
        label=_("Tệp danh sách đơn vị (CSV, UTF-8)"),
        help_text=_("Đơn vị hành chính: level,parent,name,type,gso_code,parent_gso_code; sở, ban, ngành: "
                    "code,name,short_name,kind. Có thể thêm cột cuối «predecessors»: mã các đơn vị trước sáp nhập, "
                    "cách nhau bởi dấu chấm phẩy."),
        error_messages={"required": _("Hãy chọn tệp danh sách đơn vị"), "invalid": _("Tệp không hợp lệ")})

    def clean_units_file(self):
        upload = self.cleaned_data["units_file"]
        if upload.size > UNITS_FILE_MAX:
            raise forms.ValidationError(_("Tệp «%(name)s» nặng %(size)s byte, tối đa %(max)s byte")
                                        % {"name": upload.name[:80], "size": upload.size, "max": UNITS_FILE_MAX})
        try:
            return upload.name[:80], upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Tệp «%(name)s» không phải văn bản UTF-8")
                                        % {"name": upload.name[:80]}) from None


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
