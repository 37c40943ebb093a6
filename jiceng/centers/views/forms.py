"""Forms of the centers pages. They only parse input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.centers.models import CenterLevel, Channel, Purpose, RoomKind
from jiceng.centers.models.places import OpeningHours

WEEKDAYS = OpeningHours._meta.get_field("weekday").choices
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CenterForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=80)
    level = forms.ChoiceField(label=_("层级"), choices=CenterLevel.choices)
    area = forms.ModelChoiceField(label=_("所在属地"), queryset=None,
                                  help_text=_("街道中心设在街道，社区服务站设在社区，楼宇、园区、商圈服务站设在相应地点或其所在街道、社区"))
    address = forms.CharField(label=_("地址"), max_length=160, required=False)
    lat = forms.FloatField(label=_("纬度"), required=False, help_text=_("如 39.8465；用于地图和“离我最近”"))
    lng = forms.FloatField(label=_("经度"), required=False, help_text=_("如 116.3720"))
    floor_area = forms.IntegerField(label=_("面积（平方米）"), required=False, min_value=1)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    description = forms.CharField(label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    closed_on_holidays = forms.BooleanField(label=_("法定节假日闭馆（调休上班日开放）"), required=False, initial=True)
    is_active = forms.BooleanField(label=_("开放（在公众页面显示）"), required=False, initial=True)

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class HoursForm(forms.Form):
    """Seven rows: a weekday left empty is closed."""

    def __init__(self, *args, weekly=None, **kwargs):
        super().__init__(*args, **kwargs)
        weekly = weekly or {}
        for day, label in WEEKDAYS:
            opens, closes = weekly.get(day, (None, None))
            self.fields[f"opens_{day}"] = forms.TimeField(label=_("%(d)s 开门") % {"d": label}, required=False,
                                                          widget=TIME, initial=opens)
            self.fields[f"closes_{day}"] = forms.TimeField(label=_("%(d)s 闭门") % {"d": label}, required=False,
                                                           widget=TIME, initial=closes)

    def weekly(self) -> dict:
        data = self.cleaned_data
        result = {}
        for day, _label in WEEKDAYS:
            opens, closes = data.get(f"opens_{day}"), data.get(f"closes_{day}")
            if opens or closes:
                result[day] = (opens, closes)
        return result

    def rows(self):
        return [(label, self[f"opens_{day}"], self[f"closes_{day}"]) for day, label in WEEKDAYS]


class ExceptionForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE)
    is_open = forms.BooleanField(label=_("当天开放"), required=False,
                                 help_text=_("不勾选：当天闭馆；勾选且不填时间：按平日时间开放"))
    opens = forms.TimeField(label=_("开门时间"), required=False, widget=TIME)
    closes = forms.TimeField(label=_("闭门时间"), required=False, widget=TIME)
    note = forms.CharField(label=_("说明"), max_length=80, required=False)


class RoomForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    kind = forms.ChoiceField(label=_("类型"), choices=RoomKind.choices)
    capacity = forms.IntegerField(label=_("容纳人数"), min_value=0, max_value=10_000, initial=0)
    floor_area = forms.IntegerField(label=_("面积（平方米）"), required=False, min_value=1)
    description = forms.CharField(label=_("设施说明"), max_length=200, required=False)
    is_bookable = forms.BooleanField(label=_("可预约"), required=False, initial=True)
    needs_approval = forms.BooleanField(label=_("预约需中心审核"), required=False,
                                        help_text=_("不勾选：预约提交即确认；勾选：中心确认后生效"))
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("服务名称"), max_length=80)
    category = forms.CharField(label=_("类别"), max_length=40, help_text=_("如 党员服务、政务服务、公益服务"))
    description = forms.CharField(label=_("服务内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    channel = forms.ChoiceField(label=_("办理方式"), choices=Channel.choices)
    department = forms.ModelChoiceField(label=_("提供部门"), queryset=None, required=False)
    is_active = forms.BooleanField(label=_("提供中"), required=False, initial=True)

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class ImportForm(forms.Form):
    file = forms.FileField(label=_("服务清单文件（.xlsx 或 .csv）"),
                           help_text=_("列：服务名称、类别、服务内容、办理方式、提供部门；第一行为表头"))


class ShiftForm(forms.Form):
    department = forms.ModelChoiceField(label=_("坐班部门"), queryset=None)
    weekday = forms.TypedChoiceField(label=_("星期"), choices=WEEKDAYS, coerce=int)
    starts = forms.TimeField(label=_("开始时间"), widget=TIME)
    ends = forms.TimeField(label=_("结束时间"), widget=TIME)
    valid_from = forms.DateField(label=_("起始日期"), widget=DATE)
    valid_until = forms.DateField(label=_("截止日期"), required=False, widget=DATE, help_text=_("留空：长期"))
    matters = forms.CharField(label=_("可办事项"), max_length=200, required=False)

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("照片（JPG、PNG 或 WebP）"))
    caption = forms.CharField(label=_("说明"), max_length=80, required=False)


class ReservationForm(forms.Form):
    org = forms.ModelChoiceField(label=_("预约组织"), queryset=None, required=False)
    applicant = forms.CharField(label=_("或：预约单位名称"), max_length=100, required=False,
                                help_text=_("未在系统中的企业、居民团体等"))
    purpose = forms.ChoiceField(label=_("用途"), choices=Purpose.choices)
    title = forms.CharField(label=_("主题"), max_length=120)
    attendees = forms.IntegerField(label=_("参加人数"), min_value=0, initial=0)
    date = forms.DateField(label=_("日期"), widget=DATE)
    starts = forms.TimeField(label=_("开始时间"), widget=TIME)
    ends = forms.TimeField(label=_("结束时间"), widget=TIME)
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_phone = forms.CharField(label=_("联系人手机号"), max_length=20, required=False)

    def __init__(self, *args, orgs=None, staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        if not staff:
            del self.fields["applicant"]
            self.fields["org"].required = True


class NoteForm(forms.Form):
    note = forms.CharField(label=_("意见"), max_length=200, required=False)
