"""Forms of the development pages. They parse and offer choices; the rules are the services'. A step's
form is built from the step's data (``rules.development.STEPS``), with the rule's words next to it."""

from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.core.forms import DATE
from jiceng.core.models import Org
from jiceng.core.rules import COMMITTEES
from jiceng.core.selectors.orgs import branches_where
from jiceng.members.models import ApplicantOutcome, DuesCategory, Education, MemberStatus, Stage
from jiceng.members.rules import development as rules
from jiceng.members.selectors import development as selectors
from jiceng.members.selectors.roll import RollFilter, member_list
from jiceng.members.services import development_checks as checks
from jiceng.members.services.roll import today


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Zero or more uploads (types and size are checked by the service)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": ",".join(sorted(checks.UPLOAD_TYPES))}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("可多选；PDF、OFD、Word、Excel 或 JPG/PNG 图片"))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(DocumentsField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _select(form):
    for field in form.fields.values():
        if isinstance(field.widget, forms.Select) and not isinstance(field.widget, forms.SelectMultiple):
            field.widget.attrs["class"] = "form-select"


class ApplicantForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("培养支部"), queryset=Org.objects.none(),
                                    help_text=_("接收入党申请书的党支部"))
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=20,
                                help_text=_("性别和出生日期由号码得出；递交申请时须年满十八岁（党章第一条，细则第五条）"))
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    applied_on = forms.DateField(label=_("递交申请日期"), widget=DATE)
    ethnicity = forms.CharField(label=_("民族"), max_length=20, initial="汉族")
    education = forms.ChoiceField(label=_("学历"), choices=[("", "—"), *Education.choices], required=False)
    work_unit = forms.CharField(label=_("工作单位"), max_length=120, required=False)
    category = forms.ChoiceField(label=_("党费类别"), choices=DuesCategory.choices, initial=DuesCategory.IN_SERVICE,
                                 help_text=_("批准为预备党员后按此类别交纳党费"))
    received_by = forms.CharField(label=_("接收人"), max_length=100, required=False)
    responsible = forms.CharField(label=_("责任人"), max_length=100, required=False)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    documents = DocumentsField(label=_("入党申请书等材料"))

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches_where(actor, "members.add_applicant")
        _select(self)


class LedgerFilterForm(forms.Form):
    q = forms.CharField(label=_("查找"), max_length=50, required=False)
    org = forms.ModelChoiceField(label=_("党组织"), queryset=Org.objects.none(), required=False)
    stage = forms.ChoiceField(label=_("阶段"), required=False, choices=[("", _("全部阶段")), *Stage.choices])
    outcome = forms.ChoiceField(label=_("结果"), required=False,
                                choices=[("", _("全部")), *ApplicantOutcome.choices])
    year = forms.IntegerField(label=_("申请年份"), required=False, min_value=1949, max_value=2200)

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = selectors.ledger_orgs(actor)
        _select(self)

    def filters(self):
        if not self.is_valid():
            return selectors.ApplicantFilter()
        d = self.cleaned_data
        return selectors.ApplicantFilter(q=d["q"], org=d["org"].pk if d["org"] else None, stage=d["stage"],
                               outcome=d["outcome"], year=d["year"])


def _member_choices(actor, applicant):
    """Full members of the applicant's branch (the service checks each one's standing)."""
    members = member_list(actor, RollFilter(branch=applicant.branch_id, status=MemberStatus.FULL))
    return list(members.order_by("name", "id").values_list("pk", "name"))


def _org_choices(actor, applicant, name):
    if name == "party_group":
        orgs = selectors.party_groups(actor, applicant.branch)
    else:
        orgs = [o for o in checks.ancestors(applicant.branch) if o.kind in COMMITTEES]
    return [("", _("（默认）")), *[(o.pk, o.name) for o in orgs]]


def _field(spec: rules.StepField, actor, applicant):
    common = {"label": spec.label, "required": spec.required, "help_text": spec.help, "initial": spec.default}
    if spec.kind == "date":
        return forms.DateField(widget=DATE, **common)
    if spec.kind == "int":
        return forms.IntegerField(min_value=0, **common)
    if spec.kind == "number":
        return forms.DecimalField(min_value=0, max_digits=6, decimal_places=1, **common)
    if spec.kind == "bool":
        return forms.BooleanField(**{**common, "required": False})
    if spec.kind == "members":
        return forms.TypedMultipleChoiceField(choices=_member_choices(actor, applicant), coerce=int,
                                              widget=forms.CheckboxSelectMultiple, **common)
    if spec.kind == "org":
        return forms.TypedChoiceField(choices=_org_choices(actor, applicant, spec.name), coerce=int, empty_value=None,
                                      **common)
    if spec.kind == "choice":
        choices = DuesCategory.choices if spec.name == "category" else list(spec.choices)
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    return forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}) if spec.name in {
        "summary", "conclusion", "delay_reason"} else None, **common)


class StepForm(forms.Form):
    """The form of one step: its date, who was responsible, its data, documents, and (for an organizer
    with the permission) the justification of an exception."""

    done_on = forms.DateField(label=_("日期"), widget=DATE)
    responsible = forms.CharField(label=_("责任人"), max_length=100, required=False)

    def __init__(self, *args, step: rules.Step, actor, applicant, may_except: bool, **kwargs):
        kwargs.setdefault("initial", {"done_on": today()})
        super().__init__(*args, **kwargs)
        self.step = step
        self.fields["done_on"].help_text = _("不能早于上一步骤的日期，也不能晚于今天；规定见上方")
        for spec in step.fields:
            self.fields[spec.name] = _field(spec, actor, applicant)
        self.fields["note"] = forms.CharField(label=_("说明"), required=False,
                                              widget=forms.Textarea(attrs={"rows": 2}))
        self.fields["documents"] = DocumentsField(label=_("材料"))
        if may_except:
            self.fields["exception_reason"] = forms.CharField(
                label=_("例外情形说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("仅在本步骤因特殊情况不符合规定时填写，须写明依据（如上级党委批准文件）；将记入审计日志"))
        _select(self)

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        data = {}
        for spec in self.step.fields:
            value = d.get(spec.name)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = float(value)
            data[spec.name] = value
        return {"done_on": d["done_on"], "responsible": d["responsible"], "note": d["note"], "data": data,
                "documents": d["documents"], "exception_reason": d.get("exception_reason", "")}


class ExtendForm(forms.Form):
    on = forms.DateField(label=_("决定日期"), widget=DATE)
    extended_to = forms.DateField(label=_("预备期延长至"), widget=DATE,
                                  help_text=_("只能延长一次，不少于半年，最长不超过一年（细则第三十二条）"))
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=DATE)
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))
