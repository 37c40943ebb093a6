"""Forms of the staff pages of appeals (the action forms on the detail page, the hotline entry)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.appeals.models import AppealType, Satisfied, Solved, Urgency
from jiceng.appeals.selectors import catalogue


def _category_choices():
    rows = [("", _("请选择类别"))]
    for c in catalogue.active_categories():
        rows.append((c.code, f"{c.parent.name} ▸ {c.name}" if c.parent_id else c.name))
    return rows


class CategorizeForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices()


class DispatchForm(forms.Form):
    lead = forms.ChoiceField(label=_("主办单位"), choices=(),
                             help_text=_("按派单目录建议的部门排在前面；属地类诉求派给街道或社区"))
    assists = forms.MultipleChoiceField(label=_("协办单位"), choices=(), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    transfer = forms.BooleanField(label=_("转办（由该单位接管，不再由本单位主办）"), required=False)
    note = forms.CharField(label=_("派单说明"), max_length=300, required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = [("", _("请选择主办单位")), *units]
        self.fields["assists"].choices = list(units)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("退单理由"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("诉求人在查询页可以看到退单单位和理由"))


class ProgressForm(forms.Form):
    note = forms.CharField(label=_("办理进展"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    public = forms.BooleanField(label=_("诉求人可见"), required=False)


class ResolveForm(forms.Form):
    solution = forms.CharField(label=_("办理结果"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("延期天数"), min_value=1, max_value=365)
    reason = forms.CharField(label=_("延期理由"), max_length=300)


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("审批"), choices=[("1", _("批准")), ("0", _("不批准"))],
                                     coerce=lambda v: v == "1")
    note = forms.CharField(label=_("审批意见"), max_length=300, required=False)


class MergeForm(forms.Form):
    into = forms.CharField(label=_("主工单编号"), max_length=20,
                           help_text=_("本诉求与该工单反映同一问题，合并到该工单办理"))


class ParkForm(forms.Form):
    plan = forms.CharField(label=_("挂账计划"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    until = forms.DateField(label=_("计划解决日期"), widget=forms.DateInput(attrs={"type": "date"}))


class CallbackForm(forms.Form):
    contacted = forms.TypedChoiceField(label=_("是否联系"), choices=[("1", _("已联系")), ("0", _("未联系"))],
                                       coerce=lambda v: v == "1", widget=forms.RadioSelect)
    solved = forms.ChoiceField(label=_("是否解决"), choices=Solved.choices, widget=forms.RadioSelect)
    satisfied = forms.ChoiceField(label=_("是否满意"), choices=Satisfied.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("回访意见"), max_length=500, required=False)


class CloseForm(forms.Form):
    note = forms.CharField(label=_("说明"), max_length=300, required=False,
                           help_text=_("未回访即关闭时必填，如“三次联系不上诉求人”"))


class PlaceForm(forms.Form):
    community = forms.CharField(label=_("社区代码"), max_length=12, help_text=_("12位社区代码"))


class HotlineForm(forms.Form):
    """Staff entry of a 12345 call (the REST contract's keys)."""

    hotline_no = forms.CharField(label=_("12345工单号"), max_length=40)
    type = forms.ChoiceField(label=_("诉求类型"), choices=AppealType.choices)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    category = forms.ChoiceField(label=_("类别"), choices=())
    content = forms.CharField(label=_("诉求内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    name = forms.CharField(label=_("诉求人"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, help_text=_("11位手机号"))
    community = forms.CharField(label=_("社区代码"), max_length=12, required=False,
                                help_text=_("知道所在社区时填写12位代码；也可以只填地址，由派单员确定属地"))
    address = forms.CharField(label=_("地址"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices()
