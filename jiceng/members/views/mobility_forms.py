"""Forms of the transfer, floating, lost-contact and 双报到 pages. They parse and offer choices; the
services judge substance (the regulations' checks and their words)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiceng.core.forms import DATE
from jiceng.core.selectors.orgs import branches_where
from jiceng.members.models import DuesCategory, MemberStatus, TransferReason, TransferState
from jiceng.members.selectors import mobility as mobility_selectors
from jiceng.members.selectors import transfers as transfer_selectors

NOTE = forms.Textarea(attrs={"rows": 2})


class DestinationField(forms.CharField):
    """A receiving 党支部 anywhere in the system, typed as (part of) its name."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        found = transfer_selectors.destination_search(value)
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValidationError(gettext("系统内没有名称包含“%(q)s”的党支部；转往系统外的，请选择“转出到系统外”") % {
                "q": value})
        names = "、".join(org.name for org in found)
        raise ValidationError(gettext("找到多个党支部：%(names)s。请输入完整名称") % {"names": names})


class TransferFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("状态"), required=False,
                              choices=[("", _("全部")), ("open", _("办理中")), *TransferState.choices])
    q = forms.CharField(label=_("查找"), max_length=60, required=False)


class InternalTransferForm(forms.Form):
    to_org = DestinationField(label=_("接收党支部"), max_length=120,
                              help_text=_("输入系统内党支部名称中的几个字；找到唯一一个即可"))
    reason = forms.ChoiceField(label=_("转接原因"), choices=TransferReason.choices)
    note = forms.CharField(label=_("说明"), widget=NOTE, required=False, max_length=2000)


class OutgoingTransferForm(forms.Form):
    outside_org_name = forms.CharField(label=_("系统外接收党组织"), max_length=150,
                                       help_text=_("介绍信抬头，如“中共河北省某某县委组织部”"))
    reason = forms.ChoiceField(label=_("转接原因"), choices=TransferReason.choices)
    note = forms.CharField(label=_("说明"), widget=NOTE, required=False, max_length=2000)


class IncomingTransferForm(forms.Form):
    to_org = forms.ModelChoiceField(label=_("接收党支部"), queryset=None)
    outside_org_name = forms.CharField(label=_("开具介绍信的党组织"), max_length=150)
    letter_no = forms.CharField(label=_("介绍信编号"), max_length=60)
    issued_on = forms.DateField(label=_("开具日期"), widget=DATE)
    reason = forms.ChoiceField(label=_("转接原因"), choices=TransferReason.choices)
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=20)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    status = forms.ChoiceField(label=_("党籍状态"), choices=[(MemberStatus.FULL, _("正式党员")),
                                                         (MemberStatus.PROBATIONARY, _("预备党员"))])
    joined_on = forms.DateField(label=_("入党时间"), widget=DATE)
    full_on = forms.DateField(label=_("转正时间"), widget=DATE, required=False)
    category = forms.ChoiceField(label=_("党费类别"), choices=DuesCategory.choices)
    work_unit = forms.CharField(label=_("工作单位"), max_length=120, required=False)
    note = forms.CharField(label=_("说明"), widget=NOTE, required=False, max_length=2000)
    PERSON = ("name", "id_number", "phone", "status", "joined_on", "full_on", "category", "work_unit")

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = branches_where(actor, "members.add_transfer")


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), widget=NOTE, required=False, max_length=2000)


class IssueForm(NoteForm):
    letter_no = forms.CharField(label=_("介绍信编号"), max_length=60, required=False,
                                help_text=_("留空自动编号"))
    issued_on = forms.DateField(label=_("开具日期"), widget=DATE, required=False, help_text=_("留空为今天"))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=NOTE, max_length=2000,
                             help_text=_("接收方不得拒收；确需退回的写明原因，转出方会看到"))


class FloatingForm(forms.Form):
    left_on = forms.DateField(label=_("外出日期"), widget=DATE)
    place = forms.CharField(label=_("流入地"), max_length=120, help_text=_("如“广东省深圳市南山区”"))
    local_org_name = forms.CharField(label=_("参加组织生活的党组织"), max_length=150, required=False)
    reason = forms.CharField(label=_("外出原因"), max_length=120, required=False)
    contact = forms.CharField(label=_("联系方式"), max_length=120, required=False)


class FloatingContactForm(forms.Form):
    on = forms.DateField(label=_("联系日期"), widget=DATE)
    note = forms.CharField(label=_("联系情况"), max_length=200, required=False)


class FloatingReturnForm(forms.Form):
    returned_on = forms.DateField(label=_("返回日期"), widget=DATE)


class LostForm(forms.Form):
    since = forms.DateField(label=_("失联日期"), widget=DATE, help_text=_("最后一次联系上的日期之后"))
    note = forms.CharField(label=_("情况说明"), max_length=200, required=False)


class FoundForm(forms.Form):
    on = forms.DateField(label=_("恢复联系日期"), widget=DATE)
    note = forms.CharField(label=_("情况说明"), max_length=200, required=False)


def _style(form) -> None:
    """Bootstrap classes for the widgets of a filter bar (outside ``.jc-fields``)."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            css = "form-check-input"
        else:
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
        field.widget.attrs.setdefault("class", css)


class ReportForm(forms.Form):
    id_number = forms.CharField(label=_("身份证号"), max_length=20,
                                help_text=_("报到党员出示的身份证号（完整 18 位）"))
    community = forms.ModelChoiceField(label=_("报到社区"), queryset=None)
    skills = forms.CharField(label=_("特长"), max_length=200, required=False,
                             help_text=_("如 法律咨询、医疗护理、维修、教育辅导"))
    availability = forms.CharField(label=_("可服务时间"), max_length=200, required=False,
                                   help_text=_("如 周末全天、工作日晚上"))
    reported_on = forms.DateField(label=_("报到日期"), widget=DATE)

    def __init__(self, *args, actor=None, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = mobility_selectors.communities(actor, "members.add_servicereport")
        if member is not None:  # picked from the roll: no number to type
            del self.fields["id_number"]


class ReportEndForm(forms.Form):
    ended_on = forms.DateField(label=_("结束日期"), widget=DATE)


class ReportFilterForm(forms.Form):
    community = forms.ModelChoiceField(label=_("社区"), queryset=None, required=False, empty_label=_("全部"))
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[
        ("open", _("报到中")), ("ended", _("已结束")), ("all", _("全部"))])
    q = forms.CharField(label=_("姓名或单位"), max_length=50, required=False)
    skill = forms.CharField(label=_("特长或时间"), max_length=50, required=False)

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = mobility_selectors.communities(actor, "members.view_servicereport")
        _style(self)


class MobilityFilterForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("党组织"), queryset=None, required=False, empty_label=_("全部"))
    q = forms.CharField(label=_("查找"), max_length=50, required=False)

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches_where(actor, "members.view_member")
        _style(self)


class FloatingFilterForm(MobilityFilterForm):
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[
        ("away", _("外出中")), ("returned", _("已返回")), ("all", _("全部"))])


class LostFilterForm(MobilityFilterForm):
    review = forms.BooleanField(label=_("只看满6个月、应提交停止党籍审查的"), required=False)
