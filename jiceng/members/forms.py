"""Forms of the roll pages. Validation of substance is the services'; these parse and offer choices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.core import scope
from jiceng.core.forms import DATE
from jiceng.core.models import Org
from jiceng.core.selectors.orgs import branches_where
from jiceng.core.selectors.territory import area_by_code
from jiceng.members.models import DisciplineKind, DuesCategory, Education, MemberStatus, Sex


class AreaCodeField(forms.CharField):
    """A community typed as its code (short official codes accepted)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        return area_by_code(value)  # an unknown code is a ValidationError in words


class MemberForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=20,
                                help_text=_("18 位，最后一位可为 X；15 位旧号码自动升位。性别和出生日期由号码得出。"))
    phone = forms.CharField(label=_("手机号"), max_length=20)
    branch = forms.ModelChoiceField(label=_("组织关系所在支部"), queryset=Org.objects.none())
    status = forms.ChoiceField(label=_("党籍状态"), choices=[(MemberStatus.FULL, _("正式党员")),
                                                         (MemberStatus.PROBATIONARY, _("预备党员"))])
    joined_on = forms.DateField(label=_("入党时间"), widget=DATE,
                                help_text=_("支部大会通过接收为预备党员的日期"))
    full_on = forms.DateField(label=_("转正时间"), widget=DATE, required=False,
                              help_text=_("不填则为入党满一年之日（预备期满）"))
    category = forms.ChoiceField(label=_("党费类别"), choices=DuesCategory.choices)
    ethnicity = forms.CharField(label=_("民族"), max_length=20, initial="汉族")
    education = forms.ChoiceField(label=_("学历"), choices=[("", "—"), *Education.choices], required=False)
    work_unit = forms.CharField(label=_("工作单位"), max_length=120, required=False)
    job_title = forms.CharField(label=_("职务/岗位"), max_length=60, required=False)
    residence = AreaCodeField(label=_("居住社区代码"), max_length=12, required=False,
                              help_text=_("如 110106015001；可留空"))
    is_cadre = forms.BooleanField(label=_("领导干部（参加双重组织生活）"), required=False)
    note = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches_where(actor, "members.add_member")


class MemberEditForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False,
                            help_text=_("留空表示不修改"))
    category = forms.ChoiceField(label=_("党费类别"), choices=DuesCategory.choices)
    ethnicity = forms.CharField(label=_("民族"), max_length=20)
    education = forms.ChoiceField(label=_("学历"), choices=[("", "—"), *Education.choices], required=False)
    work_unit = forms.CharField(label=_("工作单位"), max_length=120, required=False)
    job_title = forms.CharField(label=_("职务/岗位"), max_length=60, required=False)
    residence = AreaCodeField(label=_("居住社区代码"), max_length=12, required=False)
    party_group = forms.ModelChoiceField(label=_("党小组"), queryset=Org.objects.none(), required=False)
    is_cadre = forms.BooleanField(label=_("领导干部（参加双重组织生活）"), required=False)
    note = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party_group"].queryset = Org.objects.filter(parent=member.branch, kind="group")


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("变更为"), choices=[
        (s.value, s.label) for s in MemberStatus if s not in (MemberStatus.PROBATIONARY, MemberStatus.TRANSFERRED_OUT)])
    on = forms.DateField(label=_("日期"), widget=DATE)
    reason = forms.CharField(label=_("依据或原因"), max_length=500)
    document_no = forms.CharField(label=_("文号"), max_length=60, required=False)


class DisciplineForm(forms.Form):
    kind = forms.ChoiceField(label=_("处分种类"), choices=DisciplineKind.choices)
    decided_on = forms.DateField(label=_("处分日期"), widget=DATE)
    ends_on = forms.DateField(label=_("察看期满"), widget=DATE, required=False,
                              help_text=_("仅留党察看：处分日期起一年或两年"))
    decided_by = forms.CharField(label=_("决定机关"), max_length=120, required=False)
    document_no = forms.CharField(label=_("文号"), max_length=60, required=False)
    reason = forms.CharField(label=_("事由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RollFilterForm(forms.Form):
    q = forms.CharField(label=_("查找"), max_length=50, required=False)
    branch = forms.ModelChoiceField(label=_("支部"), queryset=Org.objects.none(), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[
        ("", _("全部状态")), ("active", _("在党（预备+正式）")), *MemberStatus.choices])
    flag = forms.ChoiceField(label=_("标记"), required=False, choices=[
        ("", _("全部")), ("floating", _("流动党员")), ("lost", _("失联/未转接")), ("reporting", _("已到社区报到")),
        ("cadre", _("领导干部")), ("probation_due", _("预备期将满"))])
    category = forms.ChoiceField(label=_("党费类别"), required=False, choices=[("", _("全部类别")),
                                                                           *DuesCategory.choices])
    sex = forms.ChoiceField(label=_("性别"), required=False, choices=[("", _("全部")), *Sex.choices])

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = scope.visible(
            actor, "core.view_org", Org.objects.exclude(kind="group").filter(is_active=True)).order_by("path")
        for name in ("status", "flag", "category", "sex"):
            self.fields[name].widget.attrs["class"] = "form-select"
