"""Forms of the whistle pages. Fields only: the services validate the rules."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.whistles.models import Urgency

RATING_CHOICES = [(5, _("5 分 · 非常满意")), (4, _("4 分 · 满意")), (3, _("3 分 · 一般")), (2, _("2 分 · 不满意")),
                  (1, _("1 分 · 很不满意"))]


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        parent = getattr(obj, "parent", None)
        return f"{parent.name} · {obj.name}" if parent and obj.level not in ("street",) else obj.name


class WhistleForm(forms.Form):
    caller = AreaChoiceField(label=_("吹哨单位"), queryset=None, empty_label=_("请选择"))
    title = forms.CharField(label=_("事项"), max_length=120, help_text=_("一句话说明问题，例如“某路段占道经营”"))
    matter = forms.CharField(label=_("情况说明"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL,
                                widget=forms.RadioSelect)
    departments = forms.ModelMultipleChoiceField(label=_("召集部门"), queryset=None,
                                                 widget=forms.CheckboxSelectMultiple)
    report_minutes = forms.IntegerField(label=_("报到时限（分钟）"), required=False, min_value=1,
                                        help_text=_("不填则按紧急程度：紧急%(u)d分钟，一般%(n)d分钟"))
    location = forms.CharField(label=_("地点"), max_length=200, required=False)
    appeals = forms.CharField(label=_("关联诉求"), max_length=500, required=False,
                              help_text=_("诉求工单编号，可填多个，用空格或逗号分隔"))

    def __init__(self, *args, callers, departments, urgent_minutes: int, normal_minutes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caller"].queryset = callers
        self.fields["departments"].queryset = departments
        self.fields["report_minutes"].help_text = self.fields["report_minutes"].help_text % {
            "u": urgent_minutes, "n": normal_minutes}


def tickets(value: str) -> list[str]:
    """Ticket numbers typed into one field, separated by spaces, commas or 顿号."""
    return [t for t in re.split(r"[\s,，、;；]+", value or "") if t]


class AppealsForm(forms.Form):
    appeals = forms.CharField(label=_("诉求工单编号"), max_length=500,
                              help_text=_("可填多个，用空格或逗号分隔"))


class ReportForm(forms.Form):
    note = forms.CharField(label=_("报到说明（可不填）"), max_length=2000, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("例如：已派两名队员赶赴现场")}))


class ActionForm(forms.Form):
    text = forms.CharField(label=_("处置情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("评价"), choices=RATING_CHOICES, coerce=int)
    comment = forms.CharField(label=_("评价意见"), max_length=300, required=False)


class CallForm(forms.Form):
    department = forms.ModelChoiceField(label=_("追加召集部门"), queryset=None, empty_label=_("请选择"))

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class CloseForm(forms.Form):
    result = forms.CharField(label=_("办理结果"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("未全部报到即结束的原因"), max_length=300, required=False,
                             help_text=_("事不完、人不撤：仍有部门未报到时必须填写"))


class EnterpriseForm(forms.Form):
    enterprise_name = forms.CharField(label=_("企业名称"), max_length=120)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30,
                           help_text=_("18位，见营业执照左上角"),
                           widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}))
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    unit = AreaChoiceField(label=_("服务单位"), queryset=None, empty_label=_("请选择企业所在的街道、园区或楼宇"))
    matter = forms.CharField(label=_("诉求内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ConvertForm(forms.Form):
    title = forms.CharField(label=_("事项"), max_length=120, required=False)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL,
                                widget=forms.RadioSelect)
    departments = forms.ModelMultipleChoiceField(label=_("召集部门"), queryset=None,
                                                 widget=forms.CheckboxSelectMultiple)
    report_minutes = forms.IntegerField(label=_("报到时限（分钟）"), required=False, min_value=1)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = departments


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("不予吹哨的理由"), max_length=300)
