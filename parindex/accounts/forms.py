"""Forms of the «Người dùng và vai trò» page: a new account, a role to grant."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.units.models import PeriodUnit, UnitKind

from . import permissions
from .models import Role


class AccountForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150,
                               help_text=_("chữ thường không dấu, chữ số và . _ -, ví dụ hoamuc.vanthu"),
                               error_messages={"required": _("Chưa nhập tên đăng nhập"),
                                               "max_length": _("Tên đăng nhập tối đa 150 ký tự")})
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150,
                                error_messages={"required": _("Chưa nhập họ và tên"),
                                                "max_length": _("Họ và tên tối đa 150 ký tự")})
    email = forms.CharField(label=_("Thư điện tử"), required=False, max_length=254,
                            help_text=_("để người dùng tự đặt lại mật khẩu khi quên"),
                            error_messages={"max_length": _("Thư điện tử tối đa 254 ký tự")})
    password = forms.CharField(label=_("Mật khẩu ban đầu"), widget=forms.PasswordInput, max_length=128,
                               help_text=_("báo cho người dùng; họ đổi mật khẩu sau lần đăng nhập đầu"),
                               error_messages={"required": _("Chưa nhập mật khẩu ban đầu"),
                                               "max_length": _("Mật khẩu tối đa 128 ký tự")})


# Above this many units, the grant form asks for a unit's code instead of listing every unit.
LIST_UP_TO = 500


class GrantForm(forms.Form):
    """Place fields are plain codes (rendered as lists): a code outside the person's scope reaches the
    service, which refuses it (403), rather than passing as a form error."""

    username = forms.CharField(label=_("Tên đăng nhập của người được giao"), max_length=150,
                               error_messages={"required": _("Chưa nhập tên đăng nhập")})
    role = forms.ChoiceField(label=_("Vai trò"), error_messages={
        "required": _("Chưa chọn vai trò"), "invalid_choice": _("Vai trò «%(value)s» không có trong danh sách")})
    unit = forms.CharField(label=_("Đơn vị (cán bộ, thủ trưởng, điều phối viên cấp huyện)"), required=False,
                           max_length=20)
    agency = forms.CharField(label=_("Cơ quan trong tổ thẩm định (thành viên tổ thẩm định)"), required=False,
                             max_length=20, help_text=_("mã cơ quan, ví dụ STC hoặc PNV"),
                             error_messages={"max_length": _("Mã cơ quan tối đa 20 ký tự")})
    team = forms.CharField(label=_("Tổ thẩm định"), required=False, max_length=20)
    fields_text = forms.CharField(label=_("Lĩnh vực phụ trách"), required=False, max_length=40,
                                  help_text=_("các chữ cái a b c d e g h; bỏ trống: mọi lĩnh vực"),
                                  error_messages={"max_length": _("Lĩnh vực: tối đa 40 ký tự")})
    reason = forms.CharField(label=_("Lý do, căn cứ (quyết định phân công…)"), required=False, max_length=500,
                             error_messages={"max_length": _("Lý do tối đa 500 ký tự")})

    def __init__(self, actor, period, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor, self.period = actor, period
        self.fields["role"].choices = [(r, Role(r).label) for r in permissions.grantable_roles(actor)]
        units = [("", "—")]
        teams = []
        if permissions.scope_of(actor).province or permissions.scope_of(actor).admin:
            teams.append(("", _("Tổ thẩm định của tỉnh")))
        units_qs = permissions.grantable_units(actor, period) if period is not None else PeriodUnit.objects.none()
        districts = (permissions.visible_districts(actor, period) if period is not None
                     else PeriodUnit.objects.none())
        # a national list (thousands of units) is typed as a code rather than picked from a list
        many = units_qs.count() > LIST_UP_TO
        if not many:
            units += [(u.code, u.name) for u in units_qs.order_by("kind", "parent__code", "code")]
            teams += [(d.code, _("Tổ thẩm định %(d)s") % {"d": d.name})
                      for d in districts.select_related("unit").order_by("code")
                      if permissions.can_grant_role(actor, Role.APPRAISER, team_district=d.unit)]
        def code_input():
            return forms.TextInput(attrs={"placeholder": _("mã đơn vị, ví dụ 02098 hoặc 065")})

        self.fields["unit"].widget = code_input() if many else forms.Select(choices=units)
        self.fields["team"].widget = code_input() if many else forms.Select(choices=teams)

    def _unit(self, code: str, what: str):
        if not code:
            return None
        found = PeriodUnit.objects.filter(period=self.period, code=code).select_related("unit").first()
        if found is None:
            raise forms.ValidationError(_("Không có %(what)s mã «%(code)s» trong kỳ đánh giá")
                                        % {"what": what, "code": code})
        return found

    def clean_unit(self):
        found = self._unit(self.cleaned_data.get("unit", "").strip(), _("đơn vị"))
        return found.unit if found else None

    def clean_team(self):
        found = self._unit(self.cleaned_data.get("team", "").strip(), _("huyện"))
        if found is not None and found.kind != UnitKind.DISTRICT:
            raise forms.ValidationError(_("Tổ thẩm định cấp huyện phải gắn với một huyện"))
        return found.unit if found else None

    def clean_fields_text(self):
        return [f for f in re.split(r"[\s,;]+", self.cleaned_data.get("fields_text", "").strip().lower()) if f]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"max_length": _("Lý do tối đa 500 ký tự")})
