import json

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.core import lockout
from jiceng.core.auth import AccountLocked, lockout_key
from jiceng.core.http import client_ip
from jiceng.core.models import Org, Role
from jiceng.core.models.orgs import OrgKind, OrgSector, PostTitle
from jiceng.core.selectors.territory import area_by_code
from jiceng.core.services.areas import LOCAL_LETTERS

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名或手机号"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(label=_("密码"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def _locked_message(self, until):
        minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
        local = timezone.localtime(until)
        return _("登录失败次数过多，账号已锁定。请在 %(time)s（约 %(m)d 分钟）后再试，或联系安全管理员解锁。") % {
            "time": local.strftime("%H:%M"), "m": minutes}

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not username or not password:
            return self.cleaned_data
        key, ip = lockout_key(username), client_ip(self.request)
        until = lockout.lock_end(key, ip)
        if until:
            raise forms.ValidationError(self._locked_message(until), code="locked")
        try:
            self.user = authenticate(self.request, username=username, password=password)
        except AccountLocked as exc:
            raise forms.ValidationError(self._locked_message(exc.until), code="locked") from exc
        if self.user is None:
            until = lockout.lock_end(key, ip)
            if until:
                raise forms.ValidationError(self._locked_message(until), code="locked")
            raise forms.ValidationError(
                _("用户名（或手机号）与密码不匹配。连续失败 %(n)d 次将锁定 %(m)d 分钟。") % {
                    "n": settings.LOGIN_FAILURE_LIMIT,
                    "m": int(settings.LOGIN_LOCKOUT.total_seconds() // 60)},
                code="invalid")
        return self.cleaned_data


class OrgForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=120)
    short_name = forms.CharField(label=_("简称"), max_length=60, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=OrgKind.choices)
    sector = forms.ChoiceField(label=_("领域"), choices=OrgSector.choices)
    area = forms.CharField(label=_("属地代码"), max_length=24, required=False,
                           help_text=_("所在街道、社区、网格或楼宇的代码，可留空"))
    unit_name = forms.CharField(label=_("所在单位"), max_length=120, required=False)
    is_joint = forms.BooleanField(label=_("联合党组织"), required=False)
    joint_units = forms.IntegerField(label=_("联合单位数"), required=False, min_value=2, max_value=99,
                                     help_text=_("联合党支部所含单位一般不超过 5 个"))
    is_temporary = forms.BooleanField(label=_("临时党组织"), required=False)
    temporary_until = forms.DateField(label=_("临时党组织撤销日期"), required=False,
                                      widget=DATE)
    is_online = forms.BooleanField(label=_("网络e支部"), required=False)
    established_on = forms.DateField(label=_("成立日期"), required=False,
                                     widget=DATE)
    term_started_on = forms.DateField(label=_("本届任期开始"), required=False,
                                      widget=DATE,
                                      help_text=_("党委 5 年、党总支 3 年、党支部 3 年（社区、村党支部 5 年）"))

    def clean_area(self):
        code = self.cleaned_data.get("area", "").strip()
        if not code:
            return None
        return area_by_code(code)

    @classmethod
    def initial_for(cls, org: Org) -> dict:
        data = {f: getattr(org, f) for f in cls.base_fields if f != "area"}
        data["area"] = org.area.code if org.area_id else ""
        return data


class LocalAreaForm(forms.Form):
    level = forms.ChoiceField(label=_("类别"), choices=[(lv.value, lv.label) for lv in LOCAL_LETTERS])
    name = forms.CharField(label=_("名称"), max_length=100)
    geometry = forms.CharField(label=_("边界（GeoJSON，可留空）"), required=False,
                               widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("Polygon 或 MultiPolygon，WGS84 经纬度；批量导入请用 import_grids"))

    def clean_geometry(self):
        text = self.cleaned_data.get("geometry", "").strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(_("不是有效的 JSON：%(e)s") % {"e": exc}) from exc


class PostForm(forms.Form):
    title = forms.ChoiceField(label=_("职务"), choices=PostTitle.choices)
    holder_name = forms.CharField(label=_("姓名"), max_length=50)
    term_start = forms.DateField(label=_("任期开始"), widget=DATE)
    term_end = forms.DateField(label=_("任期结束"), required=False, widget=DATE,
                               help_text=_("可留空；党委 5 年、党总支 3 年、党支部 3 年（社区、村党支部 5 年）"))


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    mobile = forms.CharField(label=_("手机号"), max_length=20, required=False)
    password = forms.CharField(label=_("初始密码"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("至少 8 位，且包含大写字母、小写字母、数字、符号中的至少 3 类。"))


class GrantForm(forms.Form):
    role = forms.ModelChoiceField(label=_("角色"), queryset=Role.objects.order_by("id"))
    node = forms.CharField(label=_("授权范围"), max_length=40, required=False,
                           help_text=_("属地代码（如 110106015000），或 org: 加党组织编号（如 org:12）；系统职责留空"))

    def clean_node(self):
        value = self.cleaned_data.get("node", "").strip()
        if not value:
            return None
        if value.startswith("org:"):
            org = Org.objects.filter(pk=value[4:]).first() if value[4:].isdigit() else None
            if org is None:
                raise forms.ValidationError(_("党组织 %(v)s 不存在") % {"v": value})
            return org
        return area_by_code(value)


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form without the autofocus that would scroll the profile page to it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=60, initial="API")
